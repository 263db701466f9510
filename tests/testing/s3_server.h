// S3TestServer: the real S3 server (Ceph RGW) that S3Store and end-to-end
// tests run against.
//
// If STOCKTAKE_S3_ENDPOINT is set (CI starts one RGW before ctest), that
// server is reused with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and
// AWS_REGION / AWS_DEFAULT_REGION, default "default"). Otherwise the first
// Get() starts scripts/rgw-server.sh on free ports with a per-process data
// dir, and a gtest Environment stops and removes it after the last test.
// The server is shared: tests must create their own uniquely named buckets
// (UniqueBucket) and never assume they own it. A server that cannot start is
// a test failure, never a skip. Get() is thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "store/s3_store.h"

namespace stocktake::testing {

class S3TestServer {
 public:
  // The shared server, started on first use. The error (with the script's
  // log tail) is returned to every caller when it cannot start.
  static Result<S3TestServer*> Get();

  const std::string& endpoint() const { return endpoint_; }
  const store::Credentials& credentials() const { return credentials_; }
  const std::string& region() const { return region_; }

  // Options for an S3Store on this server.
  store::S3StoreOptions StoreOptions() const;
  // A fresh valid bucket name: "st-<tag>-<pid>-<n>-<random>", at most 63 chars.
  static std::string UniqueBucket(std::string_view tag);
  // Environment lines for child processes (aws CLI, boto3):
  // "AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_DEFAULT_REGION=... "
  std::string ShellEnv() const;

  // Stops the server if this process started it (the gtest Environment does).
  void StopIfOwned();

 private:
  S3TestServer() = default;
  Status StartOwned();

  std::string endpoint_;
  store::Credentials credentials_;
  std::string region_;
  bool owned_ = false;
  std::string script_env_;  // "RGW_PORT=.. CEPH_DIR=.." for the script
};

// Runs a shell command; returns its stdout, or IOError with its exit code
// and output when it fails. For tests only.
Result<std::string> RunCommand(const std::string& command);

}  // namespace stocktake::testing
