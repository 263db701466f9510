// S3 event notifications as the register receives them (spec §6): the
// direct body {"Records":[...]} (S3 -> SQS, RGW/MinIO webhooks, stocktake's
// own daemon, SNS raw delivery), the SNS envelope {"Type":"Notification",
// "Message":"<the S3 JSON as a string>"} whose Message is parsed a second
// time, and the s3:TestEvent, which carries no records. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::reg {

struct ObjectEvent {
  std::string event_name;  // "ObjectCreated:Put" (no "s3:" prefix)
  std::string region;      // awsRegion, "" when absent
  std::string bucket;      // s3.bucket.name
  std::string key;         // s3.object.key, form-URL-decoded
  std::string sequencer;   // "" when absent

  bool operator==(const ObjectEvent&) const = default;
};

// The records of one notification body; empty for a test event or an SNS
// message of another Type (SubscriptionConfirmation...). InvalidArgument
// naming the problem for invalid JSON, a body that is none of these forms,
// an eventVersion whose major is not 2, or a record without bucket or key.
// Unknown fields are ignored.
Result<std::vector<ObjectEvent>> ParseEventBody(std::string_view body);

// True for ObjectCreated:* events.
bool IsObjectCreated(const ObjectEvent& event);

}  // namespace stocktake::reg
