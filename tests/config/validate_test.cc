#include "config/validate.h"

#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace stocktake::config {
namespace {

InventoryConfig ValidS3() {
  InventoryConfig c;
  c.id = "report-1.daily_A";
  c.destination.account_id = "123456789012";
  c.destination.SetBucket("arn:aws:s3:::inventory-dest");
  c.destination.format = ReportFormat::kParquet;
  c.destination.encryption = {EncryptionKind::kSseKms, "arn:aws:kms:eu-west-1:1:key/2"};
  c.optional_fields = {InventoryField::kSize, InventoryField::kObjectOwner};
  return c;
}

InventoryConfig ValidObs() {
  InventoryConfig c;
  c.id = "obs1";
  c.destination.SetBucket("destbucket");
  c.destination.encryption = {EncryptionKind::kSseKms, "key"};
  c.optional_fields = {InventoryField::kSize, InventoryField::kEncryptionStatus};
  return c;
}

TEST(ValidateTest, AcceptsValidConfigs) {
  EXPECT_TRUE(ValidateConfig(ValidS3(), Profile::kS3).ok());
  EXPECT_TRUE(ValidateConfig(ValidS3(), Profile::kS3, "report-1.daily_A").ok());
  EXPECT_TRUE(ValidateConfig(ValidObs(), Profile::kObs).ok());
  InventoryConfig obs_arn = ValidObs();
  obs_arn.destination.SetBucket("arn:aws:s3:::destbucket");
  EXPECT_TRUE(ValidateConfig(obs_arn, Profile::kObs).ok());
}

struct RuleCase {
  std::string name;
  Profile profile;
  std::function<void(InventoryConfig*)> mutate;
  std::string message;  // expected prefix
  std::string expected_id = "";
};

TEST(ValidateTest, RejectsEachBrokenRule) {
  const std::vector<RuleCase> cases = {
      {"empty id", Profile::kS3, [](InventoryConfig* c) { c->id = ""; },
       "InvalidArgument: Id '' must be 1 to 64 characters"},
      {"long id", Profile::kS3, [](InventoryConfig* c) { c->id = std::string(65, 'a'); },
       "InvalidArgument: Id 'aaaa"},
      {"id with slash", Profile::kS3, [](InventoryConfig* c) { c->id = "a/b"; },
       "InvalidArgument: Id 'a/b' must be"},
      {"id mismatch", Profile::kS3, [](InventoryConfig*) {},
       "InvalidArgument: Id 'report-1.daily_A' in the body differs from the id 'other'",
       "other"},
      {"plain bucket on s3", Profile::kS3,
       [](InventoryConfig* c) { c->destination.SetBucket("dest"); },
       "InvalidArgument: Destination Bucket 'dest' must be an ARN"},
      {"non-s3 arn", Profile::kS3,
       [](InventoryConfig* c) { c->destination.SetBucket("arn:aws:sqs:::dest"); },
       "InvalidArgument: Destination Bucket 'arn:aws:sqs:::dest' is not an S3 bucket ARN"},
      {"bad bucket name", Profile::kS3,
       [](InventoryConfig* c) { c->destination.SetBucket("arn:aws:s3:::Dest_Bucket"); },
       "InvalidArgument: Destination Bucket 'Dest_Bucket' is not a valid bucket name"},
      {"short account", Profile::kS3,
       [](InventoryConfig* c) { c->destination.account_id = "12345"; },
       "InvalidArgument: Destination AccountId '12345' must be 12 digits"},
      {"account with letters", Profile::kS3,
       [](InventoryConfig* c) { c->destination.account_id = "12345678901x"; },
       "InvalidArgument: Destination AccountId"},
      {"kms without key", Profile::kS3,
       [](InventoryConfig* c) { c->destination.encryption.kms_key_id.clear(); },
       "InvalidArgument: SSE-KMS encryption needs a KeyId"},
      {"non-optional field", Profile::kS3,
       [](InventoryConfig* c) { c->optional_fields.push_back(InventoryField::kKey); },
       "MalformedXML: unknown OptionalFields/Field 'Key'"},
      {"obs parquet", Profile::kObs,
       [](InventoryConfig* c) { c->destination.format = ReportFormat::kParquet; },
       "InvalidArgument: OBS supports only CSV inventories, not Parquet"},
      {"obs sse-s3", Profile::kObs,
       [](InventoryConfig* c) { c->destination.encryption = {EncryptionKind::kSseS3, ""}; },
       "InvalidArgument: OBS encrypts inventories only with SSE-KMS"},
      {"obs account id", Profile::kObs,
       [](InventoryConfig* c) { c->destination.account_id = "123456789012"; },
       "InvalidArgument: OBS inventory destinations have no AccountId"},
      {"obs field subset", Profile::kObs,
       [](InventoryConfig* c) { c->optional_fields.push_back(InventoryField::kObjectOwner); },
       "InvalidArgument: OBS does not support OptionalFields/Field 'ObjectOwner'"},
      {"obs bad id", Profile::kObs, [](InventoryConfig* c) { c->id = "a b"; },
       "InvalidArgument: Id 'a b'"},
      {"obs bad bucket", Profile::kObs,
       [](InventoryConfig* c) { c->destination.SetBucket("ab"); },
       "InvalidArgument: Destination Bucket 'ab' is not a valid bucket name"},
  };
  for (const RuleCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    InventoryConfig c = tc.profile == Profile::kS3 ? ValidS3() : ValidObs();
    tc.mutate(&c);
    Status st = ValidateConfig(c, tc.profile, tc.expected_id);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    EXPECT_EQ(st.message().substr(0, tc.message.size()), tc.message) << st.message();
  }
}

TEST(ValidateTest, ConfigIdRule) {
  EXPECT_TRUE(IsValidConfigId("a"));
  EXPECT_TRUE(IsValidConfigId(std::string(64, 'Z')));
  EXPECT_TRUE(IsValidConfigId("A-z_0.9"));
  EXPECT_FALSE(IsValidConfigId(""));
  EXPECT_FALSE(IsValidConfigId(std::string(65, 'Z')));
  EXPECT_FALSE(IsValidConfigId("ü"));
  EXPECT_FALSE(IsValidConfigId("a:b"));
}

TEST(ValidateTest, BucketNameRule) {
  for (std::string_view ok : {"abc", "my-bucket.logs", "a1b", "123"}) {
    EXPECT_TRUE(IsValidBucketName(ok)) << ok;
  }
  EXPECT_TRUE(IsValidBucketName(std::string(63, 'a')));
  for (std::string_view bad : {"ab", "-abc", "abc-", "a..b", "ABC", "a_b", "192.168.1.1",
                               "xn--abc", "sthree-abc", "abc-s3alias", "abc--ol-s3", ".abc"}) {
    EXPECT_FALSE(IsValidBucketName(bad)) << bad;
  }
  EXPECT_FALSE(IsValidBucketName(std::string(64, 'a')));
}

std::vector<ConfigSummary> Summaries(int n, const std::string& prefix_base) {
  std::vector<ConfigSummary> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({"id" + std::to_string(i), prefix_base + std::to_string(i) + "/"});
  }
  return out;
}

