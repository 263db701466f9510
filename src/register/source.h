// Source: a stream of S3 event notifications the register consumes with
// at-least-once delivery, made exactly-once by the idempotent ingest
// (docs/register.md, "Events").
//
// Next() yields one batch at a time: the records of one notification body
// (a message on a queue, a line of a log...) plus a cursor. The consumer
// (EventPump) registers what the batch names and then calls Commit(cursor)
// — only after every report of the batch is durably registered, quarantined
// or deliberately ignored — or Release(cursor, delay) after a transient
// failure, so that the batch comes again. A batch neither committed nor
// released (the process died) comes again after a restart: a source resumes
// from its last commit.
//
// Implementations: NatsSource (JetStream durable pull consumer). The HTTP
// webhook is not a Source: it is push, and its "commit" is the HTTP answer
// sent after the ingest (server/register_webhook.h); it shares the per-body
// handling (HandleNotification in event_pump.h).
//
// A Source is used by one consumer thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"

namespace stocktake::reg {

struct SourceBatch {
  uint64_t cursor = 0;  // opaque; pass back to Commit or Release
  std::string origin;   // for logs: "nats://h:p stream S seq 42 (delivery 1)"
  std::string body;     // the notification as received (ParseEventBody's input)
};

class Source {
 public:
  virtual ~Source() = default;

  // What the source reads, for logs: "nats://127.0.0.1:4222 subject S ...".
  virtual std::string Describe() const = 0;
  // The next batch, waiting up to `wait_ms`; nullopt when none arrived in
  // time. Unavailable when the source cannot be reached (the caller pauses
  // and calls again; the source reconnects).
  virtual Result<std::optional<SourceBatch>> Next(int wait_ms) = 0;
  // The batch is registered (or dropped on purpose): it is not delivered
  // again. REQUIRES: `cursor` came from Next() and was neither committed nor
  // released. A failure leaves the batch to be delivered again, which the
  // idempotent ingest absorbs.
  virtual Status Commit(uint64_t cursor) = 0;
  // The batch is not registered: deliver it again after `delay_ms`.
  // REQUIRES as Commit.
  virtual Status Release(uint64_t cursor, int64_t delay_ms) = 0;
};

}  // namespace stocktake::reg
