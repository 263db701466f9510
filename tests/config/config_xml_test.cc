#include "config/config_xml.h"

#include <functional>

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace stocktake::config {
namespace {

// Builds an AWS configuration document around the given Destination/
// S3BucketDestination children and top-level extras.
std::string AwsDoc(const std::string& dest_children, const std::string& extra,
                   const std::string& id = "<Id>report1</Id>") {
  return "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + id +
         "<IsEnabled>true</IsEnabled><Destination><S3BucketDestination>" + dest_children +
         "</S3BucketDestination></Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
         "<IncludedObjectVersions>Current</IncludedObjectVersions>" +
         extra + "</InventoryConfiguration>";
}

const std::string kMinDest = "<Bucket>arn:aws:s3:::dest</Bucket><Format>CSV</Format>";

InventoryConfig FullConfig() {
  InventoryConfig c;
  c.id = "report1";
  c.is_enabled = true;
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

TEST(ConfigXmlTest, ParsesTheSpecExample) {
  const std::string xml = R"(<InventoryConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Id>report1</Id>
  <IsEnabled>true</IsEnabled>
  <Filter><Prefix>photos/</Prefix></Filter>
  <Destination><S3BucketDestination>
    <AccountId>123456789012</AccountId>
    <Bucket>arn:aws:s3:::inventory-dest</Bucket>
    <Format>Parquet</Format>
    <Prefix>inv</Prefix>
    <Encryption><SSE-KMS><KeyId>arn:aws:kms:eu-west-1:123456789012:key/1111-2222</KeyId></SSE-KMS></Encryption>
  </S3BucketDestination></Destination>
  <Schedule><Frequency>Weekly</Frequency></Schedule>
  <IncludedObjectVersions>All</IncludedObjectVersions>
  <OptionalFields><Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field></OptionalFields>
</InventoryConfiguration>)";
  Result<InventoryConfig> c = ParseInventoryConfigXml(xml, Profile::kS3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, FullConfig());
  EXPECT_EQ(c->destination.bucket, "inventory-dest");
  EXPECT_EQ(c->destination.bucket_arn, "arn:aws:s3:::inventory-dest");
}

struct ParseCase {
  std::string name;
  std::string xml;
  std::function<void(const InventoryConfig&)> check;
};

TEST(ConfigXmlTest, ParsesEachElement) {
  const std::vector<ParseCase> cases = {
      {"minimal", AwsDoc(kMinDest, ""),
       [](const InventoryConfig& c) {
         EXPECT_EQ(c.id, "report1");
         EXPECT_FALSE(c.filter_prefix.has_value());
         EXPECT_FALSE(c.destination.account_id.has_value());
         EXPECT_FALSE(c.destination.prefix.has_value());
         EXPECT_EQ(c.destination.encryption.kind, EncryptionKind::kNone);
         EXPECT_TRUE(c.optional_fields.empty());
         EXPECT_EQ(c.included_versions, ObjectVersions::kCurrent);
         EXPECT_EQ(c.frequency, Frequency::kDaily);
       }},
      {"empty filter prefix is not an absent filter",
       AwsDoc(kMinDest, "<Filter><Prefix></Prefix></Filter>"),
       [](const InventoryConfig& c) { EXPECT_EQ(c.filter_prefix, std::optional<std::string>("")); }},
      {"disabled",
       "<InventoryConfiguration><Id>x</Id><IsEnabled>false</IsEnabled><Destination>"
       "<S3BucketDestination>" + kMinDest + "</S3BucketDestination></Destination><Schedule>"
       "<Frequency>Daily</Frequency></Schedule><IncludedObjectVersions>All"
       "</IncludedObjectVersions></InventoryConfiguration>",
       [](const InventoryConfig& c) {
         EXPECT_FALSE(c.is_enabled);
         EXPECT_EQ(c.included_versions, ObjectVersions::kAll);
       }},
      {"ORC", AwsDoc("<Bucket>arn:aws:s3:::dest</Bucket><Format>ORC</Format>", ""),
       [](const InventoryConfig& c) { EXPECT_EQ(c.destination.format, ReportFormat::kOrc); }},
      {"SSE-S3", AwsDoc(kMinDest + "<Encryption><SSE-S3/></Encryption>", ""),
       [](const InventoryConfig& c) {
         EXPECT_EQ(c.destination.encryption.kind, EncryptionKind::kSseS3);
       }},
      {"empty destination prefix", AwsDoc(kMinDest + "<Prefix/>", ""),
       [](const InventoryConfig& c) { EXPECT_EQ(c.destination.prefix, std::optional<std::string>("")); }},
      {"duplicate fields are kept once in given order",
       AwsDoc(kMinDest,
              "<OptionalFields><Field>ETag</Field><Field>Size</Field><Field>ETag</Field>"
              "</OptionalFields>"),
       [](const InventoryConfig& c) {
         EXPECT_EQ(c.optional_fields,
                   (std::vector<InventoryField>{InventoryField::kETag, InventoryField::kSize}));
       }},
      {"elements in any order",
       "<InventoryConfiguration><IncludedObjectVersions>Current</IncludedObjectVersions>"
       "<Schedule><Frequency>Daily</Frequency></Schedule><Destination><S3BucketDestination>"
       "<Format>CSV</Format><Bucket>arn:aws:s3:::dest</Bucket></S3BucketDestination>"
       "</Destination><IsEnabled>true</IsEnabled><Id>report1</Id></InventoryConfiguration>",
       [](const InventoryConfig& c) { EXPECT_EQ(c.destination.bucket, "dest"); }},
      {"special characters in a prefix", AwsDoc(kMinDest, "<Filter><Prefix>a &amp; b &lt;c&gt;/</Prefix></Filter>"),
       [](const InventoryConfig& c) { EXPECT_EQ(*c.filter_prefix, "a & b <c>/"); }},
  };
  for (const ParseCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    Result<InventoryConfig> c = ParseInventoryConfigXml(tc.xml, Profile::kS3);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    tc.check(*c);
  }
}

TEST(ConfigXmlTest, ParsesEveryOptionalField) {
  std::string fields;
  std::vector<InventoryField> expected;
  for (int i = 0; i < kInventoryFieldCount; ++i) {
    auto f = static_cast<InventoryField>(i);
    if (!IsOptionalField(f)) continue;
    fields += "<Field>" + std::string(FieldName(f)) + "</Field>";
    expected.push_back(f);
  }
  EXPECT_EQ(expected.size(), 16u);
  Result<InventoryConfig> c =
      ParseInventoryConfigXml(AwsDoc(kMinDest, "<OptionalFields>" + fields + "</OptionalFields>"),
                              Profile::kS3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->optional_fields, expected);
}

struct ErrorCase {
  std::string name;
  std::string xml;
  S3ErrorCode code;
  std::string message;
};

TEST(ConfigXmlTest, RejectsBadDocumentsWithPreciseErrors) {
  const std::string schedule = "<Schedule><Frequency>Daily</Frequency></Schedule>";
  const std::vector<ErrorCase> cases = {
      {"not xml", "<InventoryConfiguration>", S3ErrorCode::kMalformedXML,
       "MalformedXML: not well-formed XML"},
      {"wrong root", "<Foo/>", S3ErrorCode::kMalformedXML,
       "MalformedXML: root element is 'Foo', expected 'InventoryConfiguration'"},
      {"unknown field", AwsDoc(kMinDest, "<OptionalFields><Field>Colour</Field></OptionalFields>"),
       S3ErrorCode::kMalformedXML, "MalformedXML: unknown OptionalFields/Field 'Colour'"},
      {"non-optional field", AwsDoc(kMinDest, "<OptionalFields><Field>Key</Field></OptionalFields>"),
       S3ErrorCode::kMalformedXML, "MalformedXML: unknown OptionalFields/Field 'Key'"},
      {"field names are case-sensitive",
       AwsDoc(kMinDest, "<OptionalFields><Field>size</Field></OptionalFields>"),
       S3ErrorCode::kMalformedXML, "MalformedXML: unknown OptionalFields/Field 'size'"},
      {"unknown element", AwsDoc(kMinDest, "<Colour>red</Colour>"), S3ErrorCode::kMalformedXML,
       "MalformedXML: unknown element 'Colour' in InventoryConfiguration"},
      {"unknown destination element", AwsDoc(kMinDest + "<Region>x</Region>", ""),
       S3ErrorCode::kMalformedXML,
       "MalformedXML: unknown element 'Region' in Destination/S3BucketDestination"},
      {"unknown element in fields", AwsDoc(kMinDest, "<OptionalFields><F>Size</F></OptionalFields>"),
       S3ErrorCode::kMalformedXML, "MalformedXML: unknown element 'F' in OptionalFields"},
      {"duplicate element", AwsDoc(kMinDest, "", "<Id>a</Id><Id>b</Id>"),
       S3ErrorCode::kMalformedXML,
       "MalformedXML: duplicate element 'Id' in InventoryConfiguration"},
      {"missing id", AwsDoc(kMinDest, "", ""), S3ErrorCode::kMalformedXML, "MalformedXML: missing Id"},
      {"missing bucket", AwsDoc("<Format>CSV</Format>", ""), S3ErrorCode::kMalformedXML,
       "MalformedXML: missing Destination/S3BucketDestination/Bucket"},
      {"missing format", AwsDoc("<Bucket>arn:aws:s3:::d</Bucket>", ""), S3ErrorCode::kMalformedXML,
       "MalformedXML: missing Destination/S3BucketDestination/Format"},
      {"missing S3BucketDestination",
       "<InventoryConfiguration><Id>a</Id><IsEnabled>true</IsEnabled><Destination/>" + schedule +
           "<IncludedObjectVersions>All</IncludedObjectVersions></InventoryConfiguration>",
       S3ErrorCode::kMalformedXML, "MalformedXML: missing Destination/S3BucketDestination"},
      {"missing schedule",
       "<InventoryConfiguration><Id>a</Id><IsEnabled>true</IsEnabled><Destination>"
       "<S3BucketDestination>" + kMinDest + "</S3BucketDestination></Destination>"
       "<IncludedObjectVersions>All</IncludedObjectVersions></InventoryConfiguration>",
       S3ErrorCode::kMalformedXML, "MalformedXML: missing Schedule"},
      {"missing versions",
       "<InventoryConfiguration><Id>a</Id><IsEnabled>true</IsEnabled><Destination>"
       "<S3BucketDestination>" + kMinDest + "</S3BucketDestination></Destination>" + schedule +
           "</InventoryConfiguration>",
       S3ErrorCode::kMalformedXML, "MalformedXML: missing IncludedObjectVersions"},
      {"filter without prefix", AwsDoc(kMinDest, "<Filter/>"), S3ErrorCode::kMalformedXML,
       "MalformedXML: missing Filter/Prefix"},
      {"bad boolean",
       "<InventoryConfiguration><Id>a</Id><IsEnabled>yes</IsEnabled></InventoryConfiguration>",
       S3ErrorCode::kMalformedXML, "MalformedXML: IsEnabled must be true or false, not 'yes'"},
      {"bad format", AwsDoc("<Bucket>arn:aws:s3:::d</Bucket><Format>csv</Format>", ""),
       S3ErrorCode::kInvalidArgument,
       "InvalidArgument: invalid Destination/S3BucketDestination/Format 'csv'"},
      {"bad frequency",
       "<InventoryConfiguration><Id>a</Id><IsEnabled>true</IsEnabled><Destination>"
       "<S3BucketDestination>" + kMinDest + "</S3BucketDestination></Destination><Schedule>"
       "<Frequency>Hourly</Frequency></Schedule></InventoryConfiguration>",
       S3ErrorCode::kInvalidArgument, "InvalidArgument: invalid Schedule/Frequency 'Hourly'"},
      {"bad versions",
       "<InventoryConfiguration><Id>a</Id><IsEnabled>true</IsEnabled><Destination>"
       "<S3BucketDestination>" + kMinDest + "</S3BucketDestination></Destination>" + schedule +
           "<IncludedObjectVersions>Latest</IncludedObjectVersions></InventoryConfiguration>",
       S3ErrorCode::kInvalidArgument, "InvalidArgument: invalid IncludedObjectVersions 'Latest'"},
      {"two encryptions",
       AwsDoc(kMinDest + "<Encryption><SSE-S3/><SSE-KMS><KeyId>k</KeyId></SSE-KMS></Encryption>", ""),
       S3ErrorCode::kMalformedXML,
       "MalformedXML: Destination/S3BucketDestination/Encryption must hold exactly one of "
       "SSE-S3, SSE-KMS"},
      {"empty encryption", AwsDoc(kMinDest + "<Encryption/>", ""), S3ErrorCode::kMalformedXML,
       "MalformedXML: Destination/S3BucketDestination/Encryption must hold exactly one of "
       "SSE-S3, SSE-KMS"},
      {"kms without key id", AwsDoc(kMinDest + "<Encryption><SSE-KMS/></Encryption>", ""),
       S3ErrorCode::kMalformedXML,
       "MalformedXML: missing Destination/S3BucketDestination/Encryption/SSE-KMS/KeyId"},
      {"element inside a leaf", AwsDoc(kMinDest, "", "<Id><b>x</b></Id>"),
       S3ErrorCode::kMalformedXML, "MalformedXML: Id must hold text, not elements"},
      {"stray text", AwsDoc(kMinDest, "oops"), S3ErrorCode::kMalformedXML,
       "MalformedXML: unexpected text in InventoryConfiguration"},
      {"OBS-style destination in AWS dialect",
       "<InventoryConfiguration><Id>a</Id><IsEnabled>true</IsEnabled><Destination>"
       "<Format>CSV</Format><Bucket>d</Bucket></Destination></InventoryConfiguration>",
       S3ErrorCode::kMalformedXML, "MalformedXML: unknown element 'Format' in Destination"},
  };
  for (const ErrorCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    Result<InventoryConfig> c = ParseInventoryConfigXml(tc.xml, Profile::kS3);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(S3ErrorCodeOf(c.status()), tc.code);
    EXPECT_EQ(c.status().message().substr(0, tc.message.size()), tc.message);
  }
}

TEST(ConfigXmlTest, WritesAwsElementOrder) {
  const std::string expected =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Id>report1</Id><IsEnabled>true</IsEnabled>"
      "<Destination><S3BucketDestination><Format>Parquet</Format>"
      "<AccountId>123456789012</AccountId><Bucket>arn:aws:s3:::inventory-dest</Bucket>"
      "<Prefix>inv</Prefix><Encryption><SSE-KMS>"
      "<KeyId>arn:aws:kms:eu-west-1:123456789012:key/1111-2222</KeyId></SSE-KMS></Encryption>"
      "</S3BucketDestination></Destination>"
      "<Schedule><Frequency>Weekly</Frequency></Schedule>"
      "<Filter><Prefix>photos/</Prefix></Filter>"
      "<IncludedObjectVersions>All</IncludedObjectVersions>"
      "<OptionalFields><Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field>"
      "</OptionalFields></InventoryConfiguration>";
  EXPECT_EQ(WriteInventoryConfigXml(FullConfig()), expected);
}

TEST(ConfigXmlTest, RoundTripsEveryShape) {
  std::vector<InventoryConfig> configs;
  configs.push_back(FullConfig());
  InventoryConfig minimal;
  minimal.id = "m";
  minimal.destination.SetBucket("arn:aws:s3:::dest");
  configs.push_back(minimal);
  InventoryConfig s3enc = FullConfig();
  s3enc.destination.encryption = {EncryptionKind::kSseS3, ""};
  s3enc.filter_prefix = "";
  s3enc.destination.prefix = "";
  s3enc.is_enabled = false;
  s3enc.optional_fields = {InventoryField::kObjectOwner, InventoryField::kSize};
  configs.push_back(s3enc);
  for (const InventoryConfig& c : configs) {
    for (bool indent : {false, true}) {
      XmlWriteOptions options;
      options.indent = indent;
      std::string xml = WriteInventoryConfigXml(c, options);
      Result<InventoryConfig> back = ParseInventoryConfigXml(xml, Profile::kS3);
      ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << xml;
      EXPECT_EQ(*back, c) << xml;
    }
  }
}

TEST(ConfigXmlTest, WritesAndParsesObsDialect) {
  InventoryConfig c;
  c.id = "obs1";
  c.filter_prefix = "logs/";
  c.destination.SetBucket("destbucket");
  c.destination.prefix = "dest-prefix";
  c.destination.encryption = {EncryptionKind::kSseKms, "key-1"};
  c.included_versions = ObjectVersions::kAll;
  c.optional_fields = {InventoryField::kSize, InventoryField::kEncryptionStatus};
  XmlWriteOptions options;
  options.profile = Profile::kObs;
  options.obs_region = "eu-de";
  std::string xml = WriteInventoryConfigXml(c, options);
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<InventoryConfiguration xmlns=\"http://obs.eu-de.myhuaweicloud.com/doc/2015-06-30/\">"
            "<Id>obs1</Id><IsEnabled>true</IsEnabled><Filter><Prefix>logs/</Prefix></Filter>"
            "<Destination><Format>CSV</Format><Bucket>destbucket</Bucket>"
            "<Prefix>dest-prefix</Prefix><Encryption><SSE-KMS><KeyId>key-1</KeyId></SSE-KMS>"
            "</Encryption></Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
            "<IncludedObjectVersions>All</IncludedObjectVersions><OptionalFields>"
            "<Field>Size</Field><Field>EncryptionStatus</Field></OptionalFields>"
            "</InventoryConfiguration>");
  Result<InventoryConfig> back = ParseInventoryConfigXml(xml, Profile::kObs);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
  EXPECT_TRUE(back->destination.bucket_arn.empty());

  Result<InventoryConfig> as_aws = ParseInventoryConfigXml(xml, Profile::kS3);
  ASSERT_FALSE(as_aws.ok());
  EXPECT_EQ(as_aws.status().message(), "MalformedXML: unknown element 'Format' in Destination");
  Result<InventoryConfig> aws_as_obs =
      ParseInventoryConfigXml(AwsDoc(kMinDest, ""), Profile::kObs);
  ASSERT_FALSE(aws_as_obs.ok());
  EXPECT_EQ(aws_as_obs.status().message(),
            "MalformedXML: unknown element 'S3BucketDestination' in Destination");
}

TEST(ConfigXmlTest, ObsDialectHasNoAccountId) {
  const std::string xml =
      "<InventoryConfiguration><Id>a</Id><IsEnabled>true</IsEnabled><Destination>"
      "<AccountId>123456789012</AccountId><Format>CSV</Format><Bucket>d</Bucket></Destination>"
      "</InventoryConfiguration>";
  Result<InventoryConfig> c = ParseInventoryConfigXml(xml, Profile::kObs);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "MalformedXML: unknown element 'AccountId' in Destination");
}

