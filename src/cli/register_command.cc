// `stocktake register`: the central asset register (docs/register.md).
//   stocktake register --central LOCATION --collector REGION=LOCATION ...
//       [--once | --reconcile] [--status] [--interval SECONDS]
//       [--listen HOST:PORT] [--nats URL [--nats-subject S] [--nats-stream NAME]
//       [--nats-durable NAME] [--nats-ack-wait SECONDS]]
//       [--endpoint-url URL --region R --profile P]
// LOCATION is a local folder or s3://bucket[/prefix]. --once/--reconcile
// reconciles every collector and exits; --status prints the catalog
// (registered reports, lag per bucket, quarantine). Without them it runs
// until SIGTERM/SIGINT (RegisterService): a reconciliation at start and
// every --interval, with --listen an HTTP receiver of S3 event
// notifications (first stdout line "listening on http://HOST:PORT"), with
// --nats a durable JetStream consumer.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <mutex>

#include "base/clock.h"
#include "cli/commands.h"
#include "cli/daemon_support.h"
#include "cli/register_service.h"
#include "cli/register_status.h"
#include "cli/state.h"
#include "register/catalog.h"
#include "register/nats_source.h"

namespace stocktake::cli {
namespace {

struct RegisterFlags {
  RegisterSettings settings;
  bool once = false;
  bool reconcile = false;
  bool status = false;
  int nats_ack_wait_seconds = 300;
  const CLI::App* cmd = nullptr;

  bool Given(const char* flag) const { return cmd->count(flag) > 0; }
};

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
                   std::unique_ptr<RegisterService> service) {
  std::mutex log_mu;
  reg::LogFn log = [&log_mu, quiet = globals.quiet](const std::string& line) {
    if (quiet) return;
    std::lock_guard<std::mutex> lock(log_mu);
    std::fprintf(stderr, "stocktake register: %s\n", line.c_str());
  };
  TerminationSignals signals;  // before any thread starts
  RETURN_IF_ERROR(service->Start(log));
  if (!flags.settings.listen.empty()) {
    server::HttpServerOptions options;
    RETURN_IF_ERROR(ParseListenAddress(flags.settings.listen, &options));
    std::printf("listening on http://%s:%d\n", options.host.c_str(), service->port());
    std::fflush(stdout);
  }
  while (!service->WebhookStopped() && !signals.Wait(200)) {
  }
  service->Stop();
  log("stopped");
  return service->served();
}

Status Register(RegisterFlags flags, const GlobalFlags& globals) {
  if (flags.once && flags.reconcile) return InvalidArgument("give --once or --reconcile, not both");
  RegisterSettings& settings = flags.settings;
  const bool consume = !flags.once && !flags.reconcile;
  if (settings.nats.url.empty()) {
    for (const char* flag : {"--nats-subject", "--nats-stream", "--nats-durable", "--nats-ack-wait"}) {
      if (flags.Given(flag)) return InvalidArgument(std::string(flag) + " needs --nats URL");
    }
  } else if (!consume) {
    return InvalidArgument("--nats is for the running consumer, not --once/--reconcile");
  }
  if (flags.nats_ack_wait_seconds < 1) {
    return InvalidArgument("--nats-ack-wait must be at least 1 second");
  }
  settings.nats.ack_wait_ms = int64_t{flags.nats_ack_wait_seconds} * 1000;
  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  if (flags.status && consume && settings.central.empty() && settings.collectors.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<reg::Catalog> catalog,
                     reg::Catalog::Open(state_dir, Clock::Real()));
    return PrintRegisterStatus(catalog.get(), Clock::Real());
  }
  if (flags.status && consume) {
    return InvalidArgument("--status with --central/--collector needs --once (or give --status alone)");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RegisterService> service,
                   RegisterService::Open(settings, state_dir));
  if (consume) return RunConsumer(flags, globals, std::move(service));
  Status reconciled = ReconcileOnce(service->consolidator());
  if (flags.status) {
    Status printed = PrintRegisterStatus(service->catalog(), Clock::Real());
    if (reconciled.ok()) return printed;
  }
  return reconciled;
}

}  // namespace

void RegisterRegisterCommand(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<RegisterFlags>();
  CLI::App* cmd = app->add_subcommand(
      "register", "consolidate collector reports into the central store (the asset register)");
  flags->cmd = cmd;
  RegisterSettings& settings = flags->settings;
  cmd->add_option("--central", settings.central,
                  "central store: a local folder or s3://bucket[/prefix]");
  cmd->add_option("--collector", settings.collectors,
                  "REGION=LOCATION of a regional collector (repeatable)");
  cmd->add_flag("--once", flags->once, "reconcile every collector, then exit");
  cmd->add_flag("--reconcile", flags->reconcile, "same as --once");
  cmd->add_flag("--status", flags->status, "print registered reports, lag and quarantine");
  cmd->add_option("--interval", settings.interval_seconds,
                  "seconds between reconciliations when running (default 300)");
  cmd->add_option("--listen", settings.listen,
                  "HOST:PORT for S3 event notifications (webhook; port 0: any free port)");
  cmd->add_option("--nats", settings.nats.url,
                  "nats://HOST:PORT: consume S3 events from a JetStream stream (durable consumer)");
  cmd->add_option("--nats-subject", settings.nats.subject,
                  std::string("subject the stream captures (default ") + reg::kDefaultNatsSubject +
                      ", as --notify-nats-subject in docs/notifications.md)");
  cmd->add_option("--nats-stream", settings.nats.stream,
                  std::string("JetStream stream, created if missing (default ") +
                      reg::kDefaultNatsStream + ")");
  cmd->add_option("--nats-durable", settings.nats.durable,
                  std::string("durable consumer name, created if missing (default ") +
                      reg::kDefaultNatsDurable + ")");
  cmd->add_option("--nats-ack-wait", flags->nats_ack_wait_seconds,
                  "seconds before an unacknowledged message is delivered again (default 300; "
                  "applies when the consumer is created)");
  AddStoreFlags(cmd, &settings.store);
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return Register(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
