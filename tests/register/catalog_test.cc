#include "register/catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "testing/temp_dir.h"

namespace stocktake::reg {
namespace {

constexpr char kC1[] = "11111111111111111111111111111111";
constexpr char kC2[] = "22222222222222222222222222222222";

RegisteredReport Report(const std::string& manifest_key, int64_t creation_ms,
                        const std::string& bucket = "photos", const std::string& checksum = kC1) {
  RegisteredReport r;
  r.collector = "/x/coll";
  r.manifest_key = manifest_key;
  r.checksum = checksum;
  r.account = "111111111111";
  r.region = "eu-west-1";
  r.bucket = bucket;
  r.dt = "2024-01-01";
  r.config_id = "inventory";
  r.creation_ms = creation_ms;
  r.rows = 10;
  r.bytes = 100;
  r.part_key = "dt=2024-01-01/part-" + manifest_key + "-" + checksum + ".parquet";
  return r;
}

MarkerStamp Stamp(int64_t modified_ms, const std::string& etag = "") {
  return MarkerStamp{33, modified_ms, etag};
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    catalog_.reset();
    Result<std::unique_ptr<Catalog>> opened = Catalog::Open(dir_.Sub("state"), &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = std::move(opened).value();
  }
  std::vector<RegisteredReport> Current() {
    std::vector<RegisteredReport> current;
    Result<std::vector<RegisteredReport>> all = catalog_->Reports();
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    if (!all.ok()) return current;
    for (const RegisteredReport& r : *all) {
      if (r.superseded_by.empty()) current.push_back(r);
    }
    return current;
  }
  testing::TempDir dir_;
  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, CommitRegistersOnceAndLookupSeesIt) {
  EXPECT_FALSE(catalog_->LookupKey("/x/coll", "m1")->known);
  EXPECT_EQ(*catalog_->Lookup("/x/coll", "m1", kC1), ReportState::kUnknown);
  Result<CommitOutcome> first = catalog_->Commit(Report("m1", 1000), Stamp(5000, "e1"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_known);
  EXPECT_TRUE(first->current);
  EXPECT_TRUE(first->stale.empty());
  Result<CommitOutcome> again = catalog_->Commit(Report("m1", 1000), Stamp(6000));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_known);
  EXPECT_EQ(*catalog_->Lookup("/x/coll", "m1", kC1), ReportState::kRegistered);
  EXPECT_EQ(*catalog_->Lookup("/x/coll", "m1", kC2), ReportState::kUnknown);
  KeyState key = *catalog_->LookupKey("/x/coll", "m1");
  EXPECT_TRUE(key.known);
  EXPECT_EQ(key.checksum, kC1);
  EXPECT_EQ(key.state, ReportState::kRegistered);
  EXPECT_EQ(key.stamp.last_modified_ms, 5000);  // the replay changed nothing
  EXPECT_EQ(key.stamp.etag, "e1");
  std::vector<RegisteredReport> all = *catalog_->Reports();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].registered_at_ms, 1'700'000'000'000);
  EXPECT_EQ(all[0].rows, 10);
  EXPECT_EQ(all[0].superseded_by, "");
}

TEST_F(CatalogTest, ANewerReportReplacesTheCurrentOneInEitherOrder) {
  // Older first: the older one becomes stale.
  ASSERT_TRUE(catalog_->Commit(Report("old", 1000), Stamp(1)).ok());
  Result<CommitOutcome> newer = catalog_->Commit(Report("new", 2000), Stamp(1));
  ASSERT_TRUE(newer.ok());
  EXPECT_TRUE(newer->current);
  ASSERT_EQ(newer->stale.size(), 1u);
  EXPECT_EQ(newer->stale[0].manifest_key, "old");
  // Newer first (another partition): the late older one is stale itself.
  ASSERT_TRUE(catalog_->Commit(Report("new2", 2000, "logs"), Stamp(1)).ok());
  Result<CommitOutcome> late = catalog_->Commit(Report("old2", 1000, "logs"), Stamp(1));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->current);
  ASSERT_EQ(late->stale.size(), 1u);
  EXPECT_EQ(late->stale[0].manifest_key, "old2");

  std::vector<RegisteredReport> pending = *catalog_->PendingPartDeletes();
  ASSERT_EQ(pending.size(), 2u);
  for (const RegisteredReport& r : pending) ASSERT_TRUE(catalog_->MarkPartDeleted(r).ok());
  EXPECT_TRUE(catalog_->PendingPartDeletes()->empty());
  EXPECT_EQ(Current().size(), 2u);
}

