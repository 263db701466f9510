// `stocktake serve`: the daemon speaking the S3 inventory API (and the few
// S3/STS calls around it) over an estate of local and S3 stores:
//   stocktake serve --config FILE
//   stocktake serve --local ROOT --listen 127.0.0.1:PORT --region eu-west-1
//       --account 123456789012:ACCESS_KEY:SECRET_KEY [--account ...]
// The file format is in docs/serve.md. With flags, `--local` may be repeated,
// with one `--region` for all of them or one per `--local` in the same order,
// and the first account owns the local buckets. Scalar flags given next to
// --config override the file. The first stdout line is
// "listening on http://HOST:PORT" (PORT 0 picks a free port). The scheduler
// runs due configurations; SIGTERM or SIGINT cancels running reports (no
// manifest, data files deleted, run recorded as cancelled), answers the
// requests in flight and exits 0. With --register-central (or [register] in
// the file) the daemon also runs the central asset register
// (RegisterService, as `stocktake register`). docs/serve.md has the whole
// surface.
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <thread>

#include "base/clock.h"
#include "cli/commands.h"
#include "cli/notify_options.h"
#include "cli/report_runner.h"
#include "cli/register_service.h"
#include "cli/state.h"
#include "cli/store_options.h"
#include "base/log.h"
#include "config/run_store.h"
#include "schedule/scheduler.h"
#include "server/accounts.h"
#include "server/daemon_api.h"
#include "server/daemon_config.h"
#include "server/metrics.h"
#include "server/estate.h"
#include "server/http_server.h"
#include "server/s3_api.h"

namespace stocktake::cli {
namespace {

// How often the scheduler looks for due configurations (real time).
constexpr int64_t kTickIntervalMs = 1000;

struct ServeFlags {
  std::string config_file;
  std::vector<std::string> local_roots;
  std::vector<std::string> regions;
  std::vector<std::string> accounts;
  std::string validation = "s3";
  // Scalars also settable in the file: applied only when given.
  server::DaemonConfig scalars;
  std::string schedule_time, schedule_weekday, log_format;
  bool no_scheduler = false;
  const CLI::App* cmd = nullptr;
  NotifyFlags notify;
  server::RegisterSpec central;  // --register-* (applied only when given)

  bool Given(const char* flag) const { return cmd->count(flag) > 0; }
};

// Blocks SIGINT/SIGTERM in this thread (and the threads it starts) so that
// only WaitForSignal sees them; restores the old mask on destruction.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  // True when a signal arrived within the timeout.
  bool Wait(int timeout_ms) const {
    timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
    return sigtimedwait(&set_, nullptr, &timeout) > 0;
  }

