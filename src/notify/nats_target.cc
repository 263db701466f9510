#include "notify/nats_target.h"

#include <nats/nats.h>

#include <utility>

namespace stocktake::notify {

struct NatsTarget::Connection {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  ~Connection() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
  }
};

namespace {

std::string NatsError(natsStatus s) {
  std::string out = natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (detail != nullptr && *detail != '\0' && out != detail)
    out += std::string(" (") + detail + ")";
  return out;
}

bool IsValidSubject(const std::string& subject) {
  if (subject.empty() || subject.front() == '.' || subject.back() == '.') return false;
  for (size_t i = 0; i < subject.size(); ++i) {
    const char c = subject[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '*' || c == '>') return false;
    if (c == '.' && i + 1 < subject.size() && subject[i + 1] == '.') return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<NatsTarget>> NatsTarget::Create(const std::string& url,
                                                       const std::string& subject,
                                                       const TargetOptions& options) {
  if (url.rfind("nats://", 0) != 0 || url.size() == 7 ||
      url.find_first_of(" \t") != std::string::npos) {
    return InvalidArgument("NATS URL must be nats://HOST:PORT, not '" + url + "'");
  }
  if (!IsValidSubject(subject)) {
    return InvalidArgument("NATS subject '" + subject +
                           "' must be non-empty, without spaces or wildcards");
  }
  return std::unique_ptr<NatsTarget>(new NatsTarget(url, subject, options));
}

NatsTarget::NatsTarget(std::string url, std::string subject, const TargetOptions& options)
    : url_(std::move(url)),
      subject_(std::move(subject)),
      spec_(NatsSpec(url_, subject_)),
      options_(options) {}

NatsTarget::~NatsTarget() {
  std::lock_guard<std::mutex> lock(mu_);
  Disconnect();
}

void NatsTarget::Disconnect() { conn_.reset(); }

Status NatsTarget::EnsureConnected(const std::string& what) {
  if (conn_ != nullptr && !natsConnection_IsClosed(conn_->nc)) return Status::OK();
  Disconnect();
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, url_.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, options_.connect_timeout_ms);
  // A failed connection is dropped and reopened on the next attempt, so the
  // Notifier's backoff, not cnats' reconnect buffer, paces the retries.
  if (s == NATS_OK) s = natsOptions_SetAllowReconnect(opts, false);
  auto conn = std::make_unique<Connection>();
  if (s == NATS_OK) s = natsConnection_Connect(&conn->nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) return Unavailable(what + ": connect: " + NatsError(s));
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options_.request_timeout_ms;
  s = natsConnection_JetStream(&conn->js, conn->nc, &js_options);
  if (s != NATS_OK) return Unavailable(what + ": JetStream context: " + NatsError(s));
  conn_ = std::move(conn);
  return Status::OK();
}

Status NatsTarget::Deliver(const std::string& event_id, const std::string& body) {
  const std::string what = "publish event " + event_id + " to " + url_ + " subject " + subject_;
  jsCtx* js = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_) return Cancelled(what + ": shutting down");
    RETURN_IF_ERROR(EnsureConnected(what));
    js = conn_->js;
  }
  natsMsg* msg = nullptr;
  natsStatus s =
      natsMsg_Create(&msg, subject_.c_str(), nullptr, body.data(), static_cast<int>(body.size()));
  if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Nats-Msg-Id", event_id.c_str());
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  if (s == NATS_OK) {
    jsPubOptions pub_options;
    jsPubOptions_Init(&pub_options);
    pub_options.MaxWait = options_.request_timeout_ms;
    // Only this thread destroys the connection, so `js` stays valid even
    // if Cancel() closes it meanwhile (the publish then fails promptly).
    s = js_PublishMsg(&ack, js, msg, &pub_options, &jerr);
  }
  natsMsg_Destroy(msg);
  jsPubAck_Destroy(ack);
  if (s == NATS_OK) return Status::OK();
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_) return Cancelled(what + ": shutting down");
  std::string message = what + ": " + NatsError(s);
  if (s == NATS_NO_RESPONDERS) message += " (no JetStream stream captures the subject)";
  if (jerr != 0) message += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  if (s == NATS_CONNECTION_CLOSED || s == NATS_CONNECTION_DISCONNECTED || s == NATS_TIMEOUT ||
      s == NATS_STALE_CONNECTION || s == NATS_IO_ERROR) {
    Disconnect();
  }
  return Unavailable(std::move(message));
}

void NatsTarget::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  if (conn_ != nullptr) natsConnection_Close(conn_->nc);
}

}  // namespace stocktake::notify
