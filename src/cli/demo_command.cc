// `stocktake demo`: the AWS seed's central asset register on local folders.
// It builds a multi-account, multi-region estate (demo_estate.h), a
// collector bucket per region and a central store, then follows the seed:
//  1. enable inventory on every bucket (configure_inventory.py): each
//     bucket's region picks its collector, the destination prefix is the
//     bucket's account id; the configurations are stored in the state folder;
//  2. run every configuration: each report lands in its region's collector
//     under <accountId>/<source-bucket>/<config-id>/...;
//  3. each published report's S3 event (notify::MakeReportEvent, as the
//     daemon announces it) is handed to the register's Consolidator, which
//     copies the report into the central store partitioned
//     dt=/account=/region=/bucket=; a reconciliation pass then closes any
//     gap a lost event left, as in production;
//  4. the central store is read back and summarised (demo_summary.h); its
//     total must equal what the reports listed.
// Layout under --dir: estate/<region>/<account>/<bucket>/,
// collectors/inventory-<region>/, central/, state/ (unless --state).
#include <CLI/CLI.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>

#include "base/clock.h"
#include "base/time_util.h"
#include "cli/commands.h"
#include "cli/demo_estate.h"
#include "cli/demo_summary.h"
#include "cli/report_runner.h"
#include "cli/state.h"
#include "cli/store_options.h"
#include "config/config_xml.h"
#include "inventory/spec_from_config.h"
#include "notify/report_event.h"
#include "register/catalog.h"
#include "register/consolidator.h"
#include "register/ingester.h"
#include "register/s3_event.h"

