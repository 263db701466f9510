#include "server/daemon_config.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace stocktake::server {
namespace {

constexpr char kGood[] = R"toml(# a two-store, two-account estate
listen = "127.0.0.1:0"
state = "/var/lib/stocktake"
log_format = "json"
threads = 4
run_threads = 3
list_concurrency = 32
connections = 48
connect_timeout = 5
read_timeout = 0
max_attempts = 3
max_body_bytes = 65536
schedule_time = "02:30"
schedule_weekday = "monday"
jitter_seconds = 600

[[stores]]
name = "eu"
local = "/data/eu"
region = "eu-west-1"

[[stores]]
endpoint = "http://127.0.0.1:7480"
access_key = "RGWKEY"
secret_key = "RGWSECRET"
region = "us-east-1"
validation = "obs"
owner = "210987654321"

[[accounts]]
id = "123456789012"
access_key = "AKIDMAIN"
secret_key = "main:secret"

[[accounts]]
id = "210987654321"
access_key = "AKIDOTHER"
secret_key = "other"
buckets = ["shared-logs"]
)toml";

class DaemonConfigTest : public ::testing::Test {
 protected:
  Result<DaemonConfig> Load(const std::string& text) {
    testing::WriteFile(path_, text);
    return LoadDaemonConfig(path_);
  }
  testing::TempDir dir_;
  std::string path_ = dir_.Sub("serve.toml");
};

TEST_F(DaemonConfigTest, ReadsEveryKey) {
  Result<DaemonConfig> config = Load(kGood);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen, "127.0.0.1:0");
  EXPECT_EQ(config->state_dir, "/var/lib/stocktake");
  EXPECT_EQ(config->log_format, LogFormat::kJson);
  EXPECT_EQ(config->threads, 4);
  EXPECT_EQ(config->run_threads, 3);
  EXPECT_EQ(config->list_concurrency, 32);
  EXPECT_EQ(config->connections, 48);
  EXPECT_EQ(config->connect_timeout, 5);
  EXPECT_EQ(config->read_timeout, 0);
  EXPECT_EQ(config->max_attempts, 3);
  EXPECT_EQ(config->max_body_bytes, 65536u);
  EXPECT_EQ(config->schedule_minutes, 150);
  EXPECT_EQ(config->schedule_weekday, 1);
  EXPECT_EQ(config->jitter_seconds, 600);
  ASSERT_EQ(config->stores.size(), 2u);
  EXPECT_EQ(config->stores[0].name, "eu");
  EXPECT_EQ(config->stores[0].local_root, "/data/eu");
  EXPECT_EQ(config->stores[0].region, "eu-west-1");
  EXPECT_EQ(config->stores[0].profile, config::Profile::kS3);
  EXPECT_EQ(config->stores[1].name, "s3-2");
  EXPECT_EQ(config->stores[1].endpoint, "http://127.0.0.1:7480");
  EXPECT_EQ(config->stores[1].access_key, "RGWKEY");
  EXPECT_EQ(config->stores[1].secret_key, "RGWSECRET");
  EXPECT_EQ(config->stores[1].profile, config::Profile::kObs);
  EXPECT_EQ(config->stores[1].owner, "210987654321");
  ASSERT_EQ(config->accounts.size(), 2u);
  EXPECT_EQ(config->accounts[0].account.account_id, "123456789012");
  EXPECT_EQ(config->accounts[0].account.secret_access_key, "main:secret");
  EXPECT_EQ(config->accounts[1].buckets, std::vector<std::string>{"shared-logs"});
}

