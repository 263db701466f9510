#include "cli/state.h"

#include <cerrno>
#include <filesystem>

#include "base/clock.h"

namespace stocktake::cli {

Result<std::string> StateDir(const GlobalFlags& globals) {
  std::string dir = globals.state_dir;
  if (dir.empty()) {
    ASSIGN_OR_RETURN(dir, config::DefaultStateDir());
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoStatus("state folder " + dir, ec.value());
  return dir;
}

Result<std::unique_ptr<config::ConfigStore>> OpenConfigStore(const GlobalFlags& globals) {
  ASSIGN_OR_RETURN(std::string dir, StateDir(globals));
  return config::ConfigStore::Open(dir, Clock::Real());
}

Result<std::vector<config::StoredConfig>> ListBucketConfigs(const config::ConfigStore& configs,
                                                            const std::string& store_id,
                                                            const std::string& bucket) {
  std::vector<config::StoredConfig> all;
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(config::ConfigPage page, configs.List(store_id, bucket, after));
    for (auto& c : page.configs) all.push_back(std::move(c));
    if (page.next_token.empty()) return all;
    after = page.next_token;
  }
}

}  // namespace stocktake::cli