TEST(ValidateTest, S3AllowsAThousandConfigsPerBucket) {
  std::vector<ConfigSummary> existing = Summaries(999, "p");
  EXPECT_TRUE(ValidateAgainstExisting({"new", std::nullopt}, existing, Profile::kS3).ok());
  existing = Summaries(1000, "p");
  Status st = ValidateAgainstExisting({"new", std::nullopt}, existing, Profile::kS3);
  EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kTooManyConfigurations);
  EXPECT_EQ(st.message(),
            "TooManyConfigurations: the bucket already holds 1000 inventory configurations, the "
            "limit is 1000");
  // Replacing one of them is no new configuration.
  EXPECT_TRUE(ValidateAgainstExisting({"id5", std::nullopt}, existing, Profile::kS3).ok());
}

TEST(ValidateTest, S3AllowsOverlappingPrefixes) {
  std::vector<ConfigSummary> existing = {{"a", std::nullopt}, {"b", "logs/"}};
  EXPECT_TRUE(ValidateAgainstExisting({"c", "logs/2024/"}, existing, Profile::kS3).ok());
}

TEST(ValidateTest, ObsAllowsTenConfigsPerBucket) {
  std::vector<ConfigSummary> existing = Summaries(9, "p");
  EXPECT_TRUE(ValidateAgainstExisting({"new", "q/"}, existing, Profile::kObs).ok());
  existing = Summaries(10, "p");
  Status st = ValidateAgainstExisting({"new", "q/"}, existing, Profile::kObs);
  EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kInventoryCountOverLimit);
  EXPECT_TRUE(ValidateAgainstExisting({"id3", "p3/"}, existing, Profile::kObs).ok());
}

struct OverlapCase {
  std::string name;
  std::optional<std::string> existing;
  std::optional<std::string> incoming;
  bool conflict;
};

