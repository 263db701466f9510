// Split points for dividing S3's key space (UTF-8 keys in byte order)
// between concurrent listers. A split key only has to order correctly
// against real keys; it need not exist. Split keys are kept valid UTF-8 by
// only ever adding ASCII bytes after a shared prefix, so any endpoint
// accepts them as start-after / key-marker values. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stocktake::inventory {

// A key m with lower < m < upper (upper nullopt = no bound) roughly halfway
// between them in byte order, using only ASCII bytes after the longest
// common prefix of lower and upper; nullopt when no such key exists there
// (e.g. upper is lower + "\0", or lower's next byte is non-ASCII and the
// upper bound leaves no ASCII room). Where lower has a digit or a letter,
// m stays within that class ('0'-'9', 'a'-'z', 'A'-'Z'), going a byte
// deeper when lower's byte is the class's last: real keys vary within
// their classes, so a split past them would mostly cut off no keys at all.
std::optional<std::string> SplitKeyBetween(std::string_view lower,
                                           std::optional<std::string_view> upper);

// The least string greater than every key starting with `prefix`
// ("ab" -> "ac", "a\xff" -> "b"); nullopt for "" or all-0xff prefixes.
std::optional<std::string> PrefixEnd(std::string_view prefix);

}  // namespace stocktake::inventory