 private:
  sigset_t set_;
  sigset_t old_;
};

// The stores and accounts of the flag form.
Status StoresFromFlags(const ServeFlags& flags, server::DaemonConfig* config) {
  if (flags.local_roots.empty()) return InvalidArgument("serve: give --config FILE or --local ROOT");
  if (flags.regions.size() > 1 && flags.regions.size() != flags.local_roots.size()) {
    return InvalidArgument("serve: give one --region for all stores or one per --local");
  }
  std::optional<config::Profile> profile = config::ParseProfile(flags.validation);
  if (!profile) return InvalidArgument("--validation must be 's3' or 'obs'");
  for (size_t i = 0; i < flags.local_roots.size(); ++i) {
    server::StoreSpec store;
    store.name = "local-" + std::to_string(i + 1);
    store.local_root = flags.local_roots[i];
    if (!flags.regions.empty()) store.region = flags.regions[flags.regions.size() > 1 ? i : 0];
    store.profile = *profile;
    config->stores.push_back(std::move(store));
  }
  for (const std::string& spec : flags.accounts) {
    ASSIGN_OR_RETURN(server::Account account, server::ParseAccountSpec(spec));
    config->accounts.push_back(server::AccountSpec{std::move(account), {}});
  }
  return Status::OK();
}

// --register-* flags given on the command line win over [register].
void ApplyRegisterFlags(const ServeFlags& flags, server::RegisterSpec* spec) {
  const server::RegisterSpec& given = flags.central;
  if (flags.Given("--register-central")) spec->central = given.central;
  if (flags.Given("--register-collector")) spec->collectors = given.collectors;
  if (flags.Given("--register-endpoint-url")) spec->endpoint = given.endpoint;
  if (flags.Given("--register-interval")) spec->interval_seconds = given.interval_seconds;
  if (flags.Given("--register-nats")) spec->nats_url = given.nats_url;
  if (flags.Given("--register-nats-subject")) spec->nats_subject = given.nats_subject;
  if (flags.Given("--register-nats-stream")) spec->nats_stream = given.nats_stream;
  if (flags.Given("--register-nats-durable")) spec->nats_durable = given.nats_durable;
  if (flags.Given("--register-nats-ack-wait")) {
    spec->nats_ack_wait_seconds = given.nats_ack_wait_seconds;
  }
}

// The daemon configuration from --config and/or the flags.
Result<server::DaemonConfig> BuildConfig(const ServeFlags& flags) {
  server::DaemonConfig config;
  if (!flags.config_file.empty()) {
    if (flags.Given("--local") || flags.Given("--account") || flags.Given("--region") ||
        flags.Given("--validation")) {
      return InvalidArgument(
          "serve: give stores and accounts either in --config or as --local/--account flags");
    }
    ASSIGN_OR_RETURN(config, server::LoadDaemonConfig(flags.config_file));
  } else {
    RETURN_IF_ERROR(StoresFromFlags(flags, &config));
  }
  const server::DaemonConfig& s = flags.scalars;
  if (flags.Given("--listen")) config.listen = s.listen;
  if (flags.Given("--max-body-bytes")) config.max_body_bytes = s.max_body_bytes;
  if (flags.Given("--threads")) config.threads = s.threads;
  if (flags.Given("--run-threads")) config.run_threads = s.run_threads;
  if (flags.Given("--jitter-seconds")) config.jitter_seconds = s.jitter_seconds;
  if (flags.Given("--list-concurrency")) config.list_concurrency = s.list_concurrency;
  if (flags.Given("--connections")) config.connections = s.connections;
  if (flags.Given("--connect-timeout")) config.connect_timeout = s.connect_timeout;
  if (flags.Given("--read-timeout")) config.read_timeout = s.read_timeout;
  if (flags.Given("--max-attempts")) config.max_attempts = s.max_attempts;
  if (flags.no_scheduler) config.scheduler = false;
  if (flags.Given("--schedule-time")) {
    std::optional<int> minutes = server::ParseTimeOfDay(flags.schedule_time);
    if (!minutes) return InvalidArgument("--schedule-time must be HH:MM (UTC)");
    config.schedule_minutes = *minutes;
  }
  if (flags.Given("--schedule-weekday")) {
    std::optional<int> day = server::ParseWeekday(flags.schedule_weekday);
    if (!day) return InvalidArgument("--schedule-weekday must be a weekday name");
    config.schedule_weekday = *day;
  }
  if (flags.Given("--log-format")) {
    std::optional<server::LogFormat> format = server::ParseLogFormat(flags.log_format);
    if (!format) return InvalidArgument("--log-format must be 'text' or 'json'");
    config.log_format = *format;
  }
  ApplyRegisterFlags(flags, &config.central_register);
  RETURN_IF_ERROR(server::ValidateDaemonConfig(config));
  return config;
}

// One listener made of several (the notifier's, the register's).
schedule::ReportDeliveredListener Both(schedule::ReportDeliveredListener first,
                                       schedule::ReportDeliveredListener second) {
  if (!first) return second;
  if (!second) return first;
  return [first = std::move(first), second = std::move(second)](
             const schedule::ReportDelivered& report) {
    first(report);
    second(report);
  };
}

// The daemon's connect_timeout, read_timeout and max_attempts (-1 = the
// defaults, as StoreFlags has them).
void ApplyNetworkSettings(const server::DaemonConfig& config, StoreFlags* flags) {
  flags->connect_timeout_s = config.connect_timeout;
  flags->read_timeout_s = config.read_timeout;
  flags->max_attempts = config.max_attempts;
}

// Opens every store of the estate, in order, and describes it for the Estate.
Status OpenEstate(const server::DaemonConfig& config, const std::string& state_dir,
                  std::vector<OpenedStore>* opened,
                  std::vector<server::EstateStore>* estate_stores) {
  for (const server::StoreSpec& spec : config.stores) {
    StoreFlags store_flags;
    store_flags.local_root = spec.local_root;
    store_flags.endpoint_url = spec.endpoint;
    store_flags.region = spec.region;
    if (!spec.access_key.empty()) {
      store_flags.credentials = store::Credentials{spec.access_key, spec.secret_key, ""};
    }
    store_flags.etag_cache_dir = state_dir;
    store_flags.max_connections = ConnectionsFor(config.connections, config.list_concurrency);
    store_flags.local_list_threads = config.list_concurrency;
    ApplyNetworkSettings(config, &store_flags);
    Result<OpenedStore> store = OpenStore(store_flags);
    if (!store.ok()) return store.status().WithContext("store " + spec.name);
    server::EstateStore estate_store;
    estate_store.store = store->store.get();
    estate_store.store_id = store->id;
    estate_store.region = spec.region;
    estate_store.owner_account =
        spec.owner.empty() ? config.accounts.front().account.account_id : spec.owner;
    estate_store.profile = spec.profile;
    for (const server::AccountSpec& account : config.accounts) {
      for (const std::string& bucket : account.buckets) {
        estate_store.bucket_owners[bucket] = account.account.account_id;
      }
    }
    estate_stores->push_back(std::move(estate_store));
    opened->push_back(std::move(store).value());
  }
  return Status::OK();
}

// The hook for report notifications: called once per delivered report (see
// schedule/report_delivered.h), it stores the report's S3 event in the
// outbox (the Notifier delivers it from there, across restarts). No
// targets, no hook. A report delivered but not yet published when the
// daemon dies is announced by no event; the register's reconciliation is
// what closes that gap.
schedule::ReportDeliveredListener ReportListener(notify::Notifier* notifier) {
  if (notifier == nullptr) return {};
  return [notifier](const schedule::ReportDelivered& d) {
    notify::ReportEvent event;
    event.region = d.region;
    event.event_time_ms = d.event_time_ms;
    event.configuration_id = d.config_id;
    event.bucket = d.bucket;
    event.bucket_owner_id = d.account_id;
    event.key = d.object_key;
    event.size = d.object_size;
    event.etag = d.object_etag;
    Status st = notifier->Publish(event);
    if (!st.ok()) {
      Log("notify.error", {{"bucket", d.bucket}, {"key", d.object_key}, {"error", st.ToString()}});
    }
  };
}

// The estate as the scheduler runs it: `opened[i]` is the store of
// `stores[i]`; every report lists with `list_concurrency` (0 = the store's
// default) and backs off on its store's throttling.
std::vector<schedule::ScheduledStore> ScheduledStores(
    const std::vector<server::EstateStore>& stores, const std::vector<OpenedStore>& opened,
    int list_concurrency) {
  std::vector<schedule::ScheduledStore> out;
  for (size_t i = 0; i < stores.size(); ++i) {
    const server::EstateStore& s = stores[i];
    schedule::ScheduledStore scheduled;
    scheduled.store = s.store;
    scheduled.store_id = s.store_id;
    scheduled.region = s.region;
    scheduled.owner_account = s.owner_account;
    scheduled.profile = s.profile;
    scheduled.bucket_owners = s.bucket_owners;
    scheduled.list_concurrency = list_concurrency;
    if (store::RetryingStore* retrying = opened[i].retrying; retrying != nullptr) {
      scheduled.throttle_events = [retrying] { return retrying->throttled(); };
    }
    out.push_back(std::move(scheduled));
  }
  return out;
}

Status Serve(const ServeFlags& flags, GlobalFlags globals) {
  ASSIGN_OR_RETURN(server::DaemonConfig config, BuildConfig(flags));
  if (globals.state_dir.empty()) globals.state_dir = config.state_dir;
  SetLogStyle(config.log_format == server::LogFormat::kJson ? LogStyle::kJson : LogStyle::kText);
  std::vector<server::Account> accounts;
  for (const server::AccountSpec& spec : config.accounts) accounts.push_back(spec.account);
  ASSIGN_OR_RETURN(server::AccountRegistry registry,
                   server::AccountRegistry::Create(std::move(accounts)));
  server::HttpServerOptions http;
  RETURN_IF_ERROR(server::ParseListenAddress(config.listen, &http.host, &http.port));
  http.max_body_bytes = config.max_body_bytes;
  http.threads = config.threads;

  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  RETURN_IF_ERROR(NotifyTargetSpecs(flags.notify).status());
  std::vector<OpenedStore> opened;
  std::vector<server::EstateStore> estate_stores;
  RETURN_IF_ERROR(OpenEstate(config, state_dir, &opened, &estate_stores));
  server::Estate estate(estate_stores);
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(globals));
  ASSIGN_OR_RETURN(std::unique_ptr<config::RunStore> runs, config::RunStore::Open(state_dir));
  server::S3Api api(&estate, configs.get(), &registry, Clock::Real());

