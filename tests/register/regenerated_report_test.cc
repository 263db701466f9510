// A report regenerated at the same manifest key (a second run in the same
// minute, a rewritten or fixed report): found by its event and by
// reconciliation alone, replacing the older content's part; the same
// content replayed stays a no-op that reads only the marker (events) or
// nothing at all (reconciliation); a quarantined report rewritten correctly
// is registered. Real LocalStore; a counting FaultStore on the collector.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "base/hash.h"
#include "register/consolidator.h"
#include "register/register_test_util.h"
#include "testing/fault_store.h"

namespace stocktake::reg {
namespace {

using testing::StoreOp;

constexpr char kAccount[] = "111111111111";

class RegeneratedReportTest : public RegisterTest {
 protected:
  void SetUp() override {
    RegisterTest::SetUp();
    store::LocalStoreOptions options;
    options.root = root();
    counting_ = std::make_shared<testing::FaultStore>(
        std::shared_ptr<store::ObjectStore>(std::move(store::LocalStore::Open(options)).value()));
    // The collector as the register sees it: every request counted.
    collector_.store = counting_.get();
    consolidator_ = std::make_unique<Consolidator>(std::vector<Collector>{collector_},
                                                   ingester_.get());
  }

  // The event of a report's completion: manifest.checksum, or manifest.json
  // (OBS dialect).
  Result<IngestOutcome> Event(const ReportRef& ref, bool obs = false) {
    return consolidator_->HandleEvent(ObjectEvent{"ObjectCreated:Put", "eu-west-1", "collector",
                                                  obs ? ref.manifest_key : ref.checksum_key, ""});
  }
  // Rewrites a collector object as a later writer would; its modification
  // time is set a second past the old one, so the rewrite never shares the
  // old stamp (the residual gap of docs/register.md is not under test here).
  void Rewrite(const std::string& key, const std::string& data) {
    const auto before = FileTime(key);
    PutCollector(key, data);
    DateAfter(key, before);
  }
  // A collector object's modification time, and setting it a second past
  // `before`: a report regenerated within the file time's resolution (a
  // few ms) would otherwise list with the old stamp, the gap of
  // docs/register.md, which these tests do not cover.
  std::filesystem::file_time_type FileTime(const std::string& key) {
    return std::filesystem::last_write_time(root() + "/collector/" + key);
  }
  void DateAfter(const std::string& key, std::filesystem::file_time_type before) {
    std::filesystem::last_write_time(root() + "/collector/" + key,
                                     before + std::chrono::seconds(1));
  }
  std::string Read(const std::string& key) { return *store_->Get("collector", key); }
  // The part keys under the central bucket.
  std::vector<std::string> Parts() {
    std::vector<std::string> parts;
    for (const auto& [path, content] : CentralFiles()) parts.push_back(path);
    return parts;
  }

