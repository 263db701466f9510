// RegisterService: the running register consumer that `stocktake register`
// (without --once) and `stocktake serve --register-central ...` share:
//  - reconciliation of every collector at start and every interval;
//  - with a NATS URL, an EventPump over a NatsSource (durable JetStream
//    consumer; ack after commit);
//  - with a listen address, the HTTP webhook (register only);
//  - OnReportDelivered, the daemon's report hook: a report the daemon itself
//    delivered is queued for the service's own delivery thread, which hands
//    it to the Consolidator, so a big ingest never holds up the scheduler
//    worker that announced it.
// Open() owns the stores, the catalog, the Ingester and the Consolidator;
// Start() starts the threads, Stop() (also the destructor) stops and joins
// them. Start/Stop from one thread; OnReportDelivered from any.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "cli/store_options.h"
#include "register/catalog.h"
#include "register/consolidator.h"
#include "register/event_pump.h"
#include "register/ingester.h"
#include "register/nats_source.h"
#include "schedule/report_delivered.h"
#include "server/daemon_config.h"

namespace stocktake::server {
class HttpServer;
class RegisterWebhook;
}  // namespace stocktake::server

namespace stocktake::cli {

struct RegisterSettings {
  std::string central;                  // local folder or s3://bucket[/prefix]
  std::vector<std::string> collectors;  // REGION=LOCATION
  StoreFlags store;                     // how s3:// locations are opened
  int interval_seconds = 300;           // between reconciliations
  std::string listen;                   // HOST:PORT of the webhook; "" = none
  reg::NatsSourceOptions nats;          // nats.url "" = no NATS source
};

// The settings of the register embedded in `stocktake serve` (a
// [register] table or --register-* flags); "" NATS names keep the defaults.
RegisterSettings RegisterSettingsOf(const server::RegisterSpec& spec);

class RegisterService {
 public:
  // Opens the catalog (<state_dir>/register.db) and every location.
  // InvalidArgument for a missing --central/--collector or a malformed one,
  // NotFound for a missing folder or bucket, as the command line names them.
  static Result<std::unique_ptr<RegisterService>> Open(const RegisterSettings& settings,
                                                       const std::string& state_dir);
  ~RegisterService();
  RegisterService(const RegisterService&) = delete;
  RegisterService& operator=(const RegisterService&) = delete;

  reg::Consolidator* consolidator() { return consolidator_.get(); }
  reg::Catalog* catalog() { return catalog_.get(); }

  // Binds the webhook (if any), connects the NATS source (if any; fails
  // with its error when the server cannot be reached) and starts the
  // threads. `log` (may be empty) gets one line per event and
  // reconciliation; it must be thread-safe and outlive the service.
  Status Start(reg::LogFn log);
  // The webhook's port after Start(); 0 without --listen.
  int port() const { return port_; }
  // True once the webhook's server stopped on its own (its error in
  // served()).
  bool WebhookStopped() const { return webhook_done_; }
  Status served() const { return served_; }
  // Stops the threads after the report in hand; idempotent.
  void Stop();

  // Queues a report the daemon delivered (schedule/report_delivered.h) for
  // the delivery thread and returns at once. A failure to ingest it is
  // logged, and so is a full queue (kMaxQueuedDeliveries) or a report still
  // queued at Stop(); in every case the report stays in its collector and
  // the next reconciliation registers it.
  void OnReportDelivered(const schedule::ReportDelivered& report);
  static constexpr size_t kMaxQueuedDeliveries = 10000;
  // Reports queued and not yet taken by the delivery thread.
  size_t QueuedDeliveries();

 private:
  RegisterService() = default;
  void ReconcileLoop();
  void DeliveryLoop();
  void Ingest(const schedule::ReportDelivered& report);

  RegisterSettings settings_;
  std::vector<OpenedStore> stores_;
  std::unique_ptr<reg::Catalog> catalog_;
  std::unique_ptr<reg::Ingester> ingester_;
  std::unique_ptr<reg::Consolidator> consolidator_;
  reg::LogFn log_;

  std::unique_ptr<reg::NatsSource> nats_;
  std::unique_ptr<reg::EventPump> pump_;
  std::unique_ptr<server::RegisterWebhook> webhook_;
  std::unique_ptr<server::HttpServer> http_;
  int port_ = 0;
  std::atomic<bool> webhook_done_{false};
  Status served_;

  std::atomic<bool> stop_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::deque<schedule::ReportDelivered> delivered_;  // guarded by wake_mu_
  std::condition_variable delivered_cv_;
  std::thread reconcile_thread_, pump_thread_, serve_thread_, delivery_thread_;
};

}  // namespace stocktake::cli
