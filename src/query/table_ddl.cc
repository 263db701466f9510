#include "query/table_ddl.h"

#include <utility>

namespace stocktake::query {
namespace {

enum class Type { kString, kBool, kInt64, kTimestamp };

// The register's data columns (all but bucket), in canonical order.
const std::vector<std::pair<const char*, Type>>& DataColumns() {
  static const std::vector<std::pair<const char*, Type>> kColumns = {
      {"key", Type::kString},
      {"version_id", Type::kString},
      {"is_latest", Type::kBool},
      {"is_delete_marker", Type::kBool},
      {"size", Type::kInt64},
      {"last_modified_date", Type::kTimestamp},
      {"e_tag", Type::kString},
      {"storage_class", Type::kString},
      {"is_multipart_uploaded", Type::kBool},
      {"replication_status", Type::kString},
      {"encryption_status", Type::kString},
      {"object_lock_retain_until_date", Type::kTimestamp},
      {"object_lock_mode", Type::kString},
      {"object_lock_legal_hold_status", Type::kString},
      {"intelligent_tiering_access_tier", Type::kString},
      {"bucket_key_status", Type::kString},
      {"checksum_algorithm", Type::kString},
      {"object_access_control_list", Type::kString},
      {"object_owner", Type::kString},
      {"lifecycle_expiration_date", Type::kTimestamp},
  };
  return kColumns;
}

const char* TypeName(Engine engine, Type type) {
  switch (type) {
    case Type::kString:
      return engine == Engine::kTrino ? "varchar" : engine == Engine::kSpark ? "STRING" : "string";
    case Type::kBool:
      return engine == Engine::kSpark ? "BOOLEAN" : "boolean";
    case Type::kInt64:
      return engine == Engine::kSpark ? "BIGINT" : "bigint";
    case Type::kTimestamp:
      return engine == Engine::kTrino ? "timestamp(3)" : engine == Engine::kSpark ? "TIMESTAMP"
                                                                                 : "timestamp";
  }
  return "string";
}

std::string Quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string Columns(Engine engine, bool with_partitions) {
  std::string out;
  for (const auto& [name, type] : DataColumns()) {
    out += "  " + std::string(name) + " " + TypeName(engine, type) + ",\n";
  }
  if (with_partitions) {
    for (const char* p : {"dt", "account", "region", "bucket"}) {
      out += "  " + std::string(p) + " " + TypeName(engine, Type::kString) + ",\n";
    }
  }
  out.resize(out.size() - 2);  // the last ",\n"
  return out + "\n";
}

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

std::string Projection(const char* column, const std::vector<std::string>& values) {
  std::string p = std::string("  'projection.") + column;
  if (values.empty()) return p + ".type'='injected',\n";
  return p + ".type'='enum',\n" + p + ".values'=" + Quote(Join(values)) + ",\n";
}

std::string Athena(const DdlOptions& o) {
  const std::string location = o.location + "/";
  return "CREATE EXTERNAL TABLE IF NOT EXISTS " + o.table + " (\n" +
         Columns(Engine::kAthena, false) +
         ")\nPARTITIONED BY (dt string, account string, region string, bucket string)\n"
         "STORED AS PARQUET\nLOCATION " +
         Quote(location) +
         "\nTBLPROPERTIES (\n"
         "  'projection.enabled'='true',\n"
         "  'projection.dt.type'='date',\n"
         "  'projection.dt.format'='yyyy-MM-dd',\n"
         "  'projection.dt.range'=" +
         Quote((o.first_dt.empty() ? "2020-01-01" : o.first_dt) + ",NOW") +
         ",\n"
         "  'projection.dt.interval'='1',\n"
         "  'projection.dt.interval.unit'='DAYS',\n" +
         Projection("account", o.accounts) + Projection("region", o.regions) +
         Projection("bucket", o.buckets) + "  'storage.location.template'=" +
         Quote(location + "dt=${dt}/account=${account}/region=${region}/bucket=${bucket}/") +
         "\n);\n";
}

std::string DuckDb(const DdlOptions& o) {
  return "CREATE OR REPLACE VIEW " + o.table + " AS SELECT * FROM read_parquet(" +
         Quote(o.location + "/dt=*/account=*/region=*/bucket=*/*.parquet") +
         ", hive_partitioning = true, union_by_name = true, hive_types = {'dt': DATE, "
         "'account': VARCHAR, 'region': VARCHAR, 'bucket': VARCHAR});\n";
}

std::string Trino(const DdlOptions& o) {
  return "CREATE TABLE IF NOT EXISTS " + o.table + " (\n" + Columns(Engine::kTrino, true) +
         ")\nWITH (\n  format = 'PARQUET',\n  external_location = " + Quote(o.location + "/") +
         ",\n  partitioned_by = ARRAY['dt', 'account', 'region', 'bucket']\n);\n\n"
         "CALL system.sync_partition_metadata(CURRENT_SCHEMA, " +
         Quote(o.table) + ", 'FULL');\n";
}

std::string Spark(const DdlOptions& o) {
  return "CREATE TABLE IF NOT EXISTS " + o.table + " (\n" + Columns(Engine::kSpark, true) +
         ")\nUSING parquet\nPARTITIONED BY (dt, account, region, bucket)\nLOCATION " +
         Quote(o.location + "/") + ";\n\nMSCK REPAIR TABLE " + o.table + ";\n";
}

}  // namespace

std::optional<Engine> ParseEngine(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "duckdb") return Engine::kDuckDb;
  if (lower == "athena") return Engine::kAthena;
  if (lower == "trino") return Engine::kTrino;
  if (lower == "spark") return Engine::kSpark;
  return std::nullopt;
}

std::string TableDdl(Engine engine, const DdlOptions& options) {
  switch (engine) {
    case Engine::kDuckDb:
      return DuckDb(options);
    case Engine::kAthena:
      return Athena(options);
    case Engine::kTrino:
      return Trino(options);
    case Engine::kSpark:
      return Spark(options);
  }
  return "";
}

}  // namespace stocktake::query
