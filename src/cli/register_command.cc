// `stocktake register`: the central asset register (docs/register.md).
//   stocktake register --central LOCATION --collector REGION=LOCATION ...
//       [--once | --reconcile] [--status] [--interval SECONDS]
//       [--listen HOST:PORT] [--endpoint-url URL --region R --profile P]
// LOCATION is a local folder or s3://bucket[/prefix]. --once/--reconcile
// reconciles every collector and exits; --status prints the catalog
// (registered reports, lag per bucket, quarantine). Without them it runs
// until SIGTERM/SIGINT: a reconciliation at start and every --interval,
// and with --listen an HTTP receiver of S3 event notifications (first
// stdout line "listening on http://HOST:PORT").
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "base/clock.h"
#include "cli/commands.h"
#include "cli/daemon_support.h"
#include "cli/register_status.h"
#include "cli/state.h"
#include "cli/store_options.h"
#include "register/catalog.h"
#include "register/consolidator.h"
#include "register/ingester.h"
#include "server/http_server.h"
#include "server/register_webhook.h"

namespace stocktake::cli {
namespace {

struct RegisterFlags {
  std::string central;
  std::vector<std::string> collectors;
  bool once = false;
  bool reconcile = false;
  bool status = false;
  int interval_seconds = 300;
  std::string listen;
  StoreFlags store;
};

// The stores the locations live in, and what the register sees of them.
struct Locations {
  std::vector<OpenedStore> stores;
  reg::CentralStore central;
  std::vector<reg::Collector> collectors;
};

bool IsRegionName(const std::string& region) {
  if (region.empty()) return false;
  for (char c : region) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

Result<Locations> OpenLocations(const RegisterFlags& flags) {
  if (flags.central.empty()) return InvalidArgument("register: give --central LOCATION");
  if (flags.collectors.empty()) {
    return InvalidArgument("register: give at least one --collector REGION=LOCATION");
  }
  Locations out;
  ASSIGN_OR_RETURN(Location central, ParseLocation(flags.central, flags.store.local_root));
  if (!central.is_s3) {
    // A new central folder is fine; its parent must exist.
    std::error_code ec;
    if (!std::filesystem::is_directory(central.root, ec)) {
      return NotFound("--central " + flags.central + ": folder " + central.root +
                      " does not exist");
    }
    std::filesystem::create_directories(central.root + "/" + central.bucket, ec);
    if (ec) return ErrnoStatus("create central folder " + flags.central, ec.value());
  }
  ASSIGN_OR_RETURN(OpenedStore central_store, OpenLocationStore(central, flags.store));
  Status head = central_store.store->HeadBucket(central.bucket);
  if (!head.ok()) return head.WithContext("--central " + flags.central);
  out.central = reg::CentralStore{central_store.store.get(), central.bucket, central.prefix};
  out.stores.push_back(std::move(central_store));

  std::set<std::string> ids;
  for (const std::string& spec : flags.collectors) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || !IsRegionName(spec.substr(0, eq)) || eq + 1 == spec.size()) {
      return InvalidArgument("--collector must be REGION=LOCATION (e.g. eu-west-1=s3://inv-eu), "
                             "not '" + spec + "'");
    }
    const std::string region = spec.substr(0, eq);
    ASSIGN_OR_RETURN(Location location, ParseLocation(spec.substr(eq + 1), flags.store.local_root));
    if (!location.is_s3 &&
        !std::filesystem::is_directory(location.root + "/" + location.bucket)) {
      return NotFound("--collector " + spec + ": folder " + location.root + "/" +
                      location.bucket + " does not exist");
    }
    ASSIGN_OR_RETURN(OpenedStore store, OpenLocationStore(location, flags.store));
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

// Prints every error but the first (which Main prints) and returns the first.
Status ReportErrors(const std::vector<Status>& errors) {
  for (size_t i = 1; i < errors.size(); ++i) PrintError(errors[i].message());
  return errors.empty() ? Status::OK() : errors.front();
}

Status ReconcileOnce(reg::Consolidator* consolidator) {
  reg::ReconcileSummary summary = consolidator->Reconcile();
  std::printf("reconciled: %lld reports seen, %lld registered, %lld quarantined, %lld already "
              "known, %zu errors\n",
              static_cast<long long>(summary.reports_seen),
              static_cast<long long>(summary.registered),
              static_cast<long long>(summary.quarantined),
              static_cast<long long>(summary.already_known), summary.errors.size());
  std::fflush(stdout);
  return ReportErrors(summary.errors);
}

Status RunConsumer(const RegisterFlags& flags, const GlobalFlags& globals,
                   reg::Consolidator* consolidator) {
  if (flags.interval_seconds < 1) return InvalidArgument("--interval must be at least 1 second");
  std::mutex log_mu;
  auto log = [&log_mu, quiet = globals.quiet](const std::string& line) {
    if (quiet) return;
    std::lock_guard<std::mutex> lock(log_mu);
    std::fprintf(stderr, "stocktake register: %s\n", line.c_str());
  };
  TerminationSignals signals;  // before any thread starts
  std::unique_ptr<server::RegisterWebhook> webhook;
  std::unique_ptr<server::HttpServer> http;
  std::thread serve_thread;
  std::atomic<bool> serve_done{false};
  Status served;
  if (!flags.listen.empty()) {
    server::HttpServerOptions options;
    RETURN_IF_ERROR(ParseListenAddress(flags.listen, &options));
    webhook = std::make_unique<server::RegisterWebhook>(consolidator, log);
    http = std::make_unique<server::HttpServer>(
        options,
        [hook = webhook.get()](const server::HttpRequest& request) {
          return hook->Handle(request);
        },
        &server::RegisterWebhook::ErrorResponse);
    ASSIGN_OR_RETURN(int port, http->Bind());
    std::printf("listening on http://%s:%d\n", options.host.c_str(), port);
    std::fflush(stdout);
    serve_thread = std::thread([&] {
      served = http->Serve();
      serve_done = true;
    });
  }
  // Reconciliation runs on its own thread so that a signal is seen at once;
  // it stops after the report in hand.
  std::atomic<bool> stop{false};
  std::mutex wake_mu;
  std::condition_variable wake;
  std::thread reconcile_thread([&] {
    const auto interval = std::chrono::seconds(flags.interval_seconds);
    std::unique_lock<std::mutex> lock(wake_mu);
    while (!stop) {
      lock.unlock();
      reg::ReconcileSummary summary = consolidator->Reconcile(&stop);
      log("reconciled: " + std::to_string(summary.registered) + " registered, " +
          std::to_string(summary.quarantined) + " quarantined, " +
          std::to_string(summary.errors.size()) + " errors");
      for (const Status& error : summary.errors) log("reconcile: " + error.message());
      lock.lock();
      wake.wait_for(lock, interval, [&] { return stop.load(); });
    }
  });
  while (!serve_done && !signals.Wait(200)) {
  }
  {
    std::lock_guard<std::mutex> lock(wake_mu);
    stop = true;
  }
  wake.notify_all();
  reconcile_thread.join();
  if (http) {
    http->Stop();
    serve_thread.join();
  }
  log("stopped");
  return served;
}

Status Register(const RegisterFlags& flags, const GlobalFlags& globals) {
  if (flags.once && flags.reconcile) return InvalidArgument("give --once or --reconcile, not both");
  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  ASSIGN_OR_RETURN(std::unique_ptr<reg::Catalog> catalog,
                   reg::Catalog::Open(state_dir, Clock::Real()));
  const bool consume = !flags.once && !flags.reconcile;
  if (flags.status && consume && flags.central.empty() && flags.collectors.empty()) {
    return PrintRegisterStatus(catalog.get(), Clock::Real());
  }
  if (flags.status && consume) {
    return InvalidArgument("--status with --central/--collector needs --once (or give --status alone)");
  }
  ASSIGN_OR_RETURN(Locations locations, OpenLocations(flags));
  reg::Ingester ingester(locations.central, catalog.get());
  reg::Consolidator consolidator(locations.collectors, &ingester);
  if (consume) return RunConsumer(flags, globals, &consolidator);
  Status reconciled = ReconcileOnce(&consolidator);
  if (flags.status) {
    Status printed = PrintRegisterStatus(catalog.get(), Clock::Real());
    if (reconciled.ok()) return printed;
  }
  return reconciled;
}

}  // namespace

void RegisterRegisterCommand(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<RegisterFlags>();
  CLI::App* cmd = app->add_subcommand(
      "register", "consolidate collector reports into the central store (the asset register)");
  cmd->add_option("--central", flags->central,
                  "central store: a local folder or s3://bucket[/prefix]");
  cmd->add_option("--collector", flags->collectors,
                  "REGION=LOCATION of a regional collector (repeatable)");
  cmd->add_flag("--once", flags->once, "reconcile every collector, then exit");
  cmd->add_flag("--reconcile", flags->reconcile, "same as --once");
  cmd->add_flag("--status", flags->status, "print registered reports, lag and quarantine");
  cmd->add_option("--interval", flags->interval_seconds,
                  "seconds between reconciliations when running (default 300)");
  cmd->add_option("--listen", flags->listen,
                  "HOST:PORT for S3 event notifications (webhook; port 0: any free port)");
  AddStoreFlags(cmd, &flags->store);
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return Register(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