TEST(ConfigXmlTest, ListRoundTripsWithTokens) {
  InventoryConfigList list;
  list.configs = {FullConfig(), FullConfig()};
  list.configs[1].id = "report2";
  list.continuation_token = "tok1";
  list.is_truncated = true;
  list.next_continuation_token = "report2";
  std::string xml = WriteInventoryListXml(list);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListInventoryConfigurationsResult "
                      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ContinuationToken>tok1"
                      "</ContinuationToken><InventoryConfiguration><Id>report1</Id>",
                      0),
            0u);
  EXPECT_NE(xml.find("</InventoryConfiguration><IsTruncated>true</IsTruncated>"
                     "<NextContinuationToken>report2</NextContinuationToken>"
                     "</ListInventoryConfigurationsResult>"),
            std::string::npos);
  Result<InventoryConfigList> back = ParseInventoryListXml(xml, Profile::kS3);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, list);
}

TEST(ConfigXmlTest, LastListPageHasNoNextToken) {
  InventoryConfigList list;
  std::string xml = WriteInventoryListXml(list);
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListInventoryConfigurationsResult "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>false</IsTruncated>"
            "</ListInventoryConfigurationsResult>");
  Result<InventoryConfigList> back = ParseInventoryListXml(xml, Profile::kS3);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, list);
}

