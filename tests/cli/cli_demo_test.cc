// `stocktake demo` end to end: the multi-account, multi-region estate is
// inventoried into its regional collectors and consolidated into the
// central register; the summary it prints equals an independent walk of the
// estate on disk, the DuckDB query it prints (hive partitioning over the
// central store) gives the same per-bucket counts and sums, and a second run
// reuses the estate and leaves one part per partition and the same summary.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cli_test_util.h"
#include "testing/duckdb.h"

namespace stocktake::cli_test {
namespace {

using Where = std::tuple<std::string, std::string, std::string>;  // account, region, bucket
using Totals = std::pair<int64_t, int64_t>;                       // objects, bytes

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// What the demo printed about the central register.
struct PrintedSummary {
  std::map<Where, Totals> buckets;  // the first table after "the central register"
  Totals total{-1, -1};
  std::string text;        // that section up to the total line
  std::string duckdb_sql;  // the query after `duckdb -c`
};

PrintedSummary ParseSummary(const std::string& out) {
  PrintedSummary s;
  const std::regex bucket_row(R"(^(\d{12})\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+.*$)");
  const std::regex total_row(R"(^total\s+(\d+)\s+(\d+)\s+.*$)");
  const std::regex duckdb(R"re(^  duckdb -c "(.*)"$)re");
  enum { kBefore, kBuckets, kRest, kAfter } where = kBefore;
  for (const std::string& line : Lines(out)) {
    std::smatch m;
    if (where == kBefore && line.rfind("the central register, read back from", 0) == 0) {
      where = kBuckets;
      continue;
    }
    if (where == kBuckets || where == kRest) s.text += line + "\n";
    if (where == kBuckets && std::regex_match(line, m, bucket_row)) {
      s.buckets[{m[1], m[2], m[3]}] = {std::stoll(m[4]), std::stoll(m[5])};
    } else if (where == kBuckets && !s.buckets.empty() && line.empty()) {
      where = kRest;
    } else if (where == kRest && std::regex_match(line, m, total_row)) {
      s.total = {std::stoll(m[1]), std::stoll(m[2])};
      where = kAfter;
    } else if (where == kAfter && std::regex_match(line, m, duckdb)) {
      // Undo the shell's double-quote escapes.
      const std::string quoted = m[1];
      for (size_t i = 0; i < quoted.size(); ++i) {
        if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
        s.duckdb_sql.push_back(quoted[i]);
      }
    }
  }
  return s;
}

// The estate walked with std::filesystem: <estate>/<region>/<account>/<bucket>/...
std::map<Where, Totals> WalkEstate(const std::string& estate) {
  std::map<Where, Totals> out;
  for (const auto& region : fs::directory_iterator(estate)) {
    if (!region.is_directory()) continue;  // the demo's marker file
    for (const auto& account : fs::directory_iterator(region.path())) {
      for (const auto& bucket : fs::directory_iterator(account.path())) {
        Totals& t =
            out[{account.path().filename(), region.path().filename(), bucket.path().filename()}];
        for (const auto& f : fs::recursive_directory_iterator(bucket.path())) {
          if (!f.is_regular_file() || f.is_symlink()) continue;
          t.first += 1;
          t.second += static_cast<int64_t>(f.file_size());
        }
      }
    }
  }
  return out;
}

// Central partition folder (relative) -> its part files.
std::map<std::string, std::vector<std::string>> CentralParts(const std::string& central) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& f : fs::recursive_directory_iterator(central)) {
    if (!f.is_regular_file()) continue;
    out[fs::relative(f.path().parent_path(), central).string()].push_back(
        f.path().filename().string());
  }
  return out;
}

class CliDemoTest : public ::testing::Test {
 protected:
  testing::RunResult Demo() {
    return Stocktake(
        "", {"--state", tmp_.Sub("state"), "demo", "--dir", tmp_.Sub("demo"), "--objects", "2000"});
  }
  testing::TempDir tmp_;
};