TEST_F(DaemonConfigTest, MinimalFileGetsTheDefaults) {
  Result<DaemonConfig> config = Load(
      "[[stores]]\nlocal = \"/r\"\n[[accounts]]\nid = \"123456789012\"\naccess_key = \"A\"\n"
      "secret_key = \"S\"\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen, "127.0.0.1:8571");
  EXPECT_EQ(config->schedule_minutes, 0);
  EXPECT_EQ(config->schedule_weekday, 0);
  EXPECT_EQ(config->jitter_seconds, 0);
  EXPECT_TRUE(config->scheduler);
  EXPECT_EQ(config->log_format, LogFormat::kText);
  EXPECT_EQ(config->stores[0].name, "local-1");
  EXPECT_EQ(config->list_concurrency, 0);  // each store's own default
  EXPECT_EQ(config->connections, 0);
  EXPECT_EQ(config->connect_timeout, -1);  // the CLI's defaults
  EXPECT_EQ(config->read_timeout, -1);
  EXPECT_EQ(config->max_attempts, -1);
}

// Each bad file fails with InvalidArgument naming the file, the line and the
// key.
TEST_F(DaemonConfigTest, BadFilesNameFileLineAndKey) {
  const std::string accounts =
      "[[accounts]]\nid = \"123456789012\"\naccess_key = \"A\"\nsecret_key = \"S\"\n";
  const std::string store = "[[stores]]\nlocal = \"/r\"\n";
  struct Case {
    std::string text;
    std::string expect;  // substring after "serve.toml:"
  };
  const Case cases[] = {
      {"listen = \n", ":1: "},  // TOML syntax
      {"listen = 80\n" + store + accounts, ":1: listen: must be a string"},
      {"lisen = \"x:1\"\n" + store + accounts, ":1: lisen: unknown key"},
      {"listen = \"nohost\"\n" + store + accounts, "listen"},
      {"listen = \"127.0.0.1:99999\"\n" + store + accounts, "listen"},
      {"threads = 0\n" + store + accounts, ":1: threads: must be between 1 and 256"},
      {"threads = \"8\"\n" + store + accounts, ":1: threads: must be an integer"},
      {"list_concurrency = 0\n" + store + accounts,
       ":1: list_concurrency: must be between 1 and 256"},
      {"list_concurrency = 257\n" + store + accounts, ":1: list_concurrency: must be between"},
      {"connections = 0\n" + store + accounts, ":1: connections: must be between 1 and 1024"},
      {"connections = 2000\n" + store + accounts, ":1: connections: must be between"},
      {"connect_timeout = 0\n" + store + accounts,
       ":1: connect_timeout: must be between 1 and 3600"},
      {"read_timeout = -2\n" + store + accounts, ":1: read_timeout: must be between 0 and 3600"},
      {"max_attempts = 21\n" + store + accounts, ":1: max_attempts: must be between 1 and 20"},
      {"scheduler = 1\n" + store + accounts, ":1: scheduler: must be true or false"},
      {"schedule_time = \"25:00\"\n" + store + accounts, ":1: schedule_time: must be \"HH:MM\""},
      {"schedule_weekday = \"funday\"\n" + store + accounts, ":1: schedule_weekday:"},
      {"jitter_seconds = -1\n" + store + accounts, ":1: jitter_seconds:"},
      {"log_format = \"xml\"\n" + store + accounts, ":1: log_format:"},
      {accounts, "stores: give at least one [[stores]]"},
      {store, "accounts: give at least one [[accounts]]"},
      {"stores = 3\n" + accounts, ":1: stores: must be an array of tables"},
      {"[[stores]]\nregion = \"eu\"\n" + accounts, ":1: stores[0].local/endpoint: give exactly one"},
      {"[[stores]]\nlocal = \"/r\"\nendpoint = \"http://h\"\n" + accounts,
       ":1: stores[0].local/endpoint"},
      {"[[stores]]\nendpoint = \"ftp://h\"\n" + accounts, ":2: stores[0].endpoint: must start"},
      {"[[stores]]\nlocal = \"/r\"\nvalidation = \"gcs\"\n" + accounts,
       ":3: stores[0].validation: must be \"s3\" or \"obs\""},
      {"[[stores]]\nlocal = \"/r\"\nregoin = \"eu\"\n" + accounts, ":3: stores[0].regoin: unknown key"},
      {"[[stores]]\nendpoint = \"http://h\"\naccess_key = \"K\"\n" + accounts,
       "stores[0].secret_key: give both"},
      {"[[stores]]\nlocal = \"/r\"\naccess_key = \"K\"\nsecret_key = \"S\"\n" + accounts,
       "stores[0].access_key: only S3"},
      {"[[stores]]\nlocal = \"/r\"\nowner = \"999999999999\"\n" + accounts,
       "owner '999999999999' is not a configured account"},
      {store + "[[accounts]]\nid = \"123\"\naccess_key = \"A\"\nsecret_key = \"S\"\n",
       ":4: accounts[0].id: account id '123' must be 12 digits"},
      {store + "[[accounts]]\nid = \"123456789012\"\nsecret_key = \"S\"\n",
       ":3: accounts[0].access_key: is required"},
      {store + "[[accounts]]\nid = \"123456789012\"\naccess_key = \"A\"\nsecret_key = \"S\"\n"
               "buckets = \"b\"\n",
       ":7: accounts[0].buckets: must be an array of strings"},
      {store + accounts + accounts, "access key 'A' is given to two accounts"},
  };
  for (const Case& c : cases) {
    Result<DaemonConfig> config = Load(c.text);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), Code::kInvalidArgument) << c.text;
    const std::string& message = config.status().message();
    EXPECT_NE(message.find(path_), std::string::npos) << message;
    EXPECT_NE(message.find(c.expect), std::string::npos) << "want '" << c.expect << "' in '"
                                                          << message << "'";
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST_F(DaemonConfigTest, RegisterTableConfiguresTheEmbeddedRegister) {
  const std::string base = "[[stores]]\nlocal = \"/r\"\n[[accounts]]\nid = \"123456789012\"\n"
                           "access_key = \"A\"\nsecret_key = \"S\"\n";
  Result<DaemonConfig> off = Load(base);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->central_register.enabled());

  Result<DaemonConfig> config = Load(
      base + "[register]\ncentral = \"s3://central/inv\"\n"
             "collectors = [\"eu-west-1=s3://coll-eu\", \"us-east-1=/data/us\"]\n"
             "endpoint = \"http://127.0.0.1:7480\"\naccess_key = \"K\"\nsecret_key = \"S\"\n"
             "region = \"us-east-1\"\ninterval_seconds = 60\nnats = \"nats://127.0.0.1:4222\"\n"
             "nats_subject = \"inv.events\"\nnats_stream = \"INV\"\nnats_durable = \"reg\"\n"
             "nats_ack_wait_seconds = 30\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const RegisterSpec& spec = config->central_register;
  EXPECT_TRUE(spec.enabled());
  EXPECT_EQ(spec.central, "s3://central/inv");
  EXPECT_EQ(spec.collectors,
            (std::vector<std::string>{"eu-west-1=s3://coll-eu", "us-east-1=/data/us"}));
  EXPECT_EQ(spec.endpoint, "http://127.0.0.1:7480");
  EXPECT_EQ(spec.access_key, "K");
  EXPECT_EQ(spec.secret_key, "S");
  EXPECT_EQ(spec.region, "us-east-1");
  EXPECT_EQ(spec.interval_seconds, 60);
  EXPECT_EQ(spec.nats_url, "nats://127.0.0.1:4222");
  EXPECT_EQ(spec.nats_subject, "inv.events");
  EXPECT_EQ(spec.nats_stream, "INV");
  EXPECT_EQ(spec.nats_durable, "reg");
  EXPECT_EQ(spec.nats_ack_wait_seconds, 30);

  struct Case {
    std::string text;
    std::string expect;
  };
  const Case cases[] = {
      {"register = 1\n" + base, ":1: register: must be a table"},
      {base + "[register]\ncollectors = [\"eu=/c\"]\n", "register.central: is required"},
      {base + "[register]\ncentral = \"/c\"\n", "register: give at least one collector"},
      {base + "[register]\ncentral = \"/c\"\ncollectors = \"eu=/c\"\n",
       "register.collectors: must be an array"},
      {base + "[register]\ncentral = \"/c\"\ncolectors = []\n", "register.colectors: unknown key"},
      {base + "[register]\ncentral = \"/c\"\ncollectors = [\"eu=/c\"]\ninterval_seconds = 0\n",
       "register.interval_seconds: must be between"},
      {base + "[register]\ncentral = \"/c\"\ncollectors = [\"eu=/c\"]\naccess_key = \"K\"\n",
       "register.secret_key: give both"},
  };
  for (const Case& c : cases) {
    Result<DaemonConfig> bad = Load(c.text);
    ASSERT_FALSE(bad.ok()) << c.text;
    EXPECT_EQ(bad.status().code(), Code::kInvalidArgument) << c.text;
    EXPECT_NE(bad.status().message().find(c.expect), std::string::npos)
        << "want '" << c.expect << "' in '" << bad.status().message() << "'";
  }
}

TEST_F(DaemonConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadDaemonConfig(dir_.Sub("absent.toml")).status().code(), Code::kNotFound);
}

TEST(DaemonConfigParsers, TimesWeekdaysAndListenAddresses) {
  EXPECT_EQ(ParseTimeOfDay("00:00"), 0);
  EXPECT_EQ(ParseTimeOfDay("23:59"), 23 * 60 + 59);
  EXPECT_FALSE(ParseTimeOfDay("24:00"));
  EXPECT_FALSE(ParseTimeOfDay("1:00"));
  EXPECT_FALSE(ParseTimeOfDay("01:60"));
  EXPECT_EQ(ParseWeekday("Sunday"), 0);
  EXPECT_EQ(ParseWeekday("sat"), 6);
  EXPECT_FALSE(ParseWeekday("someday"));
  std::string host;
  int port = -1;
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:0", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(ParseListenAddress(":80", &host, &port).ok());
  EXPECT_FALSE(ParseListenAddress("h:", &host, &port).ok());
  EXPECT_FALSE(ParseListenAddress("h:-1", &host, &port).ok());
}

}  // namespace
}  // namespace stocktake::server
