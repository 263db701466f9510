// Outbox on a real SQLite file: events persist before delivery and across
// reopening, per-target delivery state, leases between two handles (two
// processes), acknowledgement removes an event only once every target has
// it, retry/fail bookkeeping, requeue, and a newer schema refused.
#include "notify/outbox.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "testing/temp_dir.h"

namespace stocktake::notify {
namespace {

const std::string kA = "webhook http://127.0.0.1:1/a";
const std::string kB = "nats nats://127.0.0.1:2 reports";

std::unique_ptr<Outbox> Open(const std::string& dir) {
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir);
  EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
  return outbox.ok() ? std::move(outbox).value() : nullptr;
}

int64_t Pending(Outbox* outbox, const std::vector<std::string>& targets = {}) {
  Result<int64_t> n = outbox->Count(DeliveryState::kPending, targets);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return n.ok() ? *n : -1;
}

TEST(OutboxTest, EventsSurviveReopenUntilAcknowledged) {
  testing::TempDir dir;
  {
    auto outbox = Open(dir.path());
    Result<int> added = outbox->Add("E1", "{\"body\":1}", "dest", "k 1", 1000, {kA, kB});
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    EXPECT_EQ(*added, 2);
    EXPECT_EQ(outbox->path(), dir.Sub("notify.db"));
  }
  auto outbox = Open(dir.path());
  EXPECT_EQ(Pending(outbox.get()), 2);
  EXPECT_EQ(*outbox->CountEvents(), 1);
  Result<std::optional<Delivery>> claimed = outbox->Claim(kA, 2000, 60000);
  ASSERT_TRUE(claimed.ok());
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->event_id, "E1");
  EXPECT_EQ((*claimed)->body, "{\"body\":1}");
  EXPECT_EQ((*claimed)->bucket, "dest");
  EXPECT_EQ((*claimed)->key, "k 1");
  EXPECT_EQ((*claimed)->created_ms, 1000);
  ASSERT_TRUE(outbox->Acknowledge("E1", kA).ok());
  // kB still needs it: the event stays.
  EXPECT_EQ(*outbox->CountEvents(), 1);
  EXPECT_EQ(Pending(outbox.get(), {kA}), 0);
  EXPECT_EQ(Pending(outbox.get(), {kB}), 1);
  ASSERT_TRUE(outbox->Acknowledge("E1", kB).ok());
  EXPECT_EQ(*outbox->CountEvents(), 0);
  EXPECT_EQ(Pending(outbox.get()), 0);
  // Acknowledging again (a second process raced us) is harmless.
  EXPECT_TRUE(outbox->Acknowledge("E1", kB).ok());
}

TEST(OutboxTest, SameEventIdIsStoredOnce) {
  testing::TempDir dir;
  auto outbox = Open(dir.path());
  ASSERT_EQ(*outbox->Add("E1", "first", "b", "k", 1, {kA}), 1);
  ASSERT_EQ(*outbox->Add("E1", "second", "b", "k", 2, {kA}), 0);
  ASSERT_EQ(*outbox->Add("E1", "third", "b", "k", 3, {kA, kB}), 1);
  EXPECT_EQ(*outbox->CountEvents(), 1);
  Result<std::optional<Delivery>> claimed = outbox->Claim(kA, 10, 1000);
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  EXPECT_EQ((*claimed)->body, "first");
}

TEST(OutboxTest, ClaimsInPublicationOrderAndLeasesHideFromOthers) {
  testing::TempDir dir;
  auto first = Open(dir.path());
  auto second = Open(dir.path());  // another process on the same file
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(first->Add("E" + std::to_string(i), "b", "bucket", "k", i, {kA}).ok());
  }
  auto one = first->Claim(kA, 100, 1000);
  auto two = second->Claim(kA, 100, 1000);
  ASSERT_TRUE(one.ok() && one->has_value() && two.ok() && two->has_value());
  EXPECT_EQ((*one)->event_id, "E0");
  EXPECT_EQ((*two)->event_id, "E1");
  // Nothing else is due for kB, and E0/E1 stay hidden until the lease ends.
  EXPECT_FALSE(first->Claim(kB, 100, 1000)->has_value());
  auto three = second->Claim(kA, 100, 1000);
  ASSERT_TRUE(three->has_value());
  EXPECT_EQ((*three)->event_id, "E2");
  EXPECT_FALSE(first->Claim(kA, 1099, 1000)->has_value());
  EXPECT_EQ(**first->NextDue(kA), 1100);
  // A holder that died: its lease runs out and the event is due again.
  auto again = first->Claim(kA, 1100, 1000);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->event_id, "E0");
}

