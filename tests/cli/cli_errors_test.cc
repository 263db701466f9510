// Every bad input of the CLI: one clear line on stderr naming what and
// where, the exit code from exit_codes.h, nothing on stdout, and nothing
// written to the estate (sources and destinations) or the config database.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli_test_util.h"

namespace stocktake::cli_test {
namespace {

using cli::kExitUsage;
using testing::TempDir;
using testing::WriteFile;

constexpr int kNotFound = 3;
constexpr int kUnavailable = 5;
constexpr int kAlreadyExists = 6;

std::string AwsXml(const std::string& id, const std::string& dest,
                   const std::string& format = "CSV", const std::string& field = "Size") {
  return "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Id>" + id +
         "</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination><Bucket>arn:aws:s3:::" +
         dest + "</Bucket><Format>" + format +
         "</Format><Prefix>inv</Prefix></S3BucketDestination></Destination><Schedule><Frequency>"
         "Daily</Frequency></Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>"
         "<OptionalFields><Field>" +
         field + "</Field></OptionalFields></InventoryConfiguration>";
}

std::string ObsXml(const std::string& id, const std::string& prefix,
                   const std::string& format = "CSV") {
  return "<InventoryConfiguration><Id>" + id + "</Id><IsEnabled>true</IsEnabled><Filter><Prefix>" +
         prefix + "</Prefix></Filter><Destination><Format>" + format +
         "</Format><Bucket>dst</Bucket></Destination><Schedule><Frequency>Daily</Frequency>"
         "</Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>"
         "</InventoryConfiguration>";
}

// A temp folder holding an estate (est/src with files, est/dst empty), a
// state folder, config files under in/, and a regular file `afile`.
class CliErrorsTest : public ::testing::Test {
 public:
  void SetUp() override {
    WriteFile(Est("src/a.txt"), "hello");
    WriteFile(Est("src/dir/b.bin"), std::string(3000, 'b'));
    std::filesystem::create_directories(Est("dst"));
    WriteFile(tmp_.Sub("afile"), "not a folder");
    WriteFile(In("good.xml"), AwsXml("r1", "dst"));
    WriteFile(In("nodst.xml"), AwsXml("r1", "nodst"));
    WriteFile(In("colour.xml"), AwsXml("r1", "dst", "CSV", "Colour"));
    WriteFile(In("trunc.xml"), AwsXml("r1", "dst").substr(0, 100));
    WriteFile(In("bad.json"), "{\"Id\": \"r1\", ");
    WriteFile(In("longid.xml"), AwsXml(std::string(65, 'a'), "dst"));
    WriteFile(In("badid.xml"), AwsXml("a/b", "dst"));
    WriteFile(In("parquet-obs.xml"), ObsXml("o1", "x/", "Parquet"));
    // Every case starts from a database holding one configuration.
    ASSERT_EQ(
        Run({"inventory", "put", "--local", Est(""), "--bucket", "src", "--file", In("good.xml")})
            .exit_code,
        0);
  }
  std::string Est(const std::string& rel) const { return tmp_.Sub("est/" + rel); }
  std::string In(const std::string& rel) const { return tmp_.Sub("in/" + rel); }
  std::string State() const { return tmp_.Sub("state"); }
  testing::RunResult Run(const std::vector<std::string>& args, const std::string& stdin_data = "",
                         const std::vector<std::pair<std::string, std::string>>& env = {}) {
    return Stocktake(State(), args, stdin_data, env);
  }

