#include "cli/store_options.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <CLI/CLI.hpp>

#include <filesystem>

#include "base/hash.h"
#include "store/http_client.h"
#include "store/local_store.h"
#include "store/retrying_store.h"
#include "store/s3_store.h"

namespace stocktake::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kNotGiven = -1;  // StoreFlags' "not given" for the three flags

// Seconds given on the command line as milliseconds, checked.
Result<int64_t> TimeoutMillis(int seconds, std::string_view flag, bool zero_means_forever) {
  const int least = zero_means_forever ? 0 : 1;
  if (seconds < least || seconds > store::kMaxHttpTimeoutSeconds) {
    return InvalidArgument(std::string(flag) + " must be between " + std::to_string(least) +
                           " and " + std::to_string(store::kMaxHttpTimeoutSeconds) +
                           " seconds, not " + std::to_string(seconds));
  }
  return int64_t{seconds} * 1000;
}

// --connect-timeout, --read-timeout and --max-attempts as the HTTP client
// and the retry policy take them; unset = not given (the defaults).
struct NetworkSettings {
  std::optional<int64_t> connect_timeout_ms;
  std::optional<int64_t> idle_timeout_ms;
  std::optional<int> max_attempts;
};

// The flags, checked whatever the store.
Result<NetworkSettings> ParseNetworkFlags(const StoreFlags& flags) {
  NetworkSettings net;
  if (flags.connect_timeout_s != kNotGiven) {
    ASSIGN_OR_RETURN(net.connect_timeout_ms,
                     TimeoutMillis(flags.connect_timeout_s, "--connect-timeout", false));
  }
  if (flags.read_timeout_s != kNotGiven) {
    ASSIGN_OR_RETURN(net.idle_timeout_ms,
                     TimeoutMillis(flags.read_timeout_s, "--read-timeout", true));
  }
  if (flags.max_attempts != kNotGiven) {
    if (flags.max_attempts < 1 || flags.max_attempts > kMaxRetryAttempts) {
      return InvalidArgument("--max-attempts must be between 1 and " +
                             std::to_string(kMaxRetryAttempts) + ", not " +
                             std::to_string(flags.max_attempts));
    }
    net.max_attempts = flags.max_attempts;
  }
  return net;
}

// $AWS_MAX_ATTEMPTS, checked (read only when an S3 store is opened without
// --max-attempts); unset when the variable is unset or empty.
Result<std::optional<int>> AttemptsFromEnvironment() {
  const char* env = std::getenv("AWS_MAX_ATTEMPTS");
  if (env == nullptr || *env == '\0') return std::optional<int>();
  std::string_view text(env);
  int attempts = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), attempts);
  if (ec != std::errc() || end != text.data() + text.size() || attempts < 1 ||
      attempts > kMaxRetryAttempts) {
    return InvalidArgument("AWS_MAX_ATTEMPTS must be a whole number from 1 to " +
                           std::to_string(kMaxRetryAttempts) + ", not '" + std::string(text) + "'");
  }
  return std::optional<int>(attempts);
}

Result<OpenedStore> OpenS3(const StoreFlags& flags, const NetworkSettings& net) {
  if (flags.endpoint_url.rfind("http://", 0) != 0 && flags.endpoint_url.rfind("https://", 0) != 0) {
    return InvalidArgument("--endpoint-url must start with http:// or https://, not '" +
                           flags.endpoint_url + "'");
  }
  store::CredentialRequest creq;
  creq.explicit_credentials = flags.credentials;
  creq.explicit_profile = flags.profile;
  creq.explicit_region = flags.region;
  ASSIGN_OR_RETURN(store::ResolvedCredentials creds, store::ResolveCredentials(creq));
  store::S3StoreOptions options;
  options.endpoint = flags.endpoint_url;
  options.credentials = creds.credentials;
  if (!creds.region.empty()) options.region = creds.region;
  if (flags.max_connections > 0) options.http.max_connections = flags.max_connections;
  if (net.connect_timeout_ms) options.http.connect_timeout_ms = *net.connect_timeout_ms;
  if (net.idle_timeout_ms) options.http.idle_timeout_ms = *net.idle_timeout_ms;
  std::optional<int> attempts = net.max_attempts;
  if (!attempts) {
    ASSIGN_OR_RETURN(attempts, AttemptsFromEnvironment());
  }
  RetryOptions retry;
  if (attempts) retry.max_attempts = *attempts;
  options.part_retry.max_attempts = retry.max_attempts;
  ASSIGN_OR_RETURN(std::unique_ptr<store::S3Store> s3, store::S3Store::Open(options));
  OpenedStore opened;
  opened.id = "s3:" + flags.endpoint_url;
  auto retrying = std::make_unique<store::RetryingStore>(
      std::shared_ptr<store::ObjectStore>(std::move(s3)), RetryPolicy(retry));
  opened.retrying = retrying.get();
  opened.store = std::move(retrying);
  return opened;
}

