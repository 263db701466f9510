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
// (SSE-C with a fixed test key), which S3Store's writer cannot send.
Status OraclePut(const S3TestServer& server, const std::string& bucket, const std::string& key,
                 const std::string& body, const std::string& sse = "");

// Sets a bucket policy that denies every PutObject into `bucket`.
Status OracleDenyWrites(const S3TestServer& server, const std::string& bucket);

// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_DEFAULT_REGION for child
// processes (stocktake, python) talking to `server`.
std::vector<std::pair<std::string, std::string>> S3ChildEnv(const S3TestServer& server);

}  // namespace stocktake::testing
