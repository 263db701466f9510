// NatsServer: a real `nats-server -js` child process on 127.0.0.1 for tests
// (Debian's nats-server). Start() picks a free port, gives the server a
// fresh JetStream store folder, and waits, bounded, until it answers the
// NATS protocol (its INFO line). The destructor kills it and removes the
// store. Helpers create a stream and read messages back through a real
// JetStream consumer (cnats). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "testing/temp_dir.h"

namespace stocktake::testing {

struct NatsMessage {
  std::string subject;
  std::string data;
  std::string msg_id;  // the Nats-Msg-Id header, "" if absent
};

class NatsServer {
 public:
  // nullptr (with the server log on stderr) when it does not come up
  // within `timeout_seconds`.
  static std::unique_ptr<NatsServer> Start(int timeout_seconds = 20);
  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

  // Creates a file-backed stream named `stream` capturing `subject`.
  Status AddStream(const std::string& stream, const std::string& subject);
  // Publishes `data` on `subject` through JetStream (waiting for the
  // stream's ack), with a Nats-Msg-Id header unless `msg_id` is "".
  Status Publish(const std::string& subject, const std::string& data,
                 const std::string& msg_id = "");
  // Messages in the stream (its state, not a consumer).
  Result<uint64_t> StreamMessageCount(const std::string& stream);
  // Every message on `subject` in `stream`, read by a new ephemeral
  // consumer from the first one; stops after `quiet_ms` without a message.
  Result<std::vector<NatsMessage>> Consume(const std::string& stream, const std::string& subject,
                                           int quiet_ms = 500);

  // Kills the server (SIGKILL) and waits; the store folder is kept, so
  // Restart() comes back with the same streams and messages.
  void Kill();
  // Starts it again on the same port and store. False on timeout.
  bool Restart(int timeout_seconds = 20);

 private:
  NatsServer() = default;
  bool Launch(int timeout_seconds);

  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace stocktake::testing
