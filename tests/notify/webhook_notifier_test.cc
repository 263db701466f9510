// The Notifier delivering to real HTTP webhooks (an in-process cpp-httplib
// receiver): body and headers, retries after 500s, a receiver down then up
// (delivered later, exactly once), a restart of the publishing process in
// between, permanent refusals and the give-up bound (kept as failed), a
// hanging target that neither blocks another target nor Shutdown.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "base/hash.h"
#include "notify_test_util.h"
#include "store/local_store.h"
#include "testing/s3_event.h"
#include "testing/temp_dir.h"
#include "testing/webhook_receiver.h"

namespace stocktake::notify {
namespace {

using testing::WebhookReceiver;

TEST(WebhookNotifierTest, DeliversTheEventJsonOnceWithItsId) {
  testing::TempDir dir;
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  auto notifier = StartNotifier(dir.path(), {WebhookSpec(receiver->url("/events?src=inv"))});
  const ReportEvent event = TestEvent(1);
  ASSERT_TRUE(notifier->Publish(event).ok());
  ASSERT_EQ(*notifier->Drain(10000), 0);
  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].path, "/events");
  EXPECT_EQ(received[0].content_type, "application/json");
  EXPECT_EQ(received[0].event_id, EventId(event));
  EXPECT_EQ(received[0].body, ToS3EventJson(event));
  Result<testing::ParsedS3Event> parsed = testing::ParseS3Event(received[0].body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->request_id, EventId(event));
  // Acknowledged: gone from the outbox, and never sent again.
  EXPECT_EQ(*notifier->outbox()->CountEvents(), 0);
  notifier->Shutdown();
  EXPECT_EQ(receiver->attempts(), 1);
}

TEST(WebhookNotifierTest, RetriesAfterServerErrorsThenDeliversOnce) {
  testing::TempDir dir;
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->FailNext(3, 500);
  auto notifier = StartNotifier(dir.path(), {WebhookSpec(receiver->url())});
  ASSERT_TRUE(notifier->Publish(TestEvent(1)).ok());
  ASSERT_EQ(*notifier->Drain(10000), 0);
  EXPECT_EQ(receiver->attempts(), 4);
  EXPECT_EQ(receiver->Received().size(), 1u);
}

TEST(WebhookNotifierTest, TooManyRequestsIsRetriedButNotFoundIsPermanent) {
  testing::TempDir dir;
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->FailNext(1, 429);
  auto notifier = StartNotifier(dir.path(), {WebhookSpec(receiver->url())});
  ASSERT_TRUE(notifier->Publish(TestEvent(1)).ok());
  ASSERT_EQ(*notifier->Drain(10000), 0);
  EXPECT_EQ(receiver->Received().size(), 1u);

  receiver->FailNext(1, 404);
  ASSERT_TRUE(notifier->Publish(TestEvent(2)).ok());
  ASSERT_EQ(*notifier->Drain(10000), 0);  // nothing pending: it failed
  EXPECT_EQ(receiver->attempts(), 3);     // 429, 200, 404: no retry of the 404
  EXPECT_EQ(CountIn(notifier->outbox(), DeliveryState::kFailed), 1);
  auto list = notifier->outbox()->List(10);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].event_id, EventId(TestEvent(2)));
  EXPECT_NE((*list)[0].last_error.find("HTTP 404"), std::string::npos);
}

TEST(WebhookNotifierTest, GivesUpAfterTheBudgetAndKeepsTheEvent) {
  testing::TempDir dir;
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->FailNext(1000, 503);
  NotifierOptions options = FastOptions();
  options.retry.max_attempts = 3;
  std::vector<std::string> logged;
  std::mutex log_mu;
  options.log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    logged.push_back(line);
  };
  auto notifier = StartNotifier(dir.path(), {WebhookSpec(receiver->url())}, options);
  ASSERT_TRUE(notifier->Publish(TestEvent(1)).ok());
  ASSERT_EQ(*notifier->Drain(10000), 0);
  notifier->Shutdown();
  EXPECT_EQ(receiver->attempts(), 3);
  EXPECT_EQ(CountIn(notifier->outbox(), DeliveryState::kFailed), 1);
  EXPECT_EQ(*notifier->outbox()->CountEvents(), 1);
  std::lock_guard<std::mutex> lock(log_mu);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("after 3 attempt(s)"), std::string::npos) << logged[0];
}

