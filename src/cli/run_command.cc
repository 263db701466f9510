// `stocktake run [--bucket B --id ID | --all]`: runs stored inventory
// configurations now. One failing report does not stop the others; every
// failure is printed and the exit code is non-zero.
// `stocktake run --remote URL --bucket B --id ID` asks a daemon to do it
// (remote_run.h).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "cli/notify_options.h"
#include "cli/remote_run.h"
#include "cli/report_runner.h"
#include "inventory/spec_from_config.h"
#include "cli/state.h"
#include "cli/store_options.h"

namespace stocktake::cli {
namespace {

struct RunFlags {
  std::string bucket;
  std::string id;
  bool all = false;
  bool include_disabled = false;
  int list_concurrency = 0;  // 0 = automatic
  int connections = 0;       // 0 = automatic (ConnectionsFor)
  std::string remote;
  StoreFlags store;
  NotifyFlags notify;
};

Status RunStored(const RunFlags& flags, const GlobalFlags& globals) {
  if (!flags.remote.empty()) {
    if (flags.all || !flags.store.local_root.empty() || !flags.store.endpoint_url.empty()) {
      return InvalidArgument("run --remote takes --bucket and --id, not --all/--local/--endpoint-url");
    }
    return RunRemote(flags.remote, flags.bucket, flags.id, flags.store);
  }
  if (flags.all == !flags.bucket.empty()) {
    return InvalidArgument("run: give either --bucket B [--id ID] or --all");
  }
  RETURN_IF_ERROR(CheckListConcurrency(flags.list_concurrency));
  RETURN_IF_ERROR(CheckConnections(flags.connections));
  StoreFlags store_flags = flags.store;
  ASSIGN_OR_RETURN(store_flags.etag_cache_dir, StateDir(globals));
  store_flags.max_connections = ConnectionsFor(flags.connections, flags.list_concurrency);
  store_flags.local_list_threads = flags.list_concurrency;
  ASSIGN_OR_RETURN(OpenedStore store, OpenStore(store_flags));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(globals));
  std::vector<config::StoredConfig> todo;
  if (flags.all) {
    ASSIGN_OR_RETURN(todo, configs->ListAll(store.id));
  } else if (!flags.id.empty()) {
    ASSIGN_OR_RETURN(config::StoredConfig one, configs->Get(store.id, flags.bucket, flags.id));
    todo.push_back(std::move(one));
  } else {
    ASSIGN_OR_RETURN(todo, ListBucketConfigs(*configs, store.id, flags.bucket));
    if (todo.empty()) {
      return NotFound("run: no inventory configurations on bucket '" + flags.bucket + "'");
    }
  }

  ASSIGN_OR_RETURN(std::unique_ptr<notify::Notifier> notifier,
                   StartNotifier(flags.notify, store_flags.etag_cache_dir));
  Progress progress(globals.quiet);
  Status first_error;
  int failed = 0, ran = 0;
  for (const config::StoredConfig& stored : todo) {
    if (!stored.config.is_enabled && !flags.include_disabled && flags.id.empty()) continue;
    inventory::ReportSpec spec =
        inventory::SpecFromConfig(stored.config, stored.profile, store.store.get(), stored.bucket,
                                  store.store.get());
    ApplyListConcurrency(flags.list_concurrency, store.retrying, &spec);
    Result<inventory::ReportResult> result = RunReport(spec, &progress);
    ++ran;
    Status st = result.status();
    if (result.ok()) {
      PrintReportResult(spec, *result);
      st = AnnounceReport(notifier.get(), spec, *result, flags.store.region);
    }
    if (!st.ok()) {
      ++failed;
      if (todo.size() > 1) PrintError(st.message());
      if (first_error.ok()) first_error = st;
    }
  }
  FinishNotifications(notifier.get(), flags.notify);
  if (failed > 0) {
    if (todo.size() == 1) return first_error;
    return Status(first_error.code(), std::to_string(failed) + " of " + std::to_string(ran) +
                                          " reports failed");
  }
  if (ran == 0) std::printf("no enabled inventory configurations to run\n");
  return Status::OK();
}

}  // namespace

void RegisterRun(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app->add_subcommand("run", "run stored inventory configurations now");
  cmd->add_option("--bucket", flags->bucket, "source bucket");
  cmd->add_option("--id", flags->id, "configuration id (default: all of the bucket's)");
  cmd->add_flag("--all", flags->all, "every stored configuration of the store");
  cmd->add_flag("--include-disabled", flags->include_disabled, "also run disabled configurations");
  cmd->add_option("--list-concurrency", flags->list_concurrency,
                  "listing calls in flight for S3 (default 16); threads walking local folders "
                  "(default min(8, 2 x cores))");
  cmd->add_option("--connections", flags->connections,
                  "keep-alive connections per S3 store (default: the larger of 16 and "
                  "--list-concurrency)");
  cmd->add_option("--remote", flags->remote,
                  "daemon URL (http://HOST:PORT): run --bucket/--id there and wait for the report");
  AddStoreFlags(cmd, &flags->store);
  AddNotifyFlags(cmd, &flags->notify, /*one_off=*/true);
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return RunStored(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
