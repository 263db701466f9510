// Target: one destination of report events (a webhook, a NATS JetStream
// subject). Deliver() makes one attempt and returns OK only when the target
// acknowledged the event; the Notifier owns retries, backoff and the
// outbox. A target is named by its spec string, which is also its key in
// the outbox, so a later process (`stocktake notify flush`) can rebuild it
// from the outbox alone:
//   webhook <http(s)://url>
//   nats <nats://host:port[,...]> <subject>
// Implementations are used by one delivery thread at a time but must let
// Cancel() be called from any other thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace stocktake::notify {

struct TargetOptions {
  int64_t connect_timeout_ms = 5000;
  int64_t request_timeout_ms = 10000;  // one attempt, connect included
};

class Target {
 public:
  virtual ~Target() = default;
  // The spec string ("webhook http://127.0.0.1:9000/hook").
  virtual const std::string& spec() const = 0;
  // One delivery attempt of `body` (the S3 event JSON) with stable id
  // `event_id`. Unavailable for failures worth retrying (refused, timeout,
  // 5xx, 429); another code for a permanent refusal; Cancelled after Cancel().
  virtual Status Deliver(const std::string& event_id, const std::string& body) = 0;
  // Makes a Deliver() in flight (and every later one) return promptly.
  virtual void Cancel() = 0;
};

std::string WebhookSpec(std::string_view url);
std::string NatsSpec(std::string_view url, std::string_view subject);

// Builds the target a spec names. InvalidArgument for a malformed spec
// (unknown kind, URL not http(s):// or nats://, empty or spaced subject).
Result<std::unique_ptr<Target>> MakeTarget(const std::string& spec,
                                           const TargetOptions& options = {});

}  // namespace stocktake::notify
