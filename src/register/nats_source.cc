#include "register/nats_source.h"

#include <nats/nats.h>

#include <map>
#include <utility>

namespace stocktake::reg {
namespace {

std::string NatsError(natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0)) {
  std::string out = natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (detail != nullptr && *detail != '\0' && out != detail)
    out += std::string(" (") + detail + ")";
  if (jerr != 0) out += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  return out;
}

bool IsValidSubject(const std::string& subject) {
  if (subject.empty() || subject.front() == '.' || subject.back() == '.') return false;
  for (size_t i = 0; i < subject.size(); ++i) {
    const char c = subject[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return false;
    if (c == '.' && i + 1 < subject.size() && subject[i + 1] == '.') return false;
  }
  return true;
}

bool IsValidName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c == '.' || c == '*' || c == '>' || c == '/' || c == '\\') return false;
  }
  return true;
}

}  // namespace

// The cnats handles, destroyed in reverse order of creation, and the
// messages handed out but not yet acked or nak'ed.
struct NatsSource::Impl {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  natsSubscription* sub = nullptr;
  std::map<uint64_t, natsMsg*> pending;
  uint64_t next_cursor = 1;

  ~Impl() { Close(); }
  void Close() {
    for (auto& [cursor, msg] : pending) natsMsg_Destroy(msg);
    pending.clear();
    natsSubscription_Destroy(sub);
    sub = nullptr;
    jsCtx_Destroy(js);
    js = nullptr;
    natsConnection_Destroy(nc);
    nc = nullptr;
  }
  bool Connected() const { return sub != nullptr && !natsConnection_IsClosed(nc); }
};

Result<std::unique_ptr<NatsSource>> NatsSource::Create(NatsSourceOptions options) {
  if (options.url.rfind("nats://", 0) != 0 || options.url.size() == 7 ||
      options.url.find_first_of(" \t") != std::string::npos) {
    return InvalidArgument("NATS URL must be nats://HOST:PORT, not '" + options.url + "'");
  }
  if (!IsValidSubject(options.subject)) {
    return InvalidArgument("NATS subject '" + options.subject +
                           "' must be non-empty, without spaces or empty tokens");
  }
  if (!IsValidName(options.stream)) {
    return InvalidArgument("JetStream stream name '" + options.stream +
                           "' must be non-empty, without spaces, '.', '*', '>' or slashes");
  }
  if (!IsValidName(options.durable)) {
    return InvalidArgument("JetStream durable name '" + options.durable +
                           "' must be non-empty, without spaces, '.', '*', '>' or slashes");
  }
  if (options.ack_wait_ms < 1000) {
    return InvalidArgument("NATS ack wait must be at least 1 second");
  }
  return std::unique_ptr<NatsSource>(new NatsSource(std::move(options)));
}

NatsSource::NatsSource(NatsSourceOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

NatsSource::~NatsSource() = default;

std::string NatsSource::Describe() const {
  return options_.url + " stream " + options_.stream + " subject " + options_.subject +
         " durable " + options_.durable;
}

Status NatsSource::Connect() {
  impl_->Close();
  const std::string what = "consume " + Describe();
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, options_.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, options_.connect_timeout_ms);
  // A lost connection is reopened by Next(), which also re-binds the
  // consumer; cnats' own reconnect would hide the loss from the pump.
  if (s == NATS_OK) s = natsOptions_SetAllowReconnect(opts, false);
  if (s == NATS_OK) s = natsConnection_Connect(&impl_->nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) return Unavailable(what + ": connect: " + NatsError(s));
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options_.request_timeout_ms;
  s = natsConnection_JetStream(&impl_->js, impl_->nc, &js_options);
  if (s != NATS_OK) return Unavailable(what + ": JetStream context: " + NatsError(s));

  jsErrCode jerr = static_cast<jsErrCode>(0);
  jsStreamInfo* info = nullptr;
  s = js_GetStreamInfo(&info, impl_->js, options_.stream.c_str(), nullptr, &jerr);
  jsStreamInfo_Destroy(info);
  if (s == NATS_NOT_FOUND) {
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = options_.stream.c_str();
    const char* subjects[] = {options_.subject.c_str()};
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    jerr = static_cast<jsErrCode>(0);
    s = js_AddStream(&info, impl_->js, &config, nullptr, &jerr);
    jsStreamInfo_Destroy(info);
    if (s != NATS_OK) {
      return IOError(what + ": create stream " + options_.stream + ": " + NatsError(s, jerr));
    }
  } else if (s != NATS_OK) {
    return Unavailable(what + ": stream info " + options_.stream + ": " + NatsError(s, jerr));
  }

  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = options_.stream.c_str();
  sub_options.Config.Durable = options_.durable.c_str();
  sub_options.Config.DeliverPolicy = js_DeliverAll;
  sub_options.Config.AckPolicy = js_AckExplicit;
  sub_options.Config.AckWait = options_.ack_wait_ms * 1'000'000;  // nanoseconds
  jerr = static_cast<jsErrCode>(0);
  s = js_PullSubscribe(&impl_->sub, impl_->js, options_.subject.c_str(), options_.durable.c_str(),
                       nullptr, &sub_options, &jerr);
  if (s != NATS_OK) {
    impl_->sub = nullptr;
    return IOError(what + ": durable consumer " + options_.durable + ": " + NatsError(s, jerr));
  }
  return Status::OK();
}

