// The hook through which the daemon announces each report it delivers: after
// a scheduled or remote run has written the report's manifest.checksum
// (AWS layout; manifest.json for the OBS layout, which has no checksum
// file), the Scheduler calls its ReportDeliveredListener once with where the
// report is. It carries what an S3 `ObjectCreated:Put` event record for the
// marker object needs (spec §6). Notification senders (webhook, NATS) plug
// in here; the default listener does nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace stocktake::schedule {

struct ReportDelivered {
  // Where the report is.
  std::string store_id;        // the destination store ("local:/abs", "s3:http://...")
  std::string bucket;          // destination bucket
  std::string region;          // destination bucket's region ("" when unknown)
  std::string account_id;      // 12-digit owner of the destination bucket
  std::string checksum_key;    // ".../manifest.checksum"; "" for the OBS layout
  std::string manifest_key;    // ".../manifest.json"
  std::string manifest_url;    // "s3://bucket/key" or a file path, as the store names it
  // The marker object the event is about: checksum_key, or manifest_key for
  // OBS. Its size in bytes and its ETag (hex, without quotes; "" when the
  // store has none).
  std::string object_key;
  int64_t object_size = 0;
  std::string object_etag;
  int64_t event_time_ms = 0;   // when the marker was written (run end)

  // What produced it.
  std::string source_bucket;
  std::string config_id;
  int64_t run_id = 0;
  int64_t objects = 0;  // rows in the report
};

// Called on a scheduler worker thread, once per delivered report, after the
// run history records it. Must be thread-safe and should not block long: a
// slow listener delays that worker's next run.
using ReportDeliveredListener = std::function<void(const ReportDelivered&)>;

}  // namespace stocktake::schedule