TEST(OutboxTest, RetryReschedulesAndFailKeepsTheEventVisible) {
  testing::TempDir dir;
  auto outbox = Open(dir.path());
  ASSERT_TRUE(outbox->Add("E1", "b", "bucket", "key", 5, {kA, kB}).ok());
  ASSERT_TRUE(outbox->Claim(kA, 10, 60000)->has_value());
  ASSERT_TRUE(outbox->Retry("E1", kA, 1, 10, 500, "HTTP 500").ok());
  EXPECT_FALSE(outbox->Claim(kA, 499, 60000)->has_value());  // backing off
  EXPECT_EQ(**outbox->NextDue(kA), 500);
  auto due = outbox->Claim(kA, 500, 60000);
  ASSERT_TRUE(due->has_value());
  EXPECT_EQ((*due)->attempts, 1);
  EXPECT_EQ((*due)->first_attempt_ms, 10);
  EXPECT_EQ((*due)->last_error, "HTTP 500");
  ASSERT_TRUE(outbox->Fail("E1", kA, 2, 10, "HTTP 404").ok());
  EXPECT_FALSE(outbox->Claim(kA, 1000000, 60000)->has_value());
  EXPECT_FALSE(outbox->NextDue(kA)->has_value());
  EXPECT_EQ(*outbox->Count(DeliveryState::kFailed, {kA}), 1);
  // kB is independent of kA's trouble.
  EXPECT_TRUE(outbox->Claim(kB, 10, 60000)->has_value());

  Result<std::vector<Delivery>> list = outbox->List(100);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].target, kA);
  EXPECT_EQ((*list)[0].state, DeliveryState::kFailed);
  EXPECT_EQ((*list)[0].attempts, 2);
  EXPECT_EQ((*list)[0].last_error, "HTTP 404");
  EXPECT_EQ((*list)[1].target, kB);
  EXPECT_EQ((*list)[1].state, DeliveryState::kPending);
  EXPECT_EQ(*outbox->Targets(), (std::vector<std::string>{kB, kA}));  // sorted

  // Requeue makes the failed delivery due now with a fresh budget.
  Result<int> requeued = outbox->Requeue({kA});
  ASSERT_TRUE(requeued.ok());
  EXPECT_EQ(*requeued, 1);
  auto back = outbox->Claim(kA, 20, 60000);
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->attempts, 0);
  EXPECT_EQ((*back)->state, DeliveryState::kPending);
}

TEST(OutboxTest, ListIsBounded) {
  testing::TempDir dir;
  auto outbox = Open(dir.path());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(outbox->Add("E" + std::to_string(i), "b", "bucket", "k", i, {kA}).ok());
  }
  EXPECT_EQ(outbox->List(4)->size(), 4u);
}

TEST(OutboxTest, RefusesANewerSchema) {
  testing::TempDir dir;
  { ASSERT_NE(Open(dir.path()), nullptr); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("notify.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir.path());
  ASSERT_FALSE(outbox.ok());
  EXPECT_EQ(outbox.status().code(), Code::kFailedPrecondition);
}

TEST(OutboxTest, UnwritableStateFolderFailsCleanly) {
  testing::TempDir dir;
  testing::WriteFile(dir.Sub("file"), "x");
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir.Sub("file/state"));
  ASSERT_FALSE(outbox.ok());
  EXPECT_NE(outbox.status().message().find("file/state"), std::string::npos);
}

}  // namespace
}  // namespace stocktake::notify