Result<OpenedStore> OpenLocal(const std::string& root, const std::string& etag_cache_dir,
                              const std::string& region, int list_threads) {
  std::error_code ec;
  fs::path abs = fs::absolute(root, ec).lexically_normal();
  std::string path = abs.string();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  if (!fs::is_directory(abs, ec)) {
    return NotFound("local store root '" + root + "' is not a directory");
  }
  store::LocalStoreOptions options;
  options.root = path;
  options.region = region;
  options.list_threads = list_threads;  // 0 = the store's default
  if (!etag_cache_dir.empty()) {
    // One cache file per estate root, kept in the state folder.
    options.etag_cache_path = etag_cache_dir + "/etag-cache-" + Md5Hex(path).substr(0, 16);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::LocalStore> local, store::LocalStore::Open(options));
  OpenedStore opened;
  opened.id = "local:" + path;
  opened.is_local = true;
  auto retrying = std::make_unique<store::RetryingStore>(
      std::shared_ptr<store::ObjectStore>(std::move(local)), RetryPolicy());
  opened.retrying = retrying.get();
  opened.store = std::move(retrying);
  return opened;
}

}  // namespace

void AddStoreFlags(CLI::App* app, StoreFlags* flags) {
  app->add_option("--local", flags->local_root, "local store: folder whose sub-folders are buckets");
  app->add_option("--endpoint-url", flags->endpoint_url, "S3-compatible endpoint URL");
  app->add_option("--region", flags->region, "S3 region (default from AWS config, else us-east-1)");
  app->add_option("--profile", flags->profile, "AWS profile for credentials");
  app->add_option("--connect-timeout", flags->connect_timeout_s,
                  "seconds to wait for a connection to an S3 endpoint (default 10)");
  app->add_option("--read-timeout", flags->read_timeout_s,
                  "seconds an S3 request may go without receiving a byte before it is retried "
                  "(default 60, 0 = no limit)");
  app->add_option("--max-attempts", flags->max_attempts,
                  "tries per S3 request, the first included (default $AWS_MAX_ATTEMPTS, else 6)");
}

Result<OpenedStore> OpenStore(const StoreFlags& flags) {
  ASSIGN_OR_RETURN(NetworkSettings net, ParseNetworkFlags(flags));
  if (!flags.local_root.empty() && !flags.endpoint_url.empty()) {
    return InvalidArgument("give either --local ROOT or --endpoint-url URL, not both");
  }
  if (!flags.local_root.empty()) {
    return OpenLocal(flags.local_root, flags.etag_cache_dir, flags.region, flags.local_list_threads);
  }
  if (!flags.endpoint_url.empty()) return OpenS3(flags, net);
  return InvalidArgument("no store: give --local ROOT or --endpoint-url URL");
}

Result<Location> ParseLocation(const std::string& text, const std::string& local_root) {
  Location loc;
  if (text.rfind("s3://", 0) == 0) {
    loc.is_s3 = true;
    std::string rest = text.substr(5);
    size_t slash = rest.find('/');
    loc.bucket = rest.substr(0, slash);
    if (slash != std::string::npos) loc.prefix = rest.substr(slash + 1);
    while (!loc.prefix.empty() && loc.prefix.back() == '/') loc.prefix.pop_back();
    if (loc.bucket.empty()) return InvalidArgument("no bucket in '" + text + "'");
    return loc;
  }
  if (text.find("://") != std::string::npos) {
    return InvalidArgument("unsupported location '" + text + "' (use s3://bucket[/prefix] or a path)");
  }
  if (text.empty()) return InvalidArgument("empty location");
  std::error_code ec;
  fs::path abs = fs::absolute(text, ec).lexically_normal();
  std::string path = abs.string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "/") return InvalidArgument("'" + text + "' names no bucket folder");
  if (!local_root.empty()) {
    std::string root = fs::absolute(local_root, ec).lexically_normal().string();
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    const std::string inside = root == "/" ? "/" : root + "/";
    if (path.rfind(inside, 0) == 0 && path.size() > inside.size()) {
      const std::string rest = path.substr(inside.size());
      const size_t slash = rest.find('/');
      loc.root = root;
      loc.bucket = rest.substr(0, slash);
      if (slash != std::string::npos) loc.prefix = rest.substr(slash + 1);
      return loc;
    }
  }
  size_t cut = path.rfind('/');
  loc.root = cut == 0 ? "/" : path.substr(0, cut);
  loc.bucket = path.substr(cut + 1);
  return loc;
}

Result<OpenedStore> OpenLocationStore(const Location& location, const StoreFlags& flags) {
  ASSIGN_OR_RETURN(NetworkSettings net, ParseNetworkFlags(flags));
  if (!location.is_s3) return OpenLocal(location.root, flags.etag_cache_dir, flags.region,
                                             flags.local_list_threads);
  if (flags.endpoint_url.empty()) {
    // Without an endpoint, s3:// means AWS itself in the configured region.
    StoreFlags aws = flags;
    std::string region = flags.region.empty() ? "us-east-1" : flags.region;
    aws.endpoint_url = "https://s3." + region + ".amazonaws.com";
    return OpenS3(aws, net);
  }
  return OpenS3(flags, net);
}

}  // namespace stocktake::cli
