// The independent S3 oracle of the end-to-end tests: tests/tools/s3_oracle.py
// (boto3) run against the S3TestServer, so that a report can be compared
// with a listing stocktake's own S3 code had no part in. Each call starts
// one python process; keys pass through argv and JSON, never a shell.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "store/object_store.h"
#include "testing/s3_server.h"

namespace stocktake::testing {

// Every current object (`versions` false) or every version and delete
// marker (`versions` true) of `bucket`, as boto3's paginators list them:
// key, size, etag, last_modified_ms, storage_class, and for versions
// version_id ("null" for the null version), is_latest, is_delete_marker.
Result<std::vector<store::ObjectInfo>> OracleList(const S3TestServer& server,
                                                  const std::string& bucket, bool versions);

// PutObject through boto3; `sse` is "" (none), "kms:<key-id>" or "c"
// (SSE-C with a fixed test key), which S3Store's writer cannot send;
// `canned_acl` is "" (the default, private) or "public-read", ...
Status OraclePut(const S3TestServer& server, const std::string& bucket, const std::string& key,
                 const std::string& body, const std::string& sse = "",
                 const std::string& canned_acl = "");

// One object's (or version's) ACL as boto3's get_object_acl gives it.
struct OracleAcl {
  std::string key;
  std::string version_id;  // versions only ("null" for the null version)
  std::string owner;       // canonical id
  std::string acl_json;    // the spec §4 JSON: version, status, grants in server order
};

// get_object_acl of every current object (or every version that is not a
// delete marker), in listing order.
Result<std::vector<OracleAcl>> OracleAcls(const S3TestServer& server, const std::string& bucket,
                                          bool versions);

// Sets a bucket policy that denies every PutObject into `bucket`.
Status OracleDenyWrites(const S3TestServer& server, const std::string& bucket);

// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_DEFAULT_REGION for child
// processes (stocktake, python) talking to `server`.
std::vector<std::pair<std::string, std::string>> S3ChildEnv(const S3TestServer& server);

}  // namespace stocktake::testing
