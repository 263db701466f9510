// ParseS3Event: reads an S3 event notification body (spec §6) back with
// simdjson, independently of the writer, into plain fields plus the exact
// member names of each object, so tests can check every field and that no
// field is missing or extra. Test helper; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace stocktake::testing {

struct ParsedS3Event {
  size_t record_count = 0;
  std::vector<std::string> record_members;  // member names of Records[0], in order
  std::string event_version, event_source, aws_region, event_time, event_name;
  std::string user_principal_id;
  std::string source_ip;
  std::string request_id, id2;
  std::vector<std::string> s3_members;
  std::string schema_version, configuration_id;
  std::vector<std::string> bucket_members;
  std::string bucket_name, bucket_owner, bucket_arn;
  std::vector<std::string> object_members;
  std::string key;  // as sent (form-URL-encoded)
  bool size_is_number = false;
  int64_t size = -1;
  std::string etag, sequencer;
  bool has_version_id = false;
  std::string version_id;
};

// InvalidArgument naming the first problem (invalid JSON, missing member,
// wrong type).
Result<ParsedS3Event> ParseS3Event(const std::string& json);

}  // namespace stocktake::testing
