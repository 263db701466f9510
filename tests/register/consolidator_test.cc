// Exactly-once consolidation: replacement of older reports of the same
// partition, replayed and reordered reports, reconciliation of a whole
// collector, event routing, and recovery from a crash between commit and
// delete.
#include "register/consolidator.h"

#include <gtest/gtest.h>

#include "register/register_test_util.h"
#include "testing/fault_store.h"

namespace stocktake::reg {
namespace {

class ConsolidatorTest : public RegisterTest {
 protected:
  // A second, independent register (own catalog, central bucket "central2").
  std::unique_ptr<Ingester> OtherIngester(std::unique_ptr<Catalog>* catalog) {
    std::filesystem::create_directories(root() + "/central2");
    *catalog = std::move(Catalog::Open(dir_.Sub("state2"), &clock_)).value();
    return std::make_unique<Ingester>(CentralStore{store_.get(), "central2", "inv"},
                                      catalog->get());
  }
  std::map<std::string, std::string> Files(const std::string& bucket) {
    std::map<std::string, std::string> files;
    const std::string base = root() + "/" + bucket;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(base)) {
      if (entry.is_regular_file()) {
        files[entry.path().string().substr(base.size() + 1)] =
            testing::ReadFile(entry.path().string());
      }
    }
    return files;
  }
  ObjectEvent Event(const std::string& key, const std::string& name = "ObjectCreated:Put") {
    return ObjectEvent{name, "eu-west-1", "collector", key, ""};
  }
};

TEST_F(ConsolidatorTest, NewerReportOfTheSameDayReplacesTheOlderInAnyOrder) {
  FillBucket("src", 10);
  ReportRef older = Generate("src", "111111111111", kDay1 + 3'600'000);
  ASSERT_TRUE(store_->Put("src", "added-later", "12345").ok());
  ReportRef newer = Generate("src", "111111111111", kDay1 + 7'200'000);
  ReportRef next_day = Generate("src", "111111111111", kDay2 + 60'000);

  EXPECT_EQ(Ingest(older).result, IngestResult::kRegistered);
  EXPECT_EQ(Ingest(newer).result, IngestResult::kRegistered);
  EXPECT_EQ(Ingest(next_day).result, IngestResult::kRegistered);

  std::unique_ptr<Catalog> catalog2;
  std::unique_ptr<Ingester> other = OtherIngester(&catalog2);
  for (const ReportRef* ref : {&next_day, &newer, &older, &newer, &older, &next_day}) {
    ASSERT_TRUE(other->Ingest(collector_, *ref).ok());
  }
  Result<IngestOutcome> late = other->Ingest(collector_, older);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->result, IngestResult::kAlreadyKnown);

  // Same objects, same bytes, in both stores: one part per day, the newest.
  const auto first = Files("central");
  EXPECT_EQ(first, Files("central2"));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(QueryCentral("dt::VARCHAR, count(*), sum(size)", "GROUP BY dt ORDER BY dt"),
            (std::vector<std::string>{R"(["2024-01-01","12","65"])",
                                      R"(["2024-01-02","12","65"])"}));
  // History stays in the catalog; the older report is marked superseded.
  std::vector<RegisteredReport> reports = *catalog_->Reports();
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0].manifest_key, older.manifest_key);
  EXPECT_EQ(reports[0].superseded_by, newer.manifest_key);
  EXPECT_TRUE(reports[0].part_deleted);
  EXPECT_EQ(reports[1].superseded_by, "");
}

TEST_F(ConsolidatorTest, ReconcileIngestsEveryCompleteReportOnce) {
  FillBucket("aa1", 5);
  FillBucket("aa2", 7);
  FillBucket("bb1", 9);
  Generate("aa1", "111111111111", kDay1);
  Generate("aa2", "111111111111", kDay1, format::ReportFormat::kParquet);
  Generate("bb1", "222222222222", kDay1, format::ReportFormat::kCsv, inventory::ReportLayout::kObs);
  ReportRef pending = Generate("bb1", "222222222222", kDay2);
  ASSERT_TRUE(store_->Delete("collector", pending.checksum_key).ok());  // still being written
  PutCollector("unrelated/file.txt", "x");

  Consolidator consolidator({collector_}, ingester_.get());
  ReconcileSummary first = consolidator.Reconcile();
  EXPECT_TRUE(first.errors.empty()) << first.errors[0].ToString();
  EXPECT_EQ(first.registered, 3);
  EXPECT_EQ(first.quarantined, 0);
  const auto files = CentralFiles();
  EXPECT_EQ(files.size(), 3u);
  EXPECT_EQ(QueryCentral("account, bucket, count(*), sum(size)", "GROUP BY ALL ORDER BY ALL"),
            (std::vector<std::string>{R"(["111111111111","aa1","6","20"])",
                                      R"(["111111111111","aa2","8","33"])",
                                      R"(["222222222222","bb1","10","50"])"}));

  ReconcileSummary second = consolidator.Reconcile();
  EXPECT_EQ(second.registered, 0);
  EXPECT_EQ(second.already_known, 3);
  EXPECT_EQ(CentralFiles(), files);
}

