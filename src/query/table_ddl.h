// TableDdl: the table definitions that make the central register one
// queryable table in DuckDB, Athena, Trino (Hive connector) and Spark
// (spec §8, docs/register.md). The data columns are the inventory schema
// the register writes (register/row_normalizer.h) minus `bucket`, which,
// like dt, account and region, comes from the Hive partition path
// (Athena, Trino and Spark refuse a column that is also a partition).
// Athena uses partition projection: dt as a date (yyyy-MM-dd, DAYS), and
// account/region/bucket as enums of the values the catalog knows, or as
// `injected` when it knows none (queries must then name them). Pure
// functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::query {

enum class Engine { kDuckDb, kAthena, kTrino, kSpark };

// "duckdb", "athena", "trino", "spark" (case-insensitive).
std::optional<Engine> ParseEngine(std::string_view name);

struct DdlOptions {
  std::string location;      // "s3://central/inventory" or "/data/central" (no trailing '/')
  std::string table = "inventory";
  // Partition values for Athena's enum projection (empty: injected).
  std::vector<std::string> accounts;
  std::vector<std::string> regions;
  std::vector<std::string> buckets;
  std::string first_dt;      // earliest dt registered; "" = 2020-01-01
};

// The statements, ';'-terminated, one blank line between them.
std::string TableDdl(Engine engine, const DdlOptions& options);

}  // namespace stocktake::query
