#include "inventory/report_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "base/hash.h"
#include "format/csv_reader.h"
#include "format/manifest.h"
#include "store/local_store.h"
#include "testing/fault_store.h"
#include "testing/temp_dir.h"

namespace stocktake::inventory {
namespace {

using store::ObjectInfo;
using testing::FaultStore;
using testing::StoreOp;

class ReportGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::LocalStoreOptions options;
    options.root = dir_.path();
    auto local = store::LocalStore::Open(options);
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    local_ = std::shared_ptr<store::ObjectStore>(std::move(local).value());
    fault_ = std::make_shared<FaultStore>(local_);
    ASSERT_TRUE(local_->CreateBucket("src").ok());
    ASSERT_TRUE(local_->CreateBucket("dst").ok());
  }

  void PutObjects(int count, const std::string& prefix = "obj/") {
    for (int i = 0; i < count; ++i) {
      char key[64];
      std::snprintf(key, sizeof(key), "%s%06d with space+plus.txt", prefix.c_str(), i);
      ASSERT_TRUE(local_->Put("src", key, std::string(static_cast<size_t>(i % 97), 'x')).ok());
    }
  }

  ReportSpec Spec() {
    ReportSpec spec;
    spec.source = fault_.get();
    spec.source_bucket = "src";
    spec.destination = fault_.get();
    spec.destination_bucket = "dst";
    spec.destination_prefix = "inv";
    spec.config_id = "cfg";
    spec.optional_fields = {InventoryField::kSize, InventoryField::kETag,
                            InventoryField::kLastModifiedDate};
    spec.clock = &clock_;
    return spec;
  }

  // Every key under the destination bucket.
  std::vector<std::string> DestKeys() {
    std::vector<std::string> keys;
    store::ListRequest req;
    for (;;) {
      auto page = local_->List("dst", req);
      EXPECT_TRUE(page.ok());
      for (auto& o : page->objects) keys.push_back(o.key);
      if (page->next_token.empty()) return keys;
      req.continuation_token = page->next_token;
    }
  }

  // Reads the report back through its manifest, checking checksums.
  std::vector<ObjectInfo> ReadReport(const ReportResult& result, const ReportSpec& spec) {
    auto json = local_->Get("dst", result.manifest_key);
    EXPECT_TRUE(json.ok());
    auto checksum = local_->Get("dst", result.checksum_key);
    EXPECT_TRUE(checksum.ok());
    EXPECT_EQ(*checksum, Md5Hex(*json) + "\n");
    auto manifest = format::ParseManifestJson(*json);
    EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
    std::vector<ObjectInfo> rows;
    auto columns = ReportColumns(spec.all_versions, spec.optional_fields);
    for (const auto& file : manifest->files) {
      auto data = local_->Get("dst", file.key);
      EXPECT_TRUE(data.ok());
      EXPECT_EQ(static_cast<int64_t>(data->size()), file.size);
      EXPECT_EQ(Md5Hex(*data), file.md5_hex);
      auto reader = format::CsvReader::FromBytes(*data, format::CsvCompression::kGzip, file.key);
      ObjectInfo obj;
      std::string bucket;
      for (;;) {
        auto more = reader.NextObject(columns, &obj, &bucket);
        EXPECT_TRUE(more.ok()) << more.status().ToString();
        if (!more.ok() || !*more) break;
        EXPECT_EQ(bucket, "src");
        rows.push_back(obj);
      }
    }
    return rows;
  }

  testing::TempDir dir_;
  FakeClock clock_{1714000000123};  // 2024-04-24T23:06:40.123Z
  std::shared_ptr<store::ObjectStore> local_;
  std::shared_ptr<FaultStore> fault_;
};

