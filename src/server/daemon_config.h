// DaemonConfig: everything `stocktake serve` needs to start — where to
// listen, the stores of the estate, the accounts and the buckets they own,
// the schedule and the logging style. It comes either from a TOML file
// (LoadDaemonConfig; format in docs/serve.md, example docs/serve.example.toml)
// or from command-line flags (built by the serve command); both end in
// ValidateDaemonConfig, so the same rules hold for both.
//
// Plain values; not synchronised. The TOML parser (toml++) stays in the .cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/inventory_config.h"
#include "server/accounts.h"

namespace stocktake::server {

// One store of the estate: a local root or an S3 endpoint.
struct StoreSpec {
  std::string name;        // for messages; "local-1", "s3-2" when not given
  std::string local_root;  // exactly one of local_root and endpoint is set
  std::string endpoint;    // "http://127.0.0.1:7480"
  std::string access_key;  // S3 only; "" = the AWS environment / profile
  std::string secret_key;
  std::string region;  // reported by GetBucketLocation; "" = ask the store
  config::Profile profile = config::Profile::kS3;
  std::string owner;  // account id owning its buckets; "" = the first account
};

// An account and the buckets it owns beyond its stores' default owner.
struct AccountSpec {
  Account account;
  std::vector<std::string> buckets;
};

enum class LogFormat { kText, kJson };

// The central asset register run inside the daemon (`[register]` in the
// file, --register-* flags): the same consumer as `stocktake register`
// (docs/register.md). Off while `central` is empty.
struct RegisterSpec {
  std::string central;                  // local folder or s3://bucket[/prefix]
  std::vector<std::string> collectors;  // "REGION=LOCATION"
  std::string endpoint;                 // S3 endpoint of s3:// locations
  std::string access_key;               // "" = the AWS environment / profile
  std::string secret_key;
  std::string region;                   // S3 signing region ("" = default)
  int64_t interval_seconds = 300;       // between reconciliations
  std::string nats_url;                 // "" = no NATS source
  std::string nats_subject;             // "" = the register's defaults
  std::string nats_stream;
  std::string nats_durable;
  int64_t nats_ack_wait_seconds = 300;

  bool enabled() const { return !central.empty(); }
};

struct DaemonConfig {
  std::string listen = "127.0.0.1:8571";
  std::string state_dir;  // "" = --state / the default state folder
  std::vector<StoreSpec> stores;
  std::vector<AccountSpec> accounts;

  // Daily and Weekly configurations run at this UTC time of day (minutes
  // after midnight), Weekly ones on this weekday (0 = Sunday), each a
  // stable per-configuration delay in [0, jitter_seconds) later.
  int schedule_minutes = 0;
  int schedule_weekday = 0;
  int64_t jitter_seconds = 0;
  bool scheduler = true;  // false: only remote runs
  int run_threads = 2;    // reports generated at once
  // Listing calls in flight per report (0 = the default for the store's
  // kind, inventory::DefaultListConcurrency) and keep-alive connections per
  // S3 store (0 = the larger of 16 and the listing concurrency).
  int list_concurrency = 0;
  int connections = 0;
  // S3 stores' (and the register's) connect and read timeouts in seconds
  // and tries per request; -1 = the CLI defaults (10 s, 60 s, 6 or
  // $AWS_MAX_ATTEMPTS; cli/store_options.h).
  int connect_timeout = -1;
  int read_timeout = -1;
  int max_attempts = -1;

  int threads = 8;  // HTTP worker threads
  size_t max_body_bytes = 1 << 20;
  LogFormat log_format = LogFormat::kText;
  RegisterSpec central_register;
};

// Reads a TOML daemon configuration. InvalidArgument naming the file, the
// line and the key ("serve.toml:7: stores[1].region: ...") for a syntax
// error, an unknown key, a value of the wrong type or a rule broken; NotFound
// when the file does not exist.
Result<DaemonConfig> LoadDaemonConfig(const std::string& path);

// The rules both sources share: at least one store and one account, 12-digit
// account ids, distinct access keys, owners that are configured accounts,
// a listen address HOST:PORT, sane numbers (list_concurrency 0-256,
// connections 0-1024, connect_timeout 1-3600, read_timeout 0-3600,
// max_attempts 1-20, each also -1 = default), register collectors only with a register central
// (and the reverse). InvalidArgument naming the key.
Status ValidateDaemonConfig(const DaemonConfig& config);

// "HH:MM" (UTC) → minutes after midnight; nullopt when malformed.
std::optional<int> ParseTimeOfDay(std::string_view text);
// "sunday".."saturday" (any case, or the first three letters) → 0..6.
std::optional<int> ParseWeekday(std::string_view text);
// "text" | "json".
std::optional<LogFormat> ParseLogFormat(std::string_view text);
// Splits "HOST:PORT"; InvalidArgument unless PORT is 0-65535.
Status ParseListenAddress(const std::string& text, std::string* host, int* port);

}  // namespace stocktake::server
