#include "cli/register_service.h"

#include <cctype>
#include <chrono>
#include <filesystem>
#include <set>

#include "base/clock.h"
#include "cli/daemon_support.h"
#include "server/http_server.h"
#include "server/register_webhook.h"

namespace stocktake::cli {
namespace {

bool IsRegionName(const std::string& region) {
  if (region.empty()) return false;
  for (char c : region) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

struct Locations {
  std::vector<OpenedStore> stores;
  reg::CentralStore central;
  std::vector<reg::Collector> collectors;
};

Result<Locations> OpenLocations(const RegisterSettings& settings) {
  if (settings.central.empty()) return InvalidArgument("register: give --central LOCATION");
  if (settings.collectors.empty()) {
    return InvalidArgument("register: give at least one --collector REGION=LOCATION");
  }
  const StoreFlags& flags = settings.store;
  Locations out;
  ASSIGN_OR_RETURN(Location central, ParseLocation(settings.central, flags.local_root));
  if (!central.is_s3) {
    // A new central folder is fine; its parent must exist.
    std::error_code ec;
    if (!std::filesystem::is_directory(central.root, ec)) {
      return NotFound("--central " + settings.central + ": folder " + central.root +
                      " does not exist");
    }
    std::filesystem::create_directories(central.root + "/" + central.bucket, ec);
    if (ec) return ErrnoStatus("create central folder " + settings.central, ec.value());
  }
  ASSIGN_OR_RETURN(OpenedStore central_store, OpenLocationStore(central, flags));
  Status head = central_store.store->HeadBucket(central.bucket);
  if (!head.ok()) return head.WithContext("--central " + settings.central);
  out.central = reg::CentralStore{central_store.store.get(), central.bucket, central.prefix};
  out.stores.push_back(std::move(central_store));

  std::set<std::string> ids;
  for (const std::string& spec : settings.collectors) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || !IsRegionName(spec.substr(0, eq)) || eq + 1 == spec.size()) {
      return InvalidArgument(
          "--collector must be REGION=LOCATION (e.g. eu-west-1=s3://inv-eu), "
          "not '" +
          spec + "'");
    }
    const std::string region = spec.substr(0, eq);
    ASSIGN_OR_RETURN(Location location, ParseLocation(spec.substr(eq + 1), flags.local_root));
    if (!location.is_s3 && !std::filesystem::is_directory(location.root + "/" + location.bucket)) {
      return NotFound("--collector " + spec + ": folder " + location.root + "/" + location.bucket +
                      " does not exist");
    }
    ASSIGN_OR_RETURN(OpenedStore store, OpenLocationStore(location, flags));
    Status exists = store.store->HeadBucket(location.bucket);
    if (!exists.ok()) return exists.WithContext("--collector " + spec);
    reg::Collector collector{region, store.store.get(), location.bucket, location.prefix};
    if (!ids.insert(collector.Id()).second) {
      return InvalidArgument("--collector " + spec + ": the same location is given twice");
    }
    out.collectors.push_back(std::move(collector));
    out.stores.push_back(std::move(store));
  }
  return out;
}

}  // namespace

RegisterSettings RegisterSettingsOf(const server::RegisterSpec& spec) {
  RegisterSettings settings;
  settings.central = spec.central;
  settings.collectors = spec.collectors;
  settings.store.endpoint_url = spec.endpoint;
  settings.store.region = spec.region;
  if (!spec.access_key.empty()) {
    settings.store.credentials = store::Credentials{spec.access_key, spec.secret_key, ""};
  }
  settings.interval_seconds = static_cast<int>(spec.interval_seconds);
  settings.nats.url = spec.nats_url;
  if (!spec.nats_subject.empty()) settings.nats.subject = spec.nats_subject;
  if (!spec.nats_stream.empty()) settings.nats.stream = spec.nats_stream;
  if (!spec.nats_durable.empty()) settings.nats.durable = spec.nats_durable;
  settings.nats.ack_wait_ms = spec.nats_ack_wait_seconds * 1000;
  return settings;
}

Result<std::unique_ptr<RegisterService>> RegisterService::Open(const RegisterSettings& settings,
                                                               const std::string& state_dir) {
  if (settings.interval_seconds < 1) {
    return InvalidArgument("--interval must be at least 1 second");
  }
  std::unique_ptr<RegisterService> service(new RegisterService());
  service->settings_ = settings;
  if (!settings.nats.url.empty()) {
    ASSIGN_OR_RETURN(service->nats_, reg::NatsSource::Create(settings.nats));
  }
  ASSIGN_OR_RETURN(service->catalog_, reg::Catalog::Open(state_dir, Clock::Real()));
  ASSIGN_OR_RETURN(Locations locations, OpenLocations(settings));
  service->stores_ = std::move(locations.stores);
  service->ingester_ = std::make_unique<reg::Ingester>(locations.central, service->catalog_.get());
  service->consolidator_ = std::make_unique<reg::Consolidator>(std::move(locations.collectors),
                                                               service->ingester_.get());
  return service;
}

