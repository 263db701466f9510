#include "notify/report_event.h"

#include <cinttypes>
#include <cstdio>

#include "base/hash.h"
#include "base/time_util.h"
#include "base/url.h"
#include "format/manifest.h"

namespace stocktake::notify {
namespace {

using format::AppendJsonString;

std::string Upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

bool HasVersion(const ReportEvent& event) {
  return !event.version_id.empty() && event.version_id != "null";
}

std::string OrDefault(const std::string& value, const char* fallback) {
  return value.empty() ? std::string(fallback) : value;
}

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  AppendJsonString(name, out);
  out->push_back(':');
  AppendJsonString(value, out);
}

}  // namespace

std::string EventId(const ReportEvent& event) {
  std::string material = event.bucket;
  for (const std::string* part : {&event.key, &event.version_id, &event.etag}) {
    material.push_back('\0');
    material += *part;
  }
  material.push_back('\0');
  material += std::to_string(event.size);
  return Upper(Sha256Hex(material).substr(0, 16));
}

std::string DefaultSequencer(int64_t event_time_ms) {
  // Milliseconds scaled into the high bits leave room below for ordering
  // within a millisecond, as S3's own sequencers do.
  const auto value = static_cast<uint64_t>(event_time_ms < 0 ? 0 : event_time_ms) << 20;
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%018" PRIX64, value);
  return buf;
}

std::string ToS3EventJson(const ReportEvent& event) {
  const std::string id = event.id.empty() ? EventId(event) : event.id;
  std::string out;
  out.reserve(1024 + event.key.size() * 3);
  out += "{\"Records\":[{";
  AppendField("eventVersion", "2.1", &out);
  out += ',';
  AppendField("eventSource", "aws:s3", &out);
  out += ',';
  AppendField("awsRegion", OrDefault(event.region, "us-east-1"), &out);
  out += ',';
  AppendField("eventTime", FormatIso8601Millis(event.event_time_ms), &out);
  out += ',';
  AppendField("eventName", "ObjectCreated:Put", &out);
  out += ",\"userIdentity\":{";
  AppendField("principalId", OrDefault(event.principal_id, "stocktake"), &out);
  out += "},\"requestParameters\":{";
  AppendField("sourceIPAddress", event.source_ip, &out);
  out += "},\"responseElements\":{";
  AppendField("x-amz-request-id", id, &out);
  out += ',';
  AppendField("x-amz-id-2", Base64Encode(Sha256("stocktake-event\n" + id)), &out);
  out += "},\"s3\":{";
  AppendField("s3SchemaVersion", "1.0", &out);
  out += ',';
  AppendField("configurationId", event.configuration_id, &out);
  out += ",\"bucket\":{";
  AppendField("name", event.bucket, &out);
  out += ",\"ownerIdentity\":{";
  AppendField("principalId", OrDefault(event.bucket_owner_id, "stocktake"), &out);
  out += "},";
  AppendField("arn", "arn:aws:s3:::" + event.bucket, &out);
  out += "},\"object\":{";
  // Form-URL encoding as S3 applies it to event keys: '/' kept, space '+'.
  AppendField("key", InventoryKeyEncode(event.key), &out);
  out += ",\"size\":" + std::to_string(event.size) + ',';
  AppendField("eTag", event.etag, &out);
  if (HasVersion(event)) {
    out += ',';
    AppendField("versionId", event.version_id, &out);
  }
  out += ',';
  AppendField("sequencer",
              event.sequencer.empty() ? DefaultSequencer(event.event_time_ms) : event.sequencer,
              &out);
  out += "}}}]}";
  return out;
}

Result<ReportEvent> MakeReportEvent(const ReportObject& object, const Clock& clock) {
  Result<store::ObjectInfo> head = object.destination->Head(object.bucket, object.key);
  if (!head.ok()) {
    return head.status().WithContext("announce " +
                                     object.destination->Url(object.bucket, object.key));
  }
  ReportEvent event;
  event.region = object.region;
  event.event_time_ms = clock.NowMillis();
  event.configuration_id = object.configuration_id;
  event.bucket = object.bucket;
  event.bucket_owner_id = object.owner_id;
  event.principal_id = object.owner_id;
  event.key = object.key;
  event.size = head->size;
  event.etag = head->etag;
  if (head->version_id != "null") event.version_id = head->version_id;
  event.sequencer = DefaultSequencer(event.event_time_ms);
  event.id = EventId(event);
  return event;
}

}  // namespace stocktake::notify
