// Reports made with a parallel listing on the real S3 server (Ceph RGW):
// with concurrency 1, 2, 16 and 64 and small pages, the data rows are
// byte for byte those of the sequential listing, for current objects with
// hostile keys and for every version of a versioned bucket, in CSV.gz and
// in Parquet.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "format/csv_reader.h"
#include "format/parquet_reader.h"
#include "inventory/report_generator.h"
#include "store/s3_store.h"
#include "testing/s3_server.h"

namespace stocktake::inventory {
namespace {

using testing::S3TestServer;

class ParallelReportS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<S3TestServer*> server = S3TestServer::Get();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    store::S3StoreOptions options = (*server)->StoreOptions();
    options.http.max_connections = 64;
    auto s3 = store::S3Store::Open(options);
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    store_ = std::move(s3).value();
    src_ = S3TestServer::UniqueBucket("par-src");
    dst_ = S3TestServer::UniqueBucket("par-dst");
    ASSERT_TRUE(store_->CreateBucket(src_).ok());
    ASSERT_TRUE(store_->CreateBucket(dst_).ok());
  }

  void PutAll(const std::vector<std::string>& keys) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 8; ++t) {
      pool.emplace_back([&] {
        for (size_t i = next++; i < keys.size(); i = next++) {
          Status st = store_->Put(src_, keys[i], keys[i].substr(0, i % 11));
          EXPECT_TRUE(st.ok()) << st.ToString();
        }
      });
    }
    for (auto& t : pool) t.join();
  }

  // The rows of the report made with `concurrency`, as decoded lines.
  std::vector<std::string> ReportRows(
      int concurrency, bool versions,
      format::ReportFormat report_format = format::ReportFormat::kCsv) {
    ReportSpec spec;
    spec.source = store_.get();
    spec.source_bucket = src_;
    spec.all_versions = versions;
    spec.optional_fields = {InventoryField::kSize, InventoryField::kLastModifiedDate,
                            InventoryField::kETag, InventoryField::kStorageClass};
    spec.destination = store_.get();
    spec.destination_bucket = dst_;
    spec.config_id = "c" + std::to_string(concurrency) + (versions ? "v" : "") +
                     (report_format == format::ReportFormat::kParquet ? "p" : "");
    spec.format = report_format;
    spec.page_size = 37;
    spec.list_concurrency = concurrency;
    Result<ReportResult> result = GenerateReport(spec);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    std::vector<std::string> rows;
    if (!result.ok()) return rows;
    if (report_format == format::ReportFormat::kParquet) return ParquetRows(result->data_keys);
    for (const std::string& key : result->data_keys) {
      Result<std::string> data = store_->Get(dst_, key);
      EXPECT_TRUE(data.ok()) << data.status().ToString();
      if (!data.ok()) continue;
      auto reader = format::CsvReader::FromBytes(*data, format::CsvCompression::kGzip, key);
      std::vector<std::string> row;
      for (int guard = 0; guard < 100000; ++guard) {
        Result<bool> more = reader.Next(&row);
        EXPECT_TRUE(more.ok()) << more.status().ToString();
        if (!more.ok() || !*more) break;
        std::string line;
        for (const std::string& cell : row) line += cell + "\x1f";
        rows.push_back(line);
      }
    }
    return rows;
  }

  // Every row of the Parquet data files, as records read back.
  std::vector<std::string> ParquetRows(const std::vector<std::string>& data_keys) {
    std::vector<std::string> rows;
    for (const std::string& key : data_keys) {
      auto reader = format::ParquetReader::Open(store_.get(), dst_, key);
      EXPECT_TRUE(reader.ok()) << reader.status().ToString();
      if (!reader.ok()) continue;
      store::ObjectInfo o;
      for (int guard = 0; guard < 100000; ++guard) {
        Result<bool> more = (*reader)->NextObject(&o, nullptr);
        EXPECT_TRUE(more.ok()) << more.status().ToString();
        if (!more.ok() || !*more) break;
        rows.push_back(o.key + "\x1f" + o.version_id + "\x1f" + std::to_string(o.is_latest) +
                       std::to_string(o.is_delete_marker) + "\x1f" + std::to_string(o.size) +
                       "\x1f" + o.etag + "\x1f" + std::to_string(o.last_modified_ms) + "\x1f" +
                       o.storage_class);
      }
    }
    return rows;
  }

  std::unique_ptr<store::S3Store> store_;
  std::string src_, dst_;
};

TEST_F(ParallelReportS3Test, EveryConcurrencyWritesTheSequentialRows) {
  std::vector<std::string> keys = {
      "with space", "plus+sign", "percent%20", "caf\xC3\xA9", "emoji-\xF0\x9F\x98\x80",
      "a//double",  "trailing/", "quote\"s'",  "new\nline", "a-b", "a/b", "a0",
      "\x7f" "del", "~tilde",    "long/" + std::string(900, 'k')};
  for (int i = 0; i < 1300; ++i) {
    keys.push_back((i % 3 ? "dense/" : "sparse/") + std::to_string(i * 7919 % 100003));
  }
  PutAll(keys);
  const std::vector<std::string> sequential = ReportRows(1, false);
  ASSERT_EQ(sequential.size(), keys.size());
  for (int concurrency : {2, 16, 64}) {
    EXPECT_EQ(ReportRows(concurrency, false), sequential) << "concurrency " << concurrency;
  }
}

TEST_F(ParallelReportS3Test, EveryConcurrencyWritesTheSequentialVersionRows) {
  ASSERT_TRUE(store_->Put(src_, "null version", "x").ok());
  ASSERT_TRUE(store_->SetVersioning(src_, true).ok());
  std::vector<std::string> keys;
  for (int i = 0; i < 120; ++i) keys.push_back("k/" + std::to_string(i) + " \xC3\xA9");
  PutAll(keys);
  PutAll(keys);  // a second version of each
  for (int i = 0; i < 120; i += 7) ASSERT_TRUE(store_->Delete(src_, keys[i]).ok());
  const std::vector<std::string> sequential = ReportRows(1, true);
  ASSERT_EQ(sequential.size(), 1u + 240u + 18u);
  for (int concurrency : {2, 16, 64}) {
    EXPECT_EQ(ReportRows(concurrency, true), sequential) << "concurrency " << concurrency;
  }
}

TEST_F(ParallelReportS3Test, EveryConcurrencyWritesTheSequentialParquetRows) {
  ASSERT_TRUE(store_->Put(src_, "null version", "x").ok());
  ASSERT_TRUE(store_->SetVersioning(src_, true).ok());
  std::vector<std::string> keys = {"with space", "plus+sign", "caf\xC3\xA9", "a//double",
                                   "new\nline"};
  for (int i = 0; i < 150; ++i) keys.push_back("p/" + std::to_string(i * 7919 % 100003));
  PutAll(keys);
  PutAll(keys);  // a second version of each
  for (size_t i = 0; i < keys.size(); i += 11) ASSERT_TRUE(store_->Delete(src_, keys[i]).ok());
  for (bool versions : {false, true}) {
    const std::vector<std::string> sequential =
        ReportRows(1, versions, format::ReportFormat::kParquet);
    ASSERT_EQ(sequential.size(), versions ? 1u + 2 * keys.size() + (keys.size() + 10) / 11
                                          : 1u + keys.size() - (keys.size() + 10) / 11);
    for (int concurrency : {2, 16, 64}) {
      EXPECT_EQ(ReportRows(concurrency, versions, format::ReportFormat::kParquet), sequential)
          << "concurrency " << concurrency << (versions ? ", versions" : "");
    }
  }
}

}  // namespace
}  // namespace stocktake::inventory
