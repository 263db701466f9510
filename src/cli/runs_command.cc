// `stocktake runs [--bucket B] [--id ID] [--limit N] [--json]`: the report
// run history the daemon keeps in the state database, newest first. Text:
// one line per run; --json: one JSON array of run objects (the fields of
// POST /_stocktake/run's answer).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "base/time_util.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/state.h"
#include "config/run_store.h"
#include "server/daemon_api.h"

namespace stocktake::cli {
namespace {

struct RunsFlags {
  std::string bucket;
  std::string id;
  int limit = 20;
  bool json = false;
};

std::string Duration(const config::RunRecord& run) {
  if (run.ended_at_ms == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.1fs",
                static_cast<double>(run.ended_at_ms - run.started_at_ms) / 1000.0);
  return text;
}

Status ListRuns(const RunsFlags& flags, const GlobalFlags& globals) {
  if (flags.limit <= 0) return InvalidArgument("--limit must be positive");
  if (!flags.id.empty() && flags.bucket.empty()) {
    return InvalidArgument("runs: --id needs --bucket");
  }
  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  ASSIGN_OR_RETURN(std::unique_ptr<config::RunStore> store, config::RunStore::Open(state_dir));
  config::RunQuery query;
  query.bucket = flags.bucket;
  query.config_id = flags.id;
  query.limit = flags.limit;
  ASSIGN_OR_RETURN(std::vector<config::RunRecord> runs, store->List(query));
  if (flags.json) {
    std::string out = "[";
    for (size_t i = 0; i < runs.size(); ++i) {
      if (i > 0) out += ",\n ";
      out += server::RunRecordJson(runs[i]);
    }
    std::printf("%s]\n", out.c_str());
    return Status::OK();
  }
  if (runs.empty()) {
    std::printf("no runs\n");
    return Status::OK();
  }
  std::printf("%-6s %-24s %-30s %-8s %-9s %8s %10s %9s  %s\n", "RUN", "STARTED", "BUCKET/ID",
              "TRIGGER", "STATUS", "DURATION", "OBJECTS", "BYTES", "REPORT / ERROR");
  for (const config::RunRecord& run : runs) {
    const std::string where = run.error.empty() ? run.report_location : run.error;
    std::printf("%-6lld %-24s %-30s %-8s %-9s %8s %10lld %9s  %s\n",
                static_cast<long long>(run.run_id), FormatIso8601Millis(run.started_at_ms).c_str(),
                (run.bucket + "/" + run.config_id).c_str(),
                std::string(config::RunTriggerName(run.trigger)).c_str(),
                std::string(config::RunStatusName(run.status)).c_str(), Duration(run).c_str(),
                static_cast<long long>(run.objects), HumanBytes(run.bytes).c_str(), where.c_str());
  }
  return Status::OK();
}

}  // namespace

void RegisterRuns(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<RunsFlags>();
  CLI::App* cmd =
      app->add_subcommand("runs", "show the history of report runs (scheduled and remote)");
  cmd->add_option("--bucket", flags->bucket, "only runs of this source bucket");
  cmd->add_option("--id", flags->id, "only runs of this configuration id (with --bucket)");
  cmd->add_option("--limit", flags->limit, "at most this many runs, newest first (default 20)");
  cmd->add_flag("--json", flags->json, "print a JSON array");
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return ListRuns(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