Result<std::optional<SourceBatch>> NatsSource::Next(int wait_ms) {
  if (!impl_->Connected()) {
    // REQUIRES of Commit/Release: nothing is pending here, as the pump
    // settles each batch before asking for the next.
    RETURN_IF_ERROR(Connect());
  }
  natsMsgList list{nullptr, 0};
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_Fetch(&list, impl_->sub, 1, wait_ms, &jerr);
  if (s == NATS_TIMEOUT) return std::optional<SourceBatch>();
  if (s != NATS_OK) {
    natsMsgList_Destroy(&list);
    const std::string message = "fetch from " + Describe() + ": " + NatsError(s, jerr);
    if (natsConnection_IsClosed(impl_->nc) || s == NATS_CONNECTION_CLOSED ||
        s == NATS_INVALID_SUBSCRIPTION) {
      impl_->Close();
    }
    return Unavailable(message);
  }
  if (list.Count == 0) {
    natsMsgList_Destroy(&list);
    return std::optional<SourceBatch>();
  }
  // Take the message out of the list so that destroying the list keeps it.
  natsMsg* msg = list.Msgs[0];
  list.Msgs[0] = nullptr;
  natsMsgList_Destroy(&list);

  SourceBatch batch;
  batch.cursor = impl_->next_cursor++;
  const char* data = natsMsg_GetData(msg);
  if (data != nullptr) batch.body.assign(data, static_cast<size_t>(natsMsg_GetDataLength(msg)));
  batch.origin = options_.url + " stream " + options_.stream;
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
    batch.origin += " seq " + std::to_string(meta->Sequence.Stream) + " (delivery " +
                    std::to_string(meta->NumDelivered) + ")";
    jsMsgMetaData_Destroy(meta);
  }
  impl_->pending[batch.cursor] = msg;
  return std::optional<SourceBatch>(std::move(batch));
}

Status NatsSource::Commit(uint64_t cursor) {
  auto it = impl_->pending.find(cursor);
  if (it == impl_->pending.end()) return Internal("ack NATS message: unknown cursor");
  natsMsg* msg = it->second;
  impl_->pending.erase(it);
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options_.request_timeout_ms;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = natsMsg_AckSync(msg, &js_options, &jerr);
  natsMsg_Destroy(msg);
  if (s != NATS_OK) {
    return Unavailable("ack message of " + Describe() + ": " + NatsError(s, jerr) +
                       " (it will be delivered again)");
  }
  return Status::OK();
}

Status NatsSource::Release(uint64_t cursor, int64_t delay_ms) {
  auto it = impl_->pending.find(cursor);
  if (it == impl_->pending.end()) return Internal("nak NATS message: unknown cursor");
  natsMsg* msg = it->second;
  impl_->pending.erase(it);
  natsStatus s = natsMsg_NakWithDelay(msg, delay_ms, nullptr);
  natsMsg_Destroy(msg);
  if (s != NATS_OK) {
    return Unavailable("nak message of " + Describe() + ": " + NatsError(s) +
                       " (it will be delivered again after the ack wait)");
  }
  return Status::OK();
}

}  // namespace stocktake::reg
