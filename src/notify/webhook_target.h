// WebhookTarget: delivers report events by HTTP POST of the S3 event JSON
// (Content-Type: application/json, header X-Stocktake-Event-Id: <id>) to a
// URL. A 2xx answer acknowledges the event; 408, 429 and 5xx answers and
// transport failures are Unavailable (retried by the Notifier); any other
// status is a permanent refusal (FailedPrecondition). Uses cpp-httplib's
// client behind a pimpl; Cancel() aborts a request in flight from another
// thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "notify/target.h"

namespace stocktake::notify {

class WebhookTarget : public Target {
 public:
  // InvalidArgument unless `url` is http://host[:port][/path] (or https).
  static Result<std::unique_ptr<WebhookTarget>> Create(const std::string& url,
                                                       const TargetOptions& options);
  ~WebhookTarget() override;

  const std::string& spec() const override { return spec_; }
  Status Deliver(const std::string& event_id, const std::string& body) override;
  void Cancel() override;

 private:
  struct Client;
  WebhookTarget(std::string url, std::string path, std::unique_ptr<Client> client);

  const std::string url_;
  const std::string spec_;
  const std::string path_;  // "/hook?x=1"
  std::unique_ptr<Client> client_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace stocktake::notify
