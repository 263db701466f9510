#include "testing/s3_event.h"

#include <simdjson.h>

namespace stocktake::testing {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Status Bad(const std::string& what) { return InvalidArgument("S3 event: " + what); }

std::vector<std::string> Members(object obj) {
  std::vector<std::string> out;
  for (auto field : obj) out.emplace_back(field.key);
  return out;
}

Status GetObject(object parent, const char* name, object* out) {
  if (parent[name].get_object().get(*out) != simdjson::SUCCESS) {
    return Bad(std::string("no object member '") + name + "'");
  }
  return Status::OK();
}

Status GetString(object parent, const char* name, std::string* out) {
  std::string_view value;
  if (parent[name].get_string().get(value) != simdjson::SUCCESS) {
    return Bad(std::string("no string member '") + name + "'");
  }
  *out = std::string(value);
  return Status::OK();
}

}  // namespace

Result<ParsedS3Event> ParseS3Event(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return Bad(std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) return Bad("not an object");
  simdjson::dom::array records;
  if (top["Records"].get_array().get(records) != simdjson::SUCCESS) return Bad("no Records");
  ParsedS3Event ev;
  ev.record_count = records.size();
  if (ev.record_count == 0) return Bad("empty Records");
  object rec;
  if (records.at(0).get_object().get(rec) != simdjson::SUCCESS) return Bad("Records[0]");
  ev.record_members = Members(rec);
  RETURN_IF_ERROR(GetString(rec, "eventVersion", &ev.event_version));
  RETURN_IF_ERROR(GetString(rec, "eventSource", &ev.event_source));
  RETURN_IF_ERROR(GetString(rec, "awsRegion", &ev.aws_region));
  RETURN_IF_ERROR(GetString(rec, "eventTime", &ev.event_time));
  RETURN_IF_ERROR(GetString(rec, "eventName", &ev.event_name));
  object user, params, response, s3, bucket, owner, obj;
  RETURN_IF_ERROR(GetObject(rec, "userIdentity", &user));
  RETURN_IF_ERROR(GetString(user, "principalId", &ev.user_principal_id));
  RETURN_IF_ERROR(GetObject(rec, "requestParameters", &params));
  RETURN_IF_ERROR(GetString(params, "sourceIPAddress", &ev.source_ip));
  RETURN_IF_ERROR(GetObject(rec, "responseElements", &response));
  RETURN_IF_ERROR(GetString(response, "x-amz-request-id", &ev.request_id));
  RETURN_IF_ERROR(GetString(response, "x-amz-id-2", &ev.id2));
  RETURN_IF_ERROR(GetObject(rec, "s3", &s3));
  ev.s3_members = Members(s3);
  RETURN_IF_ERROR(GetString(s3, "s3SchemaVersion", &ev.schema_version));
  RETURN_IF_ERROR(GetString(s3, "configurationId", &ev.configuration_id));
  RETURN_IF_ERROR(GetObject(s3, "bucket", &bucket));
  ev.bucket_members = Members(bucket);
  RETURN_IF_ERROR(GetString(bucket, "name", &ev.bucket_name));
  RETURN_IF_ERROR(GetObject(bucket, "ownerIdentity", &owner));
  RETURN_IF_ERROR(GetString(owner, "principalId", &ev.bucket_owner));
  RETURN_IF_ERROR(GetString(bucket, "arn", &ev.bucket_arn));
  RETURN_IF_ERROR(GetObject(s3, "object", &obj));
  ev.object_members = Members(obj);
  RETURN_IF_ERROR(GetString(obj, "key", &ev.key));
  element size;
  if (obj["size"].get(size) != simdjson::SUCCESS) return Bad("no object.size");
  ev.size_is_number = size.is_int64() || size.is_uint64();
  if (ev.size_is_number) ev.size = size.get_int64().value_unsafe();
  RETURN_IF_ERROR(GetString(obj, "eTag", &ev.etag));
  RETURN_IF_ERROR(GetString(obj, "sequencer", &ev.sequencer));
  ev.has_version_id = obj["versionId"].error() == simdjson::SUCCESS;
  if (ev.has_version_id) RETURN_IF_ERROR(GetString(obj, "versionId", &ev.version_id));
  return ev;
}

}  // namespace stocktake::testing