TEST_F(ConsolidatorTest, EventsIngestTheirReportAndIgnoreTheRest) {
  FillBucket("src", 4);
  ReportRef ref = Generate("src", "111111111111", kDay1);
  Consolidator consolidator({collector_}, ingester_.get());
  Result<IngestOutcome> ignored = consolidator.HandleEvent(Event("111111111111/src/inventory/data/x.csv.gz"));
  ASSERT_TRUE(ignored.ok());
  EXPECT_EQ(ignored->result, IngestResult::kAlreadyKnown);
  Result<IngestOutcome> removed =
      consolidator.HandleEvent(Event(ref.checksum_key, "ObjectRemoved:Delete"));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->result, IngestResult::kAlreadyKnown);
  EXPECT_TRUE(CentralFiles().empty());
  ObjectEvent elsewhere = Event(ref.checksum_key);
  elsewhere.bucket = "another-collector";
  EXPECT_EQ(consolidator.HandleEvent(elsewhere)->result, IngestResult::kAlreadyKnown);

  Result<IngestOutcome> ingested = consolidator.HandleEvent(Event(ref.checksum_key));
  ASSERT_TRUE(ingested.ok()) << ingested.status().ToString();
  EXPECT_EQ(ingested->result, IngestResult::kRegistered);
  EXPECT_EQ(consolidator.HandleEvent(Event(ref.checksum_key))->result,
            IngestResult::kAlreadyKnown);
}

TEST_F(ConsolidatorTest, ACrashBetweenCommitAndDeleteIsRepairedByReconcile) {
  FillBucket("src", 4);
  ReportRef older = Generate("src", "111111111111", kDay1);
  ReportRef newer = Generate("src", "111111111111", kDay1 + 60'000);
  ASSERT_EQ(Ingest(older).result, IngestResult::kRegistered);

  // The register whose Delete fails stands for a process that died after
  // committing the newer report and before deleting the older part.
  store::LocalStoreOptions options;
  options.root = root();
  auto fault = std::make_shared<testing::FaultStore>(
      std::shared_ptr<store::ObjectStore>(std::move(store::LocalStore::Open(options)).value()));
  fault->FailNthCall(testing::StoreOp::kDelete, 1, IOError("delete: injected crash"));
  Ingester crashing(CentralStore{fault.get(), "central", "inv"}, catalog_.get());
  Result<IngestOutcome> failed = crashing.Ingest(collector_, newer);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(CentralFiles().size(), 2u);  // both parts: the stale one is still there
  EXPECT_EQ(catalog_->PendingPartDeletes()->size(), 1u);

  Consolidator consolidator({collector_}, ingester_.get());
  ReconcileSummary summary = consolidator.Reconcile();
  EXPECT_TRUE(summary.errors.empty());
  EXPECT_EQ(summary.registered, 0);
  EXPECT_EQ(CentralFiles().size(), 1u);
  EXPECT_TRUE(catalog_->PendingPartDeletes()->empty());
  EXPECT_EQ(QueryCentral("count(*)"), std::vector<std::string>{R"(["5"])"});
}

TEST_F(ConsolidatorTest, AFailedPartWriteLeavesNothingAndIsRetried) {
  FillBucket("src", 4);
  ReportRef ref = Generate("src", "111111111111", kDay1);
  store::LocalStoreOptions options;
  options.root = root();
  auto fault = std::make_shared<testing::FaultStore>(
      std::shared_ptr<store::ObjectStore>(std::move(store::LocalStore::Open(options)).value()));
  fault->LoseCloses(Unavailable("close: SlowDown (503)"));
  Ingester failing(CentralStore{fault.get(), "central", "inv"}, catalog_.get());
  Result<IngestOutcome> failed = failing.Ingest(collector_, ref);
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(CentralFiles().empty());
  EXPECT_TRUE(catalog_->Quarantined()->empty());
  EXPECT_FALSE(catalog_->LookupKey(collector_.Id(), ref.manifest_key)->known);
  EXPECT_EQ(Ingest(ref).result, IngestResult::kRegistered);
}

}  // namespace
}  // namespace stocktake::reg
