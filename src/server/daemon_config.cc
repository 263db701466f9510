#include "server/daemon_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <set>

#include "base/retry.h"
#include "inventory/report_generator.h"
#include "store/http_client.h"

namespace stocktake::server {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads typed values out of one parsed file, turning every problem into
// "FILE:LINE: KEY: what is wrong".
class TomlReader {
 public:
  explicit TomlReader(std::string file) : file_(std::move(file)) {}

  Status Error(const toml::node& at, const std::string& key, const std::string& what) const {
    return InvalidArgument(Where(at) + key + ": " + what);
  }
  Status Error(const toml::table& at, const std::string& key, const std::string& what) const {
    return InvalidArgument(Where(at) + key + ": " + what);
  }

  // Rejects keys not in `allowed` (a typo must not silently fall back to a
  // default).
  Status OnlyKeys(const toml::table& table, const std::string& prefix,
                  std::initializer_list<std::string_view> allowed) const {
    for (auto&& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        return Error(node, prefix + std::string(key.str()), "unknown key");
      }
    }
    return Status::OK();
  }

  // Sets *out when the key is present; InvalidArgument when it has another
  // type, or is missing while `required`.
  Status String(const toml::table& table, const std::string& prefix, std::string_view key,
                std::string* out, bool required = false) const {
    const toml::node* node = table.get(key);
    const std::string name = prefix + std::string(key);
    if (node == nullptr) return required ? Error(table, name, "is required") : Status::OK();
    std::optional<std::string> value = node->value<std::string>();
    if (!value || !node->is_string()) return Error(*node, name, "must be a string");
    *out = *value;
    return Status::OK();
  }

