// NatsSource: a Source reading S3 event notifications (the JSON stocktake's
// NatsTarget publishes, or any bare S3 event body) from a NATS JetStream
// stream through a durable pull consumer with explicit acks.
//
// Connect() (also done by the first Next()) creates what is missing: the
// stream `stream` capturing `subject` (file storage) and the durable
// consumer `durable` (deliver all, explicit ack, `ack_wait_ms`). An
// existing stream or consumer is used as it is. Each message is one batch;
// Commit acks it (synchronously: the server confirmed it), Release naks it
// with a delay. A message neither acked nor nak'ed — the process died —
// is delivered again by the server after ack_wait_ms, to this consumer
// name: a restart resumes after the last ack. The stream's duplicate window
// already drops a republished event with the same Nats-Msg-Id; the ingest
// absorbs every other repeat.
//
// cnats stays behind the pimpl. One consumer thread at a time; the
// connection is reopened by Next() after it is lost.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "register/source.h"

namespace stocktake::reg {

// The subject, stream and durable name the register uses unless told
// otherwise; the subject is the one docs/notifications.md uses for
// `--notify-nats-subject`.
inline constexpr char kDefaultNatsSubject[] = "inventory.reports";
inline constexpr char kDefaultNatsStream[] = "INVENTORY";
inline constexpr char kDefaultNatsDurable[] = "stocktake-register";

struct NatsSourceOptions {
  std::string url;  // nats://HOST:PORT
  std::string subject = kDefaultNatsSubject;
  std::string stream = kDefaultNatsStream;
  std::string durable = kDefaultNatsDurable;
  // A message not acked within this time is delivered again (also after a
  // crash). Applies when the consumer is created.
  int64_t ack_wait_ms = 300'000;
  int connect_timeout_ms = 5000;
  int request_timeout_ms = 10'000;  // JetStream API calls and acks
};

class NatsSource : public Source {
 public:
  // InvalidArgument unless url is nats://..., subject is a non-empty NATS
  // subject without spaces, stream and durable are names without spaces,
  // '.', '*', '>' or path separators, and ack_wait_ms >= 1000.
  static Result<std::unique_ptr<NatsSource>> Create(NatsSourceOptions options);
  ~NatsSource() override;
  NatsSource(const NatsSource&) = delete;
  NatsSource& operator=(const NatsSource&) = delete;

  // Connects and ensures the stream and the durable consumer exist.
  // Unavailable when the server cannot be reached; IOError naming the
  // stream or consumer when JetStream refuses them.
  Status Connect();

  std::string Describe() const override;
  Result<std::optional<SourceBatch>> Next(int wait_ms) override;
  Status Commit(uint64_t cursor) override;
  Status Release(uint64_t cursor, int64_t delay_ms) override;

 private:
  struct Impl;
  explicit NatsSource(NatsSourceOptions options);

  NatsSourceOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stocktake::reg
