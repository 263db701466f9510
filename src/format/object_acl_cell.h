// The ObjectAccessControlList and ObjectOwner report cells (spec §4,
// docs/report-format.md): the ACL is the base64 (standard alphabet, padded)
// of UTF-8 JSON
//   {"version":"2022-11-10","status":"AVAILABLE","grants":[...]}
// with one {"canonicalId","permission","type":"CanonicalUser"} or
// {"uri","permission","type":"Group"} object per grant, in the order the
// store returned them. An unavailable ACL is status "UNAVAILABLE" with no
// grants, and its owner cell is the literal UNAVAILABLE. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "store/object_store.h"

namespace stocktake::format {

inline constexpr std::string_view kAclVersion = "2022-11-10";
inline constexpr std::string_view kUnavailable = "UNAVAILABLE";

// The JSON text of the ACL cell before base64.
std::string ObjectAclJson(const store::ObjectAcl& acl);
// The ObjectAccessControlList cell: base64 of ObjectAclJson(acl).
std::string ObjectAclCell(const store::ObjectAcl& acl);
// The ObjectOwner cell: the owner's canonical id, or UNAVAILABLE.
std::string ObjectOwnerCell(const store::ObjectAcl& acl);

}  // namespace stocktake::format
