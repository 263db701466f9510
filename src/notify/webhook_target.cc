#include "notify/webhook_target.h"

#include <httplib.h>

#include <utility>

namespace stocktake::notify {

struct WebhookTarget::Client {
  explicit Client(const std::string& scheme_host_port) : http(scheme_host_port) {}
  httplib::Client http;
};

namespace {

bool IsRetryableHttpStatus(int status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace

Result<std::unique_ptr<WebhookTarget>> WebhookTarget::Create(const std::string& url,
                                                             const TargetOptions& options) {
  const bool http = url.rfind("http://", 0) == 0;
  const bool https = url.rfind("https://", 0) == 0;
  if (!http && !https) {
    return InvalidArgument("webhook URL must start with http:// or https://, not '" + url + "'");
  }
  const size_t host_start = http ? 7 : 8;
  const size_t path_start = url.find_first_of("/?", host_start);
  std::string authority = url.substr(host_start, path_start - host_start);
  if (authority.empty() || authority.find_first_of(" @") != std::string::npos) {
    return InvalidArgument("webhook URL '" + url + "' has no valid host");
  }
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (path.front() == '?') path.insert(0, "/");
  auto client = std::make_unique<Client>(url.substr(0, path_start));
  if (!client->http.is_valid()) {
    return InvalidArgument("webhook URL '" + url + "' is not supported by this build");
  }
  auto to_timeval = [](int64_t ms) { return std::chrono::milliseconds(ms); };
  client->http.set_connection_timeout(to_timeval(options.connect_timeout_ms));
  client->http.set_read_timeout(to_timeval(options.request_timeout_ms));
  client->http.set_write_timeout(to_timeval(options.request_timeout_ms));
  client->http.set_keep_alive(true);
  return std::unique_ptr<WebhookTarget>(new WebhookTarget(url, std::move(path), std::move(client)));
}

WebhookTarget::WebhookTarget(std::string url, std::string path, std::unique_ptr<Client> client)
    : url_(std::move(url)),
      spec_(WebhookSpec(url_)),
      path_(std::move(path)),
      client_(std::move(client)) {}

WebhookTarget::~WebhookTarget() = default;

Status WebhookTarget::Deliver(const std::string& event_id, const std::string& body) {
  const std::string what = "post event " + event_id + " to " + url_;
  if (cancelled_) return Cancelled(what + ": shutting down");
  httplib::Headers headers = {{"X-Stocktake-Event-Id", event_id}};
  httplib::Result result = client_->http.Post(path_, headers, body, "application/json");
  if (cancelled_) return Cancelled(what + ": shutting down");
  if (!result) return Unavailable(what + ": " + httplib::to_string(result.error()));
  const int status = result->status;
  if (status >= 200 && status < 300) return Status::OK();
  std::string message = what + ": HTTP " + std::to_string(status);
  if (IsRetryableHttpStatus(status)) return Unavailable(std::move(message));
  return FailedPrecondition(std::move(message));
}

void WebhookTarget::Cancel() {
  cancelled_ = true;
  client_->http.stop();
}

}  // namespace stocktake::notify