  std::shared_ptr<testing::FaultStore> counting_;
  std::unique_ptr<Consolidator> consolidator_;
};

TEST_F(RegeneratedReportTest, ARegeneratedReportsEventReplacesTheOldPart) {
  FillBucket("src", 10);
  const ReportRef first = Generate("src", kAccount, kDay1 + 10'000);
  Result<IngestOutcome> registered = Event(first);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  ASSERT_EQ(registered->result, IngestResult::kRegistered);
  EXPECT_EQ(QueryCentral("count(*)"), std::vector<std::string>{R"(["11"])"});

  // A second run in the same minute: same folder, same manifest key.
  ASSERT_TRUE(store_->Put("src", "added", "12345").ok());
  const ReportRef second = Generate("src", kAccount, kDay1 + 40'000);
  ASSERT_EQ(second, first);
  Result<IngestOutcome> regenerated = Event(second);
  ASSERT_TRUE(regenerated.ok()) << regenerated.status().ToString();
  EXPECT_EQ(regenerated->result, IngestResult::kRegistered) << regenerated->reason;
  EXPECT_NE(regenerated->part_key, registered->part_key);
  EXPECT_EQ(regenerated->rows, 12);
  // One part in the partition: the new one, with the new rows.
  EXPECT_EQ(Parts(), std::vector<std::string>{regenerated->part_key});
  EXPECT_EQ(QueryCentral("count(*), sum(size), count(*) FILTER (key = 'added')"),
            std::vector<std::string>{R"(["12","65","1"])"});
  // The catalog keeps both contents; the older is superseded, its part gone.
  std::vector<RegisteredReport> reports = *catalog_->Reports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].manifest_key, first.manifest_key);
  EXPECT_EQ(reports[0].superseded_by, first.manifest_key);
  EXPECT_TRUE(reports[0].part_deleted);
  EXPECT_EQ(reports[1].checksum, Md5Hex(Read(second.manifest_key)));
  EXPECT_EQ(reports[1].superseded_by, "");
  EXPECT_EQ(reports[1].dt, "2024-01-01");

  // Replays of the same content: the event reads the marker only, the
  // reconciliation nothing but the listing.
  const auto central = CentralFiles();
  const int gets = counting_->Calls(StoreOp::kGet);
  const int heads = counting_->Calls(StoreOp::kHead);
  Result<IngestOutcome> replay = Event(second);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->result, IngestResult::kAlreadyKnown);
  EXPECT_EQ(counting_->Calls(StoreOp::kGet), gets + 1);
  ReconcileSummary reconciled = consolidator_->Reconcile();
  EXPECT_TRUE(reconciled.errors.empty());
  EXPECT_EQ(reconciled.already_known, 1);
  EXPECT_EQ(reconciled.registered, 0);
  EXPECT_EQ(counting_->Calls(StoreOp::kGet), gets + 1);
  EXPECT_EQ(counting_->Calls(StoreOp::kHead), heads);
  EXPECT_EQ(CentralFiles(), central);
  EXPECT_EQ(catalog_->Reports()->size(), 2u);
}

TEST_F(RegeneratedReportTest, ReconciliationAloneFindsARegeneratedReport) {
  FillBucket("src", 10);
  FillBucket("other", 3);
  const ReportRef first = Generate("src", kAccount, kDay1 + 10'000);
  Generate("other", kAccount, kDay1);
  ReconcileSummary initial = consolidator_->Reconcile();
  ASSERT_TRUE(initial.errors.empty()) << initial.errors[0].ToString();
  ASSERT_EQ(initial.registered, 2);

  ASSERT_TRUE(store_->Delete("src", "obj-0").ok());
  ASSERT_TRUE(store_->Put("src", "added", "1234567").ok());
  const auto marker_time = FileTime(first.checksum_key);
  ASSERT_EQ(Generate("src", kAccount, kDay1 + 50'000), first);  // no event sent
  DateAfter(first.checksum_key, marker_time);
  const int gets = counting_->Calls(StoreOp::kGet);
  ReconcileSummary found = consolidator_->Reconcile();
  ASSERT_TRUE(found.errors.empty()) << found.errors[0].ToString();
  EXPECT_EQ(found.registered, 1);
  EXPECT_EQ(found.already_known, 1);
  EXPECT_GT(counting_->Calls(StoreOp::kGet), gets);  // the changed report only was read
  EXPECT_EQ(QueryCentral("bucket, count(*), sum(size), count(*) FILTER (key = 'obj-0')",
                         "GROUP BY ALL ORDER BY ALL"),
            (std::vector<std::string>{R"(["other","4","11","1"])",
                                      R"(["src","11","66","0"])"}));
  EXPECT_EQ(Parts().size(), 2u);
  std::vector<RegisteredReport> reports = *catalog_->Reports();
  ASSERT_EQ(reports.size(), 3u);
  int superseded = 0;
  for (const RegisteredReport& r : reports) {
    if (r.superseded_by.empty()) continue;
    ++superseded;
    EXPECT_EQ(r.manifest_key, first.manifest_key);
    EXPECT_TRUE(r.part_deleted);
  }
  EXPECT_EQ(superseded, 1);

  // Unchanged since: no GET at all, nothing rewritten.
  const auto central = CentralFiles();
  const int settled = counting_->Calls(StoreOp::kGet);
  ReconcileSummary again = consolidator_->Reconcile();
  EXPECT_EQ(again.registered, 0);
  EXPECT_EQ(again.already_known, 2);
  EXPECT_EQ(counting_->Calls(StoreOp::kGet), settled);
  EXPECT_EQ(CentralFiles(), central);

  // An independent register that only ever saw the second report builds
  // the same central store, byte for byte.
  std::filesystem::create_directories(root() + "/central2");
  std::unique_ptr<Catalog> catalog2 = std::move(Catalog::Open(dir_.Sub("state2"), &clock_)).value();
  Ingester fresh(CentralStore{store_.get(), "central2", "inv"}, catalog2.get(),
                 IngestOptions{64, 4096});
  Consolidator other({collector_}, &fresh);
  EXPECT_EQ(other.Reconcile().registered, 2);
  std::map<std::string, std::string> files2;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root() + "/central2")) {
    if (!entry.is_regular_file()) continue;
    files2[entry.path().string().substr(root().size() + 10)] =
        testing::ReadFile(entry.path().string());
  }
  EXPECT_EQ(files2, central);
}

TEST_F(RegeneratedReportTest, ARegeneratedObsReportIsFoundByItsManifestAlone) {
  // OBS reports have no manifest.checksum: manifest.json is the marker.
  FillBucket("src", 4);
  const ReportRef first = Generate("src", kAccount, kDay1 + 5'000, format::ReportFormat::kCsv,
                                   inventory::ReportLayout::kObs);
  ASSERT_EQ(Event(first, /*obs=*/true)->result, IngestResult::kRegistered);
  ASSERT_TRUE(store_->Put("src", "added", "123").ok());
  const auto marker_time = FileTime(first.manifest_key);
  ASSERT_EQ(Generate("src", kAccount, kDay1 + 25'000, format::ReportFormat::kCsv,
                     inventory::ReportLayout::kObs),
            first);
  DateAfter(first.manifest_key, marker_time);
  // By reconciliation (the event is lost), then a replayed event is a no-op.
  ReconcileSummary found = consolidator_->Reconcile();
  ASSERT_TRUE(found.errors.empty()) << found.errors[0].ToString();
  EXPECT_EQ(found.registered, 1);
  EXPECT_EQ(QueryCentral("count(*), sum(size)"), std::vector<std::string>{R"(["6","18"])"});
  EXPECT_EQ(Parts().size(), 1u);
  EXPECT_EQ(Event(first, /*obs=*/true)->result, IngestResult::kAlreadyKnown);
  const int gets = counting_->Calls(StoreOp::kGet);
  EXPECT_EQ(consolidator_->Reconcile().already_known, 1);
  EXPECT_EQ(counting_->Calls(StoreOp::kGet), gets);
  EXPECT_EQ(catalog_->Reports()->size(), 2u);
}

TEST_F(RegeneratedReportTest, RewrittenWithTheSameContentOnlyUpdatesTheStamp) {
  FillBucket("src", 5);
  const ReportRef ref = Generate("src", kAccount, kDay1);
  ASSERT_EQ(Event(ref)->result, IngestResult::kRegistered);
  const auto central = CentralFiles();
  // The same bytes written again (a copy, a restore): the listing differs.
  Rewrite(ref.checksum_key, Read(ref.checksum_key));
  const int gets = counting_->Calls(StoreOp::kGet);
  ReconcileSummary checked = consolidator_->Reconcile();
  EXPECT_EQ(checked.already_known, 1);
  EXPECT_EQ(checked.registered, 0);
  EXPECT_EQ(counting_->Calls(StoreOp::kGet), gets + 1);  // the marker, nothing else
  ReconcileSummary settled = consolidator_->Reconcile();
  EXPECT_EQ(settled.already_known, 1);
  EXPECT_EQ(counting_->Calls(StoreOp::kGet), gets + 1);  // the stamp was recorded
  EXPECT_EQ(CentralFiles(), central);
  EXPECT_EQ(catalog_->Reports()->size(), 1u);
}

TEST_F(RegeneratedReportTest, AQuarantinedReportFixedAtTheSameKeyIsRegisteredOnItsEvent) {
  FillBucket("src", 6);
  const ReportRef ref = Generate("src", kAccount, kDay1);
  const std::string good = Read(ref.checksum_key);
  Rewrite(ref.checksum_key, "ffffffffffffffffffffffffffffffff\n");
  Result<IngestOutcome> refused = Event(ref);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->result, IngestResult::kQuarantined);
  EXPECT_EQ(Event(ref)->result, IngestResult::kAlreadyKnown);  // the same bad content
  ASSERT_EQ(catalog_->Quarantined()->size(), 1u);

  Rewrite(ref.checksum_key, good);
  Result<IngestOutcome> fixed = Event(ref);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->result, IngestResult::kRegistered) << fixed->reason;
  EXPECT_TRUE(catalog_->Quarantined()->empty());
  EXPECT_EQ(QueryCentral("count(*)"), std::vector<std::string>{R"(["7"])"});
  EXPECT_EQ(Event(ref)->result, IngestResult::kAlreadyKnown);
}