TEST_F(CliDemoTest, SummaryFromTheCentralStoreEqualsTheEstateOnDiskAndDuckDb) {
  testing::RunResult r = Demo();
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.err, "");
  const PrintedSummary printed = ParseSummary(r.out);

  // Every bucket of the estate, with the objects and bytes on disk.
  const std::map<Where, Totals> walked = WalkEstate(tmp_.Sub("demo/estate"));
  EXPECT_EQ(printed.buckets, walked) << r.out;
  Totals on_disk{0, 0};
  std::set<std::string> accounts, regions;
  for (const auto& [where, t] : walked) {
    on_disk.first += t.first;
    on_disk.second += t.second;
    accounts.insert(std::get<0>(where));
    regions.insert(std::get<1>(where));
  }
  EXPECT_EQ(printed.total, on_disk) << r.out;
  EXPECT_GE(on_disk.first, 2000);
  EXPECT_GE(accounts.size(), 3u);
  EXPECT_GE(regions.size(), 3u);
  EXPECT_GE(walked.size(), 8u);

  // Each report landed in its region's collector under <account>/<bucket>/<config>/.
  for (const auto& [where, t] : walked) {
    const auto& [account, region, bucket] = where;
    EXPECT_TRUE(fs::is_directory(tmp_.Sub("demo/collectors/inventory-" + region + "/" + account +
                                          "/" + bucket + "/inventory")))
        << account << " " << region << " " << bucket;
  }
  // Events delivered every report; the reconciliation found nothing left.
  EXPECT_NE(r.out.find("reconciled the collectors: 8 reports there, 0 registered now, 0 "
                       "quarantined, 8 already registered"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(std::to_string(on_disk.first) + " objects ("), std::string::npos) << r.out;

  // The printed DuckDB query over the central store agrees, bucket by bucket.
  ASSERT_NE(printed.duckdb_sql, "") << r.out;
  Result<std::vector<std::string>> rows = testing::DuckDbQuery(printed.duckdb_sql);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << printed.duckdb_sql;
  std::vector<std::string> expected;
  for (const auto& [where, t] : walked) {
    const auto& [account, region, bucket] = where;
    expected.push_back("[\"" + account + "\",\"" + region + "\",\"" + bucket + "\",\"" +
                       std::to_string(t.first) + "\",\"" + std::to_string(t.second) + "\"]");
  }
  EXPECT_EQ(*rows, expected);

  // Storage class and encryption status, as DuckDB groups them, equal the printed tables.
  Result<std::vector<std::string>> classes = testing::DuckDbQuery(
      "SELECT storage_class, encryption_status, count(*), sum(size) FROM read_parquet(" +
      testing::SqlQuote(tmp_.Sub("demo/central") + "/dt=*/account=*/region=*/bucket=*/*.parquet") +
      ", hive_partitioning = true) GROUP BY ALL ORDER BY ALL");
  ASSERT_TRUE(classes.ok()) << classes.status().ToString();
  const std::string totals =
      "\"" + std::to_string(on_disk.first) + "\",\"" + std::to_string(on_disk.second) + "\"]";
  EXPECT_EQ(*classes, std::vector<std::string>{"[\"STANDARD\",\"NOT-SSE\"," + totals});
  for (const char* row : {"STANDARD", "NOT-SSE"}) {
    const std::regex line("(^|\\n)" + std::string(row) + "\\s+" + std::to_string(on_disk.first) +
                          "\\s+" + std::to_string(on_disk.second) + "\\s");
    EXPECT_TRUE(std::regex_search(printed.text, line)) << row << "\n" << printed.text;
  }
}

TEST_F(CliDemoTest, SecondRunReusesTheEstateAndKeepsOnePartPerPartition) {
  testing::RunResult first = Demo();
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  const std::map<std::string, int64_t> estate = Snapshot(tmp_.Sub("demo/estate"));
  const auto parts = CentralParts(tmp_.Sub("demo/central"));
  testing::RunResult second = Demo();
  ASSERT_EQ(second.exit_code, 0) << second.err << second.out;
  EXPECT_EQ(second.err, "");

  EXPECT_EQ(Snapshot(tmp_.Sub("demo/estate")), estate);  // reused, not rebuilt
  const PrintedSummary a = ParseSummary(first.out), b = ParseSummary(second.out);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.total, b.total);
  // The second run reported again; each partition still holds exactly one part.
  const auto parts_again = CentralParts(tmp_.Sub("demo/central"));
  ASSERT_EQ(parts_again.size(), a.buckets.size());
  std::set<std::string> folders, folders_again;
  for (const auto& [folder, files] : parts) folders.insert(folder);
  for (const auto& [folder, files] : parts_again) {
    folders_again.insert(folder);
    EXPECT_EQ(files.size(), 1u) << folder;
  }
  EXPECT_EQ(folders, folders_again);
  for (const std::string& line : Lines(second.out)) {
    if (line.find("/manifest.json") == std::string::npos) continue;
    // A report rewritten within the same minute keeps its manifest key.
    EXPECT_TRUE(line.find(" registered ") != std::string::npos ||
                line.find(" already known ") != std::string::npos)
        << line;
  }
  testing::RunResult status = Stocktake("", {"--state", tmp_.Sub("state"), "register", "--status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("(" + std::to_string(a.buckets.size()) + " current,"),
            std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("quarantine: 0 reports"), std::string::npos) << status.out;
}

}  // namespace
}  // namespace stocktake::cli_test