  Status Int(const toml::table& table, const std::string& prefix, std::string_view key,
             int64_t min, int64_t max, int64_t* out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return Status::OK();
    const std::string name = prefix + std::string(key);
    if (!node->is_integer()) return Error(*node, name, "must be an integer");
    const int64_t value = node->as_integer()->get();
    if (value < min || value > max) {
      return Error(*node, name,
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = value;
    return Status::OK();
  }

  Status Bool(const toml::table& table, const std::string& prefix, std::string_view key,
              bool* out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return Status::OK();
    if (!node->is_boolean()) return Error(*node, prefix + std::string(key), "must be true or false");
    *out = node->as_boolean()->get();
    return Status::OK();
  }

  // The tables of an array of tables ([[stores]]); empty when absent.
  Result<std::vector<const toml::table*>> Tables(const toml::table& root,
                                                 std::string_view key) const {
    std::vector<const toml::table*> out;
    const toml::node* node = root.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      return Error(*node, std::string(key), "must be an array of tables ([[" + std::string(key) + "]])");
    }
    for (const toml::node& element : *array) {
      if (!element.is_table()) {
        return Error(element, std::string(key), "must be an array of tables ([[" + std::string(key) + "]])");
      }
      out.push_back(element.as_table());
    }
    return out;
  }

 private:
  std::string Where(const toml::node& at) const {
    return file_ + ":" + std::to_string(at.source().begin.line) + ": ";
  }

  std::string file_;
};

Status ReadStore(const TomlReader& in, const toml::table& table, size_t index, StoreSpec* store) {
  const std::string prefix = "stores[" + std::to_string(index) + "].";
  RETURN_IF_ERROR(in.OnlyKeys(table, prefix,
                              {"name", "local", "endpoint", "access_key", "secret_key", "region",
                               "validation", "owner"}));
  RETURN_IF_ERROR(in.String(table, prefix, "name", &store->name));
  RETURN_IF_ERROR(in.String(table, prefix, "local", &store->local_root));
  RETURN_IF_ERROR(in.String(table, prefix, "endpoint", &store->endpoint));
  RETURN_IF_ERROR(in.String(table, prefix, "access_key", &store->access_key));
  RETURN_IF_ERROR(in.String(table, prefix, "secret_key", &store->secret_key));
  RETURN_IF_ERROR(in.String(table, prefix, "region", &store->region));
  RETURN_IF_ERROR(in.String(table, prefix, "owner", &store->owner));
  std::string validation = "s3";
  RETURN_IF_ERROR(in.String(table, prefix, "validation", &validation));
  std::optional<config::Profile> profile = config::ParseProfile(validation);
  if (!profile) {
    return in.Error(*table.get("validation"), prefix + "validation",
                    "must be \"s3\" or \"obs\", not \"" + validation + "\"");
  }
  store->profile = *profile;
  if (store->local_root.empty() == store->endpoint.empty()) {
    return in.Error(table, prefix + "local/endpoint", "give exactly one of local and endpoint");
  }
  if (!store->local_root.empty() && (!store->access_key.empty() || !store->secret_key.empty())) {
    return in.Error(table, prefix + "access_key", "only S3 (endpoint) stores take keys");
  }
  if (store->access_key.empty() != store->secret_key.empty()) {
    return in.Error(table, prefix + "secret_key", "give both access_key and secret_key, or neither");
  }
  if (!store->endpoint.empty() && store->endpoint.rfind("http://", 0) != 0 &&
      store->endpoint.rfind("https://", 0) != 0) {
    return in.Error(*table.get("endpoint"), prefix + "endpoint",
                    "must start with http:// or https://");
  }
  return Status::OK();
}

Status ReadAccount(const TomlReader& in, const toml::table& table, size_t index,
                   AccountSpec* account) {
  const std::string prefix = "accounts[" + std::to_string(index) + "].";
  RETURN_IF_ERROR(in.OnlyKeys(table, prefix, {"id", "access_key", "secret_key", "buckets"}));
  std::string id, key, secret;
  RETURN_IF_ERROR(in.String(table, prefix, "id", &id, /*required=*/true));
  RETURN_IF_ERROR(in.String(table, prefix, "access_key", &key, /*required=*/true));
  RETURN_IF_ERROR(in.String(table, prefix, "secret_key", &secret, /*required=*/true));
  Result<Account> parsed = ParseAccountSpec(id + ":" + key + ":" + secret);
  if (!parsed.ok()) return in.Error(*table.get("id"), prefix + "id", parsed.status().message());
  account->account = std::move(parsed).value();
  if (const toml::node* node = table.get("buckets")) {
    const toml::array* array = node->as_array();
    if (array == nullptr) return in.Error(*node, prefix + "buckets", "must be an array of strings");
    for (const toml::node& element : *array) {
      if (!element.is_string()) {
        return in.Error(element, prefix + "buckets", "must be an array of strings");
      }
      account->buckets.push_back(element.as_string()->get());
    }
  }
  return Status::OK();
}

Status ReadRegister(const TomlReader& in, const toml::table& root, RegisterSpec* spec) {
  const toml::node* node = root.get("register");
  if (node == nullptr) return Status::OK();
  const toml::table* table = node->as_table();
  if (table == nullptr) return in.Error(*node, "register", "must be a table ([register])");
  const std::string prefix = "register.";
  RETURN_IF_ERROR(in.OnlyKeys(*table, prefix,
                              {"central", "collectors", "endpoint", "access_key", "secret_key",
                               "region", "interval_seconds", "nats", "nats_subject", "nats_stream",
                               "nats_durable", "nats_ack_wait_seconds"}));
  RETURN_IF_ERROR(in.String(*table, prefix, "central", &spec->central, /*required=*/true));
  if (const toml::node* list = table->get("collectors")) {
    const toml::array* array = list->as_array();
    if (array == nullptr) {
      return in.Error(*list, prefix + "collectors", "must be an array of \"REGION=LOCATION\"");
    }
    for (const toml::node& element : *array) {
      if (!element.is_string()) {
        return in.Error(element, prefix + "collectors", "must be an array of \"REGION=LOCATION\"");
      }
      spec->collectors.push_back(element.as_string()->get());
    }
  }
  RETURN_IF_ERROR(in.String(*table, prefix, "endpoint", &spec->endpoint));
  RETURN_IF_ERROR(in.String(*table, prefix, "access_key", &spec->access_key));
  RETURN_IF_ERROR(in.String(*table, prefix, "secret_key", &spec->secret_key));
  RETURN_IF_ERROR(in.String(*table, prefix, "region", &spec->region));
  RETURN_IF_ERROR(in.Int(*table, prefix, "interval_seconds", 1, 7 * 24 * 3600,
                         &spec->interval_seconds));
  RETURN_IF_ERROR(in.String(*table, prefix, "nats", &spec->nats_url));
  RETURN_IF_ERROR(in.String(*table, prefix, "nats_subject", &spec->nats_subject));
  RETURN_IF_ERROR(in.String(*table, prefix, "nats_stream", &spec->nats_stream));
  RETURN_IF_ERROR(in.String(*table, prefix, "nats_durable", &spec->nats_durable));
  RETURN_IF_ERROR(in.Int(*table, prefix, "nats_ack_wait_seconds", 1, 24 * 3600,
                         &spec->nats_ack_wait_seconds));
  if (spec->access_key.empty() != spec->secret_key.empty()) {
    return in.Error(*table, prefix + "secret_key", "give both access_key and secret_key, or neither");
  }
  return Status::OK();
}

Status ReadTop(const TomlReader& in, const toml::table& root, DaemonConfig* config) {
  RETURN_IF_ERROR(in.OnlyKeys(root, "",
                              {"listen", "state", "log_format", "threads", "max_body_bytes",
                               "schedule_time", "schedule_weekday", "jitter_seconds", "scheduler",
                               "run_threads", "list_concurrency", "connections",
                               "connect_timeout", "read_timeout", "max_attempts", "stores",
                               "accounts", "register"}));
  RETURN_IF_ERROR(in.String(root, "", "listen", &config->listen));
  RETURN_IF_ERROR(in.String(root, "", "state", &config->state_dir));
  std::string text;
  RETURN_IF_ERROR(in.String(root, "", "log_format", &text));
  if (!text.empty()) {
    std::optional<LogFormat> format = ParseLogFormat(text);
    if (!format) return in.Error(*root.get("log_format"), "log_format", "must be \"text\" or \"json\"");
    config->log_format = *format;
  }
  text.clear();
  RETURN_IF_ERROR(in.String(root, "", "schedule_time", &text));
  if (!text.empty()) {
    std::optional<int> minutes = ParseTimeOfDay(text);
    if (!minutes) return in.Error(*root.get("schedule_time"), "schedule_time", "must be \"HH:MM\" (UTC)");
    config->schedule_minutes = *minutes;
  }
  text.clear();
  RETURN_IF_ERROR(in.String(root, "", "schedule_weekday", &text));
  if (!text.empty()) {
    std::optional<int> day = ParseWeekday(text);
    if (!day) {
      return in.Error(*root.get("schedule_weekday"), "schedule_weekday",
                      "must be a weekday name (\"sunday\" .. \"saturday\")");
    }
    config->schedule_weekday = *day;
  }
  // An int key within [least, most]; absent keeps the field as it is.
  auto read_int = [&](const char* key, int64_t least, int64_t most, int* field) -> Status {
    int64_t value = *field;
    RETURN_IF_ERROR(in.Int(root, "", key, least, most, &value));
    *field = static_cast<int>(value);
    return Status::OK();
  };
  RETURN_IF_ERROR(read_int("threads", 1, 256, &config->threads));
  RETURN_IF_ERROR(read_int("run_threads", 1, 64, &config->run_threads));
  RETURN_IF_ERROR(
      read_int("list_concurrency", 1, inventory::kMaxListConcurrency, &config->list_concurrency));
  RETURN_IF_ERROR(read_int("connections", 1, store::kMaxHttpConnections, &config->connections));
  RETURN_IF_ERROR(
      read_int("connect_timeout", 1, store::kMaxHttpTimeoutSeconds, &config->connect_timeout));
  RETURN_IF_ERROR(
      read_int("read_timeout", 0, store::kMaxHttpTimeoutSeconds, &config->read_timeout));
  RETURN_IF_ERROR(read_int("max_attempts", 1, kMaxRetryAttempts, &config->max_attempts));
  int64_t value = static_cast<int64_t>(config->max_body_bytes);
  RETURN_IF_ERROR(in.Int(root, "", "max_body_bytes", 1024, int64_t{1} << 30, &value));
  config->max_body_bytes = static_cast<size_t>(value);
  RETURN_IF_ERROR(in.Int(root, "", "jitter_seconds", 0, 7 * 24 * 3600, &config->jitter_seconds));
  RETURN_IF_ERROR(in.Bool(root, "", "scheduler", &config->scheduler));

  RETURN_IF_ERROR(ReadRegister(in, root, &config->central_register));
  ASSIGN_OR_RETURN(std::vector<const toml::table*> stores, in.Tables(root, "stores"));
  for (size_t i = 0; i < stores.size(); ++i) {
    StoreSpec store;
    RETURN_IF_ERROR(ReadStore(in, *stores[i], i, &store));
    config->stores.push_back(std::move(store));
  }
  ASSIGN_OR_RETURN(std::vector<const toml::table*> accounts, in.Tables(root, "accounts"));
  for (size_t i = 0; i < accounts.size(); ++i) {
    AccountSpec account;
    RETURN_IF_ERROR(ReadAccount(in, *accounts[i], i, &account));
    config->accounts.push_back(std::move(account));
  }
  if (config->stores.empty()) return in.Error(root, "stores", "give at least one [[stores]]");
  if (config->accounts.empty()) return in.Error(root, "accounts", "give at least one [[accounts]]");
  return Status::OK();
}

}  // namespace

