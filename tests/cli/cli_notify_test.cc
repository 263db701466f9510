// Report notifications end to end with the built binary on local folders:
// `scan` and `run` announce each report (its manifest.checksum) to a real
// webhook receiver and a real nats-server JetStream stream, exactly once;
// an event left pending by a process whose receiver was down is delivered
// exactly once by `stocktake notify flush`, by the next scan, or by `serve`
// starting; `notify status` shows what is owed; bad --notify-* flags fail
// with one line, exit 2, and write nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "base/hash.h"
#include "base/url.h"
#include "cli_test_util.h"
#include "notify/outbox.h"
#include "testing/daemon.h"
#include "testing/nats_server.h"
#include "testing/s3_event.h"
#include "testing/webhook_receiver.h"

namespace stocktake::cli_test {
namespace {

using testing::ParsedS3Event;
using testing::TempDir;
using testing::WebhookReceiver;
using testing::WriteFile;

constexpr char kStream[] = "INVENTORY";
constexpr char kSubject[] = "inventory.reports";

class CliNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(Est("src/a.txt"), "hello");
    WriteFile(Est("src/dir/b b.bin"), std::string(3000, 'b'));
    std::filesystem::create_directories(Est("dst"));
  }
  std::string Est(const std::string& rel = "") const { return tmp_.Sub("est/" + rel); }
  std::string State() const { return tmp_.Sub("state"); }
  testing::RunResult Run(const std::vector<std::string>& args) { return Stocktake(State(), args); }
  // scan est/src into dst under a prefix with a space, '+' and '%'.
  testing::RunResult Scan(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"scan",     "--local",  Est(),
                                     Est("src"), "--dest",   Est("dst/my reports+1%"),
                                     "--region", "eu-west-1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }
  // The manifest.checksum keys under dst, relative to the bucket folder.
  std::vector<std::string> ChecksumKeys() const {
    std::vector<std::string> keys;
    for (const std::string& manifest : FindManifests(Est("dst"))) {
      std::string checksum = manifest.substr(0, manifest.size() - 4) + "checksum";
      keys.push_back(std::filesystem::relative(checksum, Est("dst")).string());
    }
    return keys;
  }
  // Checks the event announces dst/<key> as it is on disk.
  void ExpectEventFor(const std::string& body, const std::string& key,
                      const std::string& config_id) {
    Result<ParsedS3Event> ev = testing::ParseS3Event(body);
    ASSERT_TRUE(ev.ok()) << ev.status().ToString() << "\n" << body;
    EXPECT_EQ(ev->event_name, "ObjectCreated:Put");
    EXPECT_EQ(ev->event_source, "aws:s3");
    EXPECT_EQ(ev->event_version, "2.1");
    EXPECT_EQ(ev->bucket_name, "dst");
    EXPECT_EQ(ev->bucket_arn, "arn:aws:s3:::dst");
    EXPECT_EQ(ev->key, InventoryKeyEncode(key));
    EXPECT_EQ(ev->configuration_id, config_id);
    const std::string content = testing::ReadFile(Est("dst/" + key));
    EXPECT_EQ(ev->size, static_cast<int64_t>(content.size()));
    EXPECT_EQ(ev->etag, Md5Hex(content));
    EXPECT_FALSE(ev->has_version_id);
  }

  TempDir tmp_;
};

TEST_F(CliNotifyTest, ScanAnnouncesItsReportOnceToAWebhook) {
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  testing::RunResult r = Scan({"--notify-webhook", receiver->url()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> keys = ChecksumKeys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].rfind("my reports+1%/src/scan/", 0), 0u) << keys[0];
  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(receiver->attempts(), 1);
  EXPECT_EQ(received[0].content_type, "application/json");
  ExpectEventFor(received[0].body, keys[0], "scan");
  Result<ParsedS3Event> ev = testing::ParseS3Event(received[0].body);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->key.rfind("my+reports%2B1%25/src/scan/", 0), 0u) << ev->key;
  EXPECT_EQ(ev->aws_region, "eu-west-1");
  EXPECT_EQ(ev->request_id, received[0].event_id);
  testing::RunResult status = Run({"notify", "status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out, "no pending or failed notifications\n");
}

TEST_F(CliNotifyTest, ScanAnnouncesToNatsJetStream) {
  auto nats = testing::NatsServer::Start();
  ASSERT_NE(nats, nullptr);
  ASSERT_TRUE(nats->AddStream(kStream, kSubject).ok());
  testing::RunResult r = Scan({"--notify-nats", nats->url(), "--notify-nats-subject", kSubject});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto messages = nats->Consume(kStream, kSubject);
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  ASSERT_EQ(messages->size(), 1u);
  const std::vector<std::string> keys = ChecksumKeys();
  ASSERT_EQ(keys.size(), 1u);
  ExpectEventFor((*messages)[0].data, keys[0], "scan");
  Result<ParsedS3Event> ev = testing::ParseS3Event((*messages)[0].data);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ((*messages)[0].msg_id, ev->request_id);
}

TEST_F(CliNotifyTest, RunAnnouncesEveryStoredReportToEveryTarget) {
  for (const std::string id : {"r1", "r2"}) {
    WriteFile(tmp_.Sub(id + ".xml"),
              "<InventoryConfiguration><Id>" + id +
                  "</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination><Bucket>"
                  "arn:aws:s3:::dst</Bucket><Format>CSV</Format><Prefix>inv</Prefix>"
                  "<AccountId>123456789012</AccountId></S3BucketDestination></Destination>"
                  "<Schedule><Frequency>Daily</Frequency></Schedule><IncludedObjectVersions>"
                  "Current</IncludedObjectVersions></InventoryConfiguration>");
    ASSERT_EQ(Run({"inventory", "put", "--local", Est(), "--bucket", "src", "--file",
                   tmp_.Sub(id + ".xml")})
                  .exit_code,
              0);
  }
  auto receiver = WebhookReceiver::Start();
  auto nats = testing::NatsServer::Start();
  ASSERT_NE(receiver, nullptr);
  ASSERT_NE(nats, nullptr);
  ASSERT_TRUE(nats->AddStream(kStream, kSubject).ok());
  testing::RunResult r = Run({"run", "--local", Est(), "--all", "--notify-webhook", receiver->url(),
                              "--notify-nats", nats->url(), "--notify-nats-subject", kSubject});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> keys = ChecksumKeys();
  ASSERT_EQ(keys.size(), 2u);
  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 2u);
  auto messages = nats->Consume(kStream, kSubject);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u);
  std::set<std::string> webhook_bodies, nats_bodies;
  for (size_t i = 0; i < 2; ++i) {
    webhook_bodies.insert(received[i].body);
    nats_bodies.insert((*messages)[i].data);
  }
  EXPECT_EQ(webhook_bodies, nats_bodies);  // the same event JSON to both
  for (const std::string& body : webhook_bodies) {
    Result<ParsedS3Event> ev = testing::ParseS3Event(body);
    ASSERT_TRUE(ev.ok());
    const std::string key = *UrlDecode(ev->key, true);
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
    ExpectEventFor(body, key, key.substr(0, 8) == "inv/src/" ? key.substr(8, 2) : "?");
    EXPECT_EQ(ev->bucket_owner, "123456789012");
    EXPECT_EQ(ev->user_principal_id, "123456789012");
  }
}