TEST_F(RegeneratedReportTest, AQuarantinedReportRewrittenIsRetriedByReconcile) {
  FillBucket("src", 6);
  const ReportRef ref = Generate("src", kAccount, kDay1);
  const std::string good = Read(ref.checksum_key);
  Rewrite(ref.checksum_key, "ffffffffffffffffffffffffffffffff\n");
  ReconcileSummary first = consolidator_->Reconcile();
  EXPECT_EQ(first.quarantined, 1);
  // Still broken, differently: quarantined again with the new reason.
  Rewrite(ref.checksum_key, "not a checksum at all\n");
  ReconcileSummary second = consolidator_->Reconcile();
  EXPECT_EQ(second.quarantined, 1);
  std::vector<QuarantinedReport> q = *catalog_->Quarantined();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].reason.find("'not a checksum at all'"), std::string::npos) << q[0].reason;
  EXPECT_EQ(q[0].checksum, "not a checksum at all");
  // Unchanged: not read again.
  const int gets = counting_->Calls(StoreOp::kGet);
  EXPECT_EQ(consolidator_->Reconcile().already_known, 1);
  EXPECT_EQ(counting_->Calls(StoreOp::kGet), gets);

  Rewrite(ref.checksum_key, good);
  ReconcileSummary fixed = consolidator_->Reconcile();
  EXPECT_TRUE(fixed.errors.empty());
  EXPECT_EQ(fixed.registered, 1);
  EXPECT_EQ(fixed.quarantined, 0);
  EXPECT_TRUE(catalog_->Quarantined()->empty());
  EXPECT_EQ(QueryCentral("count(*), sum(size)"), std::vector<std::string>{R"(["7","26"])"});
}

TEST_F(RegeneratedReportTest, ARegisteredReportRewrittenBrokenKeepsItsPartAndIsQuarantined) {
  FillBucket("src", 4);
  const ReportRef ref = Generate("src", kAccount, kDay1);
  ASSERT_EQ(Event(ref)->result, IngestResult::kRegistered);
  const auto central = CentralFiles();
  Rewrite(ref.checksum_key, "00000000000000000000000000000000\n");
  Result<IngestOutcome> broken = Event(ref);
  ASSERT_TRUE(broken.ok());
  EXPECT_EQ(broken->result, IngestResult::kQuarantined);
  // The partition keeps the last good report; both states are visible.
  EXPECT_EQ(CentralFiles(), central);
  EXPECT_EQ(catalog_->Reports()->size(), 1u);
  EXPECT_EQ(catalog_->Quarantined()->size(), 1u);
  EXPECT_EQ(catalog_->LookupKey(collector_.Id(), ref.manifest_key)->state,
            ReportState::kQuarantined);
}

}  // namespace
}  // namespace stocktake::reg
