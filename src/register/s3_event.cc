#include "register/s3_event.h"

#include <simdjson.h>

#include "base/url.h"

namespace stocktake::reg {
namespace {

Status Bad(std::string why) { return InvalidArgument("event notification: " + why); }

std::string Field(simdjson::dom::element element, std::string_view path) {
  std::string_view value;
  if (element.at_pointer(path).get_string().get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

Result<ObjectEvent> ParseRecord(simdjson::dom::element record) {
  if (!record.is_object()) return Bad("a Records entry is not an object");
  const std::string version = Field(record, "/eventVersion");
  if (!version.empty() && version.substr(0, version.find('.')) != "2") {
    return Bad("eventVersion '" + version + "' is not 2.x");
  }
  ObjectEvent event;
  event.event_name = Field(record, "/eventName");
  if (event.event_name.rfind("s3:", 0) == 0) event.event_name.erase(0, 3);
  event.region = Field(record, "/awsRegion");
  event.bucket = Field(record, "/s3/bucket/name");
  const std::string raw_key = Field(record, "/s3/object/key");
  event.sequencer = Field(record, "/s3/object/sequencer");
  if (event.bucket.empty() || raw_key.empty()) return Bad("a record without s3.bucket.name or s3.object.key");
  Result<std::string> key = UrlDecode(raw_key, /*plus_is_space=*/true);
  if (!key.ok()) return Bad("key '" + raw_key + "': " + key.status().message());
  event.key = std::move(key).value();
  return event;
}

Result<std::vector<ObjectEvent>> ParseDocument(std::string_view body, int depth) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return Bad(std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  if (!root.is_object()) return Bad("the body is not a JSON object");
  std::vector<ObjectEvent> events;
  simdjson::dom::array records;
  if (root["Records"].get_array().get(records) == simdjson::SUCCESS) {
    for (simdjson::dom::element record : records) {
      ASSIGN_OR_RETURN(ObjectEvent event, ParseRecord(record));
      events.push_back(std::move(event));
    }
    return events;
  }
  if (Field(root, "/Event") == "s3:TestEvent") return events;
  const std::string type = Field(root, "/Type");
  if (!type.empty()) {
    if (type != "Notification") return events;  // SubscriptionConfirmation & co.
    if (depth > 0) return Bad("an SNS envelope inside an SNS envelope");
    std::string_view message;
    if (root["Message"].get_string().get(message) != simdjson::SUCCESS) {
      return Bad("SNS Notification without a string Message");
    }
    std::string copy(message);  // the parser's buffer is reused below
    return ParseDocument(copy, depth + 1);
  }
  return Bad("neither Records, an SNS Notification nor an s3:TestEvent");
}

}  // namespace

Result<std::vector<ObjectEvent>> ParseEventBody(std::string_view body) {
  return ParseDocument(body, 0);
}

bool IsObjectCreated(const ObjectEvent& event) {
  return event.event_name.rfind("ObjectCreated:", 0) == 0;
}

}  // namespace stocktake::reg