TEST(WebhookNotifierTest, ReceiverDownThenUpGetsEachEventExactlyOnce) {
  testing::TempDir dir;
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  const int port = receiver->port();
  const std::string url = receiver->url();
  receiver.reset();  // down
  auto notifier = StartNotifier(dir.path(), {WebhookSpec(url)});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(notifier->Publish(TestEvent(i)).ok());
  EXPECT_EQ(*notifier->Drain(300), 3);  // connection refused, backing off
  auto list = notifier->outbox()->List(10);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_GE((*list)[0].attempts, 1);
  EXPECT_FALSE((*list)[0].last_error.empty());

  receiver = WebhookReceiver::Start(port);  // up again
  ASSERT_NE(receiver, nullptr);
  ASSERT_EQ(*notifier->Drain(10000), 0);
  notifier->Shutdown();
  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 3u);
  std::set<std::string> ids;
  for (const auto& r : received) ids.insert(r.event_id);
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(receiver->attempts(), 3);
  EXPECT_EQ(*notifier->outbox()->CountEvents(), 0);
}

// The publishing process stops with the event undelivered; a new process
// on the same state folder delivers it, once; a third delivers nothing.
TEST(WebhookNotifierTest, ANewProcessDeliversWhatTheLastOneLeft) {
  testing::TempDir dir;
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  const int port = receiver->port();
  const std::string spec = WebhookSpec(receiver->url());
  receiver.reset();
  {
    auto first = StartNotifier(dir.path(), {spec});
    ASSERT_TRUE(first->Publish(TestEvent(7)).ok());
    EXPECT_EQ(*first->Drain(200), 1);
  }  // shut down: the event stays pending
  receiver = WebhookReceiver::Start(port);
  ASSERT_NE(receiver, nullptr);
  {
    auto second = StartNotifier(dir.path(), {spec});
    ASSERT_EQ(*second->Drain(10000), 0);
  }
  {
    auto third = StartNotifier(dir.path(), {spec});
    EXPECT_EQ(*third->Drain(300), 0);
  }
  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event_id, EventId(TestEvent(7)));
  EXPECT_EQ(receiver->attempts(), 1);
}

TEST(WebhookNotifierTest, AHangingTargetBlocksNeitherOthersNorShutdown) {
  testing::TempDir dir;
  auto slow = WebhookReceiver::Start();
  auto fast = WebhookReceiver::Start();
  ASSERT_NE(slow, nullptr);
  ASSERT_NE(fast, nullptr);
  slow->SetHang(true);
  NotifierOptions options = FastOptions();
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir.path());
  ASSERT_TRUE(outbox.ok());
  std::vector<std::unique_ptr<Target>> targets;
  TargetOptions patient;  // the hang outlasts the test unless cancelled
  patient.request_timeout_ms = 60000;
  targets.push_back(std::move(MakeTarget(WebhookSpec(slow->url()), patient)).value());
  targets.push_back(std::move(MakeTarget(WebhookSpec(fast->url()), patient)).value());
  auto notifier = Notifier::Start(std::move(outbox).value(), std::move(targets), options);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(notifier->Publish(TestEvent(i)).ok());
  EXPECT_TRUE(fast->WaitForReceived(3, 10000));
  // Received is recorded before the answer: wait for the acknowledgements.
  EXPECT_TRUE(WaitUntil(
      [&] {
        return CountIn(notifier->outbox(), DeliveryState::kPending, {WebhookSpec(fast->url())}) ==
               0;
      },
      10000));
  EXPECT_EQ(slow->Received().size(), 0u);
  EXPECT_TRUE(WaitUntil([&] { return slow->attempts() == 1; }, 5000));
  const auto start = std::chrono::steady_clock::now();
  notifier->Shutdown();  // cancels the hanging request
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  // The slow target's three events are still owed, none lost.
  EXPECT_EQ(CountIn(notifier->outbox(), DeliveryState::kPending, {WebhookSpec(slow->url())}), 3);
  EXPECT_EQ(CountIn(notifier->outbox(), DeliveryState::kPending, {WebhookSpec(fast->url())}), 0);
  slow->SetHang(false);
}