TEST_F(CatalogTest, ARegeneratedReportAtTheSameKeyIsANewReportThatReplacesTheOld) {
  ASSERT_TRUE(catalog_->Commit(Report("m1", 1000, "photos", kC1), Stamp(5000)).ok());
  Result<CommitOutcome> regenerated =
      catalog_->Commit(Report("m1", 1500, "photos", kC2), Stamp(7000));
  ASSERT_TRUE(regenerated.ok()) << regenerated.status().ToString();
  EXPECT_FALSE(regenerated->already_known);
  EXPECT_TRUE(regenerated->current);
  ASSERT_EQ(regenerated->stale.size(), 1u);
  EXPECT_EQ(regenerated->stale[0].checksum, kC1);
  EXPECT_EQ(regenerated->stale[0].superseded_by, "m1");
  ASSERT_TRUE(catalog_->MarkPartDeleted(regenerated->stale[0]).ok());

  std::vector<RegisteredReport> all = *catalog_->Reports();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].checksum, kC1);
  EXPECT_EQ(all[0].superseded_by, "m1");
  EXPECT_TRUE(all[0].part_deleted);
  EXPECT_EQ(all[1].checksum, kC2);
  EXPECT_EQ(all[1].superseded_by, "");
  EXPECT_FALSE(all[1].part_deleted);
  KeyState key = *catalog_->LookupKey("/x/coll", "m1");
  EXPECT_EQ(key.checksum, kC2);
  EXPECT_EQ(key.stamp.last_modified_ms, 7000);
  // Both contents stay known: replaying either changes nothing.
  EXPECT_TRUE(catalog_->Commit(Report("m1", 1000, "photos", kC1), Stamp(1)).value().already_known);
  EXPECT_TRUE(catalog_->Commit(Report("m1", 1500, "photos", kC2), Stamp(1)).value().already_known);
  EXPECT_TRUE(catalog_->PendingPartDeletes()->empty());
}

TEST_F(CatalogTest, ARegeneratedReportWithTheSameCreationTimeReplacesTheOneReadBefore) {
  // Same scan start, same key, other content (an OBS report timed by its
  // minute folder, a report fixed in place): the content read last wins,
  // whichever checksum is larger.
  for (const auto& [first, second] : {std::pair{kC1, kC2}, std::pair{kC2, kC1}}) {
    const std::string bucket = std::string("b") + first;
    ASSERT_TRUE(catalog_->Commit(Report("m-" + bucket, 1000, bucket, first), Stamp(1)).ok());
    Result<CommitOutcome> again =
        catalog_->Commit(Report("m-" + bucket, 1000, bucket, second), Stamp(2));
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->current);
    ASSERT_EQ(again->stale.size(), 1u);
    EXPECT_EQ(again->stale[0].checksum, first);
  }
  std::vector<RegisteredReport> current = Current();
  ASSERT_EQ(current.size(), 2u);
  EXPECT_EQ(current[0].checksum, kC2);  // bucket b111...: C1 then C2
  EXPECT_EQ(current[1].checksum, kC1);  // bucket b222...: C2 then C1
}

TEST_F(CatalogTest, QuarantineBlocksThatContentOnlyAndARegistrationLiftsIt) {
  ASSERT_TRUE(catalog_->Quarantine("/x/coll", "bad", kC1, "MD5 mismatch", Stamp(10)).ok());
  clock_.Advance(5);
  ASSERT_TRUE(catalog_->Quarantine("/x/coll", "bad", kC1, "another reason", Stamp(11)).ok());
  EXPECT_EQ(catalog_->LookupKey("/x/coll", "bad")->state, ReportState::kQuarantined);
  std::vector<QuarantinedReport> q = *catalog_->Quarantined();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].reason, "MD5 mismatch");
  EXPECT_EQ(q[0].checksum, kC1);
  Result<CommitOutcome> commit = catalog_->Commit(Report("bad", 1000, "photos", kC1), Stamp(10));
  ASSERT_TRUE(commit.ok());
  EXPECT_TRUE(commit->already_known);
  EXPECT_TRUE(catalog_->Reports()->empty());

  // Rewritten, still broken: the entry is replaced with the new reason.
  clock_.Advance(5);
  ASSERT_TRUE(catalog_->Quarantine("/x/coll", "bad", "garbage", "not hex", Stamp(20)).ok());
  q = *catalog_->Quarantined();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].checksum, "garbage");
  EXPECT_EQ(q[0].reason, "not hex");
  EXPECT_EQ(q[0].quarantined_at_ms, 1'700'000'000'010);
  EXPECT_EQ(catalog_->LookupKey("/x/coll", "bad")->stamp.last_modified_ms, 20);

  // Rewritten correctly: registered, and the quarantine entry is gone.
  Result<CommitOutcome> fixed = catalog_->Commit(Report("bad", 1000, "photos", kC2), Stamp(30));
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(fixed->already_known);
  EXPECT_TRUE(fixed->current);
  EXPECT_TRUE(catalog_->Quarantined()->empty());
  KeyState key = *catalog_->LookupKey("/x/coll", "bad");
  EXPECT_EQ(key.state, ReportState::kRegistered);
  EXPECT_EQ(key.checksum, kC2);
  // A registered content is never quarantined afterwards.
  ASSERT_TRUE(catalog_->Quarantine("/x/coll", "bad", kC2, "late failure", Stamp(31)).ok());
  EXPECT_TRUE(catalog_->Quarantined()->empty());
}

