// ConfigStore: the inventory configurations of every estate, kept in the
// SQLite database <state_dir>/stocktake.db (layout in docs/config.md).
//
// Rows are keyed by (store_id, bucket, config id). store_id names the estate
// the bucket lives in ("local:/abs/root", "s3:http://host:port") so that
// configurations of different stores never mix. Each row holds the
// configuration as canonical XML in its profile's dialect, plus the profile
// and the time of the last Put. Put validates the configuration itself and
// checks the per-bucket set rules (limits, OBS prefix overlap) inside the same
// write transaction, so concurrent writers, in this process or in others
// sharing the file, can never exceed a limit. Destination rules need the
// object store and stay with the caller (validate.h, ValidateDestination).
//
// Thread-safe: one connection guarded by a mutex; the database runs in WAL
// mode with a busy timeout, so other processes may use the same file. The
// schema is versioned with PRAGMA user_version; Open migrates older files and
// refuses newer ones (state_database.h).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/inventory_config.h"
#include "config/state_database.h"

struct sqlite3;

namespace stocktake::config {

struct StoredConfig {
  std::string bucket;
  InventoryConfig config;
  Profile profile = Profile::kS3;
  int64_t updated_at_ms = 0;  // epoch milliseconds of the last Put
};

// One page of a bucket's configurations, in id order.
struct ConfigPage {
  std::vector<StoredConfig> configs;
  // The id to pass as `after_id` for the next page; empty on the last page.
  std::string next_token;
};

// $STOCKTAKE_STATE if set, else $XDG_STATE_HOME/stocktake, else
// $HOME/.local/state/stocktake. InvalidArgument when none of them is set.
Result<std::string> DefaultStateDir();

class ConfigStore {
 public:
  static constexpr std::string_view kDatabaseFile = kStateDatabaseFile;
  // ListBucketInventoryConfigurations returns at most 100 per page.
  static constexpr int kDefaultPageSize = 100;

  // Opens <state_dir>/stocktake.db, creating the directory and the database
  // as needed. IOError/PermissionDenied when the file can't be opened;
  // FailedPrecondition when it was written by a newer schema. `clock` gives
  // updated_at and must outlive the store.
  static Result<std::unique_ptr<ConfigStore>> Open(const std::string& state_dir,
                                                   const Clock* clock);
  ~ConfigStore();
  ConfigStore(const ConfigStore&) = delete;
  ConfigStore& operator=(const ConfigStore&) = delete;

  // Creates or replaces configuration config.id of `bucket`. Fails with the
  // ValidateConfig error for a bad configuration, with the
  // ValidateAgainstExisting error when the bucket's set rules would break
  // (nothing is written then), Unavailable when the database stays locked
  // past the busy timeout.
  Status Put(std::string_view store_id, std::string_view bucket, const InventoryConfig& config,
             Profile profile);

  // NotFound "no inventory configuration 'X' on bucket 'B'" when absent;
  // Corruption when the stored text no longer parses.
  Result<StoredConfig> Get(std::string_view store_id, std::string_view bucket,
                           std::string_view id) const;

  // The bucket's configurations with ids greater than `after_id` (empty: from
  // the start), at most `page_size` of them. REQUIRES: page_size > 0.
  Result<ConfigPage> List(std::string_view store_id, std::string_view bucket,
                          std::string_view after_id = {},
                          int page_size = kDefaultPageSize) const;

  // Every configuration of the store, ordered by bucket then id.
  Result<std::vector<StoredConfig>> ListAll(std::string_view store_id) const;

  // NotFound (same message as Get) when absent.
  Status Delete(std::string_view store_id, std::string_view bucket, std::string_view id);

 private:
  ConfigStore(sqlite3* db, std::string path, const Clock* clock);

  sqlite3* const db_;
  const std::string path_;
  const Clock* const clock_;
  mutable std::mutex mu_;
};

}  // namespace stocktake::config
