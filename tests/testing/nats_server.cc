#include "testing/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace stocktake::testing {
namespace {

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// True once something on the port sends the NATS "INFO " greeting.
bool Greets(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    pollfd p{fd, POLLIN, 0};
    char buf[5] = {};
    ok = poll(&p, 1, 1000) > 0 && read(fd, buf, sizeof(buf)) == 5 && std::string(buf, 5) == "INFO ";
  }
  close(fd);
  return ok;
}

int WaitBounded(pid_t pid, int timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0) return -1;
    poll(nullptr, 0, 10);
  }
  return -1;
}

std::string NatsError(natsStatus s, jsErrCode jerr) {
  std::string out = natsStatus_GetText(s);
  if (jerr != 0) out += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  return out;
}

// A connection plus JetStream context, destroyed in reverse order.
struct Client {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  ~Client() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
  }
  Status Open(const std::string& url) {
    natsStatus s = natsConnection_ConnectTo(&nc, url.c_str());
    if (s == NATS_OK) s = natsConnection_JetStream(&js, nc, nullptr);
    if (s != NATS_OK) return Unavailable("connect to " + url + ": " + natsStatus_GetText(s));
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<NatsServer> NatsServer::Start(int timeout_seconds) {
  std::unique_ptr<NatsServer> server(new NatsServer());
  // The port is free when probed but may be taken before the server binds
  // it: try a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    server->port_ = FreePort();
    if (server->port_ > 0 && server->Launch(timeout_seconds)) return server;
  }
  return nullptr;
}

bool NatsServer::Launch(int timeout_seconds) {
  const std::string log_path = dir_.Sub("nats-server.log");
  const std::string port = std::to_string(port_);
  const std::string store = dir_.Sub("jetstream");
  pid_ = fork();
  if (pid_ == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    execlp("nats-server", "nats-server", "-js", "-a", "127.0.0.1", "-p", port.c_str(), "-sd",
           store.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid_ < 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) break;  // exited: port taken?
    if (Greets(port_)) return true;
    poll(nullptr, 0, 50);
  }
  std::fprintf(stderr, "nats-server on port %d did not start; log:\n%s\n", port_,
               ReadFile(log_path).c_str());
  Kill();
  return false;
}

NatsServer::~NatsServer() { Kill(); }

void NatsServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitBounded(pid_, 10);
  pid_ = -1;
}

bool NatsServer::Restart(int timeout_seconds) {
  Kill();
  return Launch(timeout_seconds);
}

Status NatsServer::AddStream(const std::string& stream, const std::string& subject) {
  Client client;
  RETURN_IF_ERROR(client.Open(url()));
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = stream.c_str();
  const char* subjects[] = {subject.c_str()};
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  jsStreamInfo* info = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&info, client.js, &config, nullptr, &jerr);
  jsStreamInfo_Destroy(info);
  if (s != NATS_OK) return IOError("add stream " + stream + ": " + NatsError(s, jerr));
  return Status::OK();
}

Status NatsServer::Publish(const std::string& subject, const std::string& data,
                           const std::string& msg_id) {
  Client client;
  RETURN_IF_ERROR(client.Open(url()));
  natsMsg* msg = nullptr;
  natsStatus s =
      natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
  if (s == NATS_OK && !msg_id.empty()) s = natsMsgHeader_Set(msg, "Nats-Msg-Id", msg_id.c_str());
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  if (s == NATS_OK) s = js_PublishMsg(&ack, client.js, msg, nullptr, &jerr);
  natsMsg_Destroy(msg);
  jsPubAck_Destroy(ack);
  if (s != NATS_OK) return IOError("publish to " + subject + ": " + NatsError(s, jerr));
  return Status::OK();
}

Result<uint64_t> NatsServer::StreamMessageCount(const std::string& stream) {
  Client client;
  RETURN_IF_ERROR(client.Open(url()));
  jsStreamInfo* info = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, client.js, stream.c_str(), nullptr, &jerr);
  if (s != NATS_OK) return IOError("stream info " + stream + ": " + NatsError(s, jerr));
  const uint64_t count = info->State.Msgs;
  jsStreamInfo_Destroy(info);
  return count;
}

Result<std::vector<NatsMessage>> NatsServer::Consume(const std::string& stream,
                                                     const std::string& subject, int quiet_ms) {
  Client client;
  RETURN_IF_ERROR(client.Open(url()));
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = stream.c_str();
  sub_options.Config.DeliverPolicy = js_DeliverAll;
  sub_options.Config.AckPolicy = js_AckNone;
  natsSubscription* sub = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_SubscribeSync(&sub, client.js, subject.c_str(), nullptr, &sub_options, &jerr);
  if (s != NATS_OK) return IOError("subscribe to " + subject + ": " + NatsError(s, jerr));
  std::vector<NatsMessage> out;
  // Bounded: the stream holds a handful of messages in these tests.
  for (int i = 0; i < 10000; ++i) {
    natsMsg* msg = nullptr;
    s = natsSubscription_NextMsg(&msg, sub, quiet_ms);
    if (s != NATS_OK) break;
    NatsMessage m;
    m.subject = natsMsg_GetSubject(msg);
    m.data.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    const char* id = nullptr;
    if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr) m.msg_id = id;
    out.push_back(std::move(m));
    natsMsg_Destroy(msg);
  }
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  if (s != NATS_TIMEOUT) return IOError("read " + subject + ": " + natsStatus_GetText(s));
  return out;
}

}  // namespace stocktake::testing