TEST_F(CatalogTest, RecordStampKeepsTheContentAndChangesTheStamp) {
  ASSERT_TRUE(catalog_->Commit(Report("m1", 1000), Stamp(5000)).ok());
  ASSERT_TRUE(catalog_->RecordStamp("/x/coll", "m1", kC1, Stamp(9000, "e9")).ok());
  KeyState key = *catalog_->LookupKey("/x/coll", "m1");
  EXPECT_EQ(key.checksum, kC1);
  EXPECT_EQ(key.state, ReportState::kRegistered);
  EXPECT_EQ(key.stamp.last_modified_ms, 9000);
  EXPECT_EQ(key.stamp.etag, "e9");
  EXPECT_EQ(catalog_->Reports()->size(), 1u);
}

TEST(MarkerStampTest, MatchesTheSameObjectAndNoRewrite) {
  struct Case {
    MarkerStamp recorded;
    MarkerStamp listed;
    bool match;
    const char* why;
  };
  const std::vector<Case> cases = {
      {{33, 1'000'123, ""}, {33, 1'000'123, ""}, true, "same local stat"},
      {{33, 1'000'123, ""}, {33, 1'000'124, ""}, false, "rewritten a millisecond later"},
      {{33, 1'000'123, ""}, {34, 1'000'123, ""}, false, "other size"},
      {{33, 1'000'000, "e1"}, {33, 1'000'456, "e1"}, true, "S3 HEAD seconds vs listing millis"},
      {{33, 1'000'000, "e1"}, {33, 1'000'456, "e2"}, false, "same second, other ETag"},
      {{33, 1'000'000, "e1"}, {33, 1'001'000, "e1"}, false, "rewritten with the same bytes"},
      {{33, 1'000'000, ""}, {33, 1'000'456, ""}, false, "no ETag: times to the millisecond"},
      {{33, 1'000'123, "e1"}, {33, 1'000'123, ""}, true, "local HEAD vs listing without ETag"},
      {{33, 1'000'123, "e1"}, {33, 1'000'124, ""}, false, "local rewrite a millisecond later"},
      {{-1, 0, ""}, {-1, 0, ""}, false, "unknown stamp (v1 catalog)"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.recorded.Matches(c.listed), c.match) << c.why;
}

TEST_F(CatalogTest, SurvivesReopening) {
  ASSERT_TRUE(catalog_->Commit(Report("m1", 1000), Stamp(1)).ok());
  Reopen();
  EXPECT_EQ(catalog_->LookupKey("/x/coll", "m1")->state, ReportState::kRegistered);
}

// The schema of register.db version 1, exactly as the code before schema
// version 2 created it.
constexpr char kV1Schema[] = R"sql(
CREATE TABLE reports (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  checksum TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bucket TEXT NOT NULL,
  dt TEXT NOT NULL,
  config_id TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  part_key TEXT NOT NULL,
  registered_at_ms INTEGER NOT NULL,
  superseded_by TEXT NOT NULL DEFAULT '',
  part_deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collector, manifest_key)
);
CREATE INDEX reports_partition ON reports (dt, account, region, bucket, superseded_by);
CREATE TABLE quarantine (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  quarantined_at_ms INTEGER NOT NULL,
  PRIMARY KEY (collector, manifest_key)
);
PRAGMA user_version = 1;
)sql";

