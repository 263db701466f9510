#include "register/catalog.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace stocktake::reg {
namespace {

RegisteredReport Report(const std::string& manifest_key, int64_t creation_ms,
                        const std::string& bucket = "photos") {
  RegisteredReport r;
  r.collector = "/x/coll";
  r.manifest_key = manifest_key;
  r.checksum = "0123456789abcdef0123456789abcdef";
  r.account = "111111111111";
  r.region = "eu-west-1";
  r.bucket = bucket;
  r.dt = "2024-01-01";
  r.config_id = "inventory";
  r.creation_ms = creation_ms;
  r.rows = 10;
  r.bytes = 100;
  r.part_key = "dt=2024-01-01/part-" + manifest_key + ".parquet";
  return r;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Catalog>> opened = Catalog::Open(dir_.Sub("state"), &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = std::move(opened).value();
  }
  testing::TempDir dir_;
  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, CommitRegistersOnceAndLookupSeesIt) {
  EXPECT_EQ(*catalog_->Lookup("/x/coll", "m1"), ReportState::kUnknown);
  Result<CommitOutcome> first = catalog_->Commit(Report("m1", 1000));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_known);
  EXPECT_TRUE(first->current);
  EXPECT_TRUE(first->stale.empty());
  Result<CommitOutcome> again = catalog_->Commit(Report("m1", 1000));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_known);
  EXPECT_EQ(*catalog_->Lookup("/x/coll", "m1"), ReportState::kRegistered);
  std::vector<RegisteredReport> all = *catalog_->Reports();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].registered_at_ms, 1'700'000'000'000);
  EXPECT_EQ(all[0].rows, 10);
  EXPECT_EQ(all[0].superseded_by, "");
}

TEST_F(CatalogTest, ANewerReportReplacesTheCurrentOneInEitherOrder) {
  // Older first: the older one becomes stale.
  ASSERT_TRUE(catalog_->Commit(Report("old", 1000)).ok());
  Result<CommitOutcome> newer = catalog_->Commit(Report("new", 2000));
  ASSERT_TRUE(newer.ok());
  EXPECT_TRUE(newer->current);
  ASSERT_EQ(newer->stale.size(), 1u);
  EXPECT_EQ(newer->stale[0].manifest_key, "old");
  // Newer first (another partition): the late older one is stale itself.
  ASSERT_TRUE(catalog_->Commit(Report("new2", 2000, "logs")).ok());
  Result<CommitOutcome> late = catalog_->Commit(Report("old2", 1000, "logs"));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->current);
  ASSERT_EQ(late->stale.size(), 1u);
  EXPECT_EQ(late->stale[0].manifest_key, "old2");

  std::vector<RegisteredReport> pending = *catalog_->PendingPartDeletes();
  ASSERT_EQ(pending.size(), 2u);
  for (const RegisteredReport& r : pending) ASSERT_TRUE(catalog_->MarkPartDeleted(r).ok());
  EXPECT_TRUE(catalog_->PendingPartDeletes()->empty());
  int current = 0;
  std::vector<RegisteredReport> reports = *catalog_->Reports();
  for (const RegisteredReport& r : reports) current += r.superseded_by.empty();
  EXPECT_EQ(current, 2);
}

TEST_F(CatalogTest, QuarantineIsRecordedOnceAndBlocksRegistration) {
  ASSERT_TRUE(catalog_->Quarantine("/x/coll", "bad", "MD5 mismatch").ok());
  clock_.Advance(5);
  ASSERT_TRUE(catalog_->Quarantine("/x/coll", "bad", "another reason").ok());
  EXPECT_EQ(*catalog_->Lookup("/x/coll", "bad"), ReportState::kQuarantined);
  std::vector<QuarantinedReport> q = *catalog_->Quarantined();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].reason, "MD5 mismatch");
  Result<CommitOutcome> commit = catalog_->Commit(Report("bad", 1000));
  ASSERT_TRUE(commit.ok());
  EXPECT_TRUE(commit->already_known);
  EXPECT_TRUE(catalog_->Reports()->empty());
}

TEST_F(CatalogTest, SurvivesReopening) {
  ASSERT_TRUE(catalog_->Commit(Report("m1", 1000)).ok());
  catalog_.reset();
  Result<std::unique_ptr<Catalog>> reopened = Catalog::Open(dir_.Sub("state"), &clock_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->Lookup("/x/coll", "m1"), ReportState::kRegistered);
}

}  // namespace
}  // namespace stocktake::reg