  SignalBlock signals;  // before any thread starts, so workers inherit the mask
  // Resumes deliveries left pending by an earlier run; the scheduler's
  // report hook publishes through it (Notifier::Publish).
  ASSIGN_OR_RETURN(std::unique_ptr<notify::Notifier> notifier,
                   StartNotifier(flags.notify, state_dir));
  // The embedded register (reconciliation, NATS consumer) starts before the
  // scheduler, so that every report the daemon delivers reaches it.
  std::unique_ptr<RegisterService> central;
  schedule::ReportDeliveredListener register_listener;
  if (config.central_register.enabled()) {
    RegisterSettings settings = RegisterSettingsOf(config.central_register);
    ApplyNetworkSettings(config, &settings.store);
    ASSIGN_OR_RETURN(central, RegisterService::Open(settings, state_dir));
    RETURN_IF_ERROR(central->Start([](const std::string& line) {
      Log("register", {{"message", line}});
    }));
    register_listener = [service = central.get()](const schedule::ReportDelivered& report) {
      service->OnReportDelivered(report);
    };
  }
  schedule::RunExecutor executor(ScheduledStores(estate_stores, opened, config.list_concurrency),
                                 runs.get(), Clock::Real(),
                                 Both(ReportListener(notifier.get()), std::move(register_listener)));
  schedule::SchedulerOptions scheduling;
  scheduling.schedule.minutes_of_day = config.schedule_minutes;
  scheduling.schedule.weekday = config.schedule_weekday;
  scheduling.schedule.jitter_ms = config.jitter_seconds * 1000;
  scheduling.run_threads = config.run_threads;
  scheduling.tick_interval_ms = config.scheduler ? kTickIntervalMs : 0;
  schedule::Scheduler scheduler(&executor, configs.get(), runs.get(), Clock::Real(), scheduling);
  server::Metrics metrics;
  server::DaemonApi daemon_api(&api, &estate, &registry, &scheduler, &metrics, Clock::Real());
  server::HttpServer http_server(
      http, [&daemon_api](const server::HttpRequest& request) { return daemon_api.Handle(request); },
      &server::S3Api::ErrorResponse);
  ASSIGN_OR_RETURN(int port, http_server.Bind());
  RETURN_IF_ERROR(scheduler.Start());
  std::printf("listening on http://%s:%d\n", http.host.c_str(), port);
  std::fflush(stdout);
  Log("serve.start", {{"listen", http.host + ":" + std::to_string(port)},
                      {"stores", std::to_string(config.stores.size())},
                      {"accounts", std::to_string(config.accounts.size())},
                      {"scheduler", config.scheduler ? "on" : "off"}});

