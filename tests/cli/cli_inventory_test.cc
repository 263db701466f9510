// `stocktake inventory put|get|list|delete` and `stocktake run` end to end
// on local folders: what is put comes back (XML and JSON, compared after
// parsing), stores do not mix, and stored configurations run into complete,
// consistent reports. Also checks --help names every subcommand and flag
// of issue 3.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "config/config_json.h"
#include "config/config_xml.h"
#include "config/inventory_config.h"

namespace stocktake::cli_test {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string ConfigXml(const std::string& id, const std::string& filter, bool enabled = true,
                      const std::string& versions = "Current") {
  return "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Id>" + id +
         "</Id><IsEnabled>" + (enabled ? "true" : "false") + "</IsEnabled>" +
         (filter.empty() ? "" : "<Filter><Prefix>" + filter + "</Prefix></Filter>") +
         "<Destination><S3BucketDestination><AccountId>123456789012</AccountId><Bucket>"
         "arn:aws:s3:::reports</Bucket><Format>CSV</Format><Prefix>inv</Prefix>"
         "<Encryption><SSE-S3/></Encryption></S3BucketDestination></Destination><Schedule>"
         "<Frequency>Weekly</Frequency></Schedule><IncludedObjectVersions>" +
         versions +
         "</IncludedObjectVersions><OptionalFields><Field>Size</Field><Field>ETag</Field>"
         "<Field>LastModifiedDate</Field><Field>StorageClass</Field></OptionalFields>"
         "</InventoryConfiguration>";
}

constexpr char kJsonConfig[] = R"({"Id": "json1", "IsEnabled": true,
 "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::reports", "Format": "CSV"}},
 "Schedule": {"Frequency": "Daily"}, "IncludedObjectVersions": "All",
 "OptionalFields": ["Size", "IsMultipartUploaded"]})";

class CliInventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* bucket : {"photos", "logs", "reports"}) {
      std::filesystem::create_directories(Est(bucket));
      std::filesystem::create_directories(tmp_.Sub("other/") + bucket);
    }
    WriteFile(Est("photos/2024/a.jpg"), std::string(1000, 'a'));
    WriteFile(Est("photos/2024/b c.jpg"), std::string(2000, 'b'));
    WriteFile(Est("photos/2025/d.jpg"), "d");
    WriteFile(Est("logs/app.log"), "log line\n");
  }
  std::string Est(const std::string& rel = "") const { return tmp_.Sub("est/" + rel); }
  testing::RunResult Run(const std::vector<std::string>& args, const std::string& stdin_data = "") {
    return Stocktake(tmp_.Sub("state"), args, stdin_data);
  }
  // Runs `inventory VERB --local ROOT --bucket B more...`; expects success.
  std::string Inv(const std::string& verb, const std::string& bucket,
                  const std::vector<std::string>& more = {}, const std::string& stdin_data = "",
                  const std::string& root = "") {
    std::vector<std::string> args = {"inventory", verb,  "--local", root.empty() ? Est() : root,
                                     "--bucket",  bucket};
    args.insert(args.end(), more.begin(), more.end());
    testing::RunResult r = Run(args, stdin_data);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
  }
  config::InventoryConfig GetXml(const std::string& bucket, const std::string& id) {
    auto parsed =
        config::ParseInventoryConfigXml(Inv("get", bucket, {"--id", id}), config::Profile::kS3);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    return parsed.ok() ? *parsed : config::InventoryConfig{};
  }
  config::InventoryConfig GetJson(const std::string& bucket, const std::string& id) {
    auto parsed =
        config::ParseInventoryConfigJson(Inv("get", bucket, {"--id", id, "--output", "json"}));
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    return parsed.ok() ? *parsed : config::InventoryConfig{};
  }
  TempDir tmp_;
};

config::InventoryConfig ParseXml(const std::string& xml) {
  return *config::ParseInventoryConfigXml(xml, config::Profile::kS3);
}

