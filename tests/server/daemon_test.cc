// End-to-end tests of the daemon beyond the S3 API: the TOML configuration,
// remote runs, the run history, /healthz and /metrics, and shutdown during a
// run. Each starts `stocktake serve` and talks to it with real clients.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "serve_test_util.h"
#include "testing/nats_server.h"
#include "testing/s3_event.h"
#include "testing/webhook_receiver.h"

namespace stocktake::server {
namespace {

constexpr char kConfigXml[] =
    "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Id>daily</Id><IsEnabled>true</IsEnabled>"
    "<Destination><S3BucketDestination><Bucket>arn:aws:s3:::dest</Bucket>"
    "<Format>CSV</Format><Prefix>inv</Prefix></S3BucketDestination></Destination>"
    "<Schedule><Frequency>Daily</Frequency></Schedule>"
    "<IncludedObjectVersions>Current</IncludedObjectVersions>"
    "<OptionalFields><Field>Size</Field><Field>ETag</Field></OptionalFields>"
    "</InventoryConfiguration>";

class DaemonTest : public ServeTest {
 protected:
  // Puts configuration "daily" on src through the AWS CLI.
  void PutDailyConfig() {
    testing::WriteFile(dir_.Sub("config.xml"), kConfigXml);
    testing::RunResult put =
        Aws({"s3api", "put-bucket-inventory-configuration", "--bucket", "src", "--id", "daily",
             "--inventory-configuration",
             "{\"Id\":\"daily\",\"IsEnabled\":true,\"Destination\":{\"S3BucketDestination\":{"
             "\"Bucket\":\"arn:aws:s3:::dest\",\"Format\":\"CSV\",\"Prefix\":\"inv\"}},"
             "\"Schedule\":{\"Frequency\":\"Daily\"},\"IncludedObjectVersions\":\"Current\","
             "\"OptionalFields\":[\"Size\",\"ETag\"]}"});
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }

  void PutObjects(int count, int size = 3) {
    for (int i = 0; i < count; ++i) {
      testing::WriteFile(dir_.Sub("root/src/obj/" + std::to_string(i)), std::string(size, 'x'));
    }
  }

  testing::RunResult Stocktake(std::vector<std::string> args,
                               std::vector<std::pair<std::string, std::string>> env = {}) const {
    testing::RunOptions options = ClientEnv();
    for (auto& kv : env) options.env.push_back(std::move(kv));
    args.insert(args.begin(), {"--state", dir_.Sub("state")});
    return testing::RunStocktake(args, options);
  }

  testing::RunResult RemoteRun(const std::string& bucket, const std::string& id,
                               std::vector<std::pair<std::string, std::string>> env = {}) const {
    return Stocktake({"run", "--remote", daemon_->url(), "--bucket", bucket, "--id", id},
                     std::move(env));
  }

