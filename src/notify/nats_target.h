// NatsTarget: delivers report events to a NATS JetStream subject. Each
// event is one message whose data is the S3 event JSON and whose
// Nats-Msg-Id header is the event id, so JetStream drops a redelivery
// inside the stream's duplicate window. A publish counts as delivered only
// when the stream's publish ack arrives. A stream capturing the subject
// must exist (no ack otherwise: Unavailable, retried). The connection is
// opened on first use and reopened after a failure; cnats stays behind the
// pimpl. Cancel() closes the connection from any thread, failing a publish
// in flight promptly.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "notify/target.h"

namespace stocktake::notify {

class NatsTarget : public Target {
 public:
  // InvalidArgument unless `url` is nats://... and `subject` a non-empty
  // NATS subject without spaces or wildcards.
  static Result<std::unique_ptr<NatsTarget>> Create(const std::string& url,
                                                    const std::string& subject,
                                                    const TargetOptions& options);
  ~NatsTarget() override;

  const std::string& spec() const override { return spec_; }
  Status Deliver(const std::string& event_id, const std::string& body) override;
  void Cancel() override;

 private:
  struct Connection;
  NatsTarget(std::string url, std::string subject, const TargetOptions& options);
  // The open connection, connecting first if needed. Caller holds mu_.
  Status EnsureConnected(const std::string& what);
  void Disconnect();  // caller holds mu_

  const std::string url_;
  const std::string subject_;
  const std::string spec_;
  const TargetOptions options_;
  std::mutex mu_;  // guards conn_ (Cancel vs. the delivery thread)
  std::unique_ptr<Connection> conn_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace stocktake::notify
