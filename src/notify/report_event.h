// ReportEvent: the announcement that one inventory report was published —
// its destination manifest.checksum (OBS: manifest.json) object landed — and
// its rendering as an S3 event notification body (spec §6, the form S3
// sends to SQS/SNS/webhooks: {"Records":[{ "eventName":"ObjectCreated:Put",
// ... }]}). Consumers trigger on it exactly as they would on a real S3
// bucket notification.
//
// Each event carries a stable id (EventId): a hash of the object it
// announces, so re-publishing the same report yields the same id and
// receivers (and NATS JetStream, via Nats-Msg-Id) can deduplicate. The id
// is also the event's x-amz-request-id. Plain values and pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "store/object_store.h"

namespace stocktake::notify {

struct ReportEvent {
  std::string id;                // stable id; "" = EventId(*this) when rendered/published
  std::string region;            // awsRegion; "" = "us-east-1"
  int64_t event_time_ms = 0;     // when the object landed, epoch ms UTC
  std::string configuration_id;  // the inventory configuration id
  std::string bucket;            // the DESTINATION bucket
  std::string bucket_owner_id;   // bucket.ownerIdentity.principalId; "" = "stocktake"
  std::string principal_id;      // userIdentity.principalId; "" = "stocktake"
  std::string source_ip = "127.0.0.1";
  std::string key;  // raw (unencoded) key of manifest.checksum
  int64_t size = 0;
  std::string etag;        // no quotes
  std::string version_id;  // "" (or "null") = unversioned: omitted
  std::string sequencer;   // hex; "" = derived from event_time_ms
};

// The stable id: 16 uppercase hex characters derived from bucket, key,
// version, ETag and size (not the time: announcing the same object twice
// gives the same id). A rewritten report has a new checksum ETag.
std::string EventId(const ReportEvent& event);

// 18 uppercase hex digits that grow with event_time_ms (spec §6: later
// events on a key have larger sequencers).
std::string DefaultSequencer(int64_t event_time_ms);

// The S3 event JSON (one record). Key form-URL-encoded (space -> '+'),
// size a number, versionId only when present.
std::string ToS3EventJson(const ReportEvent& event);

// What a report run knows about the object it published; the rest comes
// from a HEAD on the destination.
struct ReportObject {
  store::ObjectStore* destination = nullptr;  // must outlive the call
  std::string bucket;
  std::string key;  // manifest.checksum (or manifest.json for OBS)
  std::string configuration_id;
  std::string region;
  std::string owner_id;  // destination account id, "" when unknown
};

// HEADs the object and fills an event (size, ETag, version, time from
// `clock`). Fails with the Head error, prefixed "announce <url>".
Result<ReportEvent> MakeReportEvent(const ReportObject& object, const Clock& clock);

}  // namespace stocktake::notify
