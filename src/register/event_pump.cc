#include "register/event_pump.h"

#include <chrono>
#include <thread>

#include "register/s3_event.h"

namespace stocktake::reg {

NotificationResult HandleNotification(Consolidator* consolidator, std::string_view body,
                                      const LogFn& log) {
  NotificationResult out;
  Result<std::vector<ObjectEvent>> events = ParseEventBody(body);
  if (!events.ok()) {
    out.body = events.status();
    return out;
  }
  out.records = static_cast<int>(events->size());
  for (const ObjectEvent& event : *events) {
    const std::string target = "s3://" + event.bucket + "/" + event.key;
    Result<IngestOutcome> outcome = consolidator->HandleEvent(event);
    if (!outcome.ok()) {
      out.ingest = outcome.status().WithContext("event " + target);
      if (log) log(out.ingest.message());
      return out;
    }
    switch (outcome->result) {
      case IngestResult::kRegistered:
      case IngestResult::kSuperseded:
        ++out.registered;
        break;
      case IngestResult::kQuarantined:
        ++out.quarantined;
        break;
      case IngestResult::kAlreadyKnown:
      case IngestResult::kIncomplete:
        ++out.ignored;
        break;
    }
    if (log) {
      log("event " + target + ": " + IngestResultName(outcome->result) +
          (outcome->reason.empty() ? "" : " (" + outcome->reason + ")"));
    }
  }
  return out;
}

EventPump::EventPump(Source* source, Consolidator* consolidator, LogFn log,
                     EventPumpOptions options)
    : source_(source), consolidator_(consolidator), log_(std::move(log)), options_(options) {}

Status EventPump::HandleBatch(const SourceBatch& batch) {
  ++batches_;
  NotificationResult result = HandleNotification(consolidator_, batch.body, log_);
  if (!result.ingest.ok()) {
    ++released_;
    Status released = source_->Release(batch.cursor, options_.retry_delay_ms);
    if (log_) {
      log_(batch.origin + ": " +
           (released.ok() ? "not acknowledged, delivered again in " +
                                std::to_string(options_.retry_delay_ms) + " ms"
                          : released.message()));
    }
    return result.ingest;
  }
  if (!result.body.ok()) {
    ++dropped_;
    if (log_) log_("dropped " + batch.origin + ": " + result.body.message());
  }
  registered_ += result.registered;
  Status committed = source_->Commit(batch.cursor);
  if (!committed.ok()) {
    if (log_) log_(batch.origin + ": " + committed.message());
    return committed;
  }
  ++committed_;
  return Status::OK();
}

void EventPump::Run(const std::atomic<bool>* stop) {
  while (!*stop) {
    Result<std::optional<SourceBatch>> batch = source_->Next(options_.wait_ms);
    if (!batch.ok()) {
      if (log_) log_(batch.status().message());
      // Sliced so that a stop is seen promptly.
      for (int waited = 0; waited < options_.error_pause_ms && !*stop; waited += 50) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    if (!batch->has_value()) continue;
    // HandleBatch logs its failures; the batch comes again.
    Status handled = HandleBatch(**batch);
    (void)handled;
  }
}

EventPumpStats EventPump::stats() const {
  EventPumpStats out;
  out.batches = batches_;
  out.committed = committed_;
  out.released = released_;
  out.dropped = dropped_;
  out.registered = registered_;
  return out;
}

}  // namespace stocktake::reg