// The scan's receiver is down: the report is written, exit 0, the event
// stays owed; `notify status` shows it; `notify flush` delivers it once;
// a second flush has nothing to do.
TEST_F(CliNotifyTest, FlushDeliversWhatAScanLeftPendingExactlyOnce) {
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  const int port = receiver->port();
  const std::string url = receiver->url();
  receiver->Stop();
  testing::RunResult r = Scan({"--notify-webhook", url, "--notify-wait", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 event delivery(ies) still pending"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("notify flush"), std::string::npos) << r.err;
  ASSERT_EQ(ChecksumKeys().size(), 1u);

  testing::RunResult status = Run({"notify", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("\tpending\t"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("webhook " + url), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("s3://dst/my+reports%2B1%25/src/scan/"), std::string::npos);
  EXPECT_NE(status.out.find("1 pending, 0 failed"), std::string::npos) << status.out;

  receiver = WebhookReceiver::Start(port);
  ASSERT_NE(receiver, nullptr);
  testing::RunResult flush = Run({"notify", "flush"});
  ASSERT_EQ(flush.exit_code, 0) << flush.err;
  EXPECT_EQ(flush.out, "delivered 1, 0 pending, 0 failed\n");
  ASSERT_EQ(receiver->Received().size(), 1u);
  ExpectEventFor(receiver->Received()[0].body, ChecksumKeys()[0], "scan");

  testing::RunResult again = Run({"notify", "flush"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "no pending or failed notifications\n");
  EXPECT_EQ(Run({"notify", "status"}).out, "no pending or failed notifications\n");
  EXPECT_EQ(receiver->attempts(), 1);
}

TEST_F(CliNotifyTest, TheNextScanDeliversTheLeftoverEventToo) {
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  const int port = receiver->port();
  const std::string url = receiver->url();
  receiver->Stop();
  ASSERT_EQ(Scan({"--notify-webhook", url, "--notify-wait", "1", "--id", "first"}).exit_code, 0);
  receiver = WebhookReceiver::Start(port);
  ASSERT_NE(receiver, nullptr);
  testing::RunResult r = Scan({"--notify-webhook", url, "--id", "second"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto received = receiver->Received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(receiver->attempts(), 2);
  std::set<std::string> configs;
  for (const auto& request : received) {
    Result<ParsedS3Event> ev = testing::ParseS3Event(request.body);
    ASSERT_TRUE(ev.ok());
    configs.insert(ev->configuration_id);
  }
  EXPECT_EQ(configs, (std::set<std::string>{"first", "second"}));
  EXPECT_EQ(Run({"notify", "status"}).out, "no pending or failed notifications\n");
}

TEST_F(CliNotifyTest, ServeStartingDeliversTheLeftoverEventOnce) {
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  const int port = receiver->port();
  const std::string url = receiver->url();
  receiver->Stop();
  ASSERT_EQ(Scan({"--notify-webhook", url, "--notify-wait", "0"}).exit_code, 0);
  receiver = WebhookReceiver::Start(port);
  ASSERT_NE(receiver, nullptr);
  auto daemon = testing::Daemon::Start(
      {"--state", State(), "-q", "serve", "--local", Est(), "--listen", "127.0.0.1:0", "--account",
       "123456789012:AKIDNOTIFY:secret", "--notify-webhook", url},
      tmp_.path());
  ASSERT_NE(daemon, nullptr);
  EXPECT_TRUE(receiver->WaitForReceived(1, 20000)) << daemon->Log();
  // The receiver records before it answers: wait for the daemon to take
  // the acknowledgement (bounded), then stop it.
  Result<std::unique_ptr<notify::Outbox>> outbox = notify::Outbox::Open(State());
  ASSERT_TRUE(outbox.ok());
  for (int i = 0; i < 200 && *(*outbox)->CountEvents() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(daemon->Stop(), 0) << daemon->Log();
  ASSERT_EQ(receiver->Received().size(), 1u);
  EXPECT_EQ(receiver->attempts(), 1);
  ExpectEventFor(receiver->Received()[0].body, ChecksumKeys()[0], "scan");
  EXPECT_EQ(Run({"notify", "status"}).out, "no pending or failed notifications\n");
}

TEST_F(CliNotifyTest, FlushKeepsWhatItCannotDeliverAndExitsUnavailable) {
  auto receiver = WebhookReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->FailNext(1000, 500);
  ASSERT_EQ(Scan({"--notify-webhook", receiver->url(), "--notify-wait", "0"}).exit_code, 0);
  testing::RunResult flush = Run({"notify", "flush", "--wait", "1"});
  EXPECT_EQ(flush.exit_code, 5) << flush.err;
  EXPECT_EQ(flush.out, "delivered 0, 1 pending, 0 failed\n");
  EXPECT_NE(flush.err.find("not acknowledged"), std::string::npos) << flush.err;
  testing::RunResult status = Run({"notify", "status"});
  EXPECT_NE(status.out.find("HTTP 500"), std::string::npos) << status.out;
  EXPECT_EQ(receiver->Received().size(), 0u);
}

TEST_F(CliNotifyTest, BadNotifyFlagsFailWithOneLineAndWriteNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string src = Est("src");
  const std::string dest = Est("dst/new");
  const std::vector<Case> cases = {
      {{"scan", src, "--dest", dest, "--notify-nats", "nats://127.0.0.1:1"},
       "--notify-nats and --notify-nats-subject go together"},
      {{"scan", src, "--dest", dest, "--notify-nats-subject", "x"},
       "--notify-nats and --notify-nats-subject go together"},
      {{"scan", src, "--dest", dest, "--notify-webhook", "ftp://host/x"},
       "webhook URL must start with http:// or https://"},
      {{"scan", src, "--dest", dest, "--notify-nats", "nats://127.0.0.1:1", "--notify-nats-subject",
        "a b"},
       "NATS subject 'a b'"},
      {{"scan", src, "--dest", dest, "--notify-nats", "http://127.0.0.1:1", "--notify-nats-subject",
        "s"},
       "NATS URL must be nats://"},
      {{"scan", src, "--dest", dest, "--notify-webhook", "http://127.0.0.1:1/", "--notify-wait",
        "-1"},
       "--notify-wait must be >= 0"},
      {{"run", "--local", Est(), "--all", "--notify-webhook", "not-a-url"},
       "webhook URL must start with"},
      {{"serve", "--local", Est(), "--listen", "127.0.0.1:0", "--account", "123456789012:AK:secret",
        "--notify-webhook", "not-a-url"},
       "webhook URL must start with"},
      {{"notify", "flush", "--wait", "-1"}, "--wait must be >= 0"},
      {{"notify", "frob"}, "frob"},
      {{"notify"}, ""},
  };
  for (const Case& c : cases) {
    const auto before = Snapshot(Est());
    testing::RunResult r = Run(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << c.message << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(Snapshot(Est()), before) << c.message;
  }
}

}  // namespace
}  // namespace stocktake::cli_test
