// How every command names its store and its locations, the same way
// everywhere:
//   --local ROOT [--region R]         a folder whose top-level folders are buckets
//                                     (R is what GetBucketLocation reports)
//   --endpoint-url URL [--region R]   an S3-compatible endpoint, with the usual
//   [--profile P]                     AWS credentials (env, ~/.aws files)
//   [--connect-timeout S] [--read-timeout S] [--max-attempts N]
//                                     how long to wait for a server and how
//                                     often to try a request (S3 stores)
// and locations given as arguments: `s3://bucket[/prefix]` (on the S3 store)
// or a local path `/root/bucket[/sub]` (root = the parent of the bucket).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "store/credentials.h"
#include "store/object_store.h"
#include "store/retrying_store.h"

namespace CLI {
class App;
}

namespace stocktake::cli {

struct StoreFlags {
  std::string local_root;
  std::string endpoint_url;
  std::string region;
  std::string profile;
  bool path_style = true;
  // --connect-timeout / --read-timeout in whole seconds (-1 = the HTTP
  // client's defaults, 10 and 60; a read timeout of 0 waits forever) and
  // --max-attempts (-1 = $AWS_MAX_ATTEMPTS, else 6; 1 = no retries).
  int connect_timeout_s = -1;
  int read_timeout_s = -1;
  int max_attempts = -1;
  // Keys for an S3 store given in a daemon configuration; unset = the AWS
  // environment and profile files. Set by commands, not a flag.
  std::optional<store::Credentials> credentials;
  // Where LocalStore keeps its persistent ETag cache (the state folder);
  // "" = in memory only. Set by commands, not a flag.
  std::string etag_cache_dir;
  // Keep-alive connections an S3 store may open at once (0 = its default);
  // set by commands from --connections (see ConnectionsFor), not a flag.
  int max_connections = 0;
  // Threads a local store walks its folders with (0 = its default,
  // store::DefaultListThreads()); set by commands from --list-concurrency.
  int local_list_threads = 0;
};

// Adds --local, --endpoint-url, --region, --profile, --connect-timeout,
// --read-timeout and --max-attempts to a subcommand.
void AddStoreFlags(CLI::App* app, StoreFlags* flags);

struct OpenedStore {
  std::unique_ptr<store::ObjectStore> store;  // wrapped with retries
  store::RetryingStore* retrying = nullptr;   // that wrapper (owned by `store`)
  std::string id;  // "local:/abs/root" or "s3:URL", keys stored configs
  bool is_local = false;
};

// The store named by --local / --endpoint-url. InvalidArgument when neither
// or both are given.
Result<OpenedStore> OpenStore(const StoreFlags& flags);

struct Location {
  bool is_s3 = false;
  std::string root;    // local: folder holding the bucket folder
  std::string bucket;
  std::string prefix;  // "" or "a/b" (no leading or trailing '/')
};

// Parses "s3://bucket[/prefix]" or a local path. A local path names a
// bucket folder (its last component; the root is its parent), except a
// path inside `local_root` (when given): there the first component below
// the root is the bucket and the rest the prefix (ROOT/bucket/sub/dir ->
// bucket, "sub/dir"). InvalidArgument on an empty bucket or a malformed URL.
Result<Location> ParseLocation(const std::string& text, const std::string& local_root = "");

// Opens the store a Location lives in: local → LocalStore(root),
// s3 → S3Store from flags (--endpoint-url required).
Result<OpenedStore> OpenLocationStore(const Location& location, const StoreFlags& flags);

}  // namespace stocktake::cli
