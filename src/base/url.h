// Percent-encoding in its three dialects:
//  - SigV4 URI encoding (RFC 3986 unreserved kept, optional '/' kept),
//  - S3 Inventory CSV key encoding (A-Z a-z 0-9 - _ . * / kept, space as '+',
//    every other byte %XX uppercase; spec §4 DECISION),
//  - decoding, with or without '+' meaning space.
// Pure functions, thread-safe. The Append* forms write into a caller buffer
// so hot loops allocate nothing.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace stocktake {

std::string UriEncode(std::string_view in, bool keep_slash);
void AppendInventoryKeyEncoded(std::string_view key, std::string* out);
std::string InventoryKeyEncode(std::string_view key);
// Decodes %XX; '+' becomes space when plus_is_space. InvalidArgument on a
// malformed escape.
Result<std::string> UrlDecode(std::string_view in, bool plus_is_space);

}  // namespace stocktake