  std::string Curl(const std::string& path) const {
    testing::RunResult r = testing::RunProgram({"curl", "-s", daemon_->url() + path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

bool OneLine(const std::string& err) {
  return !err.empty() && err.find('\n') == err.size() - 1;
}

TEST_F(DaemonTest, ConfigFileSetsStoresAccountsAndOwnership) {
  for (const char* bucket : {"root/src", "root/dest", "root/shared"}) {
    std::filesystem::create_directories(dir_.Sub(bucket));
  }
  const std::string config = dir_.Sub("serve.toml");
  testing::WriteFile(config, "listen = \"127.0.0.1:0\"\nlog_format = \"json\"\n"
                             "[[stores]]\nlocal = \"" + dir_.Sub("root") +
                                 "\"\nregion = \"eu-west-1\"\n"
                                 "[[accounts]]\nid = \"123456789012\"\naccess_key = \"" +
                                 kMainKey + "\"\nsecret_key = \"" + kMainSecret +
                                 "\"\n[[accounts]]\nid = \"210987654321\"\naccess_key = \"" +
                                 kOtherKey + "\"\nsecret_key = \"" + kOtherSecret +
                                 "\"\nbuckets = [\"shared\"]\n");
  StartWith({"serve", "--config", config, "--state", dir_.Sub("state")});
  testing::RunResult mine = Aws({"s3api", "list-buckets", "--query", "Buckets[].Name"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_EQ(CanonicalJson(mine.out), CanonicalJson(R"(["dest", "src"])"));
  testing::RunOptions other = ClientEnv();
  other.env.emplace_back("AWS_ACCESS_KEY_ID", kOtherKey);
  other.env.emplace_back("AWS_SECRET_ACCESS_KEY", kOtherSecret);
  testing::RunResult theirs = testing::RunProgram(
      {"/usr/bin/aws", "s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "json",
       "--endpoint-url", daemon_->url()},
      other);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(CanonicalJson(theirs.out), CanonicalJson(R"(["shared"])"));
  testing::RunResult location = Aws({"s3api", "get-bucket-location", "--bucket", "src"});
  EXPECT_EQ(CanonicalJson(location.out), CanonicalJson(R"({"LocationConstraint": "eu-west-1"})"));
  EXPECT_EQ(daemon_->Stop(), 0);
  // log_format = "json": one JSON object per request line.
  const std::string log = daemon_->Log();
  EXPECT_NE(log.find("{\"ts\":\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"http.request\",\"method\":\"GET\",\"path\":\"/\","
                     "\"operation\":\"ListBuckets\",\"status\":\"200\""),
            std::string::npos)
      << log;
}

TEST_F(DaemonTest, BadConfigFilesAreOneLineUsageErrors) {
  const std::string config = dir_.Sub("bad.toml");
  testing::WriteFile(config, "listen = \"127.0.0.1:0\"\n[[stores]]\nlocal = \"/x\"\nregoin = \"eu\"\n");
  testing::RunResult r = testing::RunStocktake({"serve", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(OneLine(r.err)) << r.err;
  EXPECT_NE(r.err.find(config + ":4: stores[0].regoin: unknown key"), std::string::npos) << r.err;

  testing::WriteFile(config, "listen = [\n");
  r = testing::RunStocktake({"serve", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(OneLine(r.err)) << r.err;
  EXPECT_NE(r.err.find(config + ":"), std::string::npos) << r.err;

  r = testing::RunStocktake({"serve", "--config", config, "--local", dir_.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(OneLine(r.err)) << r.err;

  r = testing::RunStocktake({"serve", "--config", dir_.Sub("missing.toml")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(OneLine(r.err)) << r.err;

  r = testing::RunStocktake({"serve", "--local", dir_.path(), "--account",
                             "123456789012:K:S", "--schedule-time", "7pm"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--schedule-time"), std::string::npos) << r.err;

  for (const char* flag : {"--list-concurrency", "--connections", "--connect-timeout",
                           "--read-timeout", "--max-attempts"}) {
    r = testing::RunStocktake({"serve", "--local", dir_.path(), "--account", "123456789012:K:S",
                               flag, "-3"});
    EXPECT_EQ(r.exit_code, 2) << flag;
    EXPECT_TRUE(OneLine(r.err)) << r.err;
    EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
  }
}

TEST_F(DaemonTest, RemoteRunDeliversTheReportAndRecordsIt) {
  PutObjects(3);
  StartDaemon({"--no-scheduler"});
  PutDailyConfig();
  testing::RunResult run = RemoteRun("src", "daily");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("remote run src/daily: 3 objects, 9 B -> ", 0), 0u) << run.out;
  const std::string manifest = run.out.substr(run.out.find("-> ") + 3, run.out.size() - run.out.find("-> ") - 4);
  EXPECT_TRUE(std::filesystem::exists(manifest)) << manifest;
  EXPECT_NE(manifest.find("/dest/inv/src/daily/"), std::string::npos) << manifest;
  const std::string checksum = manifest.substr(0, manifest.rfind('/')) + "/manifest.checksum";
  EXPECT_TRUE(std::filesystem::exists(checksum)) << checksum;

  testing::RunResult runs = Stocktake({"runs"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_NE(runs.out.find("src/daily"), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find(" remote "), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find(" succeeded "), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find(manifest), std::string::npos) << runs.out;
  testing::RunResult json = Stocktake({"runs", "--bucket", "src", "--id", "daily", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  testing::RunOptions py;
  py.stdin_data = json.out;
  testing::RunResult fields = testing::RunProgram(
      {"/usr/bin/python3", "-c",
       "import json,sys; r=json.load(sys.stdin); assert len(r)==1, r; r=r[0]; "
       "print(r['status'], r['trigger'], r['objects'], r['bytes'], r['report'], "
       "r['ended_at_ms'] >= r['started_at_ms'] > 0)"},
      py);
  EXPECT_EQ(fields.out, "succeeded remote 3 9 " + manifest + " True\n") << fields.err;
  EXPECT_EQ(Stocktake({"runs", "--bucket", "dest"}).out, "no runs\n");
  EXPECT_EQ(Stocktake({"runs", "--limit", "0"}).exit_code, 2);
  EXPECT_EQ(Stocktake({"runs", "--id", "daily"}).exit_code, 2);

  EXPECT_EQ(Curl("/healthz"), "ok\n");
  const std::string metrics = Curl("/metrics");
  for (const char* line : {
           "stocktake_runs_total{status=\"succeeded\"} 1\n",
           "stocktake_runs_total{status=\"failed\"} 0\n",
           "stocktake_objects_listed_total 3\n",
           "stocktake_bytes_listed_total 9\n",
           "stocktake_run_duration_seconds_count 1\n",
           "stocktake_run_duration_seconds_bucket{le=\"+Inf\"} 1\n",
           "stocktake_run_queue_size 0\n",
           "stocktake_runs_in_progress 0\n",
           "# TYPE stocktake_run_duration_seconds histogram\n",
           "stocktake_http_requests_total{operation=\"PutBucketInventoryConfiguration\",code=\"200\"} 1\n",
           "stocktake_http_requests_total{operation=\"StocktakeRun\",code=\"200\"} 1\n",
           "stocktake_http_requests_total{operation=\"Healthz\",code=\"200\"} 1\n",
       }) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " not in\n" << metrics;
  }
  EXPECT_EQ(daemon_->Stop(), 0);
  const std::string log = daemon_->Log();
  EXPECT_NE(log.find("event=run.end run_id=1 bucket=src id=daily trigger=remote status=succeeded "
                     "objects=3 bytes=9"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("event=http.request method=POST path=/_stocktake/run operation=StocktakeRun "
                     "status=200"),
            std::string::npos)
      << log;
}

// Issue 6: a webhook and a real nats-server each get exactly one event per
// delivered report, also when the webhook is down across a daemon restart.
TEST_F(DaemonTest, EveryDeliveredReportIsAnnouncedOnceToWebhookAndNats) {
  std::unique_ptr<testing::WebhookReceiver> hook = testing::WebhookReceiver::Start();
  ASSERT_NE(hook, nullptr);
  std::unique_ptr<testing::NatsServer> nats = testing::NatsServer::Start();
  ASSERT_NE(nats, nullptr);
  ASSERT_TRUE(nats->AddStream("INVENTORY", "inventory.reports").ok());
  const std::vector<std::string> notify = {"--no-scheduler", "--notify-webhook", hook->url(),
                                           "--notify-nats", nats->url(), "--notify-nats-subject",
                                           "inventory.reports"};
  PutObjects(2);
  StartDaemon(notify);
  PutDailyConfig();

  // Report 1: both targets up.
  testing::RunResult first = RemoteRun("src", "daily");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_TRUE(hook->WaitForReceived(1, 30000));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // nothing else may follow
  EXPECT_EQ(hook->Received().size(), 1u);

  // Report 2 while the webhook is down; the daemon stops before it comes back.
  const int hook_port = hook->port();
  hook->Stop();
  PutObjects(3);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // a new ETag for the new checksum
  testing::RunResult second = RemoteRun("src", "daily");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(daemon_->Stop(), 0);
  hook = testing::WebhookReceiver::Start(hook_port);
  ASSERT_NE(hook, nullptr);
  StartDaemon(notify);  // same state folder: the pending event is delivered now
  ASSERT_TRUE(hook->WaitForReceived(1, 30000));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // nothing else may follow
  EXPECT_EQ(daemon_->Stop(), 0);

  std::vector<testing::WebhookRequest> webhook = hook->Received();
  ASSERT_EQ(webhook.size(), 1u);  // after the restart: report 2 only
  Result<std::vector<testing::NatsMessage>> messages =
      nats->Consume("INVENTORY", "inventory.reports");
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  ASSERT_EQ(messages->size(), 2u);  // reports 1 and 2, once each
  EXPECT_NE((*messages)[0].msg_id, (*messages)[1].msg_id);
  EXPECT_EQ(webhook[0].event_id, (*messages)[1].msg_id);
  for (const std::string& body : {webhook[0].body, (*messages)[0].data, (*messages)[1].data}) {
    Result<testing::ParsedS3Event> event = testing::ParseS3Event(body);
    ASSERT_TRUE(event.ok()) << event.status().ToString() << "\n" << body;
    EXPECT_EQ(event->event_name, "ObjectCreated:Put");
    EXPECT_EQ(event->aws_region, kRegion);
    EXPECT_EQ(event->bucket_name, "dest");
    EXPECT_EQ(event->configuration_id, "daily");
    EXPECT_TRUE(event->key.starts_with("inv/src/daily/")) << event->key;
    EXPECT_TRUE(event->key.ends_with("/manifest.checksum")) << event->key;
    EXPECT_GT(event->size, 0);
  }
}

TEST_F(DaemonTest, RemoteRunErrorsAreOneLineWithExitCodes) {
  StartDaemon({"--no-scheduler"});
  PutDailyConfig();
  struct Case {
    std::string bucket, id;
    std::vector<std::pair<std::string, std::string>> env;
    int exit_code;
    std::string message;
  };
  const Case cases[] = {
      {"src", "nope", {}, 3, "NoSuchConfiguration"},
      {"nobucket", "daily", {}, 3, "NoSuchBucket"},
      {"src", "daily", {{"AWS_SECRET_ACCESS_KEY", "wrong"}}, 4, "SignatureDoesNotMatch"},
      {"src", "daily", {{"AWS_ACCESS_KEY_ID", "AKIDUNKNOWN"}}, 4, "InvalidAccessKeyId"},
      {"src", "daily", {{"AWS_ACCESS_KEY_ID", kOtherKey}, {"AWS_SECRET_ACCESS_KEY", kOtherSecret}},
       4, "AccessDenied"},
  };
  for (const Case& c : cases) {
    testing::RunResult r = RemoteRun(c.bucket, c.id, c.env);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.message << ": " << r.err;
    EXPECT_TRUE(OneLine(r.err)) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  testing::RunResult bad_url =
      Stocktake({"run", "--remote", "localhost:1", "--bucket", "src", "--id", "daily"});
  EXPECT_EQ(bad_url.exit_code, 2) << bad_url.err;
  EXPECT_TRUE(OneLine(bad_url.err)) << bad_url.err;
  testing::RunResult no_id = Stocktake({"run", "--remote", daemon_->url(), "--bucket", "src"});
  EXPECT_EQ(no_id.exit_code, 2) << no_id.err;

  const std::string url = daemon_->url();
  EXPECT_EQ(daemon_->Stop(), 0);
  testing::RunResult down =
      Stocktake({"run", "--remote", url, "--bucket", "src", "--id", "daily"});
  EXPECT_EQ(down.exit_code, 5) << down.err;
  EXPECT_TRUE(OneLine(down.err)) << down.err;
  EXPECT_NE(down.err.find("remote run src/daily"), std::string::npos) << down.err;
}

// SIGTERM while a report is being generated: the daemon exits 0, the run
// ends cancelled with nothing published (or, if it won the race, complete),
// and the waiting client is told.
TEST_F(DaemonTest, SigtermDuringARunAbandonsItCleanly) {
  PutObjects(20000, 1);
  StartDaemon({"--no-scheduler"});
  PutDailyConfig();
  testing::RunResult client;
  std::atomic<bool> client_done{false};
  std::thread waiter([&] {
    client = RemoteRun("src", "daily");
    client_done = true;
  });
  bool running = false;
  for (int attempt = 0; attempt < 600 && !running && !client_done; ++attempt) {  // ~60 s at most
    running = Stocktake({"runs", "--json"}).out.find("\"status\":\"running\"") != std::string::npos;
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(running || client_done) << "the run never started";
  EXPECT_EQ(daemon_->Stop(), 0);
  waiter.join();

  testing::RunResult runs = Stocktake({"runs", "--json"});
  ASSERT_EQ(runs.exit_code, 0);
  const bool cancelled = runs.out.find("\"status\":\"cancelled\"") != std::string::npos;
  const bool succeeded = runs.out.find("\"status\":\"succeeded\"") != std::string::npos;
  ASSERT_TRUE(cancelled != succeeded) << runs.out;
  std::printf("[   NOTE   ] the run ended %s\n", cancelled ? "cancelled" : "succeeded first");
  std::vector<std::string> published;
  if (std::filesystem::exists(dir_.Sub("root/dest/inv"))) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.Sub("root/dest/inv"))) {
      if (entry.is_regular_file()) published.push_back(entry.path().filename().string());
    }
  }
  if (cancelled) {
    EXPECT_TRUE(published.empty()) << published.size() << " files left, e.g. " << published[0];
    EXPECT_EQ(client.exit_code, 5) << client.err;
    EXPECT_NE(client.err.find("cancelled"), std::string::npos) << client.err;
  } else {
    EXPECT_NE(std::find(published.begin(), published.end(), "manifest.checksum"), published.end());
    EXPECT_EQ(client.exit_code, 0) << client.err;
  }
  EXPECT_NE(daemon_->Log().find("event=serve.stop"), std::string::npos);
}

}  // namespace
}  // namespace stocktake::server
