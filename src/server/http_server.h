// HttpServer: the daemon's HTTP/1.1 front end, over cpp-httplib (Debian's
// libcpp-httplib-dev). A fixed pool of worker threads serves keep-alive
// connections; each request is read into an HttpRequest (body capped at
// max_body_bytes without buffering more: a larger body is drained or the
// connection dropped, and the request answered with the error formatter's
// MaxMessageLengthExceeded response) and handed to the handler.
//
// Lifecycle: Bind() once, then Serve() blocks until Stop() (callable from
// any thread, e.g. a signal-waiting one); Serve() returns after the requests
// in flight have been answered. The handler must be thread-safe and outlive
// Serve(). httplib stays behind the pimpl.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "server/http_types.h"

namespace stocktake::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port
  size_t max_body_bytes = 1 << 20;
  // Past the limit a body is read and discarded up to this many bytes, so the
  // connection stays usable; beyond it the connection is closed.
  size_t max_drain_bytes = 64 << 20;
  int threads = 8;
  int keep_alive_max_requests = 100;
  int keep_alive_timeout_seconds = 5;
  int read_timeout_seconds = 10;
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;
// Renders a failure that happened before the handler ran (bad target, body
// too large: an S3Failure MaxMessageLengthExceeded or IncompleteBody).
using ErrorRenderer = std::function<HttpResponse(const HttpRequest&, const Status&)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler, ErrorRenderer render_error);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port (the chosen one for port 0).
  // Unavailable when the address cannot be bound.
  Result<int> Bind();
  // Serves until Stop(). REQUIRES: Bind() succeeded. IOError when the
  // listening loop fails.
  Status Serve();
  // Stops accepting; Serve() returns once in-flight requests are answered.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stocktake::server
