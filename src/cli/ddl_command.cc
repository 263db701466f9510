// `stocktake ddl --engine duckdb|athena|trino|spark [--central LOCATION]
// [--table NAME]`: prints the table definitions over the central register
// (query/table_ddl.h). When the state folder holds a register catalog, its
// accounts, regions and buckets become Athena's projection enums and its
// first dt the projection's start.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <set>

#include "base/clock.h"
#include "cli/commands.h"
#include "cli/state.h"
#include "cli/store_options.h"
#include "query/table_ddl.h"
#include "register/catalog.h"

namespace stocktake::cli {
namespace {

constexpr const char* kPlaceholderLocation = "s3://CENTRAL-BUCKET/PREFIX";

struct DdlFlags {
  std::string engine;
  std::string central;
  std::string table = "inventory";
};

Status FillFromCatalog(const GlobalFlags& globals, query::DdlOptions* options) {
  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  std::error_code ec;
  if (!std::filesystem::exists(state_dir + "/" + std::string(reg::Catalog::kDatabaseFile), ec)) {
    return Status::OK();  // no register here: projection by injection
  }
  ASSIGN_OR_RETURN(std::unique_ptr<reg::Catalog> catalog,
                   reg::Catalog::Open(state_dir, Clock::Real()));
  ASSIGN_OR_RETURN(std::vector<reg::RegisteredReport> reports, catalog->Reports());
  std::set<std::string> accounts, regions, buckets;
  for (const reg::RegisteredReport& r : reports) {
    accounts.insert(r.account);
    regions.insert(r.region);
    buckets.insert(r.bucket);
    if (options->first_dt.empty() || r.dt < options->first_dt) options->first_dt = r.dt;
  }
  options->accounts.assign(accounts.begin(), accounts.end());
  options->regions.assign(regions.begin(), regions.end());
  options->buckets.assign(buckets.begin(), buckets.end());
  return Status::OK();
}

Status Ddl(const DdlFlags& flags, const GlobalFlags& globals) {
  std::optional<query::Engine> engine = query::ParseEngine(flags.engine);
  if (!engine) {
    return InvalidArgument("--engine must be duckdb, athena, trino or spark, not '" +
                           flags.engine + "'");
  }
  if (flags.table.empty()) return InvalidArgument("--table must not be empty");
  query::DdlOptions options;
  options.table = flags.table;
  options.location = kPlaceholderLocation;
  if (!flags.central.empty()) {
    ASSIGN_OR_RETURN(Location location, ParseLocation(flags.central));
    options.location = location.is_s3 ? "s3://" + location.bucket : location.root + "/" + location.bucket;
    if (!location.root.empty() && location.root == "/") options.location = "/" + location.bucket;
    if (!location.prefix.empty()) options.location += "/" + location.prefix;
  }
  RETURN_IF_ERROR(FillFromCatalog(globals, &options));
  std::fputs(query::TableDdl(*engine, options).c_str(), stdout);
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace

void RegisterDdl(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<DdlFlags>();
  CLI::App* cmd = app->add_subcommand(
      "ddl", "print the table definitions over the central register for a query engine");
  cmd->add_option("--engine", flags->engine, "duckdb | athena | trino | spark")->required();
  cmd->add_option("--central", flags->central,
                  std::string("central store location (default ") + kPlaceholderLocation + ")");
  cmd->add_option("--table", flags->table, "table or view name (default inventory)");
  cmd->callback([flags, globals, action] {
    *action = [flags, globals] { return Ddl(*flags, *globals); };
  });
}

}  // namespace stocktake::cli
