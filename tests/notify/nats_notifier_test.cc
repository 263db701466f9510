// The Notifier publishing to a real nats-server with JetStream: a consumer
// reads exactly one message per event with the event JSON and its
// Nats-Msg-Id; publishing without a stream stays pending until one exists;
// a server down then up gets each event once; JetStream drops a
// redelivered message id.
#include <gtest/gtest.h>

#include <set>

#include "notify/nats_target.h"
#include "notify_test_util.h"
#include "testing/nats_server.h"
#include "testing/s3_event.h"
#include "testing/temp_dir.h"

namespace stocktake::notify {
namespace {

using testing::NatsMessage;
using testing::NatsServer;

constexpr char kStream[] = "INVENTORY";
constexpr char kSubject[] = "inventory.reports";

class NatsNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = NatsServer::Start();
    ASSERT_NE(server_, nullptr);
  }

  std::vector<NatsMessage> Consume() {
    Result<std::vector<NatsMessage>> messages = server_->Consume(kStream, kSubject);
    EXPECT_TRUE(messages.ok()) << messages.status().ToString();
    return messages.ok() ? *messages : std::vector<NatsMessage>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<NatsServer> server_;
};

TEST_F(NatsNotifierTest, ConsumerReadsExactlyOneMessagePerEvent) {
  ASSERT_TRUE(server_->AddStream(kStream, kSubject).ok());
  auto notifier = StartNotifier(dir_.path(), {NatsSpec(server_->url(), kSubject)});
  std::vector<ReportEvent> events = {TestEvent(1), TestEvent(2), TestEvent(3)};
  for (const ReportEvent& event : events) ASSERT_TRUE(notifier->Publish(event).ok());
  ASSERT_EQ(*notifier->Drain(15000), 0);
  notifier->Shutdown();
  EXPECT_EQ(*notifier->outbox()->CountEvents(), 0);
  std::vector<NatsMessage> messages = Consume();
  ASSERT_EQ(messages.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(messages[i].subject, kSubject);
    EXPECT_EQ(messages[i].data, ToS3EventJson(events[i]));
    EXPECT_EQ(messages[i].msg_id, EventId(events[i]));
    Result<testing::ParsedS3Event> parsed = testing::ParseS3Event(messages[i].data);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->event_name, "ObjectCreated:Put");
    EXPECT_EQ(parsed->bucket_name, "dest");
  }
  EXPECT_EQ(*server_->StreamMessageCount(kStream), events.size());
}

TEST_F(NatsNotifierTest, WithoutAStreamTheEventWaitsUntilOneExists) {
  auto notifier = StartNotifier(dir_.path(), {NatsSpec(server_->url(), kSubject)});
  ASSERT_TRUE(notifier->Publish(TestEvent(1)).ok());
  EXPECT_EQ(*notifier->Drain(500), 1);
  auto list = notifier->outbox()->List(10);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_NE((*list)[0].last_error.find("no JetStream stream"), std::string::npos)
      << (*list)[0].last_error;
  ASSERT_TRUE(server_->AddStream(kStream, kSubject).ok());
  ASSERT_EQ(*notifier->Drain(15000), 0);
  notifier->Shutdown();
  EXPECT_EQ(Consume().size(), 1u);
}

TEST_F(NatsNotifierTest, ServerDownThenUpDeliversEachEventOnce) {
  ASSERT_TRUE(server_->AddStream(kStream, kSubject).ok());
  auto notifier = StartNotifier(dir_.path(), {NatsSpec(server_->url(), kSubject)});
  ASSERT_TRUE(notifier->Publish(TestEvent(1)).ok());
  ASSERT_EQ(*notifier->Drain(15000), 0);
  server_->Kill();
  ASSERT_TRUE(notifier->Publish(TestEvent(2)).ok());
  ASSERT_TRUE(notifier->Publish(TestEvent(3)).ok());
  EXPECT_EQ(*notifier->Drain(500), 2);
  ASSERT_TRUE(server_->Restart());  // same store: the stream and message 1 persist
  ASSERT_EQ(*notifier->Drain(15000), 0);
  notifier->Shutdown();
  std::vector<NatsMessage> messages = Consume();
  ASSERT_EQ(messages.size(), 3u);
  std::set<std::string> ids;
  for (const NatsMessage& m : messages) ids.insert(m.msg_id);
  EXPECT_EQ(ids, (std::set<std::string>{EventId(TestEvent(1)), EventId(TestEvent(2)),
                                        EventId(TestEvent(3))}));
}

TEST_F(NatsNotifierTest, JetStreamDropsARedeliveredMessageId) {
  ASSERT_TRUE(server_->AddStream(kStream, kSubject).ok());
  Result<std::unique_ptr<NatsTarget>> target =
      NatsTarget::Create(server_->url(), kSubject, FastTargetOptions());
  ASSERT_TRUE(target.ok());
  const std::string body = ToS3EventJson(TestEvent(1));
  // At-least-once: a crash between publish ack and outbox update resends.
  ASSERT_TRUE((*target)->Deliver("SAMEID0000000001", body).ok());
  ASSERT_TRUE((*target)->Deliver("SAMEID0000000001", body).ok());
  ASSERT_TRUE((*target)->Deliver("OTHERID000000002", body).ok());
  EXPECT_EQ(*server_->StreamMessageCount(kStream), 2u);
}

TEST_F(NatsNotifierTest, UnreachableServerIsRetryable) {
  const std::string url = server_->url();
  server_->Kill();
  Result<std::unique_ptr<NatsTarget>> target =
      NatsTarget::Create(url, kSubject, FastTargetOptions());
  ASSERT_TRUE(target.ok());
  Status st = (*target)->Deliver("ID", "{}");
  EXPECT_EQ(st.code(), Code::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find(url), std::string::npos);
  (*target)->Cancel();
  EXPECT_EQ((*target)->Deliver("ID", "{}").code(), Code::kCancelled);
}

}  // namespace
}  // namespace stocktake::notify