  std::atomic<bool> done{false};
  Status served;
  std::thread serve_thread([&] {
    served = http_server.Serve();
    done = true;
  });
  while (!done && !signals.Wait(200)) {
  }
  // Runs first: cancelling them answers the remote-run requests waiting on
  // them, so the HTTP server's in-flight requests can finish.
  scheduler.Stop();
  http_server.Stop();
  serve_thread.join();
  if (central != nullptr) central->Stop();
  Log("serve.stop", {});
  return served;
}

}  // namespace

void RegisterServe(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd =
      app->add_subcommand("serve",
                          "run the S3 inventory API daemon (PUT/GET/LIST/DELETE inventory "
                          "configurations, scheduled reports)");
  flags->cmd = cmd;
  cmd->add_option("--config", flags->config_file,
                  "daemon configuration file (TOML: stores, accounts, schedule; see docs/serve.md)");
  cmd->add_option("--local", flags->local_roots,
                  "local store: folder whose sub-folders are buckets (repeatable)");
  cmd->add_option("--region", flags->regions,
                  "region of the stores: one for all, or one per --local (default none)");
  cmd->add_option("--listen", flags->scalars.listen,
                  "HOST:PORT to listen on (default 127.0.0.1:8571; port 0: any free port)");
  cmd->add_option("--account", flags->accounts,
                  "ACCOUNT_ID:ACCESS_KEY:SECRET_KEY (repeatable; the first "
                  "owns the buckets)");
  cmd->add_option("--validation", flags->validation, "configuration rules: s3 (default) | obs");
  cmd->add_option("--max-body-bytes", flags->scalars.max_body_bytes,
                  "largest request body accepted (default 1 MiB)");
  cmd->add_option("--threads", flags->scalars.threads, "HTTP worker threads (default 8)");
  cmd->add_option("--run-threads", flags->scalars.run_threads,
                  "reports generated at once (default 2)");
  cmd->add_option("--list-concurrency", flags->scalars.list_concurrency,
                  "listing calls in flight per report (default: 16 for S3 stores, 1 for local)");
  cmd->add_option("--connections", flags->scalars.connections,
                  "keep-alive connections per S3 store (default: the larger of 16 and "
                  "--list-concurrency)");
  cmd->add_option("--connect-timeout", flags->scalars.connect_timeout,
                  "seconds to wait for a connection to an S3 store (default 10)");
  cmd->add_option("--read-timeout", flags->scalars.read_timeout,
                  "seconds an S3 request may go without receiving a byte before it is retried "
                  "(default 60, 0 = no limit)");
  cmd->add_option("--max-attempts", flags->scalars.max_attempts,
                  "tries per S3 request, the first included (default $AWS_MAX_ATTEMPTS, else 6)");
  cmd->add_option("--schedule-time", flags->schedule_time,
                  "UTC time HH:MM at which Daily/Weekly configurations run (default 00:00)");
  cmd->add_option("--schedule-weekday", flags->schedule_weekday,
                  "weekday Weekly configurations run on (default sunday)");
  cmd->add_option("--jitter-seconds", flags->scalars.jitter_seconds,
                  "spread scheduled runs over this many seconds after the time (default 0)");
  cmd->add_flag("--no-scheduler", flags->no_scheduler, "do not run configurations on schedule (remote runs only)");
  cmd->add_option("--log-format", flags->log_format, "request and run logs: text (default) | json");
  AddNotifyFlags(cmd, &flags->notify, /*one_off=*/false);
  server::RegisterSpec& central = flags->central;
  cmd->add_option("--register-central", central.central,
                  "run the central asset register too: its central store (local folder or "
                  "s3://bucket[/prefix]; docs/register.md)");
  cmd->add_option("--register-collector", central.collectors,
                  "REGION=LOCATION of a regional collector (repeatable)");
  cmd->add_option("--register-endpoint-url", central.endpoint,
                  "S3 endpoint of the register's s3:// locations");
  cmd->add_option("--register-interval", central.interval_seconds,
                  "seconds between register reconciliations (default 300)");
  cmd->add_option("--register-nats", central.nats_url,
                  "nats://HOST:PORT: the register consumes S3 events from JetStream");
  cmd->add_option("--register-nats-subject", central.nats_subject,
                  "subject (default inventory.reports)");
  cmd->add_option("--register-nats-stream", central.nats_stream,
                  "JetStream stream (default INVENTORY)");
  cmd->add_option("--register-nats-durable", central.nats_durable,
                  "durable consumer (default stocktake-register)");
  cmd->add_option("--register-nats-ack-wait", central.nats_ack_wait_seconds,
                  "seconds before an unacknowledged message comes again (default 300)");
  cmd->callback(
      [flags, globals, action] { *action = [flags, globals] { return Serve(*flags, *globals); }; });
}

}  // namespace stocktake::cli
