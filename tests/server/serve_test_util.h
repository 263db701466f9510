// Shared set-up for the daemon end-to-end tests: a temporary estate with
// buckets, a `stocktake serve` over it, and the environment real clients
// (AWS CLI v2, boto3) need to reach it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "testing/daemon.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::server {

inline constexpr char kMainAccount[] = "123456789012";
inline constexpr char kMainKey[] = "AKIDSTOCKTAKEMAIN";
inline constexpr char kMainSecret[] = "main/secret+key";
inline constexpr char kOtherAccount[] = "210987654321";
inline constexpr char kOtherKey[] = "AKIDSTOCKTAKEOTHER";
inline constexpr char kOtherSecret[] = "other-secret";
inline constexpr char kRegion[] = "eu-west-1";

inline std::string TestFile(const std::string& rel) {
  return std::string(STOCKTAKE_SOURCE_DIR) + "/tests/server/" + rel;
}

class ServeTest : public ::testing::Test {
 protected:
  // Buckets "src" and "dest" in one eu-west-1 store; extra args appended.
  void StartDaemon(const std::vector<std::string>& extra = {}) {
    std::filesystem::create_directories(dir_.Sub("root/src"));
    std::filesystem::create_directories(dir_.Sub("root/dest"));
    std::vector<std::string> args = {
        "serve",
        "--local",
        dir_.Sub("root"),
        "--region",
        kRegion,
        "--listen",
        "127.0.0.1:0",
        "--state",
        dir_.Sub("state"),
        "--account",
        std::string(kMainAccount) + ":" + kMainKey + ":" + kMainSecret,
        "--account",
        std::string(kOtherAccount) + ":" + kOtherKey + ":" + kOtherSecret};
    args.insert(args.end(), extra.begin(), extra.end());
    StartWith(args);
  }

  void StartWith(const std::vector<std::string>& args) {
    daemon_ = testing::Daemon::Start(args, dir_.path());
    ASSERT_NE(daemon_, nullptr);
  }

  // Environment for the AWS CLI and boto3, as the main account. Only Python
  // clients get the endpoint-injecting sitecustomize (the AWS CLI has its own
  // botocore, which must not meet Debian's boto3).
  testing::RunOptions ClientEnv(bool python = false) const {
    testing::RunOptions options;
    options.timeout_seconds = 240;
    options.env = {{"AWS_ACCESS_KEY_ID", kMainKey},
                   {"AWS_SECRET_ACCESS_KEY", kMainSecret},
                   {"AWS_DEFAULT_REGION", kRegion},
                   {"AWS_REGION", kRegion},
                   {"AWS_EC2_METADATA_DISABLED", "true"},
                   {"AWS_CONFIG_FILE", "/dev/null"},
                   {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
                   {"AWS_PAGER", ""},
                   {"STOCKTAKE_ENDPOINT_URL", daemon_->url()},
                   {"OTHER_ACCESS_KEY_ID", kOtherKey},
                   {"OTHER_SECRET_ACCESS_KEY", kOtherSecret}};
    if (python) {
      options.env.emplace_back("PYTHONPATH", TestFile("endpoint_injection"));
      options.env.emplace_back("PYTHONDONTWRITEBYTECODE", "1");
    }
    return options;
  }

  testing::RunResult Aws(std::vector<std::string> args) const {
    args.insert(args.begin(), "/usr/bin/aws");
    args.insert(args.end(), {"--endpoint-url", daemon_->url(), "--output", "json"});
    return testing::RunProgram(args, ClientEnv());
  }

  testing::RunResult Python(std::vector<std::string> args, const std::string& cwd = "") const {
    args.insert(args.begin(), "/usr/bin/python3");
    testing::RunOptions options = ClientEnv(/*python=*/true);
    options.cwd = cwd;
    return testing::RunProgram(args, options);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Daemon> daemon_;
};

// JSON text re-serialised with sorted keys, for equality checks.
inline std::string CanonicalJson(const std::string& json) {
  testing::RunOptions options;
  options.stdin_data = json;
  testing::RunResult r =
      testing::RunProgram({"/usr/bin/python3", "-c",
                           "import json,sys; print(json.dumps(json.load(sys.stdin), "
                           "sort_keys=True))"},
                          options);
  return r.exit_code == 0 ? r.out : "invalid JSON: " + json + r.err;
}

}  // namespace stocktake::server