TEST_F(ReportGeneratorTest, WritesAwsLayoutWithConsistentManifest) {
  PutObjects(50);
  ReportSpec spec = Spec();
  auto result = GenerateReport(spec);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->objects, 50);
  EXPECT_EQ(result->creation_ms, 1714000000123);
  EXPECT_EQ(result->manifest_key, "inv/src/cfg/2024-04-24T23-06Z/manifest.json");
  EXPECT_EQ(result->checksum_key, "inv/src/cfg/2024-04-24T23-06Z/manifest.checksum");
  EXPECT_EQ(result->symlink_key, "inv/src/cfg/hive/dt=2024-04-24-23-06/symlink.txt");
  ASSERT_EQ(result->data_keys.size(), 1u);
  EXPECT_EQ(result->data_keys[0].rfind("inv/src/cfg/data/", 0), 0u);
  EXPECT_TRUE(result->data_keys[0].ends_with(".csv.gz"));

  std::vector<ObjectInfo> rows = ReadReport(*result, spec);
  ASSERT_EQ(rows.size(), 50u);
  for (size_t i = 0; i < rows.size(); ++i) {
    auto head = local_->Head("src", rows[i].key);
    ASSERT_TRUE(head.ok()) << rows[i].key;
    EXPECT_EQ(rows[i].size, head->size);
    EXPECT_EQ(rows[i].etag, head->etag);
    EXPECT_EQ(rows[i].last_modified_ms, head->last_modified_ms);
    if (i > 0) {
      EXPECT_LT(rows[i - 1].key, rows[i].key);  // S3 key order
    }
  }
  auto symlink = local_->Get("dst", result->symlink_key);
  ASSERT_TRUE(symlink.ok());
  EXPECT_EQ(*symlink, local_->Url("dst", result->data_keys[0]) + "\n");
}

TEST_F(ReportGeneratorTest, SplitsDataFilesPastTheSizeThreshold) {
  PutObjects(3000);
  ReportSpec spec = Spec();
  spec.max_file_bytes = 4096;
  auto result = GenerateReport(spec);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_GT(result->data_keys.size(), 3u);
  std::vector<ObjectInfo> rows = ReadReport(*result, spec);
  EXPECT_EQ(rows.size(), 3000u);
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end(),
                             [](const auto& a, const auto& b) { return a.key < b.key; }));
}

TEST_F(ReportGeneratorTest, PrefixFilterListsOnlyMatchingKeys) {
  PutObjects(10, "a/");
  PutObjects(7, "b/");
  ReportSpec spec = Spec();
  spec.prefix = "b/";
  auto result = GenerateReport(spec);
  ASSERT_TRUE(result.ok());
  std::vector<ObjectInfo> rows = ReadReport(*result, spec);
  ASSERT_EQ(rows.size(), 7u);
  for (const auto& r : rows) EXPECT_EQ(r.key.rfind("b/", 0), 0u);
}

TEST_F(ReportGeneratorTest, EmptyBucketGivesOneEmptyDataFileAndAManifest) {
  ReportSpec spec = Spec();
  auto result = GenerateReport(spec);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->objects, 0);
  EXPECT_EQ(result->data_keys.size(), 1u);
  EXPECT_TRUE(ReadReport(*result, spec).empty());
}

TEST_F(ReportGeneratorTest, AllVersionsOnAStoreWithoutVersioningListsNullVersions) {
  PutObjects(5);
  ReportSpec spec = Spec();
  spec.all_versions = true;
  auto result = GenerateReport(spec);
  ASSERT_TRUE(result.ok());
  auto rows = ReadReport(*result, spec);
  ASSERT_EQ(rows.size(), 5u);
  for (const auto& r : rows) {
    EXPECT_TRUE(r.is_latest);
    EXPECT_FALSE(r.is_delete_marker);
  }
}

TEST_F(ReportGeneratorTest, LocalAclAndOwnerAreUnavailableAndFetchedPerObject) {
  PutObjects(7);
  for (bool versions : {false, true}) {
    ReportSpec spec = Spec();
    spec.all_versions = versions;
    spec.config_id = versions ? "acl-versions" : "acl";
    spec.optional_fields = {InventoryField::kSize, InventoryField::kObjectAccessControlList,
                            InventoryField::kObjectOwner};
    const int calls_before = fault_->Calls(StoreOp::kGetObjectAcl);
    auto result = GenerateReport(spec);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(fault_->Calls(StoreOp::kGetObjectAcl) - calls_before, 7);
    auto rows = ReadReport(*result, spec);
    ASSERT_EQ(rows.size(), 7u);
    for (const auto& r : rows) {
      EXPECT_EQ(r.access_control_list,
                Base64Encode(R"({"version":"2022-11-10","status":"UNAVAILABLE","grants":[]})"));
      EXPECT_EQ(r.owner_id, "UNAVAILABLE");
    }
  }
}

TEST_F(ReportGeneratorTest, AFailingAclFetchFailsTheReportAndPublishesNothing) {
  PutObjects(20);
  ReportSpec spec = Spec();
  spec.optional_fields = {InventoryField::kObjectOwner};
  fault_->FailNthCall(StoreOp::kGetObjectAcl, 5, PermissionDenied("get acl: AccessDenied (403)"));
  auto result = GenerateReport(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kPermissionDenied);
  EXPECT_NE(result.status().message().find("get acl: AccessDenied"), std::string::npos);
  EXPECT_GE(fault_->Calls(StoreOp::kGetObjectAcl), 5);
  EXPECT_TRUE(DestKeys().empty());
}