namespace stocktake::cli {
namespace {

constexpr char kConfigId[] = "inventory";  // the seed's configuration name
constexpr char kCentralBucket[] = "central";

struct DemoFlags {
  std::string dir = "stocktake-demo";
  int64_t objects = 100000;
};

using Seconds = std::chrono::duration<double>;

// The configuration the seed's step 3 describes, as a user would PUT it:
// whole bucket, current versions, daily, Parquet, SSE-S3, delivered to the
// region's collector under the bucket's account id.
std::string DemoConfigXml(const std::string& account, const std::string& collector_bucket) {
  return std::string(
             "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
             "<Id>") +
         kConfigId +
         "</Id><IsEnabled>true</IsEnabled>"
         "<Destination><S3BucketDestination><AccountId>" +
         kDemoCentralAccount + "</AccountId><Bucket>arn:aws:s3:::" + collector_bucket +
         "</Bucket><Format>Parquet</Format><Prefix>" + account +
         "</Prefix><Encryption><SSE-S3/></Encryption></S3BucketDestination></Destination>"
         "<Schedule><Frequency>Daily</Frequency></Schedule>"
         "<IncludedObjectVersions>Current</IncludedObjectVersions><OptionalFields>"
         "<Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field>"
         "<Field>StorageClass</Field><Field>IsMultipartUploaded</Field>"
         "<Field>EncryptionStatus</Field></OptionalFields></InventoryConfiguration>";
}

Status MakeFolder(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return ErrnoStatus("demo: create " + path, ec.value());
  return Status::OK();
}

// Every store the demo works on.
struct DemoStores {
  std::map<std::string, OpenedStore> sources;  // by DemoSourceRoot()
  OpenedStore collectors;                      // one bucket per region
  OpenedStore central;                         // bucket kCentralBucket
};

Result<DemoStores> OpenDemoStores(const std::string& dir, const std::string& estate,
                                  const std::string& state_dir,
                                  const std::vector<DemoBucket>& buckets) {
  DemoStores stores;
  for (const DemoBucket& b : buckets) {
    const std::string root = DemoSourceRoot(estate, b.region, b.account);
    if (stores.sources.count(root)) continue;
    StoreFlags flags;
    flags.local_root = root;
    flags.region = b.region;  // what GetBucketLocation answers
    flags.etag_cache_dir = state_dir;
    ASSIGN_OR_RETURN(OpenedStore store, OpenStore(flags));
    stores.sources.emplace(root, std::move(store));
  }
  for (const std::string& region : DemoRegions()) {
    RETURN_IF_ERROR(MakeFolder(dir + "/collectors/" + DemoCollectorBucket(region)));
  }
  RETURN_IF_ERROR(MakeFolder(dir + "/" + kCentralBucket));
  StoreFlags collectors;
  collectors.local_root = dir + "/collectors";
  collectors.region = kDemoCentralRegion;
  ASSIGN_OR_RETURN(stores.collectors, OpenStore(collectors));
  StoreFlags central;
  central.local_root = dir;
  central.region = kDemoCentralRegion;
  ASSIGN_OR_RETURN(stores.central, OpenStore(central));
  return stores;
}

// The seed's step 4: every bucket of every account store gets the
// configuration that delivers to its region's collector.
Status EnableInventoryEverywhere(const DemoStores& stores, config::ConfigStore* configs) {
  for (const auto& [root, source] : stores.sources) {
    ASSIGN_OR_RETURN(std::vector<store::BucketInfo> buckets, source.store->ListBuckets());
    const std::string account = std::filesystem::path(root).filename().string();
    for (const store::BucketInfo& bucket : buckets) {
      ASSIGN_OR_RETURN(std::string region, source.store->GetBucketLocation(bucket.name));
      ASSIGN_OR_RETURN(
          config::InventoryConfig config,
          config::ParseInventoryConfigXml(DemoConfigXml(account, DemoCollectorBucket(region)),
                                          config::Profile::kS3));
      RETURN_IF_ERROR(configs->Put(source.id, bucket.name, config, config::Profile::kS3));
    }
  }
  return Status::OK();
}

// Announces a published report the way the daemon does and hands the
// event to the register, as its webhook would.
Result<reg::IngestOutcome> DeliverEvent(const inventory::ReportResult& report,
                                        const std::string& region, const std::string& collector,
                                        const DemoStores& stores, reg::Consolidator* consolidator) {
  notify::ReportObject object;
  object.destination = stores.collectors.store.get();
  object.bucket = collector;
  object.key = report.checksum_key;
  object.configuration_id = kConfigId;
  object.region = region;
  object.owner_id = kDemoCentralAccount;
  ASSIGN_OR_RETURN(notify::ReportEvent event, notify::MakeReportEvent(object, *Clock::Real()));
  ASSIGN_OR_RETURN(std::vector<reg::ObjectEvent> records,
                   reg::ParseEventBody(notify::ToS3EventJson(event)));
  reg::IngestOutcome outcome;
  for (const reg::ObjectEvent& record : records) {
    ASSIGN_OR_RETURN(outcome, consolidator->HandleEvent(record));
  }
  return outcome;
}

// What the reports of one run listed.
struct DemoReports {
  int64_t reports = 0;
  int64_t objects = 0;
  int64_t bytes = 0;
  std::set<std::string> days;  // their dt values (UTC day of the scan start)
};

// Runs every stored configuration of every bucket into its collector and
// hands each report's event to the register, printing one line per report.
Result<DemoReports> ReportEveryBucket(const std::vector<DemoBucket>& buckets,
                                      const std::string& estate_root, const DemoStores& stores,
                                      const config::ConfigStore& configs, Progress* progress,
                                      reg::Consolidator* consolidator) {
  DemoReports out;
  std::printf("%-14s %-16s %-24s %10s %12s  %-14s %s\n", "account", "region", "bucket", "objects",
              "bytes", "event", "report");
  for (const DemoBucket& bucket : buckets) {
    const OpenedStore& source =
        stores.sources.at(DemoSourceRoot(estate_root, bucket.region, bucket.account));
    ASSIGN_OR_RETURN(std::vector<config::StoredConfig> stored,
                     ListBucketConfigs(configs, source.id, bucket.name));
    for (const config::StoredConfig& c : stored) {
      inventory::ReportSpec spec = inventory::SpecFromConfig(
          c.config, c.profile, source.store.get(), bucket.name, stores.collectors.store.get());
      ASSIGN_OR_RETURN(inventory::ReportResult r, RunReport(spec, progress));
      ++out.reports;
      out.objects += r.objects;
      out.bytes += r.bytes;
      out.days.insert(FormatIsoDate(r.creation_ms));
      // A failed delivery is not fatal: the reconciliation finds the report.
      Result<reg::IngestOutcome> delivered =
          DeliverEvent(r, bucket.region, spec.destination_bucket, stores, consolidator);
      std::string event = "lost";
      if (!delivered.ok()) {
        PrintError("demo: event for " + r.checksum_key + ": " + delivered.status().message() +
                   " (left to reconciliation)");
      } else {
        event = reg::IngestResultName(delivered->result);
      }
      std::printf("%-14s %-16s %-24s %10lld %12s  %-14s %s\n", bucket.account.c_str(),
                  bucket.region.c_str(), bucket.name.c_str(), static_cast<long long>(r.objects),
                  HumanBytes(r.bytes).c_str(), event.c_str(),
                  stores.collectors.store->Url(spec.destination_bucket, r.manifest_key).c_str());
      std::fflush(stdout);
    }
  }
  return out;
}

// `text` as one shell word: as is when it is plain, else double-quoted.
std::string ShellWord(const std::string& text) {
  bool plain = !text.empty();
  for (char c : text) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) ||
                      std::string_view("_./:=@%+-,").find(c) != std::string_view::npos);
  }
  if (plain) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '$' || c == '`') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string SqlString(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

void PrintHints(const std::string& dir, const std::string& state_dir,
                const std::vector<std::string>& days) {
  const std::string central = dir + "/" + kCentralBucket;
  std::string where;
  for (const std::string& day : days) where += (where.empty() ? "" : ", ") + SqlString(day);
  const std::string sql =
      "SELECT account, region, bucket, count(*) AS objects, sum(size) AS bytes FROM read_parquet(" +
      SqlString(central + "/dt=*/account=*/region=*/bucket=*/*.parquet") +
      ", hive_partitioning = true, hive_types = {'dt': DATE, 'account': VARCHAR, 'region': "
      "VARCHAR, 'bucket': VARCHAR}) WHERE dt IN (" +
      where + ") GROUP BY ALL ORDER BY ALL";
  std::printf("\nestate:     %s/estate/<region>/<account>/<bucket>\n", dir.c_str());
  std::printf("collectors: %s/collectors/inventory-<region>/<account>/<bucket>/%s/\n", dir.c_str(),
              kConfigId);
  std::printf("central:    %s/dt=*/account=*/region=*/bucket=*/part-*.parquet\n", central.c_str());
  std::printf("state:      %s\n", state_dir.c_str());
  std::printf("\nquery the whole estate with DuckDB:\n  duckdb -c %s\n", ShellWord(sql).c_str());
  std::printf(
      "table definitions (duckdb, athena, trino, spark) and the register's status:\n"
      "  stocktake --state %s ddl --engine duckdb --central %s\n"
      "  stocktake --state %s register --status\n",
      ShellWord(state_dir).c_str(), ShellWord(central).c_str(), ShellWord(state_dir).c_str());
}

Status RunDemo(const DemoFlags& flags, const GlobalFlags& globals) {
  if (flags.objects < 100 || flags.objects > 20000000) {
    return InvalidArgument("--objects must be between 100 and 20000000");
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(flags.dir, ec).lexically_normal().string();
  const std::string estate_root = dir + "/estate";

  Progress progress(globals.quiet);
  progress.Start("building estate", flags.objects);
  DemoEstateOptions estate;
  estate.root = estate_root;
  estate.objects = flags.objects;
  estate.progress = [&](int64_t done) { progress.Update(done, 0); };
  Result<std::vector<DemoBucket>> buckets = BuildDemoEstate(estate);
  progress.Done();
  RETURN_IF_ERROR(buckets.status());

  GlobalFlags state = globals;
  if (state.state_dir.empty()) state.state_dir = dir + "/state";
  ASSIGN_OR_RETURN(const std::string state_dir, StateDir(state));
  ASSIGN_OR_RETURN(DemoStores stores, OpenDemoStores(dir, estate_root, state_dir, *buckets));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(state));
  RETURN_IF_ERROR(EnableInventoryEverywhere(stores, configs.get()));

  ASSIGN_OR_RETURN(std::unique_ptr<reg::Catalog> catalog,
                   reg::Catalog::Open(state_dir, Clock::Real()));
  reg::Ingester ingester(reg::CentralStore{stores.central.store.get(), kCentralBucket, ""},
                         catalog.get());
  std::vector<reg::Collector> collectors;
  for (const std::string& region : DemoRegions()) {
    collectors.push_back(
        reg::Collector{region, stores.collectors.store.get(), DemoCollectorBucket(region), ""});
  }
  reg::Consolidator consolidator(collectors, &ingester);

  const auto t_reports = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(DemoReports reports, ReportEveryBucket(*buckets, estate_root, stores, *configs,
                                                          &progress, &consolidator));
  reg::ReconcileSummary reconciled = consolidator.Reconcile();
  std::printf(
      "\nreconciled the collectors: %lld reports there, %lld registered now, %lld "
      "quarantined, %lld already registered\n",
      static_cast<long long>(reconciled.reports_seen),
      static_cast<long long>(reconciled.registered), static_cast<long long>(reconciled.quarantined),
      static_cast<long long>(reconciled.already_known));
  if (!reconciled.errors.empty()) return reconciled.errors.front();
  if (reconciled.quarantined > 0) {
    return Internal("demo: reconciliation quarantined " + std::to_string(reconciled.quarantined) +
                    " reports (see stocktake register --status)");
  }
  const std::vector<std::string> day_list(reports.days.begin(), reports.days.end());
  ASSIGN_OR_RETURN(CentralSummary summary, SummarizeCentral(ingester.central(), day_list));
  const auto t_end = std::chrono::steady_clock::now();
  std::printf("\nthe central register, read back from %s/%s (%lld parts):\n", dir.c_str(),
              kCentralBucket, static_cast<long long>(summary.parts));
  PrintCentralSummary(summary);

  const double report_secs = Seconds(t_end - t_reports).count();
  std::printf(
      "\n%lld objects (%s) in %lld buckets inventoried and registered in %.2f s "
      "(%.0f objects/s); total %.2f s\n",
      static_cast<long long>(reports.objects), HumanBytes(reports.bytes).c_str(),
      static_cast<long long>(reports.reports), report_secs,
      report_secs > 0 ? static_cast<double>(reports.objects) / report_secs : 0.0,
      Seconds(t_end - t0).count());
  PrintHints(dir, state_dir, day_list);
  std::fflush(stdout);
  if (summary.total.objects != reports.objects || summary.total.bytes != reports.bytes) {
    return Internal("demo: the central register holds " + std::to_string(summary.total.objects) +
                    " objects (" + std::to_string(summary.total.bytes) + " bytes), the reports " +
                    std::to_string(reports.objects) + " (" + std::to_string(reports.bytes) +
                    " bytes); was " + dir + "/" + kCentralBucket + " changed by hand?");
  }
  return Status::OK();
}

}  // namespace

void RegisterDemo(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* cmd = app->add_subcommand(
      "demo",
      "build a sample multi-account, multi-region local estate, inventory every bucket "
      "and consolidate the reports into a central register");
  cmd->add_option("--dir", flags->dir, "where to build it (default ./stocktake-demo)");
  cmd->add_option("--objects", flags->objects, "approximate number of objects (default 100000)");
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return RunDemo(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
