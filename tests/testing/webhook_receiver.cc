#include "testing/webhook_receiver.h"

#include <httplib.h>

#include <chrono>

namespace stocktake::testing {

WebhookReceiver::WebhookReceiver() : server_(std::make_unique<httplib::Server>()) {}

std::unique_ptr<WebhookReceiver> WebhookReceiver::Start(int port) {
  std::unique_ptr<WebhookReceiver> receiver(new WebhookReceiver());
  WebhookReceiver* self = receiver.get();
  receiver->server_->Post(".*", [self](const httplib::Request& req, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(self->mu_);
    ++self->attempts_;
    self->changed_.notify_all();
    if (self->hang_) {
      self->changed_.wait_for(lock, std::chrono::seconds(60),
                              [self] { return !self->hang_ || self->stopping_; });
    }
    if (self->fail_remaining_ > 0) {
      --self->fail_remaining_;
      res.status = self->fail_status_;
      res.set_content("injected failure", "text/plain");
      return;
    }
    self->received_.push_back(WebhookRequest{req.path, req.get_header_value("Content-Type"),
                                             req.get_header_value("X-Stocktake-Event-Id"),
                                             req.body});
    self->changed_.notify_all();
    res.status = 200;
  });
  if (port == 0) {
    receiver->port_ = receiver->server_->bind_to_any_port("127.0.0.1");
    if (receiver->port_ <= 0) return nullptr;
  } else {
    if (!receiver->server_->bind_to_port("127.0.0.1", port)) return nullptr;
    receiver->port_ = port;
  }
  // bind_to_port already listens: connections queue until the loop runs.
  receiver->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the loop runs: wait for it, bounded,
  // so an immediate Stop() cannot leave the thread listening forever.
  for (int i = 0; i < 1000 && !receiver->server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return receiver;
}

WebhookReceiver::~WebhookReceiver() { Stop(); }

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::FailNext(int count, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_remaining_ = count;
  fail_status_ = status;
}

void WebhookReceiver::SetHang(bool hang) {
  std::lock_guard<std::mutex> lock(mu_);
  hang_ = hang;
  changed_.notify_all();
}

std::vector<WebhookRequest> WebhookReceiver::Received() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

int WebhookReceiver::attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

bool WebhookReceiver::WaitForReceived(size_t count, int timeout_ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return received_.size() >= count; });
}

void WebhookReceiver::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    changed_.notify_all();
  }
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace stocktake::testing