RegisterService::~RegisterService() { Stop(); }

Status RegisterService::Start(reg::LogFn log) {
  log_ = std::move(log);
  if (!settings_.listen.empty()) {
    server::HttpServerOptions options;
    RETURN_IF_ERROR(ParseListenAddress(settings_.listen, &options));
    webhook_ = std::make_unique<server::RegisterWebhook>(consolidator_.get(), log_);
    http_ = std::make_unique<server::HttpServer>(
        options,
        [hook = webhook_.get()](const server::HttpRequest& request) {
          return hook->Handle(request);
        },
        &server::RegisterWebhook::ErrorResponse);
    ASSIGN_OR_RETURN(port_, http_->Bind());
  }
  if (nats_ != nullptr) {
    RETURN_IF_ERROR(nats_->Connect());
    pump_ = std::make_unique<reg::EventPump>(nats_.get(), consolidator_.get(), log_);
  }
  // Threads only once nothing can fail any more.
  if (http_ != nullptr) {
    serve_thread_ = std::thread([this] {
      served_ = http_->Serve();
      webhook_done_ = true;
    });
  }
  if (pump_ != nullptr) {
    if (log_) log_("consuming " + nats_->Describe());
    pump_thread_ = std::thread([this] { pump_->Run(&stop_); });
  }
  // Reconciliation runs on its own thread so that a stop is seen at once;
  // it stops after the report in hand.
  reconcile_thread_ = std::thread([this] { ReconcileLoop(); });
  delivery_thread_ = std::thread([this] { DeliveryLoop(); });
  return Status::OK();
}

void RegisterService::ReconcileLoop() {
  const auto interval = std::chrono::seconds(settings_.interval_seconds);
  std::unique_lock<std::mutex> lock(wake_mu_);
  while (!stop_) {
    lock.unlock();
    reg::ReconcileSummary summary = consolidator_->Reconcile(&stop_);
    if (log_) {
      log_("reconciled: " + std::to_string(summary.registered) + " registered, " +
           std::to_string(summary.quarantined) + " quarantined, " +
           std::to_string(summary.errors.size()) + " errors");
      for (const Status& error : summary.errors) log_("reconcile: " + error.message());
    }
    lock.lock();
    wake_.wait_for(lock, interval, [this] { return stop_.load(); });
  }
}

void RegisterService::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  delivered_cv_.notify_all();
  if (reconcile_thread_.joinable()) reconcile_thread_.join();
  if (delivery_thread_.joinable()) delivery_thread_.join();
  if (pump_thread_.joinable()) pump_thread_.join();
  if (http_ != nullptr && serve_thread_.joinable()) {
    http_->Stop();
    serve_thread_.join();
  }
}

void RegisterService::OnReportDelivered(const schedule::ReportDelivered& report) {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    if (!stop_ && delivered_.size() < kMaxQueuedDeliveries) {
      delivered_.push_back(report);
      delivered_cv_.notify_one();
      return;
    }
  }
  if (log_) {
    log_("delivered report s3://" + report.bucket + "/" + report.object_key + ": " +
         (stop_ ? "stopping" : "delivery queue full") + " (the next reconciliation registers it)");
  }
}

size_t RegisterService::QueuedDeliveries() {
  std::lock_guard<std::mutex> lock(wake_mu_);
  return delivered_.size();
}

void RegisterService::DeliveryLoop() {
  std::unique_lock<std::mutex> lock(wake_mu_);
  for (;;) {
    delivered_cv_.wait(lock, [this] { return stop_.load() || !delivered_.empty(); });
    if (stop_) break;
    schedule::ReportDelivered report = std::move(delivered_.front());
    delivered_.pop_front();
    lock.unlock();
    Ingest(report);
    lock.lock();
  }
  if (!delivered_.empty() && log_) {
    log_(std::to_string(delivered_.size()) +
         " delivered reports left to the next reconciliation at stop");
  }
}

void RegisterService::Ingest(const schedule::ReportDelivered& report) {
  reg::ObjectEvent event;
  event.event_name = "ObjectCreated:Put";
  event.region = report.region;
  event.bucket = report.bucket;
  event.key = report.object_key;
  const std::string target = "s3://" + report.bucket + "/" + report.object_key;
  Result<reg::IngestOutcome> outcome = consolidator_->HandleEvent(event);
  if (!log_) return;
  if (!outcome.ok()) {
    log_("delivered report " + target + ": " + outcome.status().message() +
         " (the next reconciliation retries it)");
    return;
  }
  log_("delivered report " + target + ": " + reg::IngestResultName(outcome->result) +
       (outcome->reason.empty() ? "" : " (" + outcome->reason + ")"));
}

}  // namespace stocktake::cli