TEST_F(CliInventoryTest, PutFromXmlFileJsonFileAndStdinGetsBackTheSameConfig) {
  WriteFile(tmp_.Sub("in/a.xml"), ConfigXml("xml1", "2024/"));
  WriteFile(tmp_.Sub("in/b.json"), kJsonConfig);
  EXPECT_NE(Inv("put", "photos", {"--file", tmp_.Sub("in/a.xml")}).find("'xml1'"),
            std::string::npos);
  Inv("put", "photos", {"--file", tmp_.Sub("in/b.json")});
  Inv("put", "photos", {}, ConfigXml("stdin1", "2025/", false, "All"));
  Inv("put", "photos", {"--file", "-", "--id", "stdin2"}, ConfigXml("stdin2", ""));

  const config::InventoryConfig xml1 = ParseXml(ConfigXml("xml1", "2024/"));
  EXPECT_EQ(GetXml("photos", "xml1"), xml1);
  EXPECT_EQ(GetJson("photos", "xml1"), xml1);
  const config::InventoryConfig json1 = *config::ParseInventoryConfigJson(kJsonConfig);
  EXPECT_EQ(GetXml("photos", "json1"), json1);
  EXPECT_EQ(GetJson("photos", "json1"), json1);
  EXPECT_EQ(GetXml("photos", "stdin1"), ParseXml(ConfigXml("stdin1", "2025/", false, "All")));
  EXPECT_EQ(GetJson("photos", "stdin2"), ParseXml(ConfigXml("stdin2", "")));
}

TEST_F(CliInventoryTest, ListInTextXmlAndJsonDeleteAndReplace) {
  Inv("put", "photos", {}, ConfigXml("b-second", "2025/"));
  Inv("put", "photos", {}, ConfigXml("a-first", "2024/", false));
  Inv("put", "logs", {}, ConfigXml("logs1", ""));

  EXPECT_EQ(Inv("list", "photos"),
            "a-first\tdisabled\tCSV\tWeekly\tCurrent\ts3://reports/inv\n"
            "b-second\tenabled\tCSV\tWeekly\tCurrent\ts3://reports/inv\n");
  auto xml_list = config::ParseInventoryListXml(Inv("list", "photos", {"--output", "xml"}),
                                                config::Profile::kS3);
  ASSERT_TRUE(xml_list.ok()) << xml_list.status().ToString();
  ASSERT_EQ(xml_list->configs.size(), 2u);
  EXPECT_EQ(xml_list->configs[0], ParseXml(ConfigXml("a-first", "2024/", false)));
  EXPECT_EQ(xml_list->configs[1], ParseXml(ConfigXml("b-second", "2025/")));
  EXPECT_FALSE(xml_list->is_truncated);
  const std::string json_list = Inv("list", "photos", {"--output", "json"});
  EXPECT_NE(json_list.find("\"InventoryConfigurationList\""), std::string::npos);
  EXPECT_NE(json_list.find("\"Id\": \"a-first\""), std::string::npos);
  EXPECT_NE(json_list.find("\"Id\": \"b-second\""), std::string::npos);
  EXPECT_EQ(json_list.find("logs1"), std::string::npos);

  // Replace: same id, new body.
  Inv("put", "photos", {}, ConfigXml("a-first", "2023/", true, "All"));
  EXPECT_EQ(GetXml("photos", "a-first"), ParseXml(ConfigXml("a-first", "2023/", true, "All")));
  EXPECT_EQ(Inv("list", "photos").find("a-first\tenabled\tCSV\tWeekly\tAll"), 0u);

  EXPECT_NE(Inv("delete", "photos", {"--id", "a-first"}).find("'a-first'"), std::string::npos);
  EXPECT_EQ(Inv("list", "photos"), "b-second\tenabled\tCSV\tWeekly\tCurrent\ts3://reports/inv\n");
  testing::RunResult gone =
      Run({"inventory", "get", "--local", Est(), "--bucket", "photos", "--id", "a-first"});
  EXPECT_EQ(gone.exit_code, 3);
  EXPECT_EQ(Inv("list", "logs"), "logs1\tenabled\tCSV\tWeekly\tCurrent\ts3://reports/inv\n");
}

TEST_F(CliInventoryTest, ConfigsOfTwoLocalRootsDoNotMix) {
  Inv("put", "photos", {}, ConfigXml("alpha", ""));
  Inv("put", "photos", {}, ConfigXml("beta", ""), tmp_.Sub("other"));
  EXPECT_EQ(Inv("list", "photos").find("alpha\t"), 0u);
  EXPECT_EQ(Inv("list", "photos").find("beta"), std::string::npos);
  EXPECT_EQ(Inv("list", "photos", {}, "", tmp_.Sub("other")).find("beta\t"), 0u);
  EXPECT_EQ(Inv("list", "photos", {}, "", tmp_.Sub("other")).find("alpha"), std::string::npos);
  // The same root spelled differently is the same store.
  EXPECT_EQ(Inv("list", "photos", {}, "", tmp_.Sub("est/../est/")).find("alpha\t"), 0u);
}

// Loads every report under reports/inv/<bucket>/<id>/.
std::vector<LoadedReport> ReportsOf(const std::string& reports_bucket, const std::string& bucket,
                                    const std::string& id) {
  std::vector<LoadedReport> out;
  for (const std::string& m : FindManifests(reports_bucket + "/inv/" + bucket + "/" + id)) {
    out.push_back(LoadReport(reports_bucket, m));
  }
  return out;
}

