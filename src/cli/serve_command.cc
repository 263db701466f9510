// `stocktake serve`: the daemon speaking the S3 inventory API (and the few
// S3/STS calls around it) over one or more local estates:
//   stocktake serve --local ROOT --listen 127.0.0.1:PORT --region eu-west-1
//       --account 123456789012:ACCESS_KEY:SECRET_KEY [--account ...]
// `--local` may be repeated, with one `--region` for all of them or one per
// `--local` in the same order. The first account owns the local buckets.
// The first stdout line is "listening on http://HOST:PORT" (PORT 0 picks a
// free port). SIGTERM or SIGINT stops it after the requests in flight.
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
#include "cli/state.h"
#include "cli/store_options.h"
#include "server/accounts.h"
#include "server/estate.h"
#include "server/http_server.h"
#include "server/s3_api.h"

namespace stocktake::cli {
namespace {

struct ServeFlags {
  std::vector<std::string> local_roots;
  std::vector<std::string> regions;
  std::string listen = "127.0.0.1:8571";
  std::vector<std::string> accounts;
  std::string validation = "s3";
  size_t max_body_bytes = 1 << 20;
  int threads = 8;
  NotifyFlags notify;
};

Status ParseListen(const std::string& text, server::HttpServerOptions* options) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("--listen must be HOST:PORT, not '" + text + "'");
  }
  options->host = text.substr(0, colon);
  try {
    size_t used = 0;
    options->port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || options->port < 0 || options->port > 65535) {
      throw std::out_of_range("port");
    }
  } catch (const std::exception&) {
    return InvalidArgument("--listen port must be 0-65535 in '" + text + "'");
  }
  return Status::OK();
}

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

Status Serve(const ServeFlags& flags, const GlobalFlags& globals) {
  if (flags.local_roots.empty()) return InvalidArgument("serve: give at least one --local ROOT");
  if (flags.regions.size() > 1 && flags.regions.size() != flags.local_roots.size()) {
    return InvalidArgument("serve: give one --region for all stores or one per --local");
  }
  std::optional<config::Profile> profile = config::ParseProfile(flags.validation);
  if (!profile) return InvalidArgument("--validation must be 's3' or 'obs'");
  std::vector<server::Account> accounts;
  for (const std::string& spec : flags.accounts) {
    ASSIGN_OR_RETURN(server::Account account, server::ParseAccountSpec(spec));
    accounts.push_back(std::move(account));
  }
  ASSIGN_OR_RETURN(server::AccountRegistry registry,
                   server::AccountRegistry::Create(std::move(accounts)));
  server::HttpServerOptions http;
  RETURN_IF_ERROR(ParseListen(flags.listen, &http));
  http.max_body_bytes = flags.max_body_bytes;
  http.threads = flags.threads;

  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  RETURN_IF_ERROR(NotifyTargetSpecs(flags.notify).status());
  std::vector<OpenedStore> opened;
  std::vector<server::EstateStore> estate_stores;
  for (size_t i = 0; i < flags.local_roots.size(); ++i) {
    StoreFlags store_flags;
    store_flags.local_root = flags.local_roots[i];
    if (!flags.regions.empty())
      store_flags.region = flags.regions[flags.regions.size() > 1 ? i : 0];
    store_flags.etag_cache_dir = state_dir;
    ASSIGN_OR_RETURN(OpenedStore store, OpenStore(store_flags));
    estate_stores.push_back(server::EstateStore{store.store.get(), store.id, store_flags.region,
                                                registry.primary().account_id, *profile});
    opened.push_back(std::move(store));
  }
  server::Estate estate(std::move(estate_stores));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(globals));
  server::S3Api api(&estate, configs.get(), &registry, Clock::Real());

  SignalBlock signals;  // before any thread starts, so workers inherit the mask
  // Resumes deliveries left pending by an earlier run; the scheduler's
  // report hook publishes through it (Notifier::Publish).
  ASSIGN_OR_RETURN(std::unique_ptr<notify::Notifier> notifier,
                   StartNotifier(flags.notify, state_dir));
  server::HttpServer http_server(
      http, [&api](const server::HttpRequest& request) { return api.Handle(request); },
      &server::S3Api::ErrorResponse);
  ASSIGN_OR_RETURN(int port, http_server.Bind());
  std::printf("listening on http://%s:%d\n", http.host.c_str(), port);
  std::fflush(stdout);

  std::atomic<bool> done{false};
  Status served;
  std::thread serve_thread([&] {
    served = http_server.Serve();
    done = true;
  });
  while (!done && !signals.Wait(200)) {
  }
  http_server.Stop();
  serve_thread.join();
  if (!globals.quiet) std::fprintf(stderr, "stocktake serve: stopped\n");
  return served;
}

}  // namespace

void RegisterServe(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd =
      app->add_subcommand("serve",
                          "run the S3 inventory API daemon (PUT/GET/LIST/DELETE inventory "
                          "configurations)");
  cmd->add_option("--local", flags->local_roots,
                  "local store: folder whose sub-folders are buckets (repeatable)")
      ->required();
  cmd->add_option("--region", flags->regions,
                  "region of the stores: one for all, or one per --local (default none)");
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on (port 0: any free port)");
  cmd->add_option("--account", flags->accounts,
                  "ACCOUNT_ID:ACCESS_KEY:SECRET_KEY (repeatable; the first "
                  "owns the buckets)")
      ->required();
  cmd->add_option("--validation", flags->validation, "configuration rules: s3 (default) | obs");
  cmd->add_option("--max-body-bytes", flags->max_body_bytes,
                  "largest request body accepted (default 1 MiB)");
  cmd->add_option("--threads", flags->threads, "worker threads (default 8)");
  AddNotifyFlags(cmd, &flags->notify, /*one_off=*/false);
  cmd->callback(
      [flags, globals, action] { *action = [flags, globals] { return Serve(*flags, *globals); }; });
}

}  // namespace stocktake::cli
