// End-to-end against the real S3 server: `stocktake scan s3://... --dest
// s3://dst/<prefix with a space> --notify-webhook URL --notify-nats ...`
// announces the report's manifest.checksum with the size and ETag the S3
// server reports for it (HEAD through an independent S3Store), exactly once
// to each target.
#include <gtest/gtest.h>

#include "base/url.h"
#include "testing/nats_server.h"
#include "testing/s3_e2e.h"
#include "testing/s3_event.h"
#include "testing/webhook_receiver.h"

namespace stocktake::testing {
namespace {

class NotifyS3Test : public S3EndToEndTest {};

TEST_F(NotifyS3Test, ScanToS3AnnouncesTheChecksumObjectAsS3HasIt) {
  const std::string src = NewBucket("notify-src");
  const std::string dst = NewBucket("notify-dst");
  PutAll(src, {"a", "b c", "d+e"}, [](const std::string& key) { return "body " + key; });
  auto receiver = WebhookReceiver::Start();
  auto nats = NatsServer::Start();
  ASSERT_NE(receiver, nullptr);
  ASSERT_NE(nats, nullptr);
  ASSERT_TRUE(nats->AddStream("INVENTORY", "inventory.reports").ok());

  RunResult run =
      Stocktake({"scan", "s3://" + src, "--dest", "s3://" + dst + "/my reports", "--endpoint-url",
                 server_->endpoint(), "--region", "us-east-1", "--notify-webhook", receiver->url(),
                 "--notify-nats", nats->url(), "--notify-nats-subject", "inventory.reports"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");

  FetchedReport report = Report(dst, "my reports", src, "scan");
  std::string checksum_key = report.manifest_key;
  checksum_key.replace(checksum_key.size() - 4, 4, "checksum");  // manifest.json -> .checksum
  Result<store::ObjectInfo> head = store_->Head(dst, checksum_key);
  ASSERT_TRUE(head.ok()) << head.status().ToString();

  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 1u);
  auto messages = nats->Consume("INVENTORY", "inventory.reports");
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].data, received[0].body);

  Result<ParsedS3Event> ev = ParseS3Event(received[0].body);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->bucket_name, dst);
  EXPECT_EQ(ev->bucket_arn, "arn:aws:s3:::" + dst);
  EXPECT_EQ(ev->key, InventoryKeyEncode(checksum_key));
  EXPECT_EQ(ev->key.rfind("my+reports/" + src + "/scan/", 0), 0u) << ev->key;
  EXPECT_EQ(ev->size, head->size);
  EXPECT_EQ(ev->size, 33);  // 32 hex characters and a newline
  EXPECT_EQ(ev->etag, head->etag);
  EXPECT_EQ(ev->aws_region, "us-east-1");
  EXPECT_EQ(ev->event_name, "ObjectCreated:Put");
  EXPECT_EQ(ev->request_id, received[0].event_id);
  EXPECT_EQ((*messages)[0].msg_id, received[0].event_id);
}

}  // namespace
}  // namespace stocktake::testing
