#include "testing/s3_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>

namespace stocktake::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

bool PortFree(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// rgw-server.sh uses RGW_PORT .. RGW_PORT+99; find a base whose block is free.
int FindFreePortBlock() {
  for (int attempt = 0; attempt < 40; ++attempt) {
    int base = 17480 + 200 * ((getpid() + attempt) % 40);
    bool free = true;
    for (int offset = 0; offset < 100 && free; ++offset) free = PortFree(base + offset);
    if (free) return base;
  }
  return -1;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::mutex g_mu;
S3TestServer* g_server = nullptr;
Status* g_error = nullptr;

// Stops the server this process started, if it started one: a run whose
// tests never asked for a server does not start one just to stop it.
class StopServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_server != nullptr) g_server->StopIfOwned();
  }
};

bool g_environment_added = [] {
  ::testing::AddGlobalTestEnvironment(new StopServerEnvironment);
  return true;
}();

}  // namespace

Result<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return IOError("run " + command + ": popen failed");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  int rc = pclose(pipe);
  if (rc != 0) {
    return IOError("run " + command + ": exit " + std::to_string(WEXITSTATUS(rc)) + "\n" + out);
  }
  return out;
}

Result<S3TestServer*> S3TestServer::Get() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_server != nullptr) return g_server;
  if (g_error != nullptr) return *g_error;
  auto* server = new S3TestServer;
  std::string endpoint = EnvOr("STOCKTAKE_S3_ENDPOINT", "");
  Status st;
  if (!endpoint.empty()) {
    server->endpoint_ = endpoint;
    server->credentials_ = {EnvOr("AWS_ACCESS_KEY_ID", ""), EnvOr("AWS_SECRET_ACCESS_KEY", ""),
                            EnvOr("AWS_SESSION_TOKEN", "")};
    server->region_ = EnvOr("AWS_REGION", EnvOr("AWS_DEFAULT_REGION", "default"));
    if (server->credentials_.empty()) {
      st = InvalidArgument("STOCKTAKE_S3_ENDPOINT=" + endpoint +
                           " is set but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not");
    }
  } else {
    st = server->StartOwned();
  }
  if (!st.ok()) {
    delete server;
    g_error = new Status(st);
    return st;
  }
  g_server = server;
  return g_server;
}

Status S3TestServer::StartOwned() {
  int port = FindFreePortBlock();
  if (port < 0) return Unavailable("start RGW: no free block of 100 ports on 127.0.0.1");
  std::string tmp = EnvOr("TMPDIR", "/tmp");
  std::string dir = tmp + "/stocktake-ceph-test-" + std::to_string(getpid());
  script_env_ = "RGW_PORT=" + std::to_string(port) + " CEPH_DIR=" + ShellQuote(dir);
  std::string script = std::string(STOCKTAKE_SOURCE_DIR) + "/scripts/rgw-server.sh";
  std::fprintf(stderr, "[s3_server] starting RGW on port %d (data %s)\n", port, dir.c_str());
  Result<std::string> out = RunCommand(script_env_ + " " + ShellQuote(script) + " start");
  if (!out.ok()) {
    RunCommand(script_env_ + " " + ShellQuote(script) + " clean").status().IgnoreError();
    return Unavailable("start RGW with " + script + ": " + out.status().message());
  }
  owned_ = true;
  endpoint_ = "http://127.0.0.1:" + std::to_string(port);
  credentials_ = {"STOCKTAKEACCESSKEY01", "stocktakeSecretKey0000000000000000000001", ""};
  region_ = "default";
  return Status::OK();
}

void S3TestServer::StopIfOwned() {
  if (!owned_) return;
  owned_ = false;
  std::string script = std::string(STOCKTAKE_SOURCE_DIR) + "/scripts/rgw-server.sh";
  Result<std::string> out = RunCommand(script_env_ + " " + ShellQuote(script) + " clean");
  if (!out.ok()) std::fprintf(stderr, "[s3_server] stop: %s\n", out.status().message().c_str());
}

store::S3StoreOptions S3TestServer::StoreOptions() const {
  store::S3StoreOptions options;
  options.endpoint = endpoint_;
  options.region = region_;
  options.credentials = credentials_;
  options.http.connect_timeout_ms = 5000;
  options.http.idle_timeout_ms = 30000;
  return options;
}

std::string S3TestServer::UniqueBucket(std::string_view tag) {
  static std::atomic<int> counter{0};
  static const uint32_t salt = std::random_device{}();
  std::string clean;
  for (char c : tag) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      clean += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  clean = clean.substr(0, 24);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "st-%s-%d-%d-%08x", clean.c_str(), static_cast<int>(getpid()),
                counter.fetch_add(1), salt);
  return std::string(buf).substr(0, 63);
}

std::string S3TestServer::ShellEnv() const {
  return "AWS_ACCESS_KEY_ID=" + ShellQuote(credentials_.access_key_id) +
         " AWS_SECRET_ACCESS_KEY=" + ShellQuote(credentials_.secret_access_key) +
         " AWS_DEFAULT_REGION=" + ShellQuote(region_) + " AWS_EC2_METADATA_DISABLED=true ";
}

}  // namespace stocktake::testing
