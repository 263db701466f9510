// The state folder shared by commands: --state DIR, else the default from
// config::DefaultStateDir(). Holds the configuration database.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/commands.h"
#include "config/config_store.h"

namespace stocktake::cli {

// The state folder to use (created if missing).
Result<std::string> StateDir(const GlobalFlags& globals);
Result<std::unique_ptr<config::ConfigStore>> OpenConfigStore(const GlobalFlags& globals);
// Every configuration of one bucket, in id order (all pages).
Result<std::vector<config::StoredConfig>> ListBucketConfigs(const config::ConfigStore& configs,
                                                            const std::string& store_id,
                                                            const std::string& bucket);

}  // namespace stocktake::cli