TEST(WebhookNotifierTest, PublishAfterShutdownFailsAndStoresNothing) {
  testing::TempDir dir;
  auto notifier = StartNotifier(dir.path(), {WebhookSpec("http://127.0.0.1:1/x")});
  notifier->Shutdown();
  notifier->Shutdown();  // idempotent
  Status st = notifier->Publish(TestEvent(1));
  EXPECT_EQ(st.code(), Code::kFailedPrecondition);
  EXPECT_EQ(*notifier->outbox()->CountEvents(), 0);
}

TEST(WebhookNotifierTest, ManyPublishersFromManyThreads) {
  testing::TempDir dir;
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  auto notifier = StartNotifier(dir.path(), {WebhookSpec(receiver->url())});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) EXPECT_TRUE(notifier->Publish(TestEvent(t * 100 + i)).ok());
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(*notifier->Drain(20000), 0);
  auto received = receiver->Received();
  EXPECT_EQ(received.size(), 40u);
  std::set<std::string> ids;
  for (const auto& r : received) ids.insert(r.event_id);
  EXPECT_EQ(ids.size(), 40u);
}

TEST(WebhookNotifierTest, AnnounceHeadsTheObjectAndPublishesIt) {
  testing::TempDir dir;
  const std::string content = "00112233445566778899aabbccddeeff\n";
  testing::WriteFile(dir.Sub("root/dst/inv/src/cfg/2024-01-01T00-00Z/manifest.checksum"), content);
  store::LocalStoreOptions store_options;
  store_options.root = dir.Sub("root");
  auto store = store::LocalStore::Open(store_options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  auto notifier = StartNotifier(dir.Sub("state"), {WebhookSpec(receiver->url())});
  ReportObject object;
  object.destination = store->get();
  object.bucket = "dst";
  object.key = "inv/src/cfg/2024-01-01T00-00Z/manifest.checksum";
  object.configuration_id = "cfg";
  object.region = "ap-south-1";
  ASSERT_TRUE(notifier->Announce(object).ok());
  ASSERT_EQ(*notifier->Drain(10000), 0);
  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 1u);
  Result<testing::ParsedS3Event> ev = testing::ParseS3Event(received[0].body);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->size, static_cast<int64_t>(content.size()));
  EXPECT_EQ(ev->etag, Md5Hex(content));
  EXPECT_EQ(ev->aws_region, "ap-south-1");
  EXPECT_EQ(ev->key, object.key);

  object.key = "inv/src/cfg/missing/manifest.checksum";
  Status missing = notifier->Announce(object);
  EXPECT_EQ(missing.code(), Code::kNotFound) << missing.ToString();
  EXPECT_EQ(*notifier->outbox()->CountEvents(), 0);
}

TEST(WebhookTargetTest, RejectsMalformedSpecs) {
  for (const std::string& spec :
       {std::string("webhook ftp://x/"), std::string("webhook "), std::string("webhook http://"),
        std::string("webhook 127.0.0.1:80/x"), std::string("smtp a@b"),
        std::string("nats nats://127.0.0.1:4222"), std::string("nats http://x subj"),
        std::string("nats nats://127.0.0.1:4222 a b"), std::string("nats nats://h:1 a.*"),
        std::string("nats nats://h:1 a..b")}) {
    Result<std::unique_ptr<Target>> target = MakeTarget(spec);
    ASSERT_FALSE(target.ok()) << spec;
    EXPECT_EQ(target.status().code(), Code::kInvalidArgument) << spec;
  }
  EXPECT_TRUE(MakeTarget("webhook https://example.invalid:8443/hook?x=1").ok());
  EXPECT_TRUE(MakeTarget("nats nats://127.0.0.1:4222 inventory.reports").ok());
}

}  // namespace
}  // namespace stocktake::notify
