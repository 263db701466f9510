#include "server/daemon_api.h"

#include <chrono>
#include <cstdio>

#include "base/log.h"
#include "server/s3_error.h"

namespace stocktake::server {
namespace {

// A remote run waits at most this long for its report.
constexpr int64_t kMaxRunWaitMs = 24LL * 3600 * 1000;

void AppendJsonString(std::string* out, std::string_view text) {
  *out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += static_cast<char>(c);
    } else if (c < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\u%04x", c);
      *out += hex;
    } else {
      *out += static_cast<char>(c);
    }
  }
  *out += '"';
}

HttpResponse TextResponse(std::string body, const char* type) {
  HttpResponse response;
  response.body = std::move(body);
  response.content_type = type;
  return response;
}

}  // namespace

std::string RunRecordJson(const config::RunRecord& run) {
  std::string out = "{\"run_id\":" + std::to_string(run.run_id) + ",\"bucket\":";
  AppendJsonString(&out, run.bucket);
  out += ",\"id\":";
  AppendJsonString(&out, run.config_id);
  out += ",\"trigger\":";
  AppendJsonString(&out, config::RunTriggerName(run.trigger));
  out += ",\"status\":";
  AppendJsonString(&out, config::RunStatusName(run.status));
  out += ",\"started_at_ms\":" + std::to_string(run.started_at_ms) +
         ",\"ended_at_ms\":" + std::to_string(run.ended_at_ms) +
         ",\"objects\":" + std::to_string(run.objects) + ",\"bytes\":" + std::to_string(run.bytes) +
         ",\"report\":";
  AppendJsonString(&out, run.report_location);
  out += ",\"error\":";
  AppendJsonString(&out, run.error);
  out += "}";
  return out;
}

Result<HttpResponse> DaemonApi::RunNow(const HttpRequest& request) const {
  ASSIGN_OR_RETURN(Caller caller, verifier_.Verify(request));
  const std::string bucket = request.Query("bucket").value_or("");
  const std::string id = request.Query("id").value_or("");
  if (bucket.empty() || id.empty()) {
    return S3Failure("InvalidArgument", "give both bucket and id");
  }
  Result<BucketRef> ref = estate_->Find(bucket);
  if (!ref.ok() && ref.status().code() == Code::kNotFound) {
    return S3Failure("NoSuchBucket", "The specified bucket does not exist");
  }
  if (!ref.ok()) return ref.status().WithContext("find bucket " + bucket);
  if (ref->owner != caller.account->account_id) return S3Failure("AccessDenied", "Access Denied");
  Result<std::shared_ptr<schedule::RunTicket>> ticket =
      scheduler_->RunNow(ref->store->store_id, bucket, id);
  if (!ticket.ok() && ticket.status().code() == Code::kNotFound) {
    return S3Failure("NoSuchConfiguration", "The specified configuration does not exist.");
  }
  if (!ticket.ok() && ticket.status().code() == Code::kCancelled) {
    return S3Failure("ServiceUnavailable", "the daemon is stopping");
  }
  if (!ticket.ok()) return ticket.status();
  std::optional<Result<config::RunRecord>> done = (*ticket)->Wait(kMaxRunWaitMs);
  if (!done) return S3Failure("InternalError", "run " + bucket + "/" + id + " did not end in time");
  if (!done->ok() && done->status().code() == Code::kCancelled) {
    return S3Failure("ServiceUnavailable", "run " + bucket + "/" + id +
                                               " was cancelled: the daemon is stopping");
  }
  if (!done->ok()) return done->status();
  return TextResponse(RunRecordJson(**done) + "\n", "application/json");
}

HttpResponse DaemonApi::Handle(const HttpRequest& request) const {
  const auto start = std::chrono::steady_clock::now();
  std::string operation = "Unknown";
  HttpResponse response;
  if (request.path == "/healthz" && (request.method == "GET" || request.method == "HEAD")) {
    operation = "Healthz";
    response = TextResponse("ok\n", "text/plain");
  } else if (request.path == "/metrics" && request.method == "GET") {
    operation = "Metrics";
    response = TextResponse(metrics_->Render(scheduler_->Stats()),
                            "text/plain; version=0.0.4; charset=utf-8");
  } else if (request.path == kRunRoute) {
    operation = "StocktakeRun";
    Result<HttpResponse> run =
        request.method == "POST"
            ? RunNow(request)
            : Result<HttpResponse>(S3Failure("MethodNotAllowed", "use POST " +
                                                                     std::string(kRunRoute)));
    response = run.ok() ? std::move(run).value() : S3Api::ErrorResponse(request, run.status());
  } else {
    response = s3_->Handle(request, &operation);
  }
  metrics_->RecordRequest(operation, response.status);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  Log("http.request",
      {{"method", request.method},
       {"path", request.path},
       {"operation", operation},
       {"status", std::to_string(response.status)},
       {"duration_ms",
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count())}});
  return response;
}

}  // namespace stocktake::server
