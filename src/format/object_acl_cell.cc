#include "format/object_acl_cell.h"

#include "base/hash.h"
#include "format/manifest.h"

namespace stocktake::format {
namespace {

void AppendMember(std::string_view name, std::string_view value, std::string* out) {
  AppendJsonString(name, out);
  out->push_back(':');
  AppendJsonString(value, out);
}

}  // namespace

std::string ObjectAclJson(const store::ObjectAcl& acl) {
  std::string out = "{";
  AppendMember("version", kAclVersion, &out);
  out += ',';
  AppendMember("status", acl.available ? "AVAILABLE" : kUnavailable, &out);
  out += ",\"grants\":[";
  bool first = true;
  for (const store::AclGrant& g : acl.grants) {
    if (!acl.available) break;
    // AWS writes email grantees as the CanonicalUser they resolve to; a
    // grantee we cannot name by id or URI is left out rather than invented.
    const bool group = g.type == "Group";
    if (group ? g.uri.empty() : g.id.empty()) continue;
    if (!first) out += ',';
    first = false;
    out += '{';
    if (group) {
      AppendMember("uri", g.uri, &out);
    } else {
      AppendMember("canonicalId", g.id, &out);
    }
    out += ',';
    AppendMember("permission", g.permission, &out);
    out += ',';
    AppendMember("type", group ? "Group" : "CanonicalUser", &out);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string ObjectAclCell(const store::ObjectAcl& acl) {
  return Base64Encode(ObjectAclJson(acl));
}

std::string ObjectOwnerCell(const store::ObjectAcl& acl) {
  return acl.available ? acl.owner_id : std::string(kUnavailable);
}

}  // namespace stocktake::format
