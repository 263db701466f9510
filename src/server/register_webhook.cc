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
  reg::NotificationResult result = reg::HandleNotification(consolidator_, request.body, log_);
  if (!result.body.ok()) return ErrorResponse(request, result.body);
  if (!result.ingest.ok()) return ErrorResponse(request, result.ingest);
  return Json(200, "{\"records\":" + std::to_string(result.records) +
                       ",\"registered\":" + std::to_string(result.registered) +
                       ",\"ignored\":" + std::to_string(result.ignored) +
                       ",\"quarantined\":" + std::to_string(result.quarantined) + "}");
}

}  // namespace stocktake::server