TEST(ConfigXmlTest, ObsListHasItsOwnRootAndNoTokens) {
  InventoryConfig c;
  c.id = "a";
  c.destination.SetBucket("dest");
  InventoryConfigList list;
  list.configs = {c};
  XmlWriteOptions options;
  options.profile = Profile::kObs;
  std::string xml = WriteInventoryListXml(list, options);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListInventoryConfiguration>"
                      "<InventoryConfiguration>",
                      0),
            0u);
  EXPECT_EQ(xml.find("IsTruncated"), std::string::npos);
  Result<InventoryConfigList> back = ParseInventoryListXml(xml, Profile::kObs);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, list);
  EXPECT_FALSE(ParseInventoryListXml(xml, Profile::kS3).ok());
}

TEST(ConfigXmlTest, ListRejectsBadConfigurationInside) {
  const std::string xml =
      "<ListInventoryConfigurationsResult><InventoryConfiguration><Id>a</Id>"
      "</InventoryConfiguration><IsTruncated>false</IsTruncated>"
      "</ListInventoryConfigurationsResult>";
  Result<InventoryConfigList> list = ParseInventoryListXml(xml, Profile::kS3);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().message(), "MalformedXML: missing IsEnabled");
}

}  // namespace
}  // namespace stocktake::config
