#include "config/config_store.h"

#include <cstdlib>

#include <sqlite3.h>

#include "config/config_xml.h"
#include "config/sqlite_statement.h"
#include "config/state_database.h"
#include "config/validate.h"

namespace stocktake::config {
namespace {

constexpr std::string_view kColumns = "bucket, profile, config_xml, updated_at_ms";

std::string Describe(std::string_view bucket, std::string_view id) {
  return "inventory configuration '" + std::string(id) + "' on bucket '" + std::string(bucket) +
         "'";
}

Status NoSuchConfig(std::string_view bucket, std::string_view id) {
  return NotFound("no " + Describe(bucket, id));
}

// Reads the current row of a statement selecting kColumns.
Result<StoredConfig> ReadRow(const SqliteStatement& stmt, const std::string& path) {
  StoredConfig out;
  out.bucket = stmt.Text(0);
  std::string profile_name = stmt.Text(1);
  std::optional<Profile> profile = ParseProfile(profile_name);
  if (!profile) {
    return Corruption("read " + path + ": unknown profile '" + profile_name + "' for bucket '" +
                      out.bucket + "'");
  }
  out.profile = *profile;
  Result<InventoryConfig> config = ParseInventoryConfigXml(stmt.Text(2), *profile);
  if (!config.ok()) {
    return Corruption("read " + path + ": stored configuration on bucket '" + out.bucket +
                      "': " + config.status().message());
  }
  out.config = std::move(config).value();
  out.updated_at_ms = stmt.Int64(3);
  return out;
}

}  // namespace

Result<std::string> DefaultStateDir() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
  };
  if (std::string dir = env("STOCKTAKE_STATE"); !dir.empty()) return dir;
  if (std::string dir = env("XDG_STATE_HOME"); !dir.empty()) return dir + "/stocktake";
  if (std::string home = env("HOME"); !home.empty()) return home + "/.local/state/stocktake";
  return InvalidArgument(
      "find state directory: none of STOCKTAKE_STATE, XDG_STATE_HOME, HOME is set");
}

Result<std::unique_ptr<ConfigStore>> ConfigStore::Open(const std::string& state_dir,
                                                       const Clock* clock) {
  std::string path;
  ASSIGN_OR_RETURN(sqlite3* db, OpenStateDatabase(state_dir, &path));
  return std::unique_ptr<ConfigStore>(new ConfigStore(db, std::move(path), clock));
}

ConfigStore::ConfigStore(sqlite3* db, std::string path, const Clock* clock)
    : db_(db), path_(std::move(path)), clock_(clock) {}

ConfigStore::~ConfigStore() { sqlite3_close(db_); }

Status ConfigStore::Put(std::string_view store_id, std::string_view bucket,
                        const InventoryConfig& config, Profile profile) {
  std::string what = "put " + Describe(bucket, config.id);
  RETURN_IF_ERROR(ValidateConfig(config, profile).WithContext(what));
  XmlWriteOptions options;
  options.profile = profile;
  std::string xml = WriteInventoryConfigXml(config, options);
  std::lock_guard<std::mutex> lock(mu_);
  return InWriteTransaction(db_, what + " in " + path_, [&]() -> Status {
    ASSIGN_OR_RETURN(SqliteStatement select,
                     SqliteStatement::Prepare(db_,
                                              "SELECT config_id, filter_prefix FROM "
                                              "inventory_configs WHERE store_id = ?1 AND "
                                              "bucket = ?2",
                                              what));
    RETURN_IF_ERROR(select.Bind(store_id, bucket));
    ASSIGN_OR_RETURN(std::vector<ConfigSummary> existing,
                     select.ReadAll([](const SqliteStatement& row) {
                       return ConfigSummary{row.Text(0), row.OptionalText(1)};
                     }));
    RETURN_IF_ERROR(
        ValidateAgainstExisting(Summarize(config), existing, profile).WithContext(what));
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     SqliteStatement::Prepare(
                         db_,
                         "INSERT OR REPLACE INTO inventory_configs (store_id, bucket, "
                         "config_id, profile, filter_prefix, config_xml, updated_at_ms) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         what));
    RETURN_IF_ERROR(insert.Bind(store_id, bucket, config.id, ProfileName(profile),
                                config.filter_prefix, xml, clock_->NowMillis()));
    return insert.Step().status();
  });
}

Result<StoredConfig> ConfigStore::Get(std::string_view store_id, std::string_view bucket,
                                      std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "get " + Describe(bucket, id) + " from " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "SELECT " + std::string(kColumns) +
                                                " FROM inventory_configs WHERE store_id = ?1 "
                                                "AND bucket = ?2 AND config_id = ?3",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(store_id, bucket, id));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NoSuchConfig(bucket, id);
  return ReadRow(stmt, path_);
}

Result<ConfigPage> ConfigStore::List(std::string_view store_id, std::string_view bucket,
                                     std::string_view after_id, int page_size) const {
  if (page_size <= 0) {
    return InvalidArgument("list inventory configurations: page size " +
                           std::to_string(page_size) + " is not positive");
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "list inventory configurations on bucket '" + std::string(bucket) +
                     "' in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "SELECT " + std::string(kColumns) +
                                                " FROM inventory_configs WHERE store_id = ?1 "
                                                "AND bucket = ?2 AND config_id > ?3 ORDER BY "
                                                "config_id LIMIT ?4",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(store_id, bucket, after_id));
  // One extra row tells whether another page follows.
  RETURN_IF_ERROR(stmt.BindInt64(4, static_cast<int64_t>(page_size) + 1));
  ConfigPage page;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.configs.size()) == page_size) {
      page.next_token = page.configs.back().config.id;
      break;
    }
    ASSIGN_OR_RETURN(StoredConfig c, ReadRow(stmt, path_));
    page.configs.push_back(std::move(c));
  }
  return page;
}

Result<std::vector<StoredConfig>> ConfigStore::ListAll(std::string_view store_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "list all inventory configurations in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "SELECT " + std::string(kColumns) +
                                                " FROM inventory_configs WHERE store_id = ?1 "
                                                "ORDER BY bucket, config_id",
                                            what));
  RETURN_IF_ERROR(stmt.BindText(1, store_id));
  return stmt.ReadAll([&](const SqliteStatement& row) { return ReadRow(row, path_); });
}

Status ConfigStore::Delete(std::string_view store_id, std::string_view bucket,
                           std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "delete " + Describe(bucket, id) + " from " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "DELETE FROM inventory_configs WHERE store_id = ?1 "
                                            "AND bucket = ?2 AND config_id = ?3",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(store_id, bucket, id));
  RETURN_IF_ERROR(stmt.Step().status());
  if (sqlite3_changes(db_) == 0) return NoSuchConfig(bucket, id);
  return Status::OK();
}

}  // namespace stocktake::config
