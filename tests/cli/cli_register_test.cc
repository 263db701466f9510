// `stocktake register` and `stocktake ddl` end to end on local folders:
// reports made by `stocktake scan` into two regional collectors, one
// `register --once`, DuckDB over the central store, --status, the webhook
// receiver fed direct, SNS-enveloped and test events, and every bad input
// as a one-line error with its exit code.
#include <gtest/gtest.h>

#include <filesystem>
#include <chrono>
#include <fstream>
#include <thread>

#include "base/hash.h"
#include "cli/cli_test_util.h"
#include "format/manifest.h"
#include "testing/daemon.h"
#include "testing/duckdb.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::cli_test {
namespace {

using testing::RunResult;

class CliRegisterTest : public ::testing::Test {
 protected:
  std::string Root() const { return dir_.Sub("estate"); }
  std::string State() const { return dir_.Sub("state"); }
  std::string Central() const { return dir_.Sub("central"); }

  // A source bucket of `count` objects "f<i>" of i+1 bytes.
  void MakeBucket(const std::string& name, int count) {
    for (int i = 0; i < count; ++i) {
      testing::WriteFile(Root() + "/" + name + "/d/f" + std::to_string(i), std::string(i + 1, 'x'));
    }
    expected_rows_ += count;
    expected_bytes_ += int64_t{count} * (count + 1) / 2;
  }
  // Scans `bucket` into collector folder `collector` under `account`.
  void Scan(const std::string& bucket, const std::string& collector, const std::string& account,
            const std::string& format = "csv") {
    std::filesystem::create_directories(dir_.Sub(collector));
    RunResult r = Stocktake(State(), {"scan", Root() + "/" + bucket, "--dest",
                                      dir_.Sub(collector) + "/" + account, "--id", "inventory",
                                      "--format", format, "--fields", "Size,LastModifiedDate,ETag"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::vector<std::string> Register(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"register", "--central", Central(), "--collector",
                                     "eu-west-1=" + dir_.Sub("coll-eu"), "--collector",
                                     "us-east-1=" + dir_.Sub("coll-us")};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::vector<std::string> Query(const std::string& select, const std::string& rest = "") {
    Result<std::vector<std::string>> rows = testing::DuckDbQuery(
        "SELECT " + select + " FROM read_parquet(" +
        testing::SqlQuote(Central() + "/dt=*/account=*/region=*/bucket=*/*.parquet") +
        ", hive_partitioning = true, union_by_name = true) " + rest);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<std::string>{};
  }
  std::string Totals() {
    return "[\"" + std::to_string(expected_rows_) + "\",\"" + std::to_string(expected_bytes_) +
           "\"]";
  }
  std::map<std::string, std::string> CentralFiles() {
    std::map<std::string, std::string> files;
    if (!fs::exists(Central())) return files;
    for (const auto& e : fs::recursive_directory_iterator(Central())) {
      if (e.is_regular_file()) files[e.path().string()] = testing::ReadFile(e.path().string());
    }
    return files;
  }
  // Every manifest.checksum key under a collector folder, relative to it.
  std::vector<std::string> ChecksumKeys(const std::string& collector) {
    std::vector<std::string> keys;
    const std::string base = dir_.Sub(collector);
    for (const auto& e : fs::recursive_directory_iterator(base)) {
      if (e.path().filename() == "manifest.checksum") {
        keys.push_back(e.path().string().substr(base.size() + 1));
      }
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  testing::TempDir dir_;
  int64_t expected_rows_ = 0;
  int64_t expected_bytes_ = 0;
};

bool OneLine(const std::string& text) {
  return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

TEST_F(CliRegisterTest, OnceConsolidatesEveryCollectorExactlyOnce) {
  MakeBucket("photos", 30);
  MakeBucket("logs", 12);
  MakeBucket("backups", 7);
  MakeBucket("media", 3);
  Scan("photos", "coll-eu", "111111111111");
  Scan("logs", "coll-eu", "222222222222", "parquet");
  Scan("backups", "coll-us", "111111111111");
  Scan("media", "coll-us", "222222222222", "parquet");

  RunResult once = Stocktake(State(), Register({"--once"}));
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_EQ(once.out,
            "reconciled: 4 reports seen, 4 registered, 0 quarantined, 0 already known, 0 errors\n");
  EXPECT_EQ(Query("count(*), sum(size)"), std::vector<std::string>{Totals()});
  EXPECT_EQ(Query("account, region, bucket, count(*)", "GROUP BY ALL ORDER BY ALL"),
            (std::vector<std::string>{R"(["111111111111","eu-west-1","photos","30"])",
                                      R"(["111111111111","us-east-1","backups","7"])",
                                      R"(["222222222222","eu-west-1","logs","12"])",
                                      R"(["222222222222","us-east-1","media","3"])"}));
  const auto files = CentralFiles();
  EXPECT_EQ(files.size(), 4u);

  RunResult again = Stocktake(State(), Register({"--reconcile"}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out,
            "reconciled: 4 reports seen, 0 registered, 0 quarantined, 4 already known, 0 errors\n");
  EXPECT_EQ(CentralFiles(), files);

  RunResult status = Stocktake(State(), {"register", "--status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("reports: 4 registered (4 current, 0 superseded)"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("\t111111111111\teu-west-1\tphotos\t30\t"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("lag: 4 buckets"), std::string::npos);
  EXPECT_NE(status.out.find("quarantine: 0 reports"), std::string::npos);
}

TEST_F(CliRegisterTest, CorruptReportIsQuarantinedAndShownInStatus) {
  MakeBucket("photos", 5);
  Scan("photos", "coll-eu", "111111111111");
  std::filesystem::create_directories(dir_.Sub("coll-us"));
  const std::string checksum = dir_.Sub("coll-eu") + "/" + ChecksumKeys("coll-eu").at(0);
  testing::WriteFile(checksum, "ffffffffffffffffffffffffffffffff\n");
  RunResult once = Stocktake(State(), Register({"--once", "--status"}));
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_NE(once.out.find("1 quarantined"), std::string::npos) << once.out;
  EXPECT_NE(once.out.find("quarantine: 1 reports"), std::string::npos) << once.out;
  EXPECT_NE(once.out.find("is not the MD5 of manifest.json"), std::string::npos) << once.out;
  EXPECT_TRUE(CentralFiles().empty());
}

TEST_F(CliRegisterTest, AReportRegeneratedAtTheSameKeyReplacesTheRegisteredOne) {
  MakeBucket("photos", 10);
  std::filesystem::create_directories(dir_.Sub("coll-us"));
  Scan("photos", "coll-eu", "111111111111");
  RunResult first = Stocktake(State(), Register({"--once"}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out,
            "reconciled: 1 reports seen, 1 registered, 0 quarantined, 0 already known, 0 errors\n");
  const auto first_files = CentralFiles();
  ASSERT_EQ(first_files.size(), 1u);

  // The bucket changes and is scanned again within the same minute: the new
  // report overwrites manifest.json and manifest.checksum in the same folder.
  for (int i = 10; i < 15; ++i) {
    testing::WriteFile(Root() + "/photos/d/f" + std::to_string(i), std::string(i + 1, 'x'));
  }
  Scan("photos", "coll-eu", "111111111111");
  std::vector<std::string> folders = ChecksumKeys("coll-eu");
  if (folders.size() == 2) {
    // The minute turned between the scans: rewrite the first folder with
    // the second report, as a same-minute run would have.
    const std::string base = dir_.Sub("coll-eu") + "/";
    const fs::path older = fs::path(base + folders[0]).parent_path();
    const fs::path newer = fs::path(base + folders[1]).parent_path();
    for (const char* file : {"manifest.json", "manifest.checksum"}) {
      testing::WriteFile((older / file).string(), testing::ReadFile((newer / file).string()));
    }
    fs::remove_all(newer);
    folders = ChecksumKeys("coll-eu");
  }
  ASSERT_EQ(folders.size(), 1u);
  const std::string manifest_json = testing::ReadFile(
      (fs::path(dir_.Sub("coll-eu") + "/" + folders[0]).parent_path() / "manifest.json").string());

  RunResult second = Stocktake(State(), Register({"--once"}));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out,
            "reconciled: 1 reports seen, 1 registered, 0 quarantined, 0 already known, 0 errors\n");
  // The partition holds the second report's rows only, in a part of its own.
  const auto second_files = CentralFiles();
  ASSERT_EQ(second_files.size(), 1u);
  EXPECT_NE(second_files.begin()->first, first_files.begin()->first);
  EXPECT_EQ(Query("count(*), sum(size), count(DISTINCT key)"),
            std::vector<std::string>{R"(["15","120","15"])"});

  RunResult again = Stocktake(State(), Register({"--once", "--status"}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("reconciled: 1 reports seen, 0 registered, 0 quarantined, 1 already "
                           "known, 0 errors\n"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(CentralFiles(), second_files);
  EXPECT_NE(again.out.find("reports: 2 registered (1 current, 1 superseded)"), std::string::npos)
      << again.out;
  // The current line is the second report's: 15 rows, its manifest's MD5.
  EXPECT_NE(again.out.find("\t111111111111\teu-west-1\tphotos\t15\t"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("/manifest.json\t" + Md5Hex(manifest_json) + "\n"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("quarantine: 0 reports"), std::string::npos) << again.out;
}

TEST_F(CliRegisterTest, AQuarantinedReportRewrittenCorrectlyIsRegisteredByTheNextRun) {
  MakeBucket("photos", 5);
  Scan("photos", "coll-eu", "111111111111");
  std::filesystem::create_directories(dir_.Sub("coll-us"));
  const std::string checksum = dir_.Sub("coll-eu") + "/" + ChecksumKeys("coll-eu").at(0);
  const std::string good = testing::ReadFile(checksum);
  testing::WriteFile(checksum, "ffffffffffffffffffffffffffffffff\n");
  RunResult refused = Stocktake(State(), Register({"--once"}));
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  EXPECT_NE(refused.out.find("1 quarantined"), std::string::npos) << refused.out;

  testing::WriteFile(checksum, good);
  RunResult fixed = Stocktake(State(), Register({"--once", "--status"}));
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_NE(fixed.out.find("1 registered, 0 quarantined"), std::string::npos) << fixed.out;
  EXPECT_NE(fixed.out.find("quarantine: 0 reports"), std::string::npos) << fixed.out;
  EXPECT_EQ(Query("count(*), sum(size)"), std::vector<std::string>{Totals()});
}

TEST_F(CliRegisterTest, BadInputsAreOneLineErrors) {
  std::filesystem::create_directories(dir_.Sub("coll-eu"));
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"register", "--once", "--collector", "eu-west-1=" + dir_.Sub("coll-eu")}, 2,
       "give --central"},
      {{"register", "--once", "--central", Central()}, 2, "at least one --collector"},
      {{"register", "--once", "--central", Central(), "--collector", dir_.Sub("coll-eu")}, 2,
       "REGION=LOCATION"},
      {{"register", "--once", "--central", Central(), "--collector", "eu west=" + dir_.Sub("coll-eu")},
       2, "REGION=LOCATION"},
      {{"register", "--once", "--central", Central(), "--collector",
        "eu-west-1=" + dir_.Sub("missing")},
       3, "does not exist"},
      {{"register", "--once", "--central", dir_.Sub("no/such/central"), "--collector",
        "eu-west-1=" + dir_.Sub("coll-eu")},
       3, "does not exist"},
      {{"register", "--once", "--central", Central(), "--collector",
        "eu-west-1=" + dir_.Sub("coll-eu"), "--collector", "us-east-1=" + dir_.Sub("coll-eu")},
       2, "given twice"},
      {{"register", "--once", "--reconcile", "--central", Central(), "--collector",
        "eu-west-1=" + dir_.Sub("coll-eu")},
       2, "not both"},
      {{"register", "--central", Central(), "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
        "--listen", "nowhere"},
       2, "HOST:PORT"},
      {{"register", "--central", Central(), "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
        "--interval", "0"},
       2, "--interval"},
      {{"register", "--once", "--central", "ftp://x/y", "--collector",
        "eu-west-1=" + dir_.Sub("coll-eu")},
       2, "unsupported location"},
      {{"register", "--central", Central(), "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
        "--nats-subject", "s"},
       2, "--nats-subject needs --nats URL"},
      {{"register", "--central", Central(), "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
        "--nats", "http://127.0.0.1:4222"},
       2, "nats://HOST:PORT"},
      {{"register", "--central", Central(), "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
        "--nats", "nats://127.0.0.1:1", "--nats-durable", "a.b"},
       2, "durable name 'a.b'"},
      {{"register", "--central", Central(), "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
        "--nats", "nats://127.0.0.1:1", "--nats-ack-wait", "0"},
       2, "--nats-ack-wait"},
      {{"register", "--once", "--central", Central(), "--collector",
        "eu-west-1=" + dir_.Sub("coll-eu"), "--nats", "nats://127.0.0.1:1"},
       2, "--nats is for the running consumer"},
      {{"register", "--central", Central(), "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
        "--nats", "nats://127.0.0.1:1"},
       5, "consume nats://127.0.0.1:1 stream INVENTORY subject inventory.reports durable "
          "stocktake-register: connect: "},
      {{"ddl", "--engine", "oracle"}, 2, "--engine must be"},
      {{"ddl"}, 2, "--engine"},
  };
  for (const Case& c : cases) {
    RunResult r = Stocktake(State(), c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args.back() << ": " << r.err;
    EXPECT_TRUE(OneLine(r.err)) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_TRUE(CentralFiles().empty());
}

TEST_F(CliRegisterTest, DdlForDuckDbQueriesTheCentralStore) {
  MakeBucket("photos", 9);
  Scan("photos", "coll-eu", "111111111111", "parquet");
  std::filesystem::create_directories(dir_.Sub("coll-us"));
  ASSERT_EQ(Stocktake(State(), Register({"--once"})).exit_code, 0);
  RunResult ddl = Stocktake(State(), {"ddl", "--engine", "duckdb", "--central", Central()});
  ASSERT_EQ(ddl.exit_code, 0) << ddl.err;
  Result<std::vector<std::string>> rows = testing::DuckDbQuery(
      ddl.out + "SELECT count(*), sum(size), min(dt)::VARCHAR < '2100', min(bucket) FROM inventory");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << ddl.out;
  EXPECT_EQ(*rows, std::vector<std::string>{R"(["9","45",true,"photos"])"});

  RunResult athena = Stocktake(State(), {"ddl", "--engine", "athena", "--central", "s3://central/inv"});
  ASSERT_EQ(athena.exit_code, 0) << athena.err;
  for (const char* part :
       {"PARTITIONED BY (dt string, account string, region string, bucket string)",
        "LOCATION 's3://central/inv/'", "'projection.dt.format'='yyyy-MM-dd'",
        "'projection.account.values'='111111111111'", "'projection.region.values'='eu-west-1'",
        "'projection.bucket.values'='photos'",
        "'storage.location.template'='s3://central/inv/dt=${dt}/account=${account}/region=${region}/bucket=${bucket}/'"}) {
    EXPECT_NE(athena.out.find(part), std::string::npos) << part << "\n" << athena.out;
  }
  EXPECT_EQ(athena.out.find("  bucket string,\n  key"), std::string::npos);  // partition only
  RunResult fresh = Stocktake(dir_.Sub("state-empty"), {"ddl", "--engine", "athena"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(fresh.out.find("'projection.account.type'='injected'"), std::string::npos);
  for (const char* engine : {"trino", "spark"}) {
    RunResult r = Stocktake(State(), {"ddl", "--engine", engine, "--central", "s3://central/inv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("s3://central/inv/"), std::string::npos) << r.out;
    EXPECT_TRUE(r.out.find("ARRAY['dt', 'account', 'region', 'bucket']") != std::string::npos ||
                r.out.find("PARTITIONED BY (dt, account, region, bucket)") != std::string::npos)
        << r.out;
  }
}

std::string Post(const std::string& url, const std::string& body) {
  testing::RunResult r = testing::RunProgram(
      {"curl", "-sS", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@-",
       "-w", "\n%{http_code}", url},
      [&] {
        testing::RunOptions o;
        o.stdin_data = body;
        o.timeout_seconds = 60;
        return o;
      }());
  return r.out;
}

std::string S3Event(const std::string& bucket, const std::string& key) {
  return R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":")" +
         bucket + R"("},"object":{"key":")" + key + R"(","size":33}}}]})";
}

TEST_F(CliRegisterTest, WebhookIngestsDirectAndSnsEvents) {
  std::filesystem::create_directories(dir_.Sub("coll-eu"));
  std::filesystem::create_directories(dir_.Sub("coll-us"));
  std::vector<std::string> args = {"--state", State(), "-q"};
  for (const std::string& a : Register({"--listen", "127.0.0.1:0", "--interval", "3600"})) {
    args.push_back(a);
  }
  std::unique_ptr<testing::Daemon> daemon = testing::Daemon::Start(args, dir_.path());
  ASSERT_NE(daemon, nullptr);
  // Reports appear after the start-up reconciliation: only events bring them in.
  MakeBucket("photos", 6);
  MakeBucket("logs", 4);
  Scan("photos", "coll-eu", "111111111111");
  Scan("logs", "coll-us", "222222222222", "parquet");
  const std::string eu_key = ChecksumKeys("coll-eu").at(0);
  const std::string us_key = ChecksumKeys("coll-us").at(0);
  EXPECT_TRUE(CentralFiles().empty());

  EXPECT_EQ(Post(daemon->url() + "/",
                 R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-01-01T00:00:00.000Z","Bucket":"coll-eu","RequestId":"r","HostId":"h"})"),
            "{\"records\":0,\"registered\":0,\"ignored\":0,\"quarantined\":0}\n\n200");
  // Direct form, key form-encoded ('-' as %2D).
  std::string encoded;
  for (char c : eu_key) encoded += c == '-' ? std::string("%2D") : std::string(1, c);
  EXPECT_EQ(Post(daemon->url() + "/events", S3Event("coll-eu", encoded)),
            "{\"records\":1,\"registered\":1,\"ignored\":0,\"quarantined\":0}\n\n200");
  EXPECT_EQ(CentralFiles().size(), 1u);
  // SNS envelope, as SQS delivers it from an SNS subscription.
  std::string message;
  format::AppendJsonString(S3Event("coll-us", us_key), &message);
  const std::string sns =
      R"({"Type":"Notification","MessageId":"1","TopicArn":"arn:aws:sns:us-east-1:1:t","Subject":"Amazon S3 Notification","Message":)" +
      message + R"(,"Timestamp":"2024-01-01T00:00:00.000Z","SignatureVersion":"1"})";
  EXPECT_EQ(Post(daemon->url() + "/", sns),
            "{\"records\":1,\"registered\":1,\"ignored\":0,\"quarantined\":0}\n\n200");
  // Replays change nothing.
  const auto files = CentralFiles();
  EXPECT_EQ(files.size(), 2u);
  EXPECT_EQ(Post(daemon->url() + "/", sns),
            "{\"records\":1,\"registered\":0,\"ignored\":1,\"quarantined\":0}\n\n200");
  EXPECT_EQ(CentralFiles(), files);
  EXPECT_EQ(Post(daemon->url() + "/", "not json").substr(0, 9), "{\"error\":");
  EXPECT_EQ(Query("count(*), sum(size)"), std::vector<std::string>{Totals()});
  EXPECT_EQ(daemon->Stop(), 0) << daemon->Log();
}

TEST_F(CliRegisterTest, RunningConsumerReconcilesPeriodicallyWithoutEvents) {
  std::filesystem::create_directories(dir_.Sub("coll-eu"));
  std::filesystem::create_directories(dir_.Sub("coll-us"));
  std::vector<std::string> args = {"--state", State(), "-q"};
  for (const std::string& a : Register({"--listen", "127.0.0.1:0", "--interval", "1"})) {
    args.push_back(a);
  }
  std::unique_ptr<testing::Daemon> daemon = testing::Daemon::Start(args, dir_.path());
  ASSERT_NE(daemon, nullptr);
  MakeBucket("photos", 8);
  Scan("photos", "coll-eu", "111111111111");
  // No event is sent: a lost one is made good by the next reconciliation.
  bool found = false;
  for (int attempt = 0; attempt < 120 && !found; ++attempt) {
    found = CentralFiles().size() == 1;
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(found) << daemon->Log();
  EXPECT_EQ(daemon->Stop(), 0) << daemon->Log();
  EXPECT_EQ(Query("count(*), sum(size)"), std::vector<std::string>{Totals()});
}

}  // namespace
}  // namespace stocktake::cli_test
