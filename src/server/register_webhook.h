// RegisterWebhook: the HTTP route of `stocktake register --listen`. A POST
// (to any path) carries one S3 event notification body in any form
// ParseEventBody accepts — direct Records (S3 -> SQS, Ceph RGW / MinIO
// webhooks, stocktake's own daemon), an SNS envelope, a test event — and
// each record is handed to Consolidator::HandleEvent (through
// reg::HandleNotification, as the NATS consumer does) before the answer is
// sent, so a 2xx means the reports it names are registered, quarantined or
// deliberately ignored.
//
// Answers (JSON): 200 {"records":N,"registered":R,"ignored":I,"quarantined":Q};
// 400 for a body that is not an event; 405 for other methods (GET / is a
// health check: 200 {"status":"ok"}); a transient ingest failure maps by
// ToS3Error's table (503 for Unavailable...) so the sender retries; the
// periodic reconciliation also closes such gaps. Thread-safe; the
// Consolidator must outlive the handler.
#pragma once

#include <functional>
#include <string>

#include "register/consolidator.h"
#include "register/event_pump.h"
#include "server/http_types.h"

namespace stocktake::server {

class RegisterWebhook {
 public:
  // `log` receives one line per record handled (may be empty).
  RegisterWebhook(reg::Consolidator* consolidator, std::function<void(const std::string&)> log);

  HttpResponse Handle(const HttpRequest& request) const;
  // For failures before the handler runs (body too large, bad target).
  static HttpResponse ErrorResponse(const HttpRequest& request, const Status& status);

 private:
  reg::Consolidator* consolidator_;
  std::function<void(const std::string&)> log_;
};

}  // namespace stocktake::server
