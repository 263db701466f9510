// `stocktake scan SOURCE --dest DEST ...`: a one-off report without a
// stored configuration.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

#include "base/inventory_field.h"
#include "cli/commands.h"
#include "cli/notify_options.h"
#include "cli/progress.h"
#include "cli/report_runner.h"
#include "cli/state.h"
#include "cli/store_options.h"
#include "config/validate.h"

namespace stocktake::cli {
namespace {

struct ScanFlags {
  std::string source;
  std::string dest;
  std::string format = "csv";
  std::string versions = "current";
  std::vector<std::string> fields;
  std::string prefix;
  std::string id = "scan";
  std::string layout = "aws";
  std::string dest_account;
  int64_t max_file_size = 512LL << 20;
  int list_concurrency = 0;  // 0 = automatic
  int connections = 0;       // 0 = automatic (ConnectionsFor)
  StoreFlags store;
  NotifyFlags notify;
};

// A local SOURCE or DEST must be a folder (or, for DEST, not exist yet):
// say so plainly rather than "no such bucket" for a path that is a file.
Status CheckLocalFolder(const Location& location, const std::string& what) {
  if (location.is_s3) return Status::OK();
  std::error_code ec;
  const std::filesystem::path path = location.root + "/" + location.bucket;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec)) {
    return InvalidArgument(what + ": " + path.string() + " is a file, not a folder");
  }
  return Status::OK();
}

Status RunScan(const ScanFlags& flags, const GlobalFlags& globals) {
  inventory::ReportSpec req;
  ASSIGN_OR_RETURN(req.format, ParseFormatFlag(flags.format));
  if (flags.versions != "current" && flags.versions != "all") {
    return InvalidArgument("--versions must be 'current' or 'all', not '" + flags.versions + "'");
  }
  req.all_versions = flags.versions == "all";
  if (flags.layout != "aws" && flags.layout != "obs") {
    return InvalidArgument("--layout must be 'aws' or 'obs', not '" + flags.layout + "'");
  }
  const bool obs = flags.layout == "obs";
  req.layout = obs ? inventory::ReportLayout::kObs : inventory::ReportLayout::kAws;
  ASSIGN_OR_RETURN(req.optional_fields, ParseFieldList(flags.fields, obs));
  if (!config::IsValidConfigId(flags.id)) {
    return InvalidArgument("--id '" + flags.id + "' must be 1-64 characters from [A-Za-z0-9._-]");
  }
  if (flags.max_file_size < 1024) return InvalidArgument("--max-file-size must be >= 1024");
  RETURN_IF_ERROR(CheckListConcurrency(flags.list_concurrency));
  RETURN_IF_ERROR(CheckConnections(flags.connections));
  req.config_id = flags.id;
  req.max_file_bytes = flags.max_file_size;
  req.destination_account_id = flags.dest_account;

  ASSIGN_OR_RETURN(Location src, ParseLocation(flags.source, flags.store.local_root));
  ASSIGN_OR_RETURN(Location dst, ParseLocation(flags.dest, flags.store.local_root));
  req.source_bucket = src.bucket;
  // A path below the bucket names a folder: s3://b/a or ROOT/b/a lists
  // "a/..." but not "a-b" or "a0". --prefix is a raw key prefix below it.
  req.prefix = (src.prefix.empty() ? "" : src.prefix + "/") + flags.prefix;
  req.destination_bucket = dst.bucket;
  req.destination_prefix = dst.prefix;

  StoreFlags store_flags = flags.store;
  ASSIGN_OR_RETURN(store_flags.etag_cache_dir, StateDir(globals));
  store_flags.max_connections = ConnectionsFor(flags.connections, flags.list_concurrency);
  store_flags.local_list_threads = flags.list_concurrency;
  // Before anything is written: a bad --notify-* flag must leave no trace.
  ASSIGN_OR_RETURN(std::unique_ptr<notify::Notifier> notifier,
                   StartNotifier(flags.notify, store_flags.etag_cache_dir));
  RETURN_IF_ERROR(CheckLocalFolder(src, "scan source " + flags.source));
  Result<OpenedStore> source_store = OpenLocationStore(src, store_flags);
  RETURN_IF_ERROR(source_store.status().WithContext("scan source " + flags.source));
  OpenedStore source = std::move(source_store).value();
  RETURN_IF_ERROR(source.store->HeadBucket(src.bucket).WithContext("scan source " + flags.source));
  RETURN_IF_ERROR(CheckLocalFolder(dst, "scan destination " + flags.dest));
  Result<OpenedStore> destination_store = OpenLocationStore(dst, store_flags);
  RETURN_IF_ERROR(destination_store.status().WithContext("scan destination " + flags.dest));
  OpenedStore destination = std::move(destination_store).value();
  bool created = false;
  if (!dst.is_s3) {
    // A local destination folder is created on demand, once the source is
    // known to be readable, and only inside an existing parent.
    Status made = destination.store->CreateBucket(dst.bucket);
    if (!made.ok() && made.code() != Code::kAlreadyExists) {
      return made.WithContext("scan destination " + flags.dest);
    }
    created = made.ok();
  }
  req.source = source.store.get();
  req.destination = destination.store.get();
  ApplyListConcurrency(flags.list_concurrency, source.retrying, &req);

  Progress progress(globals.quiet);
  Result<inventory::ReportResult> result = RunReport(req, &progress);
  if (!result.ok()) {
    // The generator removed its data files; drop the folder made for them
    // too, so a failed scan leaves the destination as it found it.
    if (created) {
      std::error_code ec;
      std::filesystem::remove(dst.root + "/" + dst.bucket, ec);
    }
    return result.status();
  }
  PrintReportResult(req, *result);
  Status announced = AnnounceReport(notifier.get(), req, *result, flags.store.region);
  FinishNotifications(notifier.get(), flags.notify);
  return announced;
}

}  // namespace

void RegisterScan(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* cmd = app->add_subcommand("scan", "make a one-off inventory report of SOURCE into DEST");
  cmd->add_option("SOURCE", flags->source,
                  "s3://bucket[/prefix], a local bucket folder, or with --local ROOT a path "
                  "ROOT/bucket[/prefix]")
      ->required();
  cmd->add_option("--dest", flags->dest, "s3://bucket[/prefix] or a local folder (as SOURCE)")
      ->required();
  cmd->add_option("--format", flags->format, "csv | parquet (orc: not yet)");
  cmd->add_option("--versions", flags->versions, "current | all");
  cmd->add_option("--fields", flags->fields, "optional fields, e.g. Size,LastModifiedDate,ETag")
      ->delimiter(',');
  cmd->add_option("--prefix", flags->prefix, "only keys under this prefix");
  cmd->add_option("--id", flags->id, "report id (the config-id folder), default 'scan'");
  cmd->add_option("--layout", flags->layout, "aws | obs");
  cmd->add_option("--dest-account", flags->dest_account, "destination account id (informational)");
  cmd->add_option("--max-file-size", flags->max_file_size, "start a new data file past this many bytes");
  cmd->add_option("--list-concurrency", flags->list_concurrency,
                  "listing calls in flight for s3:// (default 16); threads walking local "
                  "folders (default min(8, 2 x cores))");
  cmd->add_option("--connections", flags->connections,
                  "keep-alive connections per S3 store (default: the larger of 16 and "
                  "--list-concurrency)");
  AddStoreFlags(cmd, &flags->store);
  AddNotifyFlags(cmd, &flags->notify, /*one_off=*/true);
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return RunScan(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
