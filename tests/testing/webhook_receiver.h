// WebhookReceiver: an in-process HTTP server (cpp-httplib) on 127.0.0.1 that
// records the POSTs it receives, for notification tests. Failures can be
// injected: answer the next N requests with an error status, or hang
// requests until released (bounded). Stop() and a later Start() on the same
// port model a receiver that is down, then up. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace stocktake::testing {

struct WebhookRequest {
  std::string path;
  std::string content_type;
  std::string event_id;  // X-Stocktake-Event-Id header
  std::string body;
};

class WebhookReceiver {
 public:
  // Listens on 127.0.0.1:`port` (0 = any free port); nullptr if it can't.
  static std::unique_ptr<WebhookReceiver> Start(int port = 0);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;

  // The next `count` requests get HTTP `status` (and are not recorded as
  // received).
  void FailNext(int count, int status = 500);
  // While on, requests wait (at most 60 s) before being answered.
  void SetHang(bool hang);

  // Requests answered 2xx, in arrival order.
  std::vector<WebhookRequest> Received() const;
  // Every request that arrived, answered or failed.
  int attempts() const;
  // Waits until at least `count` requests were received (2xx); false on
  // timeout.
  bool WaitForReceived(size_t count, int timeout_ms) const;

  // Stops listening; a Start(port()) later listens again.
  void Stop();

 private:
  WebhookReceiver();

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<WebhookRequest> received_;
  int attempts_ = 0;
  int fail_remaining_ = 0;
  int fail_status_ = 500;
  bool hang_ = false;
  bool stopping_ = false;
};

}  // namespace stocktake::testing