TEST_F(ReportGeneratorTest, ObsLayoutWritesPlainCsvAndOnlyAManifest) {
  PutObjects(20);
  ReportSpec spec = Spec();
  spec.layout = ReportLayout::kObs;
  spec.destination_prefix = "";
  spec.optional_fields = {InventoryField::kSize};
  auto result = GenerateReport(spec);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->manifest_key, "BucketInventory/src/cfg/2024-04-24T23-06Z/manifest.json");
  EXPECT_TRUE(result->checksum_key.empty());
  ASSERT_EQ(result->data_keys.size(), 1u);
  EXPECT_EQ(result->data_keys[0].rfind("BucketInventory/src/cfg/2024-04-24T23-06Z/files/", 0), 0u);
  EXPECT_TRUE(result->data_keys[0].ends_with("_1.csv"));
  auto json = local_->Get("dst", result->manifest_key);
  ASSERT_TRUE(json.ok());
  auto manifest = format::ParseManifestJson(*json);
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(manifest->destination_bucket, "dst");
  EXPECT_EQ(manifest->file_schema, "Bucket,Key,Size");
  ASSERT_EQ(manifest->files.size(), 1u);
  EXPECT_EQ(manifest->files[0].inventoried_record, 20);
  EXPECT_EQ(DestKeys().size(), 2u);
}

// A listing that fails after retries mid-way leaves no manifest and no data.
TEST_F(ReportGeneratorTest, ListingFailureMidwayPublishesNothing) {
  PutObjects(2500);
  ReportSpec spec = Spec();
  spec.max_file_bytes = 2048;  // data files are already published when it fails
  fault_->FailNthCall(StoreOp::kList, 3, Unavailable("list local:src: SlowDown (503)"));
  auto result = GenerateReport(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kUnavailable);
  EXPECT_NE(result.status().message().find("SlowDown"), std::string::npos);
  EXPECT_TRUE(DestKeys().empty());
}

TEST_F(ReportGeneratorTest, FailedManifestWriteRemovesTheReport) {
  PutObjects(30);
  ReportSpec spec = Spec();
  fault_->FailKeysUnder("inv/src/cfg/2024", PermissionDenied("put dst: AccessDenied (403)"));
  auto result = GenerateReport(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kPermissionDenied);
  EXPECT_TRUE(DestKeys().empty());
}

TEST_F(ReportGeneratorTest, LostDataFileCloseFailsTheReport) {
  PutObjects(30);
  ReportSpec spec = Spec();
  fault_->LoseCloses(IOError("close: disk full"));
  auto result = GenerateReport(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kIOError);
  EXPECT_TRUE(DestKeys().empty());
}

TEST_F(ReportGeneratorTest, MissingBucketsAreNotFound) {
  ReportSpec spec = Spec();
  spec.source_bucket = "nope";
  auto result = GenerateReport(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kNotFound);
  spec = Spec();
  spec.destination_bucket = "nope";
  result = GenerateReport(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kNotFound);
  EXPECT_TRUE(DestKeys().empty());
}

TEST_F(ReportGeneratorTest, ProgressReportsEveryObject) {
  PutObjects(2100);
  ReportProgress last;
  int calls = 0;
  auto result = GenerateReport(Spec(), [&](const ReportProgress& p) {
    EXPECT_GE(p.objects, last.objects);
    last = p;
    ++calls;
  });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(last.objects, 2100);
  EXPECT_EQ(last.bytes, result->bytes);
  EXPECT_GE(calls, 3);
}

TEST_F(ReportGeneratorTest, RerunInTheSameMinuteReplacesTheReportWithoutOrphans) {
  PutObjects(40);
  ReportSpec spec = Spec();
  auto first = GenerateReport(spec);
  ASSERT_TRUE(first.ok());
  clock_.Advance(10000);  // 23:06:50, the same minute
  auto second = GenerateReport(spec);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->manifest_key, second->manifest_key);
  EXPECT_NE(first->data_keys, second->data_keys);
  EXPECT_EQ(ReadReport(*second, spec).size(), 40u);
  std::vector<std::string> keys = DestKeys();
  for (const auto& k : first->data_keys) {
    EXPECT_EQ(std::count(keys.begin(), keys.end(), k), 0) << k;
  }
  // data file + manifest + checksum + symlink
  EXPECT_EQ(keys.size(), second->data_keys.size() + 3);
}

}  // namespace
}  // namespace stocktake::inventory
