#include "testing/s3_e2e.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "base/time_util.h"
#include "testing/duckdb.h"
#include "testing/hyparquet.h"
#include "testing/s3_oracle.h"

namespace stocktake::testing {
namespace {

bool HasColumn(const FetchedReport& report, InventoryField f) {
  return std::find(report.columns.begin(), report.columns.end(), f) != report.columns.end();
}

// One comparable line per row, holding only the fields the report has.
std::string Canonical(const FetchedReport& report, const store::ObjectInfo& o, bool versions) {
  std::string line = o.key;
  auto add = [&](InventoryField f, const std::string& value) {
    if (HasColumn(report, f)) line += "\x1f" + std::string(FieldName(f)) + "=" + value;
  };
  if (versions) {
    // Spec: the null version's id is written as "".
    line += "\x1fv=" + (o.version_id == "null" ? std::string() : o.version_id);
    line += o.is_latest ? " latest" : " old";
    line += o.is_delete_marker ? " marker" : "";
  }
  add(InventoryField::kSize, std::to_string(o.size));
  add(InventoryField::kLastModifiedDate, FormatIso8601Millis(o.last_modified_ms));
  add(InventoryField::kETag, o.etag);
  add(InventoryField::kStorageClass, o.storage_class);
  return line;
}

std::string DuckDbType(InventoryField f) {
  switch (FieldTypeOf(f)) {
    case FieldType::kBool: return "BOOLEAN";
    case FieldType::kInt64: return "BIGINT";
    case FieldType::kTimestampMillis: return "TIMESTAMP";
    case FieldType::kString: return "VARCHAR";
  }
  return "VARCHAR";
}

std::string ReadCsvSql(const FetchedReport& report) {
  std::string files, columns;
  for (const std::string& f : report.local_files) files += (files.empty() ? "" : ",") + SqlQuote(f);
  for (InventoryField f : report.columns) {
    columns += (columns.empty() ? "" : ",") + SqlQuote(FieldColumnName(f)) + ":" +
               SqlQuote(DuckDbType(f));
  }
  return "read_csv([" + files + "], header=false, compression='gzip', quote='\"', escape='\"', "
         "columns={" + columns + "})";
}

std::string FirstString(const std::string& json_row) {
  simdjson::dom::parser parser;
  simdjson::dom::element row;
  std::string_view text;
  if (parser.parse(json_row).get(row) || row.at(0).get_string().get(text)) {
    ADD_FAILURE() << "DuckDB row is not [\"string\", ...]: " << json_row;
    return "";
  }
  return std::string(text);
}

}  // namespace

void S3EndToEndTest::SetUp() {
  Result<S3TestServer*> server = S3TestServer::Get();
  ASSERT_TRUE(server.ok()) << "no S3 test server: " << server.status().ToString();
  server_ = *server;
  Result<std::unique_ptr<store::S3Store>> s3 = store::S3Store::Open(server_->StoreOptions());
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  store_ = std::move(s3).value();
}

std::string S3EndToEndTest::NewBucket(const std::string& tag) {
  std::string bucket = S3TestServer::UniqueBucket(tag);
  Status st = store_->CreateBucket(bucket);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return bucket;
}

void S3EndToEndTest::PutAll(const std::string& bucket, const std::vector<std::string>& keys,
                            const std::function<std::string(const std::string&)>& body_of,
                            int threads) {
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  auto work = [&] {
    for (size_t i = next++; i < keys.size() && failures == 0; i = next++) {
      Status st = store_->Put(bucket, keys[i], body_of(keys[i]));
      if (!st.ok()) {
        ADD_FAILURE() << st.ToString();
        ++failures;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
}

RunResult S3EndToEndTest::Stocktake(std::vector<std::string> args,
                                    std::vector<std::pair<std::string, std::string>> env,
                                    const std::string& stdin_data) {
  args.insert(args.begin(), {"--state", dir_.Sub("state"), "-q"});
  RunOptions options;
  options.env = S3ChildEnv(*server_);
  options.env.insert(options.env.end(), env.begin(), env.end());
  options.stdin_data = stdin_data;
  options.timeout_seconds = 120;
  return RunStocktake(args, options);
}

S3EndToEndTest::ScannedEstate S3EndToEndTest::ScanEstate(
    const std::vector<std::string>& regions, const std::vector<std::string>& accounts,
    int buckets_per_account, const std::map<std::string, std::string>& collector_of,
    const std::function<std::vector<std::string>(int n)>& keys_of,
    const std::vector<std::string>& extra_scan_args) {
  ScannedEstate estate;
  for (const std::string& region : regions) {
    for (const std::string& account : accounts) {
      for (int b = 0; b < buckets_per_account; ++b, ++estate.reports) {
        const int n = estate.reports;
        const std::string src = NewBucket("src");
        const std::vector<std::string> keys = keys_of(n);
        PutAll(src, keys, [n](const std::string& k) { return std::string(k.size() + n, 'v'); });
        int64_t src_bytes = 0;
        for (const std::string& k : keys) src_bytes += static_cast<int64_t>(k.size()) + n;
        estate.rows += static_cast<int64_t>(keys.size());
        estate.bytes += src_bytes;
        estate.groups.push_back("[\"" + account + "\",\"" + region + "\",\"" + src + "\",\"" +
                                std::to_string(keys.size()) + "\",\"" +
                                std::to_string(src_bytes) + "\"]");
        std::vector<std::string> args = {"scan", "s3://" + src, "--dest",
                                         "s3://" + collector_of.at(region) + "/" + account,
                                         "--id", "inventory", "--format",
                                         n % 2 ? "parquet" : "csv", "--fields",
                                         "Size,LastModifiedDate,ETag,StorageClass",
                                         "--endpoint-url", server_->endpoint()};
        args.insert(args.end(), extra_scan_args.begin(), extra_scan_args.end());
        RunResult scan = Stocktake(args);
        EXPECT_EQ(scan.exit_code, 0) << scan.err;
        EXPECT_EQ(scan.err.find("still pending"), std::string::npos) << scan.err;  // delivered
      }
    }
  }
  std::sort(estate.groups.begin(), estate.groups.end());
  return estate;
}

std::string S3EndToEndTest::DownloadCentral(const std::string& bucket, const std::string& prefix,
                                           std::vector<std::string>* keys_out) {
  const std::string download = dir_.Sub("download-" + std::to_string(downloads_++));
  Result<std::vector<std::string>> keys = ListKeys(*store_, bucket, prefix);
  EXPECT_TRUE(keys.ok()) << keys.status().ToString();
  if (keys.ok()) {
    for (const std::string& key : *keys) {
      Result<std::string> data = store_->Get(bucket, key);
      EXPECT_TRUE(data.ok()) << data.status().ToString();
      if (data.ok()) WriteFile(download + "/" + key, *data);
    }
    if (keys_out != nullptr) *keys_out = *keys;
  }
  return "FROM read_parquet(" +
         SqlQuote(download + "/" + prefix + "dt=*/account=*/region=*/bucket=*/*.parquet") +
         ", hive_partitioning = true, union_by_name = true)";
}

FetchedReport S3EndToEndTest::Report(const std::string& dest_bucket, const std::string& prefix,
                                     const std::string& source_bucket,
                                     const std::string& config_id) {
  std::string download = dir_.Sub("download-" + std::to_string(downloads_++));
  Result<FetchedReport> report =
      FetchReport(*store_, dest_bucket, prefix, source_bucket, config_id, download);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? std::move(report).value() : FetchedReport{};
}

void S3EndToEndTest::ExpectRowsEqualOracle(const FetchedReport& report,
                                           const std::string& source_bucket, bool versions) {
  Result<std::vector<store::ObjectInfo>> listed = OracleList(*server_, source_bucket, versions);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> want, got;
  for (const store::ObjectInfo& o : *listed) want.push_back(Canonical(report, o, versions));
  for (const store::ObjectInfo& o : report.rows) got.push_back(Canonical(report, o, versions));
  EXPECT_TRUE(std::is_sorted(report.rows.begin(), report.rows.end(),
                             [](const auto& a, const auto& b) { return a.key < b.key; }))
      << "report rows are not in S3 key order";
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got.size(), want.size());
  EXPECT_EQ(got, want);
}

std::string S3EndToEndTest::DuckDbSource(const FetchedReport& report) {
  if (report.format != "Parquet") return ReadCsvSql(report);
  std::string files;
  for (const std::string& f : report.local_files) files += (files.empty() ? "" : ",") + SqlQuote(f);
  return "read_parquet([" + files + "])";
}

std::string S3EndToEndTest::DuckDbKey(const FetchedReport& report) {
  // CSV keys are URL-encoded with '+' for space (a literal '+' is %2B);
  // Parquet keys are raw UTF-8.
  return report.format == "Parquet" ? "key" : "url_decode(replace(key, '+', ' '))";
}

void S3EndToEndTest::ExpectHyparquetAgrees(const FetchedReport& report) {
  ASSERT_EQ(report.format, "Parquet");
  const auto size_at = std::find(report.columns.begin(), report.columns.end(), InventoryField::kSize);
  std::vector<std::string> want, got;
  for (const store::ObjectInfo& o : report.rows) {
    want.push_back(o.key + "\x1f" + (size_at == report.columns.end() || o.is_delete_marker
                                         ? std::string("null")
                                         : std::to_string(o.size)));
  }
  simdjson::dom::parser parser;
  for (const std::string& file : report.local_files) {
    Result<std::vector<std::string>> rows = HyparquetRows(file);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    for (const std::string& row : *rows) {
      simdjson::dom::element doc;
      std::string_view bucket, key, size = "null";
      ASSERT_FALSE(parser.parse(row).get(doc) || doc.at(0).get_string().get(bucket) ||
                   doc.at(1).get_string().get(key))
          << row;
      if (size_at != report.columns.end()) {
        if (doc.at(static_cast<size_t>(size_at - report.columns.begin())).get_string().get(size)) {
          size = "null";
        }
      }
      got.push_back(std::string(key) + "\x1f" + std::string(size));
    }
  }
  EXPECT_EQ(got, want) << "hyparquet rows differ from the report's (in file order)";
}

void S3EndToEndTest::ExpectDuckDbAgrees(const FetchedReport& report) {
  const std::string from = DuckDbSource(report);
  int64_t sum = 0;
  std::vector<std::string> keys;
  for (const store::ObjectInfo& o : report.rows) {
    sum += o.size;
    keys.push_back(o.key);
  }
  Result<std::vector<std::string>> totals =
      DuckDbQuery("SELECT count(*)::VARCHAR, coalesce(sum(" +
                  std::string(HasColumn(report, InventoryField::kSize) ? "size" : "0") +
                  "), 0)::VARCHAR FROM " + from);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ((*totals)[0],
            "[\"" + std::to_string(keys.size()) + "\",\"" + std::to_string(sum) + "\"]");
  // Keys are URL-encoded with '+' for space; a literal '+' is %2B.
  Result<std::vector<std::string>> decoded =
      DuckDbQuery("SELECT " + DuckDbKey(report) + " FROM " + from);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  std::vector<std::string> duck_keys;
  for (const std::string& row : *decoded) duck_keys.push_back(FirstString(row));
  std::sort(duck_keys.begin(), duck_keys.end());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(duck_keys, keys);
}

}  // namespace stocktake::testing
