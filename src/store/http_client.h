// HttpClient: a small blocking HTTP/1.1 client over libcurl for S3Store.
//
// It keeps a pool of curl easy handles so connections to the endpoint are
// reused across calls; at most `max_connections` requests run at once (more
// callers wait). HTTP error statuses are returned as responses, not errors:
// only transport failures become a Status (Unavailable for refused, reset or
// timed-out connections; InvalidArgument for a malformed URL), with a message
// that names the endpoint ("cannot connect to http://127.0.0.1:1: Connection
// refused") but not the operation, which the caller prefixes.
// Thread-safe. libcurl stays out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace stocktake::store {

// The most connections a client may be configured with (--connections).
inline constexpr int kMaxHttpConnections = 1024;
// The longest connect or read timeout a user may configure, in seconds.
inline constexpr int kMaxHttpTimeoutSeconds = 3600;

struct HttpClientOptions {
  int64_t connect_timeout_ms = 10000;
  // Abort a transfer slower than 1 byte/s for this long (0 = never).
  int64_t idle_timeout_ms = 60000;
  int64_t request_timeout_ms = 0;  // whole request; 0 = unlimited
  int max_connections = 16;
};

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // must outlive Send()
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  // First value of a header (name lowercase), "" if absent.
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one request. `endpoint` ("http://host:port") is only used in
  // error messages.
  Result<HttpResponse> Send(const HttpRequest& request, std::string_view endpoint);

 private:
  struct Pool;
  HttpClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace stocktake::store