class CatalogMigrationTest : public ::testing::Test {
 protected:
  // Runs `sql` on <state>/register.db, as a v1 program would have.
  void Exec(const std::string& sql) {
    std::filesystem::create_directories(dir_.Sub("state"));
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.Sub("state/register.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  // One value of `sql` on the file, read as text.
  std::string Query(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(dir_.Sub("state/register.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }
  testing::TempDir dir_;
  FakeClock clock_{1'800'000'000'000};
};

TEST_F(CatalogMigrationTest, AV1DatabaseIsMigratedWithEveryRowAndWorksAsV2) {
  Exec(std::string(kV1Schema) + R"sql(
INSERT INTO reports VALUES ('/x/coll', 'a/old', '11111111111111111111111111111111', '111111111111',
  'eu-west-1', 'photos', '2024-01-01', 'inventory', 1000, 5, 50, 'p/old.parquet', 1700, 'a/new', 1);
INSERT INTO reports VALUES ('/x/coll', 'a/new', '22222222222222222222222222222222', '111111111111',
  'eu-west-1', 'photos', '2024-01-01', 'inventory', 2000, 7, 70, 'p/new.parquet', 1800, '', 0);
INSERT INTO quarantine VALUES ('/x/coll', 'a/bad', 'MD5 mismatch', 1900);
)sql");
  Result<std::unique_ptr<Catalog>> opened = Catalog::Open(dir_.Sub("state"), &clock_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Catalog& catalog = **opened;
  EXPECT_EQ(Query("PRAGMA user_version"), "2");
  EXPECT_EQ(Query("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                  "name = 'reports_partition' AND tbl_name = 'reports'"),
            "1");
  EXPECT_EQ(Query("SELECT count(*) FROM sqlite_master WHERE name = 'reports_v2'"), "0");

  std::vector<RegisteredReport> reports = *catalog.Reports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].manifest_key, "a/old");
  EXPECT_EQ(reports[0].checksum, kC1);
  EXPECT_EQ(reports[0].rows, 5);
  EXPECT_EQ(reports[0].bytes, 50);
  EXPECT_EQ(reports[0].part_key, "p/old.parquet");
  EXPECT_EQ(reports[0].registered_at_ms, 1700);
  EXPECT_EQ(reports[0].superseded_by, "a/new");
  EXPECT_TRUE(reports[0].part_deleted);
  EXPECT_EQ(reports[1].manifest_key, "a/new");
  EXPECT_EQ(reports[1].checksum, kC2);
  EXPECT_EQ(reports[1].creation_ms, 2000);
  EXPECT_EQ(reports[1].superseded_by, "");
  std::vector<QuarantinedReport> q = *catalog.Quarantined();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].manifest_key, "a/bad");
  EXPECT_EQ(q[0].reason, "MD5 mismatch");
  EXPECT_EQ(q[0].checksum, "");
  EXPECT_EQ(q[0].quarantined_at_ms, 1900);

  // Every v1 key is known, with a stamp that matches no listing (checked
  // once by the first reconciliation).
  KeyState known = *catalog.LookupKey("/x/coll", "a/new");
  EXPECT_TRUE(known.known);
  EXPECT_EQ(known.checksum, kC2);
  EXPECT_EQ(known.state, ReportState::kRegistered);
  EXPECT_FALSE(known.stamp.Matches(Stamp(1)));
  EXPECT_EQ(catalog.LookupKey("/x/coll", "a/bad")->state, ReportState::kQuarantined);
  EXPECT_EQ(*catalog.Lookup("/x/coll", "a/bad", kC1), ReportState::kUnknown);

  // v2 behaviour: a regenerated a/new replaces the migrated row.
  const RegisteredReport regenerated =
      Report("a/new", 2500, "photos", "33333333333333333333333333333333");
  Result<CommitOutcome> commit = catalog.Commit(regenerated, Stamp(4000));
  ASSERT_TRUE(commit.ok()) << commit.status().ToString();
  EXPECT_TRUE(commit->current);
  ASSERT_EQ(commit->stale.size(), 1u);
  EXPECT_EQ(commit->stale[0].part_key, "p/new.parquet");
  EXPECT_EQ(catalog.Reports()->size(), 3u);
  // And the quarantined v1 key, rewritten correctly, is registered.
  Result<CommitOutcome> fixed = catalog.Commit(Report("a/bad", 2600, "logs", kC1), Stamp(4100));
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(fixed->already_known);
  EXPECT_TRUE(catalog.Quarantined()->empty());
  opened->reset();
  // Reopening a v2 file migrates nothing again.
  Result<std::unique_ptr<Catalog>> again = Catalog::Open(dir_.Sub("state"), &clock_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->Reports()->size(), 4u);
}

TEST_F(CatalogMigrationTest, ANewerSchemaIsRefused) {
  Exec(std::string(kV1Schema) + "PRAGMA user_version = 3;");
  Result<std::unique_ptr<Catalog>> opened = Catalog::Open(dir_.Sub("state"), &clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kFailedPrecondition) << opened.status().ToString();
  EXPECT_NE(opened.status().message().find("schema version 3"), std::string::npos)
      << opened.status().ToString();
}

}  // namespace
}  // namespace stocktake::reg