std::optional<int> ParseTimeOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::optional<int> ParseWeekday(std::string_view text) {
  static constexpr std::string_view kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                               "thursday", "friday", "saturday"};
  const std::string lower = Lower(text);
  for (int day = 0; day < 7; ++day) {
    if (lower == kDays[day] || lower == kDays[day].substr(0, 3)) return day;
  }
  return std::nullopt;
}

std::optional<LogFormat> ParseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return std::nullopt;
}

Status ParseListenAddress(const std::string& text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("listen address must be HOST:PORT, not '" + text + "'");
  }
  const std::string digits = text.substr(colon + 1);
  const bool numeric = !digits.empty() && digits.size() <= 5 &&
                       std::all_of(digits.begin(), digits.end(),
                                   [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!numeric || std::stoi(digits) > 65535) {
    return InvalidArgument("listen port must be 0-65535 in '" + text + "'");
  }
  *host = text.substr(0, colon);
  *port = std::stoi(digits);
  return Status::OK();
}

Status ValidateDaemonConfig(const DaemonConfig& config) {
  std::string host;
  int port = 0;
  RETURN_IF_ERROR(ParseListenAddress(config.listen, &host, &port).WithContext("listen"));
  if (config.stores.empty()) return InvalidArgument("serve: give at least one store (--local ROOT)");
  if (config.accounts.empty()) {
    return InvalidArgument("serve: give at least one account (--account ID:KEY:SECRET)");
  }
  // Each number is its default (`unset`) or within the range its key and
  // flag allow.
  struct Bounded {
    const char* key;
    int value, unset, least, most;
  };
  for (const Bounded& b :
       {Bounded{"list_concurrency (--list-concurrency)", config.list_concurrency, 0, 1,
                inventory::kMaxListConcurrency},
        Bounded{"connections (--connections)", config.connections, 0, 1,
                store::kMaxHttpConnections},
        Bounded{"connect_timeout (--connect-timeout)", config.connect_timeout, -1, 1,
                store::kMaxHttpTimeoutSeconds},
        Bounded{"read_timeout (--read-timeout)", config.read_timeout, -1, 0,
                store::kMaxHttpTimeoutSeconds},
        Bounded{"max_attempts (--max-attempts)", config.max_attempts, -1, 1, kMaxRetryAttempts}}) {
    if (b.value != b.unset && (b.value < b.least || b.value > b.most)) {
      return InvalidArgument(std::string(b.key) + " must be between " + std::to_string(b.least) +
                             " and " + std::to_string(b.most) + ", not " +
                             std::to_string(b.value));
    }
  }
  std::set<std::string> ids, keys;
  for (const AccountSpec& spec : config.accounts) {
    if (!keys.insert(spec.account.access_key_id).second) {
      return InvalidArgument("accounts: access key '" + spec.account.access_key_id +
                             "' is given to two accounts");
    }
    ids.insert(spec.account.account_id);
  }
  std::set<std::string> owned;
  for (const AccountSpec& spec : config.accounts) {
    for (const std::string& bucket : spec.buckets) {
      if (!owned.insert(bucket).second) {
        return InvalidArgument("accounts: bucket '" + bucket + "' is owned by two accounts");
      }
    }
  }
  for (const StoreSpec& store : config.stores) {
    if (!store.owner.empty() && ids.count(store.owner) == 0) {
      return InvalidArgument("store " + store.name + ": owner '" + store.owner +
                             "' is not a configured account");
    }
  }
  const RegisterSpec& central = config.central_register;
  if (central.enabled() && central.collectors.empty()) {
    return InvalidArgument(
        "register: give at least one collector (--register-collector REGION=LOCATION)");
  }
  if (!central.enabled() && (!central.collectors.empty() || !central.nats_url.empty())) {
    return InvalidArgument("register: collectors and NATS need a central store (--register-central)");
  }
  if (central.interval_seconds < 1) return InvalidArgument("register: interval must be at least 1 second");
  return Status::OK();
}

Result<DaemonConfig> LoadDaemonConfig(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound("config " + path + ": no such file");
  }
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    return InvalidArgument(path + ":" + std::to_string(error.source().begin.line) + ": " +
                           std::string(error.description()));
  }
  DaemonConfig config;
  TomlReader reader(path);
  RETURN_IF_ERROR(ReadTop(reader, root, &config));
  for (size_t i = 0; i < config.stores.size(); ++i) {
    StoreSpec& store = config.stores[i];
    if (store.name.empty()) {
      store.name = (store.local_root.empty() ? "s3-" : "local-") + std::to_string(i + 1);
    }
  }
  RETURN_IF_ERROR(ValidateDaemonConfig(config).WithContext(path));
  return config;
}

}  // namespace stocktake::server
