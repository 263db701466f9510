// End-to-end: the per-object report fields that need a request beyond the
// listing — ObjectAccessControlList/ObjectOwner (GetObjectAcl) and the
// HEAD-only fields — on the real S3 server, for current objects and for
// every version of a versioned bucket. Expected values come from boto3
// (get_object_acl) and from how the test wrote each version; DuckDB reads
// the report and decodes the base64 ACL JSON.
#include <gtest/gtest.h>

#include <map>
#include <simdjson.h>

#include "base/hash.h"
#include "testing/duckdb.h"
#include "testing/s3_e2e.h"
#include "testing/s3_oracle.h"

namespace stocktake::testing {
namespace {

// [key, version_id, decoded ACL JSON, owner] rows from DuckDB, keyed by
// "key\x1fversion".
std::map<std::string, std::pair<std::string, std::string>> DuckDbAcls(
    const FetchedReport& report, bool versions) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  Result<std::vector<std::string>> rows = DuckDbQuery(
      "SELECT url_decode(replace(key, '+', ' ')), " +
      std::string(versions ? "version_id" : "''") +
      ", decode(from_base64(object_access_control_list)), object_owner FROM " +
      S3EndToEndTest::DuckDbSource(report) + " WHERE object_access_control_list IS NOT NULL");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return out;
  simdjson::dom::parser parser;
  for (const std::string& row : *rows) {
    simdjson::dom::element doc;
    std::string_view key, version, acl, owner;
    if (parser.parse(row).get(doc) || doc.at(0).get_string().get(key) ||
        doc.at(2).get_string().get(acl) || doc.at(3).get_string().get(owner)) {
      ADD_FAILURE() << "unexpected DuckDB row " << row;
      continue;
    }
    if (doc.at(1).get_string().get(version)) version = "";
    out[std::string(key) + "\x1f" + std::string(version)] = {std::string(acl), std::string(owner)};
  }
  return out;
}

class ScanS3MetadataTest : public S3EndToEndTest {
 protected:
  void Scan(const std::string& src, const std::string& dst, std::vector<std::string> args) {
    args.insert(args.begin(),
                {"scan", "s3://" + src, "--dest", "s3://" + dst, "--endpoint-url",
                 server_->endpoint()});
    RunResult run = Stocktake(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err, "");
  }
};

TEST_F(ScanS3MetadataTest, AclAndOwnerEqualBoto3GetObjectAclAndDecodeInDuckDb) {
  const std::string src = NewBucket("acl");
  const std::string dst = NewBucket("acl-dst");
  const std::map<std::string, std::string> canned = {
      {"private key", "private"},
      {"public+read", "public-read"},
      {"auth/read \xC3\xA9", "authenticated-read"},
      {"public/read-write", "public-read-write"},
  };
  for (const auto& [key, acl] : canned) ASSERT_TRUE(OraclePut(*server_, src, key, key, "", acl).ok());

  Scan(src, dst, {"--fields", "Size,ObjectAccessControlList,ObjectOwner"});

  FetchedReport report = Report(dst, "", src, "scan");
  Result<std::vector<OracleAcl>> oracle = OracleAcls(*server_, src, /*versions=*/false);
  ASSERT_TRUE(oracle.ok()) << oracle.status().ToString();
  ASSERT_EQ(oracle->size(), canned.size());
  ASSERT_EQ(report.rows.size(), canned.size());
  std::map<std::string, std::pair<std::string, std::string>> want;
  for (const OracleAcl& o : *oracle) want[o.key + "\x1f"] = {o.acl_json, o.owner};
  for (size_t i = 0; i < report.rows.size(); ++i) {
    const store::ObjectInfo& row = report.rows[i];
    const OracleAcl& o = (*oracle)[i];
    EXPECT_EQ(row.key, o.key);
    EXPECT_EQ(row.access_control_list, Base64Encode(o.acl_json)) << row.key;
    EXPECT_EQ(row.owner_id, o.owner) << row.key;
  }
  EXPECT_EQ(DuckDbAcls(report, /*versions=*/false), want);
  // The grants differ per canned ACL, so the report really is per object.
  EXPECT_NE(want["public+read\x1f"].first, want["private key\x1f"].first);
  EXPECT_NE(want["public+read\x1f"].first.find("AllUsers"), std::string::npos);
}

TEST_F(ScanS3MetadataTest, EveryVersionGetsItsOwnHeadFieldsAndAcl) {
  const std::string src = NewBucket("vermeta");
  const std::string dst = NewBucket("vermeta-dst");
  ASSERT_TRUE(store_->Put(src, "pre null", "null version, plain").ok());
  ASSERT_TRUE(store_->SetVersioning(src, true).ok());
  // Each version of "k" differs in encryption and ACL from the next.
  ASSERT_TRUE(OraclePut(*server_, src, "k", "v1", "kms:testkey-1", "public-read").ok());
  ASSERT_TRUE(OraclePut(*server_, src, "k", "v2", "c", "").ok());
  ASSERT_TRUE(OraclePut(*server_, src, "k", "v3", "", "authenticated-read").ok());
  ASSERT_TRUE(OraclePut(*server_, src, "pre null", "overwrite", "kms:testkey-1", "").ok());
  ASSERT_TRUE(store_->Put(src, "gone", "soon deleted").ok());
  ASSERT_TRUE(store_->Delete(src, "gone").ok());  // a delete marker over a plain version

  Scan(src, dst, {"--versions", "all", "--fields",
                  "Size,EncryptionStatus,ObjectAccessControlList,ObjectOwner"});

  FetchedReport report = Report(dst, "", src, "scan");
  ExpectRowsEqualOracle(report, src, /*versions=*/true);
  ASSERT_EQ(report.rows.size(), 7u);
  // Versions of one key come newest first; the marker has no object fields.
  std::vector<std::string> encryption;
  for (const store::ObjectInfo& row : report.rows) {
    encryption.push_back(row.key + (row.is_delete_marker ? " marker " : " ") +
                         row.encryption_status);
  }
  EXPECT_EQ(encryption, (std::vector<std::string>{"gone marker ", "gone NOT-SSE", "k NOT-SSE",
                                                  "k SSE-C", "k SSE-KMS", "pre null SSE-KMS",
                                                  "pre null NOT-SSE"}));

  Result<std::vector<OracleAcl>> oracle = OracleAcls(*server_, src, /*versions=*/true);
  ASSERT_TRUE(oracle.ok()) << oracle.status().ToString();
  std::map<std::string, std::pair<std::string, std::string>> want;
  for (const OracleAcl& o : *oracle) {
    // Reports write the null version's id as "".
    want[o.key + "\x1f" + (o.version_id == "null" ? "" : o.version_id)] = {o.acl_json, o.owner};
  }
  EXPECT_EQ(want.size(), 6u);  // every version but the delete marker
  for (const store::ObjectInfo& row : report.rows) {
    if (!row.is_delete_marker) continue;
    EXPECT_EQ(row.access_control_list, "") << "a delete marker has no ACL";
  }
  EXPECT_EQ(DuckDbAcls(report, /*versions=*/true), want);
}

}  // namespace
}  // namespace stocktake::testing
