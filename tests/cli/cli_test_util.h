// Helpers for the end-to-end tests of the built stocktake binary on local
// folders: run it with a private state folder, snapshot a folder tree to
// prove nothing was written, walk a source bucket independently of
// LocalStore, and load a finished report back (manifest, checksum, hive
// symlink, data files checked for MD5 and size, rows parsed). Header-only;
// test code only, not thread-safe.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/hash.h"
#include "base/inventory_field.h"
#include "format/csv_reader.h"
#include "format/manifest.h"
#include "store/object_store.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::cli_test {

namespace fs = std::filesystem;

// Runs the binary with `--state state_dir -q` before `args` (no --state
// when `args` has its own), with test credentials and `extra_env`.
inline testing::RunResult Stocktake(
    const std::string& state_dir, const std::vector<std::string>& args,
    const std::string& stdin_data = "",
    const std::vector<std::pair<std::string, std::string>>& extra_env = {}) {
  std::vector<std::string> full = {"-q"};
  if (std::find(args.begin(), args.end(), "--state") == args.end()) {
    full = {"--state", state_dir, "-q"};
  }
  full.insert(full.end(), args.begin(), args.end());
  testing::RunOptions options;
  options.stdin_data = stdin_data;
  options.timeout_seconds = 60;
  // No real credentials or profiles leak in from the machine.
  options.env = {{"AWS_ACCESS_KEY_ID", "test"},
                 {"AWS_SECRET_ACCESS_KEY", "test"},
                 {"AWS_CONFIG_FILE", "/nonexistent"},
                 {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}};
  options.env.insert(options.env.end(), extra_env.begin(), extra_env.end());
  return testing::RunProgram(
      [&] {
        std::vector<std::string> argv = {STOCKTAKE_BINARY};
        argv.insert(argv.end(), full.begin(), full.end());
        return argv;
      }(),
      options);
}

// Every entry (files and folders, relative path -> size, -1 for folders)
// under `root`; {} when root does not exist.
inline std::map<std::string, int64_t> Snapshot(const std::string& root) {
  std::map<std::string, int64_t> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string rel = fs::relative(it->path(), root).string();
    out[rel] = it->is_regular_file() ? static_cast<int64_t>(it->file_size()) : -1;
  }
  return out;
}

inline std::string FileMd5(const std::string& path) { return Md5Hex(testing::ReadFile(path)); }

// The objects of a local bucket folder, walked with std::filesystem:
// key -> (size, mtime in ms, MD5 hex), in S3 (byte) order of the key.
struct WalkedObject {
  int64_t size = 0;
  int64_t mtime_ms = 0;
  std::string md5;
};
inline std::map<std::string, WalkedObject> WalkBucket(const std::string& bucket_dir,
                                                      const std::string& prefix = "") {
  std::map<std::string, WalkedObject> out;
  for (const auto& entry : fs::recursive_directory_iterator(bucket_dir)) {
    if (!entry.is_regular_file() || entry.is_symlink()) continue;
    std::string key = fs::relative(entry.path(), bucket_dir).string();
    if (key.rfind(prefix, 0) != 0) continue;
    struct stat st;
    EXPECT_EQ(::stat(entry.path().c_str(), &st), 0) << entry.path();
    WalkedObject o;
    o.size = st.st_size;
    o.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    o.md5 = FileMd5(entry.path());
    out[key] = o;
  }
  return out;
}

// Every manifest.json under `dir`, sorted.
inline std::vector<std::string> FindManifests(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename() == "manifest.json") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct LoadedReport {
  format::Manifest manifest;
  std::vector<InventoryField> columns;
  std::vector<std::vector<std::string>> raw_rows;  // in file order, files in manifest order
  std::vector<store::ObjectInfo> objects;          // parsed raw_rows
  std::vector<std::string> data_paths;
};

inline std::vector<InventoryField> SchemaColumns(const std::string& schema) {
  std::vector<InventoryField> out;
  std::stringstream in(schema);
  std::string name;
  while (std::getline(in, name, ',')) {
    name.erase(0, name.find_first_not_of(' '));
    std::optional<InventoryField> f = ParseFieldName(name);
    EXPECT_TRUE(f.has_value()) << "unknown column '" << name << "' in " << schema;
    if (f) out.push_back(*f);
  }
  return out;
}