 protected:
  TempDir tmp_;
};

struct ErrorCase {
  const char* name;
  std::vector<std::string> args;  // "{EST}", "{IN}", "{TMP}" are replaced
  int exit_code;
  std::vector<std::string> message_parts;
  std::string stdin_data = "";
  // Runs before the snapshot, e.g. to fill the database.
  std::function<void(CliErrorsTest*)> setup = nullptr;
};

std::string Expand(std::string arg, const std::string& tmp) {
  for (auto [from, to] : {std::pair<std::string, std::string>{"{EST}", tmp + "/est"},
                          {"{IN}", tmp + "/in"},
                          {"{TMP}", tmp}}) {
    for (size_t at = arg.find(from); at != std::string::npos; at = arg.find(from)) {
      arg.replace(at, from.size(), to);
    }
  }
  return arg;
}

std::vector<ErrorCase> Cases() {
  const std::vector<std::string> put = {"inventory", "put", "--local", "{EST}", "--bucket", "src"};
  auto with = [](std::vector<std::string> base, std::vector<std::string> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  const std::vector<std::string> scan = {"scan", "{EST}/src", "--dest", "{EST}/dst"};
  return {
      {"invalid xml",
       with(put, {"--file", "{IN}/trunc.xml"}),
       kExitUsage,
       {"inventory put", "trunc.xml", "MalformedXML", "not well-formed XML"}},
      {"invalid json",
       with(put, {"--file", "{IN}/bad.json"}),
       kExitUsage,
       {"inventory put", "bad.json", "not valid JSON"}},
      {"invalid xml on stdin",
       put,
       kExitUsage,
       {"inventory put", "stdin", "MalformedXML"},
       "<InventoryConfiguration><Id>x"},
      {"unknown optional field",
       with(put, {"--file", "{IN}/colour.xml"}),
       kExitUsage,
       {"inventory put", "colour.xml", "unknown OptionalFields/Field 'Colour'"}},
      {"id too long",
       with(put, {"--file", "{IN}/longid.xml"}),
       kExitUsage,
       {"inventory put", "longid.xml", std::string(65, 'a')}},
      {"id with bad characters",
       with(put, {"--file", "{IN}/badid.xml"}),
       kExitUsage,
       {"inventory put", "badid.xml", "a/b"}},
      {"body id differs from --id",
       with(put, {"--file", "{IN}/good.xml", "--id", "r2"}),
       kExitUsage,
       {"inventory put", "'r1'", "'r2'"}},
      {"missing --bucket",
       {"inventory", "put", "--local", "{EST}", "--file", "{IN}/good.xml"},
       kExitUsage,
       {"--bucket is required"}},
      {"nonexistent source bucket",
       {"inventory", "put", "--local", "{EST}", "--bucket", "nosrc", "--file", "{IN}/good.xml"},
       kNotFound,
       {"inventory put", "nosrc", "no such bucket"}},
      {"nonexistent destination bucket",
       with(put, {"--file", "{IN}/nodst.xml"}),
       kExitUsage,
       {"inventory put", "destination bucket 'nodst' does not exist"}},
      {"missing config file",
       with(put, {"--file", "{IN}/none.xml"}),
       kNotFound,
       {"inventory put", "none.xml", "No such file"}},
      {"no store flag",
       {"inventory", "list", "--bucket", "src"},
       kExitUsage,
       {"no store", "--local ROOT", "--endpoint-url URL"}},
      {"both store flags",
       {"inventory", "list", "--bucket", "src", "--local", "{EST}", "--endpoint-url",
        "http://127.0.0.1:1"},
       kExitUsage,
       {"not both"}},
      {"nonexistent --local root",
       {"run", "--all", "--local", "{TMP}/nowhere"},
       kNotFound,
       {"local store root", "nowhere", "is not a directory"}},
      {"format xml", with(scan, {"--format", "xml"}), kExitUsage, {"--format", "'xml'"}},
      {"scan format orc",
       with(scan, {"--format", "orc"}),
       kExitUsage,
       {"--format orc", "ORC reports are not supported yet", "parquet"}},
      {"run an ORC configuration",
       {"run", "--local", "{EST}", "--bucket", "src", "--id", "orc1"},
       kExitUsage,
       {"report src/orc1", "ORC reports are not supported yet"},
       "",
       [](CliErrorsTest* t) {
         // A valid S3 configuration, so it is stored; running it fails.
         WriteFile(t->In("orc.xml"), AwsXml("orc1", "dst", "ORC"));
         ASSERT_EQ(t->Run({"inventory", "put", "--local", t->Est(""), "--bucket", "src", "--file",
                           t->In("orc.xml")})
                       .exit_code,
                   0);
       }},
      {"versions sometimes",
       with(scan, {"--versions", "sometimes"}),
       kExitUsage,
       {"--versions", "'sometimes'"}},
      {"unknown field in --fields",
       with(scan, {"--fields", "Size,Colour"}),
       kExitUsage,
       {"unknown field 'Colour' in --fields", "LastModifiedDate"}},
      {"scan id with bad characters", with(scan, {"--id", "a b"}), kExitUsage, {"--id 'a b'"}},
      {"scan id too long",
       with(scan, {"--id", std::string(65, 'x')}),
       kExitUsage,
       {"--id", "1-64 characters"}},
      {"max file size too small",
       with(scan, {"--max-file-size", "10"}),
       kExitUsage,
       {"--max-file-size"}},
      {"bad layout", with(scan, {"--layout", "gcs"}), kExitUsage, {"--layout", "'gcs'"}},
      {"unsupported location scheme",
       {"scan", "{EST}/src", "--dest", "gs://x"},
       kExitUsage,
       {"unsupported location 'gs://x'"}},
      {"unknown subcommand", {"frob"}, kExitUsage, {"unknown command or argument 'frob'"}},
      {"unknown inventory verb",
       {"inventory", "frob"},
       kExitUsage,
       {"unknown command or argument 'frob'"}},
      {"unknown flag", with(scan, {"--frob"}), kExitUsage, {"--frob"}},
      {"no subcommand", {}, kExitUsage, {"subcommand"}},
      {"unreachable endpoint for a source",
       {"scan", "s3://bkt", "--dest", "{EST}/dst", "--endpoint-url", "http://127.0.0.1:1"},
       kUnavailable,
       {"scan source s3://bkt", "127.0.0.1:1", "Connection refused"}},
      {"unreachable endpoint for a destination",
       {"scan", "{EST}/src", "--dest", "s3://bkt", "--endpoint-url", "http://127.0.0.1:1"},
       kUnavailable,
       {"s3://bkt", "127.0.0.1:1"}},
      {"unreachable endpoint for inventory put",
       {"inventory", "put", "--endpoint-url", "http://127.0.0.1:1", "--bucket", "src", "--file",
        "{IN}/good.xml"},
       kUnavailable,
       {"inventory put", "127.0.0.1:1"}},
      {"max attempts zero",
       with(scan, {"--max-attempts", "0"}),
       kExitUsage,
       {"--max-attempts must be between 1 and 20, not 0"}},
      {"negative read timeout",
       with(scan, {"--read-timeout=-5"}),
       kExitUsage,
       {"--read-timeout must be between 0 and 3600 seconds, not -5"}},
      {"zero connect timeout",
       {"scan", "s3://bkt", "--dest", "{EST}/dst", "--endpoint-url", "http://127.0.0.1:1",
        "--connect-timeout", "0"},
       kExitUsage,
       {"--connect-timeout must be between 1 and 3600 seconds, not 0"}},
      {"non-numeric max attempts",
       with(scan, {"--max-attempts", "many"}),
       kExitUsage,
       {"--max-attempts", "many"}},
      {"nonexistent scan source",
       {"scan", "{EST}/nosuch", "--dest", "{EST}/dst"},
       kNotFound,
       {"scan source", "nosuch", "no such bucket"}},
      {"scan source is a file",
       {"scan", "{TMP}/afile", "--dest", "{EST}/dst"},
       kExitUsage,
       {"scan source", "afile is a file, not a folder"}},
      {"destination is a file",
       {"scan", "{EST}/src", "--dest", "{TMP}/afile"},
       kExitUsage,
       {"scan destination", "afile is a file, not a folder"}},
      {"destination under a file",
       {"scan", "{EST}/src", "--dest", "{TMP}/afile/out"},
       kNotFound,
       {"scan destination", "afile", "not a directory"}},
      {"destination in /proc",
       {"scan", "{EST}/src", "--dest", "/proc/stocktake-out"},
       kNotFound,
       {"scan destination /proc/stocktake-out", "create bucket"}},
      {"destination folder not a bucket name",
       {"scan", "{EST}/src", "--dest", "{EST}/Out_Dir"},
       kExitUsage,
       {"scan destination", "invalid bucket name \"Out_Dir\"",
        "top-level folders of a local store are buckets"}},
      {"report path blocked by a file",
       scan,
       kAlreadyExists,
       {"report src/scan", "put local:", "exists and is not a folder"},
       "",
       [](CliErrorsTest* t) { WriteFile(t->Est("dst/src/scan"), "blocker"); }},
      {"newline in a source name stays on one line",
       {"scan", "{EST}/a\nb", "--dest", "{EST}/dst"},
       kExitUsage,
       {"scan source", "a\\nb"}},
      {"get unknown id",
       {"inventory", "get", "--local", "{EST}", "--bucket", "src", "--id", "nope"},
       kNotFound,
       {"no inventory configuration 'nope' on bucket 'src'"}},
      {"delete unknown id",
       {"inventory", "delete", "--local", "{EST}", "--bucket", "src", "--id", "nope"},
       kNotFound,
       {"no inventory configuration 'nope' on bucket 'src'"}},
      {"get without --id",
       {"inventory", "get", "--local", "{EST}", "--bucket", "src"},
       kExitUsage,
       {"inventory get", "--id"}},
      {"get bad output",
       {"inventory", "get", "--local", "{EST}", "--bucket", "src", "--id", "r1", "--output",
        "yaml"},
       kExitUsage,
       {"--output"}},
      {"run unknown id",
       {"run", "--local", "{EST}", "--bucket", "src", "--id", "nope"},
       kNotFound,
       {"no inventory configuration 'nope' on bucket 'src'"}},
      {"run bucket without configs",
       {"run", "--local", "{EST}", "--bucket", "dst"},
       kNotFound,
       {"run", "no inventory configurations on bucket 'dst'"}},
      {"run with neither --bucket nor --all",
       {"run", "--local", "{EST}"},
       kExitUsage,
       {"run", "--bucket", "--all"}},
      {"run with both --bucket and --all",
       {"run", "--local", "{EST}", "--bucket", "src", "--all"},
       kExitUsage,
       {"run", "--bucket", "--all"}},
      {"run whose destination bucket vanished",
       {"run", "--local", "{EST}", "--bucket", "src", "--id", "gone"},
       kNotFound,
       {"gone-dst", "no such bucket"},
       "",
       [](CliErrorsTest* t) {
         std::filesystem::create_directories(t->Est("gone-dst"));
         WriteFile(t->In("gone.xml"), AwsXml("gone", "gone-dst"));
         ASSERT_EQ(t->Run({"inventory", "put", "--local", t->Est(""), "--bucket", "src", "--file",
                           t->In("gone.xml")})
                       .exit_code,
                   0);
         std::filesystem::remove(t->Est("gone-dst"));
       }},
      {"obs rejects parquet",
       {"inventory", "put", "--local", "{EST}", "--bucket", "src", "--validation", "obs", "--file",
        "{IN}/parquet-obs.xml"},
       kExitUsage,
       {"inventory put", "parquet-obs.xml", "OBS supports only CSV"}},
      {"obs rejects an 11th configuration",
       {"inventory", "put", "--local", "{EST}", "--bucket", "dst", "--validation", "obs"},
       kExitUsage,
       {"'o10'", "bucket 'dst'", "InventoryCountOverLimit", "10"},
       ObsXml("o10", "p10/"),
       [](CliErrorsTest* t) {
         for (int i = 0; i < 10; ++i) {
           std::string id = "o" + std::to_string(i);
           ASSERT_EQ(t->Run({"inventory", "put", "--local", t->Est(""), "--bucket", "dst",
                             "--validation", "obs"},
                            ObsXml(id, "p" + std::to_string(i) + "/"))
                         .exit_code,
                     0);
         }
       }},
      {"obs rejects overlapping prefixes",
       {"inventory", "put", "--local", "{EST}", "--bucket", "dst", "--validation", "obs"},
       kExitUsage,
       {"'o2'", "PrefixExistInclusionRelationship", "'logs/'", "'logs/2024/'"},
       ObsXml("o2", "logs/"),
       [](CliErrorsTest* t) {
         ASSERT_EQ(t->Run({"inventory", "put", "--local", t->Est(""), "--bucket", "dst",
                           "--validation", "obs"},
                          ObsXml("o1", "logs/2024/"))
                       .exit_code,
                   0);
       }},
      {"bad validation profile",
       {"inventory", "put", "--local", "{EST}", "--bucket", "src", "--validation", "gcs", "--file",
        "{IN}/good.xml"},
       kExitUsage,
       {"--validation", "'gcs'"}},
      {"state folder under a file",
       {"--state", "{TMP}/afile/state", "inventory", "list", "--local", "{EST}", "--bucket", "src"},
       kNotFound,
       {"state folder", "afile/state", "Not a directory"}},
      {"state folder in /proc",
       {"--state", "/proc/stocktake-state", "scan", "{EST}/src", "--dest", "{EST}/dst"},
       kNotFound,
       {"state folder /proc/stocktake-state"}},
  };
}

class CliErrorsTableTest : public CliErrorsTest, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(CliErrorsTableTest, FailsWithOneLineExitCodeAndNoWrites) {
  const ErrorCase& c = GetParam();
  if (c.setup) c.setup(this);
  ASSERT_FALSE(HasFatalFailure());
  const auto estate_before = Snapshot(tmp_.Sub("est"));
  const std::string db_md5 = FileMd5(State() + "/stocktake.db");

  std::vector<std::string> args;
  for (const std::string& a : c.args) args.push_back(Expand(a, tmp_.path()));
  const auto t0 = std::chrono::steady_clock::now();
  testing::RunResult r = Run(args, c.stdin_data);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
  EXPECT_EQ(r.out, "");
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.rfind("stocktake: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
  for (const std::string& part : c.message_parts) {
    EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' not in: " << r.err;
  }
  // Failing fast: even an unreachable endpoint is given up within seconds.
  EXPECT_LT(secs, 10.0);

  EXPECT_EQ(Snapshot(tmp_.Sub("est")), estate_before);
  // SQLite folds its WAL back into the file when the last connection
  // closes, so equal bytes mean no configuration was written.
  EXPECT_EQ(FileMd5(State() + "/stocktake.db"), db_md5);
  EXPECT_FALSE(std::filesystem::exists(State() + "/stocktake.db-wal"));
}

INSTANTIATE_TEST_SUITE_P(AllBadInputs, CliErrorsTableTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           std::string name;
                           for (char ch : std::string(info.param.name)) {
                             name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return name;
                         });

// An endpoint that takes connections (the kernel's listen backlog does)
// and never answers a byte.
class SilentEndpoint {
 public:
  SilentEndpoint() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 256), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    url_ = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  }
  ~SilentEndpoint() { ::close(fd_); }
  const std::string& url() const { return url_; }

 private:
  int fd_ = -1;
  std::string url_;
};

// A server that hangs costs what --read-timeout and --max-attempts (or
// AWS_MAX_ATTEMPTS) allow, not the defaults' 6 tries of 60 s each.
TEST_F(CliErrorsTest, SilentEndpointIsGivenUpAsTheFlagsSay) {
  SilentEndpoint endpoint;
  const auto estate_before = Snapshot(tmp_.Sub("est"));
  struct Variant {
    std::vector<std::string> flags;
    std::vector<std::pair<std::string, std::string>> env;
  };
  for (const Variant& v : {Variant{{"--read-timeout", "1", "--max-attempts", "2"}, {}},
                           Variant{{"--read-timeout", "1"}, {{"AWS_MAX_ATTEMPTS", "1"}}}}) {
    std::vector<std::string> args = {"scan", "s3://bkt", "--dest", Est("dst"), "--endpoint-url",
                                     endpoint.url()};
    args.insert(args.end(), v.flags.begin(), v.flags.end());
    const auto t0 = std::chrono::steady_clock::now();
    testing::RunResult r = Run(args, "", v.env);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, kUnavailable) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find("timed out talking to " + endpoint.url()), std::string::npos) << r.err;
    if (v.env.empty()) {
      EXPECT_NE(r.err.find("gave up after 2 attempts"), std::string::npos) << r.err;
    }
    EXPECT_LT(secs, 30.0) << r.err;
  }
  EXPECT_EQ(Snapshot(tmp_.Sub("est")), estate_before);
  testing::RunResult bad = Run({"scan", "s3://bkt", "--dest", Est("dst"), "--endpoint-url",
                                endpoint.url()},
                               "", {{"AWS_MAX_ATTEMPTS", "lots"}});
  EXPECT_EQ(bad.exit_code, kExitUsage) << bad.err;
  EXPECT_NE(bad.err.find("AWS_MAX_ATTEMPTS must be a whole number from 1 to 20, not 'lots'"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace stocktake::cli_test
