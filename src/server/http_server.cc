#include "server/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "server/s3_error.h"

namespace stocktake::server {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Headers httplib adds to every request itself; never sent by the client.
bool IsInjectedHeader(const std::string& lower_name) {
  return lower_name == "remote_addr" || lower_name == "remote_port" || lower_name == "local_addr" ||
         lower_name == "local_port";
}

void WriteResponse(const HttpResponse& from, httplib::Response* to) {
  to->status = from.status;
  for (const auto& [name, value] : from.headers) to->set_header(name, value);
  to->set_header("Server", "stocktake");
  if (!from.content_type.empty()) {
    to->set_content(from.body, from.content_type.c_str());
  } else {
    to->body = from.body;
  }
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, RequestHandler handler, ErrorRenderer render_error)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        render_error_(std::move(render_error)) {
    const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_max_requests));
    server_.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
    server_.set_read_timeout(options_.read_timeout_seconds, 0);
    server_.set_payload_max_length(options_.max_body_bytes);
    auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) { Dispatch(req, res, &reader); };
    auto without_body = [this](const httplib::Request& req, httplib::Response& res) {
      Dispatch(req, res, nullptr);
    };
    server_.Put(".*", with_body);
    server_.Post(".*", with_body);
    server_.Delete(".*", with_body);
    server_.Patch(".*", with_body);
    server_.Get(".*", without_body);  // also HEAD
    server_.Options(".*", without_body);
    server_.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
          HttpRequest request;
          request.method = req.method;
          WriteResponse(render_error_(request, S3Failure("InternalError", "internal error")), &res);
        });
  }

  Result<int> Bind() {
    const int port =
        options_.port == 0
            ? server_.bind_to_any_port(options_.host)
            : (server_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
    if (port < 0) {
      return Unavailable("listen on " + options_.host + ":" + std::to_string(options_.port) +
                         ": cannot bind");
    }
    return port;
  }

  Status Serve() {
    serving_ = true;
    if (stop_requested_) return Status::OK();
    if (!server_.listen_after_bind() && !stop_requested_) {
      return IOError("serve on " + options_.host + ": the listening loop failed");
    }
    return Status::OK();
  }

  void Stop() {
    stop_requested_ = true;
    // Serve() may be between its check and httplib's running flag; wait
    // (bounded) for the flag so stop() takes effect.
    for (int attempt = 0; attempt < 400 && serving_ && !server_.is_running(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    server_.stop();
  }

 private:
  void Dispatch(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader* reader) {
    HttpRequest request;
    request.method = req.method;
    for (const auto& [name, value] : req.headers) {
      std::string lower = Lower(name);
      if (!IsInjectedHeader(lower)) request.headers.emplace_back(std::move(lower), value);
    }
    Status parsed = ParseRequestTarget(req.target, &request);
    Status body = reader ? ReadBody(req, *reader, &request.body) : Status::OK();
    if (!parsed.ok() || !body.ok()) {
      WriteResponse(render_error_(request, parsed.ok() ? body : parsed), &res);
      return;
    }
    WriteResponse(handler_(request), &res);
  }

  // Reads the body, keeping at most max_body_bytes of it.
  Status ReadBody(const httplib::Request& req, const httplib::ContentReader& reader,
                  std::string* body) {
    const size_t limit = options_.max_body_bytes;
    bool too_large = false;
    if (req.has_header("Content-Length")) {
      // httplib refuses (and skips) such a body itself before reading it.
      too_large =
          std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > limit;
    }
    size_t seen = 0;
    const bool complete = reader([&](const char* data, size_t size) {
      seen += size;
      if (!too_large && body->size() + size > limit) {
        too_large = true;
        std::string().swap(*body);
      }
      if (too_large) return seen <= options_.max_drain_bytes;
      body->append(data, size);
      return true;
    });
    if (too_large) {
      return S3Failure("MaxMessageLengthExceeded",
                       "Your request was too big (limit " + std::to_string(limit) + " bytes).");
    }
    if (!complete) return S3Failure("IncompleteBody", "the request body could not be read");
    return Status::OK();
  }

  const HttpServerOptions options_;
  const RequestHandler handler_;
  const ErrorRenderer render_error_;
  httplib::Server server_;
  std::atomic<bool> serving_{false};
  std::atomic<bool> stop_requested_{false};
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler,
                       ErrorRenderer render_error)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler),
                                   std::move(render_error))) {}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::Bind() { return impl_->Bind(); }
Status HttpServer::Serve() { return impl_->Serve(); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace stocktake::server