// Loads the report whose manifest is `manifest_path`; `bucket_dir` is the
// destination bucket folder (keys are relative to it). Checks, with
// EXPECTs: each file's size and MD5 (AWS), the manifest.checksum and the
// hive symlink listing exactly the data files (AWS), inventoriedRecord
// (OBS), and that every row has the schema's width.
inline LoadedReport LoadReport(const std::string& bucket_dir, const std::string& manifest_path) {
  LoadedReport report;
  const std::string json = testing::ReadFile(manifest_path);
  Result<format::Manifest> manifest = format::ParseManifestJson(json);
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  if (!manifest.ok()) return report;
  report.manifest = *manifest;
  report.columns = SchemaColumns(manifest->file_schema);
  const bool obs = manifest->version == format::kObsManifestVersion;
  const fs::path run_dir = fs::path(manifest_path).parent_path();
  std::set<std::string> urls;
  for (const format::ManifestFile& file : manifest->files) {
    const std::string path = bucket_dir + "/" + file.key;
    report.data_paths.push_back(path);
    urls.insert(path);
    EXPECT_TRUE(fs::is_regular_file(path)) << path;
    if (!fs::is_regular_file(path)) continue;
    EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), file.size) << path;
    if (!obs) {
      EXPECT_EQ(FileMd5(path), file.md5_hex) << path;
    }
    const std::string data = testing::ReadFile(path);
    format::CsvReader reader = format::CsvReader::FromBytes(
        data, obs ? format::CsvCompression::kNone : format::CsvCompression::kGzip, path);
    int64_t rows_in_file = 0;
    std::vector<std::string> row;
    for (int64_t guard = 0; guard < 10'000'000; ++guard) {
      Result<bool> next = reader.Next(&row);
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      if (!next.ok() || !*next) break;
      ++rows_in_file;
      EXPECT_EQ(row.size(), report.columns.size()) << path << " line " << reader.line();
      store::ObjectInfo object;
      std::string bucket;
      Status parsed = format::ParseInventoryRow(row, report.columns, &object, &bucket);
      EXPECT_TRUE(parsed.ok()) << parsed.ToString();
      EXPECT_EQ(bucket, manifest->source_bucket);
      report.raw_rows.push_back(row);
      report.objects.push_back(object);
    }
    if (obs) {
      EXPECT_EQ(rows_in_file, file.inventoried_record) << path;
    }
  }
  if (!obs) {
    const std::string checksum_path = (run_dir / "manifest.checksum").string();
    EXPECT_TRUE(fs::is_regular_file(checksum_path)) << checksum_path;
    if (fs::is_regular_file(checksum_path)) {
      EXPECT_EQ(testing::ReadFile(checksum_path), Md5Hex(json) + "\n");
    }
    // hive/dt=YYYY-MM-DD-HH-MM/symlink.txt beside the run folder
    // YYYY-MM-DDTHH-MMZ, listing exactly this run's data files.
    std::string ts = run_dir.filename().string();
    std::string dt = ts.substr(0, 10) + "-" + ts.substr(11, 5);
    const std::string symlink =
        (run_dir.parent_path() / "hive" / ("dt=" + dt) / "symlink.txt").string();
    EXPECT_TRUE(fs::is_regular_file(symlink)) << symlink;
    if (fs::is_regular_file(symlink)) {
      std::set<std::string> lines;
      std::stringstream in(testing::ReadFile(symlink));
      std::string line;
      while (std::getline(in, line)) lines.insert(line);
      EXPECT_EQ(lines, urls) << symlink;
    }
  }
  return report;
}

// The keys of a loaded report, in row order.
inline std::vector<std::string> Keys(const LoadedReport& report) {
  std::vector<std::string> keys;
  for (const store::ObjectInfo& o : report.objects) keys.push_back(o.key);
  return keys;
}

}  // namespace stocktake::cli_test
