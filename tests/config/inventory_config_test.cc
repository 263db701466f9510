#include "config/inventory_config.h"

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace stocktake::config {
namespace {

struct BucketCase {
  std::string text;
  std::string bucket;
  std::string arn;
};

TEST(InventoryConfigTest, SetBucketSplitsArnsAndPlainNames) {
  const std::vector<BucketCase> cases = {
      {"arn:aws:s3:::dest", "dest", "arn:aws:s3:::dest"},
      {"arn:aws-cn:s3:::dest.cn", "dest.cn", "arn:aws-cn:s3:::dest.cn"},
      {"dest", "dest", ""},
      {"arn:aws:sqs:::dest", "", "arn:aws:sqs:::dest"},
      {"arn:aws:s3:eu-west-1::dest", "", "arn:aws:s3:eu-west-1::dest"},
      {"arn::s3:::dest", "", "arn::s3:::dest"},
      {"arn:aws:s3:::", "", "arn:aws:s3:::"},
  };
  for (const BucketCase& tc : cases) {
    SCOPED_TRACE(tc.text);
    Destination d;
    d.SetBucket(tc.text);
    EXPECT_EQ(d.bucket, tc.bucket);
    EXPECT_EQ(d.bucket_arn, tc.arn);
  }
}

TEST(InventoryConfigTest, BucketArnFallsBackToAwsPartition) {
  Destination d;
  d.SetBucket("plain");
  EXPECT_EQ(d.BucketArn(), "arn:aws:s3:::plain");
  d.SetBucket("arn:aws-cn:s3:::x");
  EXPECT_EQ(d.BucketArn(), "arn:aws-cn:s3:::x");
}

TEST(InventoryConfigTest, AddOptionalFieldKeepsFirstOccurrence) {
  InventoryConfig c;
  c.AddOptionalField(InventoryField::kETag);
  c.AddOptionalField(InventoryField::kSize);
  c.AddOptionalField(InventoryField::kETag);
  EXPECT_EQ(c.optional_fields,
            (std::vector<InventoryField>{InventoryField::kETag, InventoryField::kSize}));
}

TEST(InventoryConfigTest, EqualityDistinguishesAbsentFromEmptyFilter) {
  InventoryConfig a;
  InventoryConfig b;
  EXPECT_EQ(a, b);
  b.filter_prefix = "";
  EXPECT_NE(a, b);
}

TEST(InventoryConfigTest, EnumNamesRoundTrip) {
  for (ReportFormat f : {ReportFormat::kCsv, ReportFormat::kOrc, ReportFormat::kParquet}) {
    EXPECT_EQ(ParseReportFormat(ReportFormatName(f)), f);
  }
  for (Frequency f : {Frequency::kDaily, Frequency::kWeekly}) {
    EXPECT_EQ(ParseFrequency(FrequencyName(f)), f);
  }
  for (ObjectVersions v : {ObjectVersions::kAll, ObjectVersions::kCurrent}) {
    EXPECT_EQ(ParseObjectVersions(ObjectVersionsName(v)), v);
  }
  for (Profile p : {Profile::kS3, Profile::kObs}) EXPECT_EQ(ParseProfile(ProfileName(p)), p);
  EXPECT_FALSE(ParseReportFormat("parquet").has_value());
  EXPECT_FALSE(ParseProfile("S3").has_value());
}

TEST(ConfigErrorTest, CodeSurvivesContextAndOnlyConfigErrorsCarryOne) {
  Status st = ConfigError(S3ErrorCode::kTooManyConfigurations, "limit is 1000");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.message(), "TooManyConfigurations: limit is 1000");
  EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kTooManyConfigurations);
  EXPECT_EQ(S3ErrorCodeOf(st.WithContext("put b/x")), S3ErrorCode::kTooManyConfigurations);
  EXPECT_EQ(S3ErrorCodeOf(MalformedXml("x: InvalidArgument: y")), S3ErrorCode::kMalformedXML);
  EXPECT_EQ(S3ErrorCodeOf(InvalidArgument("bad thing")), std::nullopt);
  EXPECT_EQ(S3ErrorCodeOf(NotFound("MalformedXML: x")), std::nullopt);
  EXPECT_EQ(S3ErrorCodeOf(Status::OK()), std::nullopt);
}

}  // namespace
}  // namespace stocktake::config
