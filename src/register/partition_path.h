// PartitionPath: the only code that builds or parses Hive-style partition
// paths `key=value/key=value/` — the central register's
// `dt=YYYY-MM-DD/account=ID/region=R/bucket=NAME/` (docs/register.md).
//
// Escaping follows Hive (FileUtils.escapePathName): control characters and
// `"#%'*/:=?\{[]^` and DEL become %XX (uppercase hex); everything else,
// UTF-8 included, is kept. A null or empty value is written as Hive's
// `__HIVE_DEFAULT_PARTITION__` and parsed back as null. DuckDB, Athena,
// Trino and Spark read these paths. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace stocktake::reg {

inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// One `key=value` level; nullopt is the null value.
using PartitionColumn = std::pair<std::string, std::optional<std::string>>;

// Hive's escaping of one key or value.
std::string EscapePartitionText(std::string_view text);
// Undoes EscapePartitionText. InvalidArgument on a malformed %XX escape.
Result<std::string> UnescapePartitionText(std::string_view text);

// "k1=v1/k2=v2/" (always a trailing '/'). REQUIRES: non-empty keys.
std::string BuildPartitionPath(const std::vector<PartitionColumn>& columns);
// Parses the `key=value` levels of `path` (a trailing '/' and a last
// component without '=', e.g. a file name, are allowed and ignored).
// InvalidArgument naming the level when a component lacks '=' or has an
// empty key, or an escape is malformed.
Result<std::vector<PartitionColumn>> ParsePartitionPath(std::string_view path);

// The central register's four partition columns.
struct CentralPartition {
  std::string dt;       // YYYY-MM-DD (UTC day of the report's scan start)
  std::string account;  // account id from the collector layout
  std::string region;   // the collector's region
  std::string bucket;   // the source bucket

  // "dt=.../account=.../region=.../bucket=.../"
  std::string Path() const;
  // The inverse of Path(); InvalidArgument unless `path` holds exactly the
  // levels dt, account, region, bucket in that order (a trailing file name
  // is ignored), with non-null values and dt a valid YYYY-MM-DD.
  static Result<CentralPartition> Parse(std::string_view path);

  bool operator==(const CentralPartition&) const = default;
};

// True for a valid calendar date written YYYY-MM-DD.
bool IsIsoDate(std::string_view text);

}  // namespace stocktake::reg
