// FetchReport: reads one finished AWS-layout inventory report back from a
// destination bucket and checks every invariant a consumer relies on (spec
// §2-3), independently of the code that wrote it: the key layout
// (P/S/C/data/<uuid>.csv.gz or .parquet, P/S/C/YYYY-MM-DDTHH-MMZ/manifest.json and
// manifest.checksum, P/S/C/hive/dt=YYYY-MM-DD-HH-MM/symlink.txt and nothing
// else), checksum = MD5(manifest.json), each file's size and MD5checksum,
// the symlink lines, the manifest fields. Violations are gtest failures;
// the parsed rows are returned for the caller's own comparisons. For tests
// only; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/inventory_field.h"
#include "base/status.h"
#include "store/object_store.h"

namespace stocktake::testing {

struct FetchedReport {
  std::string base;  // "P/S/C/"
  std::string manifest_key;
  std::string format;  // manifest fileFormat: "CSV" or "Parquet"
  int64_t creation_ms = 0;
  std::vector<InventoryField> columns;  // from fileSchema (Parquet: types checked)
  std::vector<std::string> data_keys;   // in manifest order
  std::vector<std::string> local_files; // data files downloaded into `download_dir`
  std::vector<store::ObjectInfo> rows;  // all data files, keys decoded
};

// Expects exactly one report under dest_bucket/prefix/source_bucket/config_id
// on `store` (any store: symlink.txt lines are store.Url()s); downloads its data files into `download_dir` (for DuckDB).
// NotFound when there is no manifest.checksum; other errors when a file
// cannot be read or parsed.
Result<FetchedReport> FetchReport(store::ObjectStore& store, const std::string& dest_bucket,
                                  const std::string& prefix, const std::string& source_bucket,
                                  const std::string& config_id, const std::string& download_dir);

// Every key under `prefix` (all pages); "" lists the whole bucket.
Result<std::vector<std::string>> ListKeys(store::ObjectStore& store, const std::string& bucket,
                                          const std::string& prefix);

}  // namespace stocktake::testing