TEST_F(CliInventoryTest, RunByIdByBucketAndAllMakesConsistentReports) {
  Inv("put", "photos", {}, ConfigXml("p2024", "2024/"));
  Inv("put", "photos", {}, ConfigXml("pall", ""));
  Inv("put", "photos", {}, ConfigXml("off", "", false));
  Inv("put", "logs", {}, ConfigXml("logs1", ""));
  const std::string reports = Est("reports");

  testing::RunResult one = Run({"run", "--local", Est(), "--bucket", "photos", "--id", "p2024"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  std::vector<LoadedReport> p2024 = ReportsOf(reports, "photos", "p2024");
  ASSERT_EQ(p2024.size(), 1u);
  EXPECT_EQ(Keys(p2024[0]), (std::vector<std::string>{"2024/a.jpg", "2024/b c.jpg"}));
  EXPECT_EQ(p2024[0].manifest.file_schema,
            "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass");
  EXPECT_EQ(p2024[0].manifest.destination_bucket, "arn:aws:s3:::reports");
  EXPECT_EQ(p2024[0].objects[0].etag, FileMd5(Est("photos/2024/a.jpg")));
  EXPECT_TRUE(ReportsOf(reports, "photos", "pall").empty());

  // --bucket: every enabled config of the bucket; the disabled one only by id.
  testing::RunResult bucket = Run({"run", "--local", Est(), "--bucket", "photos"});
  ASSERT_EQ(bucket.exit_code, 0) << bucket.err;
  std::vector<LoadedReport> pall = ReportsOf(reports, "photos", "pall");
  ASSERT_EQ(pall.size(), 1u);
  EXPECT_EQ(Keys(pall[0]), (std::vector<std::string>{"2024/a.jpg", "2024/b c.jpg", "2025/d.jpg"}));
  EXPECT_TRUE(ReportsOf(reports, "photos", "off").empty());
  EXPECT_TRUE(ReportsOf(reports, "logs", "logs1").empty());

  testing::RunResult all = Run({"run", "--local", Est(), "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("logs/logs1: 1 objects"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("photos/pall: 3 objects"), std::string::npos) << all.out;
  EXPECT_EQ(all.out.find("off"), std::string::npos) << all.out;
  std::vector<LoadedReport> logs = ReportsOf(reports, "logs", "logs1");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(Keys(logs[0]), std::vector<std::string>{"app.log"});
  EXPECT_TRUE(ReportsOf(reports, "photos", "off").empty());

  testing::RunResult disabled = Run({"run", "--local", Est(), "--bucket", "photos", "--id", "off"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  EXPECT_EQ(ReportsOf(reports, "photos", "off").size(), 1u);
}

// --help of each subcommand names the flags issue 3 specifies.
TEST(CliHelpTest, EverySubcommandOfIssue3HasItsFlags) {
  struct Expect {
    std::vector<std::string> command;
    std::vector<std::string> flags;
  };
  const std::vector<std::string> store = {"--local", "--endpoint-url", "--region", "--profile"};
  auto with_store = [&](std::vector<std::string> flags) {
    flags.insert(flags.end(), store.begin(), store.end());
    return flags;
  };
  const std::vector<Expect> expects = {
      {{}, {"--state", "-q,--quiet", "scan", "run", "inventory", "demo"}},
      {{"scan"},
       with_store({"SOURCE", "--dest", "--format", "--versions", "--fields", "--prefix", "--id",
                   "--layout", "--max-file-size"})},
      {{"run"}, with_store({"--bucket", "--id", "--all"})},
      {{"inventory"}, {"put", "get", "list", "delete"}},
      {{"inventory", "put"}, with_store({"--bucket", "--id", "--file", "--validation"})},
      {{"inventory", "get"}, with_store({"--bucket", "--id", "--output"})},
      {{"inventory", "list"}, with_store({"--bucket", "--output"})},
      {{"inventory", "delete"}, with_store({"--bucket", "--id"})},
      {{"demo"}, {"--dir", "--objects"}},
  };
  for (const Expect& e : expects) {
    std::vector<std::string> args = e.command;
    args.push_back("--help");
    testing::RunResult r = testing::RunStocktake(args);
    SCOPED_TRACE(r.out);
    EXPECT_EQ(r.exit_code, 0);
    for (const std::string& flag : e.flags) {
      EXPECT_NE(r.out.find("  " + flag + " "), std::string::npos) << flag;
    }
  }
}

}  // namespace
}  // namespace stocktake::cli_test
