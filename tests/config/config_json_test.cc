#include "config/config_json.h"

#include <gtest/gtest.h>

#include "config/config_error.h"
#include "config/config_xml.h"

namespace stocktake::config {
namespace {

const char kCliJson[] = R"({
  "Id": "report1",
  "IsEnabled": true,
  "Filter": {"Prefix": "photos/"},
  "Destination": {
    "S3BucketDestination": {
      "AccountId": "123456789012",
      "Bucket": "arn:aws:s3:::inventory-dest",
      "Format": "Parquet",
      "Prefix": "inv",
      "Encryption": {"SSEKMS": {"KeyId": "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"}}
    }
  },
  "Schedule": {"Frequency": "Weekly"},
  "IncludedObjectVersions": "All",
  "OptionalFields": ["Size", "LastModifiedDate", "ETag", "Size"]
})";

InventoryConfig Expected() {
  InventoryConfig c;
  c.id = "report1";
  c.filter_prefix = "photos/";
  c.destination.account_id = "123456789012";
  c.destination.SetBucket("arn:aws:s3:::inventory-dest");
  c.destination.format = ReportFormat::kParquet;
  c.destination.prefix = "inv";
  c.destination.encryption = {EncryptionKind::kSseKms,
                              "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"};
  c.included_versions = ObjectVersions::kAll;
  c.optional_fields = {InventoryField::kSize, InventoryField::kLastModifiedDate,
                       InventoryField::kETag};
  c.frequency = Frequency::kWeekly;
  return c;
}

std::string MinimalJson(const std::string& dest_extra, const std::string& top_extra) {
  return R"({"Id":"r","IsEnabled":false,"Destination":{"S3BucketDestination":{"Bucket":"arn:aws:s3:::dest","Format":"CSV")" +
         dest_extra + R"(}},"Schedule":{"Frequency":"Daily"},"IncludedObjectVersions":"Current")" +
         top_extra + "}";
}

TEST(ConfigJsonTest, ParsesTheCliShape) {
  Result<InventoryConfig> c = ParseInventoryConfigJson(kCliJson);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, Expected());
}

TEST(ConfigJsonTest, ParsesMinimalAndSseS3) {
  Result<InventoryConfig> c = ParseInventoryConfigJson(MinimalJson("", ""));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->is_enabled);
  EXPECT_FALSE(c->filter_prefix.has_value());
  EXPECT_EQ(c->destination.bucket, "dest");
  c = ParseInventoryConfigJson(MinimalJson(R"(,"Encryption":{"SSES3":{}})", ""));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->destination.encryption.kind, EncryptionKind::kSseS3);
}

TEST(ConfigJsonTest, AcceptsTheGetOutputWrapper) {
  std::string wrapped = std::string(R"({"InventoryConfiguration":)") + kCliJson + "}";
  Result<InventoryConfig> c = ParseInventoryConfigJson(wrapped);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, Expected());
}

struct ErrorCase {
  std::string name;
  std::string json;
  std::string message;
};

TEST(ConfigJsonTest, RejectsBadDocumentsWithPreciseErrors) {
  const std::vector<ErrorCase> cases = {
      {"syntax", "{\"Id\":", "MalformedXML: not valid JSON"},
      {"not an object", "[1]", "MalformedXML: the configuration must be a JSON object"},
      {"unknown key", MinimalJson("", R"(,"Colour":"red")"),
       "MalformedXML: unknown key 'Colour' in the configuration"},
      {"unknown destination key", MinimalJson(R"(,"Region":"x")", ""),
       "MalformedXML: unknown key 'Region' in Destination.S3BucketDestination"},
      {"duplicate key", MinimalJson("", R"(,"Id":"again")"),
       "MalformedXML: duplicate key 'Id' in the configuration"},
      {"unknown field", MinimalJson("", R"(,"OptionalFields":["Colour"])"),
       "MalformedXML: unknown OptionalFields/Field 'Colour'"},
      {"fields not strings", MinimalJson("", R"(,"OptionalFields":[1])"),
       "MalformedXML: OptionalFields must be an array of strings"},
      {"enabled as string", R"({"Id":"r","IsEnabled":"true"})",
       "MalformedXML: IsEnabled must be true or false"},
      {"id as number", R"({"Id":7})", "MalformedXML: Id must be a string"},
      {"missing id", R"({"IsEnabled":true})", "MalformedXML: missing Id"},
      {"missing bucket",
       R"({"Id":"r","IsEnabled":true,"Destination":{"S3BucketDestination":{"Format":"CSV"}}})",
       "MalformedXML: missing Destination.S3BucketDestination.Bucket"},
      {"filter without prefix", MinimalJson("", R"(,"Filter":{})"),
       "MalformedXML: missing Filter.Prefix"},
      {"bad format",
       R"({"Id":"r","IsEnabled":true,"Destination":{"S3BucketDestination":{"Bucket":"b","Format":"JSON"}}})",
       "InvalidArgument: invalid Destination.S3BucketDestination.Format 'JSON'"},
      {"bad versions", MinimalJson("", "").replace(MinimalJson("", "").find("Current"), 7, "Some"),
       "InvalidArgument: invalid IncludedObjectVersions 'Some'"},
      {"two encryptions", MinimalJson(R"(,"Encryption":{"SSES3":{},"SSEKMS":{"KeyId":"k"}})", ""),
       "MalformedXML: Destination.S3BucketDestination.Encryption must hold one of SSES3, SSEKMS"},
      {"xml names in json", MinimalJson(R"(,"Encryption":{"SSE-S3":{}})", ""),
       "MalformedXML: unknown key 'SSE-S3' in Destination.S3BucketDestination.Encryption"},
      {"kms without key", MinimalJson(R"(,"Encryption":{"SSEKMS":{}})", ""),
       "MalformedXML: missing Destination.S3BucketDestination.Encryption.SSEKMS.KeyId"},
  };
  for (const ErrorCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    Result<InventoryConfig> c = ParseInventoryConfigJson(tc.json);
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(S3ErrorCodeOf(c.status()).has_value());
    EXPECT_EQ(c.status().message().substr(0, tc.message.size()), tc.message);
  }
}

