// EventPump: drives one Source into the Consolidator. For each batch it
// parses the notification body (s3_event.h), hands every record to
// Consolidator::HandleEvent, and then
//  - commits the batch when every record was registered, quarantined or
//    ignored (not a report, already known): the ack follows the commit of
//    the partition, never precedes it;
//  - commits (drops) a body that is not an S3 event notification at all,
//    with a log line, so that one bad message does not block the stream;
//  - releases the batch with a delay after a transient failure (store or
//    catalog unavailable), so the source delivers it again; the records
//    already registered come back as already known.
// HandleNotification is that per-body step alone; the HTTP webhook uses it
// too. Thread-safe as far as the Consolidator is; one Run() per pump. The
// Source and the Consolidator must outlive the pump.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "register/consolidator.h"
#include "register/source.h"

namespace stocktake::reg {

using LogFn = std::function<void(const std::string&)>;

struct NotificationResult {
  Status body;    // not OK: not an event notification (permanent; drop it)
  Status ingest;  // not OK: a transient failure; the rest of the body was not handled
  int records = 0;
  int registered = 0;  // registered or superseded
  int quarantined = 0;
  int ignored = 0;  // not a report, already known, incomplete
};

// Parses `body` and hands each record to `consolidator`, stopping at the
// first transient failure. `log` (may be empty) gets one line per record.
NotificationResult HandleNotification(Consolidator* consolidator, std::string_view body,
                                      const LogFn& log);

struct EventPumpOptions {
  int wait_ms = 1000;             // Next()'s wait, so that a stop is seen
  int64_t retry_delay_ms = 5000;  // Release delay after a transient failure
  int error_pause_ms = 1000;      // pause after the source itself failed
};

struct EventPumpStats {
  int64_t batches = 0;
  int64_t committed = 0;
  int64_t released = 0;
  int64_t dropped = 0;  // bodies that were not events (committed too)
  int64_t registered = 0;
};

class EventPump {
 public:
  EventPump(Source* source, Consolidator* consolidator, LogFn log, EventPumpOptions options = {});

  // Handles one batch and commits or releases it. Returns (and logs) the
  // transient failure (after releasing), or the source's failure to commit.
  Status HandleBatch(const SourceBatch& batch);
  // Reads and handles batches until *stop; never returns an error (each is
  // logged and retried).
  void Run(const std::atomic<bool>* stop);

  EventPumpStats stats() const;

 private:
  Source* source_;
  Consolidator* consolidator_;
  LogFn log_;
  EventPumpOptions options_;
  std::atomic<int64_t> batches_{0}, committed_{0}, released_{0}, dropped_{0}, registered_{0};
};

}  // namespace stocktake::reg
