#include "server/register_webhook.h"

#include "format/manifest.h"
#include "server/s3_error.h"

namespace stocktake::server {
namespace {

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body) + "\n";
  return response;
}

}  // namespace

RegisterWebhook::RegisterWebhook(reg::Consolidator* consolidator,
                                 std::function<void(const std::string&)> log)
    : consolidator_(consolidator), log_(std::move(log)) {}

HttpResponse RegisterWebhook::ErrorResponse(const HttpRequest& request, const Status& status) {
  std::string body = "{\"error\":";
  format::AppendJsonString(status.message(), &body);
  body += "}";
  return Json(ToS3Error(status).http_status, std::move(body));
}

HttpResponse RegisterWebhook::Handle(const HttpRequest& request) const {
  if (request.method == "GET" && request.path == "/") return Json(200, R"({"status":"ok"})");
  if (request.method != "POST") {
    HttpResponse response = Json(405, R"({"error":"POST an S3 event notification"})");
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  Result<std::vector<reg::ObjectEvent>> events = reg::ParseEventBody(request.body);
  if (!events.ok()) return ErrorResponse(request, events.status());
  int registered = 0, ignored = 0, quarantined = 0;
  for (const reg::ObjectEvent& event : *events) {
    Result<reg::IngestOutcome> outcome = consolidator_->HandleEvent(event);
    const std::string target = "s3://" + event.bucket + "/" + event.key;
    if (!outcome.ok()) {
      if (log_) log_("event " + target + ": " + outcome.status().message());
      return ErrorResponse(request, outcome.status());
    }
    switch (outcome->result) {
      case reg::IngestResult::kRegistered:
      case reg::IngestResult::kSuperseded:
        ++registered;
        break;
      case reg::IngestResult::kQuarantined:
        ++quarantined;
        break;
      case reg::IngestResult::kAlreadyKnown:
      case reg::IngestResult::kIncomplete:
        ++ignored;
        break;
    }
    if (log_) {
      log_("event " + target + ": " + reg::IngestResultName(outcome->result) +
           (outcome->reason.empty() ? "" : " (" + outcome->reason + ")"));
    }
  }
  return Json(200, "{\"records\":" + std::to_string(events->size()) +
                       ",\"registered\":" + std::to_string(registered) +
                       ",\"ignored\":" + std::to_string(ignored) +
                       ",\"quarantined\":" + std::to_string(quarantined) + "}");
}

}  // namespace stocktake::server
