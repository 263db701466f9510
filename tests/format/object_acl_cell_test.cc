#include "format/object_acl_cell.h"

#include <gtest/gtest.h>

#include "base/hash.h"

namespace stocktake::format {
namespace {

using store::AclGrant;
using store::ObjectAcl;

AclGrant Grant(std::string type, std::string id, std::string uri, std::string email,
               std::string permission) {
  AclGrant g;
  g.type = std::move(type);
  g.id = std::move(id);
  g.uri = std::move(uri);
  g.email = std::move(email);
  g.permission = std::move(permission);
  return g;
}

TEST(ObjectAclCellTest, AvailableAclIsTheSpecJsonInGrantOrder) {
  ObjectAcl acl;
  acl.owner_id = "owner\"id";
  acl.grants = {
      Grant("Group", "", "http://acs.amazonaws.com/groups/global/AllUsers", "", "READ"),
      Grant("CanonicalUser", "owner\"id", "", "", "FULL_CONTROL"),
      // An email grantee that the store resolved to an id is that user...
      Grant("AmazonCustomerByEmail", "u2", "", "a@b.c", "WRITE_ACP"),
      // ...and one it did not is left out rather than given a made-up id.
      Grant("AmazonCustomerByEmail", "", "", "x@y.z", "READ"),
  };
  const std::string json =
      "{\"version\":\"2022-11-10\",\"status\":\"AVAILABLE\",\"grants\":["
      "{\"uri\":\"http://acs.amazonaws.com/groups/global/AllUsers\",\"permission\":\"READ\","
      "\"type\":\"Group\"},"
      "{\"canonicalId\":\"owner\\\"id\",\"permission\":\"FULL_CONTROL\",\"type\":\"CanonicalUser\"},"
      "{\"canonicalId\":\"u2\",\"permission\":\"WRITE_ACP\",\"type\":\"CanonicalUser\"}]}";
  EXPECT_EQ(ObjectAclJson(acl), json);
  EXPECT_EQ(ObjectAclCell(acl), Base64Encode(json));
  EXPECT_EQ(ObjectOwnerCell(acl), "owner\"id");
}

TEST(ObjectAclCellTest, UnavailableAclSaysSoInTheJsonAndTheOwner) {
  ObjectAcl acl;
  acl.available = false;
  acl.owner_id = "ignored";
  acl.grants = {Grant("CanonicalUser", "x", "", "", "READ")};
  EXPECT_EQ(ObjectAclJson(acl), "{\"version\":\"2022-11-10\",\"status\":\"UNAVAILABLE\",\"grants\":[]}");
  EXPECT_EQ(ObjectAclCell(acl),
            "eyJ2ZXJzaW9uIjoiMjAyMi0xMS0xMCIsInN0YXR1cyI6IlVOQVZBSUxBQkxFIiwiZ3JhbnRzIjpbXX0=");
  EXPECT_EQ(ObjectOwnerCell(acl), "UNAVAILABLE");
}

TEST(ObjectAclCellTest, NoGrantsIsAnEmptyList) {
  ObjectAcl acl;
  acl.owner_id = "o";
  EXPECT_EQ(ObjectAclJson(acl), "{\"version\":\"2022-11-10\",\"status\":\"AVAILABLE\",\"grants\":[]}");
}

}  // namespace
}  // namespace stocktake::format
