// S3EndToEndTest: the fixture of the end-to-end tests that run the built
// stocktake binary against the real S3 server (S3TestServer): a direct
// S3Store for set-up and read-back, fresh buckets per test, a private state
// folder, the binary run with the server's credentials in its environment,
// comparisons of report rows with the boto3 oracle and with DuckDB, and the
// register tests' estate of source buckets scanned into regional collectors.
// Thread-compatible, like every gtest fixture.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/s3_store.h"
#include "testing/s3_report.h"
#include "testing/s3_server.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::testing {

class S3EndToEndTest : public ::testing::Test {
 public:
  // DuckDB reads the data files back: same count, sum(size) and decoded keys.
  static void ExpectDuckDbAgrees(const FetchedReport& report);

  // hyparquet (Parquet reports only) reads every data file: the same keys
  // and sizes, in the same order, as the report's rows.
  static void ExpectHyparquetAgrees(const FetchedReport& report);

  // A DuckDB table expression over the report's downloaded data files:
  // read_csv with the report's columns, or read_parquet.
  static std::string DuckDbSource(const FetchedReport& report);
  // The SQL expression of the decoded key in DuckDbSource's rows.
  static std::string DuckDbKey(const FetchedReport& report);

 protected:
  void SetUp() override;

  // A new empty bucket named after the test and `tag`.
  std::string NewBucket(const std::string& tag);
  // Puts every key (body = body_of(key)) with `threads` parallel writers.
  void PutAll(const std::string& bucket, const std::vector<std::string>& keys,
              const std::function<std::string(const std::string&)>& body_of, int threads = 8);
  // `stocktake --state <private> -q <args...>` with the server's credentials
  // in the environment plus `env` (which wins).
  RunResult Stocktake(std::vector<std::string> args,
                      std::vector<std::pair<std::string, std::string>> env = {},
                      const std::string& stdin_data = "");
  // FetchReport into a fresh download folder, failing the test when absent.
  FetchedReport Report(const std::string& dest_bucket, const std::string& prefix,
                       const std::string& source_bucket, const std::string& config_id);

  // Downloads every object of a central register store (s3://bucket/prefix,
  // prefix ending in '/') into a fresh folder, puts their keys in `keys`
  // (may be null), and returns the DuckDB clause reading its parts the way
  // users do: "FROM read_parquet('<dir>/<prefix>dt=*/account=*/region=*/
  // bucket=*/*.parquet', hive_partitioning = true, union_by_name = true)".
  std::string DownloadCentral(const std::string& bucket, const std::string& prefix,
                              std::vector<std::string>* keys = nullptr);

  // The report's rows must equal the boto3 listing of `source_bucket`
  // (versions too when `versions`), field by field; rows in S3 key order.
  void ExpectRowsEqualOracle(const FetchedReport& report, const std::string& source_bucket,
                             bool versions);

  // What ScanEstate put into the collectors, as the central store must hold it.
  struct ScannedEstate {
    int reports = 0;
    int64_t rows = 0;
    int64_t bytes = 0;
    // DuckDB's rows of "SELECT account, region, bucket, count(*), sum(size)
    // ... GROUP BY ALL ORDER BY ALL" over the central store, in that order.
    std::vector<std::string> groups;
  };
  // The seed's estate: for every region, account and each of
  // `buckets_per_account`, a new source bucket holding keys_of(n) (n counts
  // the buckets from 0), each of key size + n bytes, scanned by `stocktake
  // scan` (CSV and Parquet in turn) into its region's collector
  // (collector_of: region -> bucket) under <account>/<bucket>/inventory/,
  // with `extra_scan_args` appended. Test failures on any error.
  ScannedEstate ScanEstate(const std::vector<std::string>& regions,
                           const std::vector<std::string>& accounts, int buckets_per_account,
                           const std::map<std::string, std::string>& collector_of,
                           const std::function<std::vector<std::string>(int n)>& keys_of,
                           const std::vector<std::string>& extra_scan_args = {});

  S3TestServer* server_ = nullptr;
  std::unique_ptr<store::S3Store> store_;
  TempDir dir_;
  int downloads_ = 0;
};

}  // namespace stocktake::testing
