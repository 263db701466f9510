// `stocktake demo`: builds a sample estate in local folders, stores
// inventory configurations for its buckets, runs them and prints what each
// report holds and where it is.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/demo_estate.h"
#include "cli/report_runner.h"
#include "inventory/spec_from_config.h"
#include "cli/state.h"
#include "cli/store_options.h"
#include "config/config_xml.h"

namespace stocktake::cli {
namespace {

constexpr char kDemoAccount[] = "123456789012";

struct DemoFlags {
  std::string dir = "stocktake-demo";
  int64_t objects = 100000;
};

// The configuration the demo stores for a bucket, as a user would PUT it.
std::string DemoConfigXml(const std::string& id, const std::string& filter, const char* frequency) {
  std::string xml =
      "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Id>" + id + "</Id><IsEnabled>true</IsEnabled>";
  if (!filter.empty()) xml += "<Filter><Prefix>" + filter + "</Prefix></Filter>";
  xml += std::string("<Destination><S3BucketDestination><AccountId>") + kDemoAccount +
         "</AccountId><Bucket>arn:aws:s3:::" + kDemoReportBucket +
         "</Bucket><Format>CSV</Format><Prefix>" + kDemoAccount +
         "</Prefix></S3BucketDestination></Destination>"
         "<Schedule><Frequency>" + frequency + "</Frequency></Schedule>"
         "<IncludedObjectVersions>Current</IncludedObjectVersions><OptionalFields>"
         "<Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field>"
         "<Field>StorageClass</Field><Field>IsMultipartUploaded</Field>"
         "<Field>EncryptionStatus</Field></OptionalFields></InventoryConfiguration>";
  return xml;
}

Status RunDemo(const DemoFlags& flags, const GlobalFlags& globals) {
  if (flags.objects < 100 || flags.objects > 20000000) {
    return InvalidArgument("--objects must be between 100 and 20000000");
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(flags.dir, ec).lexically_normal().string();
  const std::string root = dir + "/estate";

  Progress progress(globals.quiet);
  progress.Start("building estate", flags.objects);
  DemoEstateOptions estate;
  estate.root = root;
  estate.objects = flags.objects;
  estate.progress = [&](int64_t done) { progress.Update(done, 0); };
  Result<std::vector<DemoBucket>> buckets = BuildDemoEstate(estate);
  progress.Done();
  RETURN_IF_ERROR(buckets.status());

  GlobalFlags state = globals;
  if (state.state_dir.empty()) state.state_dir = dir + "/state";
  StoreFlags store_flags;
  store_flags.local_root = root;
  ASSIGN_OR_RETURN(store_flags.etag_cache_dir, StateDir(state));
  ASSIGN_OR_RETURN(OpenedStore store, OpenStore(store_flags));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(state));
  for (const DemoBucket& b : *buckets) {
    ASSIGN_OR_RETURN(config::InventoryConfig daily,
                     config::ParseInventoryConfigXml(DemoConfigXml("daily-csv", "", "Daily"),
                                                     config::Profile::kS3));
    RETURN_IF_ERROR(configs->Put(store.id, b.name, daily, config::Profile::kS3));
  }
  ASSIGN_OR_RETURN(config::InventoryConfig weekly,
                   config::ParseInventoryConfigXml(DemoConfigXml("weekly-2024", "2024/", "Weekly"),
                                                   config::Profile::kS3));
  RETURN_IF_ERROR(configs->Put(store.id, "photos", weekly, config::Profile::kS3));

  ASSIGN_OR_RETURN(std::vector<config::StoredConfig> all, configs->ListAll(store.id));
  const auto t_reports = std::chrono::steady_clock::now();
  int64_t total_objects = 0, total_bytes = 0;
  std::printf("%-16s %-12s %10s %12s  %s\n", "bucket", "config", "objects", "bytes", "report");
  for (const config::StoredConfig& stored : all) {
    inventory::ReportSpec spec =
        inventory::SpecFromConfig(stored.config, stored.profile, store.store.get(), stored.bucket,
                                  store.store.get());
    ASSIGN_OR_RETURN(inventory::ReportResult r, RunReport(spec, &progress));
    total_objects += r.objects;
    total_bytes += r.bytes;
    std::printf("%-16s %-12s %10lld %12s  %s\n", stored.bucket.c_str(), stored.config.id.c_str(),
                static_cast<long long>(r.objects), HumanBytes(r.bytes).c_str(),
                store.store->Url(spec.destination_bucket, r.manifest_key).c_str());
    std::fflush(stdout);
  }
  const auto t_end = std::chrono::steady_clock::now();
  double report_secs = std::chrono::duration<double>(t_end - t_reports).count();
  std::printf("\n%lld objects (%s) inventoried in %.2f s (%.0f objects/s); total %.2f s\n",
              static_cast<long long>(total_objects), HumanBytes(total_bytes).c_str(), report_secs,
              report_secs > 0 ? static_cast<double>(total_objects) / report_secs : 0.0,
              std::chrono::duration<double>(t_end - t0).count());
  std::printf("estate: %s\nreports: %s/%s\nstate: %s\n", root.c_str(), root.c_str(),
              kDemoReportBucket, state.state_dir.c_str());
  return Status::OK();
}

}  // namespace

void RegisterDemo(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* cmd = app->add_subcommand("demo", "build a sample local estate and inventory it");
  cmd->add_option("--dir", flags->dir, "where to build it (default ./stocktake-demo)");
  cmd->add_option("--objects", flags->objects, "approximate number of objects (default 100000)");
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return RunDemo(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