TEST(ConfigJsonTest, WritesTheCliLayout) {
  InventoryConfig c = Expected();
  c.destination.encryption = {EncryptionKind::kSseS3, ""};
  c.optional_fields = {InventoryField::kSize};
  EXPECT_EQ(WriteInventoryConfigJson(c), R"({
    "Id": "report1",
    "IsEnabled": true,
    "Filter": {
        "Prefix": "photos/"
    },
    "Destination": {
        "S3BucketDestination": {
            "AccountId": "123456789012",
            "Bucket": "arn:aws:s3:::inventory-dest",
            "Format": "Parquet",
            "Prefix": "inv",
            "Encryption": {
                "SSES3": {}
            }
        }
    },
    "Schedule": {
        "Frequency": "Weekly"
    },
    "IncludedObjectVersions": "All",
    "OptionalFields": [
        "Size"
    ]
}
)");
}

TEST(ConfigJsonTest, RoundTripsIncludingEscapes) {
  InventoryConfig c = Expected();
  c.filter_prefix = "quote\" back\\slash \t tab \x01 ctl é";
  c.destination.prefix = "";
  Result<InventoryConfig> back = ParseInventoryConfigJson(WriteInventoryConfigJson(c));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);

  InventoryConfig minimal;
  minimal.id = "m";
  minimal.destination.SetBucket("arn:aws:s3:::d");
  back = ParseInventoryConfigJson(WriteInventoryConfigJson(minimal));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, minimal);
}

TEST(ConfigJsonTest, JsonAndXmlDescribeTheSameConfig) {
  Result<InventoryConfig> from_json = ParseInventoryConfigJson(kCliJson);
  ASSERT_TRUE(from_json.ok());
  Result<InventoryConfig> from_xml =
      ParseInventoryConfigXml(WriteInventoryConfigXml(*from_json), Profile::kS3);
  ASSERT_TRUE(from_xml.ok()) << from_xml.status().ToString();
  EXPECT_EQ(*from_xml, *from_json);
  Result<InventoryConfig> json_again = ParseInventoryConfigJson(WriteInventoryConfigJson(*from_xml));
  ASSERT_TRUE(json_again.ok());
  EXPECT_EQ(*json_again, *from_xml);
}

TEST(ConfigJsonTest, DetectsXmlOrJsonFromFirstCharacter) {
  Result<InventoryConfig> json = ParseInventoryConfigText(std::string("\n  ") + kCliJson, Profile::kS3);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(*json, Expected());
  Result<InventoryConfig> xml =
      ParseInventoryConfigText(" \n" + WriteInventoryConfigXml(Expected()), Profile::kS3);
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  EXPECT_EQ(*xml, Expected());
  Result<InventoryConfig> neither = ParseInventoryConfigText("Id: x", Profile::kS3);
  ASSERT_FALSE(neither.ok());
  EXPECT_EQ(S3ErrorCodeOf(neither.status()), S3ErrorCode::kMalformedXML);
  EXPECT_FALSE(ParseInventoryConfigText("", Profile::kS3).ok());
}

}  // namespace
}  // namespace stocktake::config