TEST(ValidateTest, ObsRejectsOverlappingPrefixes) {
  const std::vector<OverlapCase> cases = {
      {"whole bucket then prefix", std::nullopt, "ab", true},
      {"prefix then whole bucket", "ab", std::nullopt, true},
      {"two whole-bucket rules", std::nullopt, std::nullopt, true},
      {"empty prefix is whole bucket", "", "ab", true},
      {"ancestor", "ab", "a", true},
      {"descendant", "ab", "abc", true},
      {"same prefix", "ab", "ab", true},
      {"string prefix, not path segment", "logs", "logs2/", true},
      {"siblings", "ab", "ac", false},
      {"disjoint folders", "logs/", "data/", false},
  };
  for (const OverlapCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    std::vector<ConfigSummary> existing = {{"old", tc.existing}};
    Status st = ValidateAgainstExisting({"new", tc.incoming}, existing, Profile::kObs);
    if (tc.conflict) {
      EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kPrefixExistInclusionRelationship)
          << st.ToString();
    } else {
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
  }
  std::vector<ConfigSummary> existing = {{"old", "ab"}};
  EXPECT_EQ(ValidateAgainstExisting({"new", "a"}, existing, Profile::kObs).message(),
            "PrefixExistInclusionRelationship: filter prefix 'a' of 'new' overlaps prefix 'ab' "
            "of 'old'");
  // Replacing the same id with a wider prefix does not conflict with itself.
  EXPECT_TRUE(ValidateAgainstExisting({"old", std::nullopt}, existing, Profile::kObs).ok());
}

class FakeDirectory : public BucketDirectory {
 public:
  std::map<std::string, BucketFacts, std::less<>> buckets;
  Status failure;  // returned for every call when not OK
  Result<BucketFacts> Describe(std::string_view bucket) const override {
    if (!failure.ok()) return failure;
    auto it = buckets.find(bucket);
    if (it == buckets.end()) return NotFound("no bucket " + std::string(bucket));
    return it->second;
  }
};

TEST(ValidateTest, DestinationRules) {
  FakeDirectory dir;
  dir.buckets["src"] = {"eu-west-1", "123456789012", false};
  dir.buckets["inventory-dest"] = {"eu-west-1", "123456789012", false};
  InventoryConfig c = ValidS3();
  EXPECT_TRUE(ValidateDestination(c, "src", dir, Profile::kS3).ok());

  c.destination.account_id = "999999999999";
  EXPECT_EQ(ValidateDestination(c, "src", dir, Profile::kS3).message(),
            "InvalidArgument: destination bucket 'inventory-dest' is not owned by account "
            "'999999999999'");
  c.destination.account_id.reset();
  EXPECT_TRUE(ValidateDestination(c, "src", dir, Profile::kS3).ok());

  dir.buckets["inventory-dest"].region = "us-east-1";
  EXPECT_EQ(ValidateDestination(c, "src", dir, Profile::kS3).message(),
            "InvalidArgument: destination bucket 'inventory-dest' is in region 'us-east-1', not "
            "in the source's region 'eu-west-1'");
  dir.buckets["inventory-dest"].region = "";  // unknown: not compared
  EXPECT_TRUE(ValidateDestination(c, "src", dir, Profile::kS3).ok());

  dir.buckets.erase("inventory-dest");
  EXPECT_EQ(ValidateDestination(c, "src", dir, Profile::kS3).message(),
            "InvalidArgument: destination bucket 'inventory-dest' does not exist");

  dir.failure = Unavailable("SlowDown (503)");
  Status st = ValidateDestination(c, "src", dir, Profile::kS3);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_EQ(st.message(), "describe source bucket: SlowDown (503)");
}

TEST(ValidateTest, ObsDestinationRules) {
  FakeDirectory dir;
  dir.buckets["src"] = {"eu-de", "tenant-a", false};
  dir.buckets["destbucket"] = {"eu-de", "tenant-a", false};
  InventoryConfig c = ValidObs();
  EXPECT_TRUE(ValidateDestination(c, "src", dir, Profile::kObs).ok());
  dir.buckets["destbucket"].owner_account = "tenant-b";
  EXPECT_EQ(ValidateDestination(c, "src", dir, Profile::kObs).message(),
            "InvalidArgument: OBS needs destination bucket 'destbucket' in the source bucket's "
            "account");
  dir.buckets["destbucket"].owner_account = "tenant-a";
  dir.buckets["destbucket"].default_encryption = true;
  EXPECT_EQ(ValidateDestination(c, "src", dir, Profile::kObs).message(),
            "InvalidArgument: OBS needs destination bucket 'destbucket' without default "
            "encryption");
}

}  // namespace
}  // namespace stocktake::config
