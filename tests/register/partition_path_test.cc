#include "register/partition_path.h"

#include <gtest/gtest.h>

namespace stocktake::reg {
namespace {

struct RoundTripCase {
  std::string value;
  std::string escaped;
};

TEST(PartitionPathTest, EscapesHiveCharactersAndRoundTrips) {
  const std::vector<RoundTripCase> cases = {
      {"my-bucket.logs", "my-bucket.logs"},
      {"123456789012", "123456789012"},
      {"eu-west-1", "eu-west-1"},
      {"a/b", "a%2Fb"},
      {"k=v", "k%3Dv"},
      {"100%", "100%25"},
      {"x:y", "x%3Ay"},
      {"q?#*", "q%3F%23%2A"},
      {"back\\slash", "back%5Cslash"},
      {"quote\"'", "quote%22%27"},
      {"{[]}^", "%7B%5B%5D}%5E"},
      {"tab\tnl\n", "tab%09nl%0A"},
      {"del\x7f", "del%7F"},
      {"space ok", "space ok"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},
  };
  for (const RoundTripCase& c : cases) {
    EXPECT_EQ(EscapePartitionText(c.value), c.escaped) << c.value;
    Result<std::string> back = UnescapePartitionText(c.escaped);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c.value);
    const std::string path = BuildPartitionPath({{"k", c.value}});
    Result<std::vector<PartitionColumn>> parsed = ParsePartitionPath(path);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ((*parsed)[0].second, c.value);
  }
}

TEST(PartitionPathTest, NullAndEmptyValuesUseTheHiveDefaultPartition) {
  EXPECT_EQ(BuildPartitionPath({{"a", std::nullopt}, {"b", ""}, {"c", "x"}}),
            "a=__HIVE_DEFAULT_PARTITION__/b=__HIVE_DEFAULT_PARTITION__/c=x/");
  Result<std::vector<PartitionColumn>> parsed =
      ParsePartitionPath("a=__HIVE_DEFAULT_PARTITION__/c=x/");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0], (PartitionColumn{"a", std::nullopt}));
  EXPECT_EQ((*parsed)[1], (PartitionColumn{"c", "x"}));
}

TEST(PartitionPathTest, ParseIgnoresATrailingFileName) {
  Result<std::vector<PartitionColumn>> parsed = ParsePartitionPath("dt=2024-01-01/part-1.parquet");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].first, "dt");
}

TEST(PartitionPathTest, ParseRejectsMalformedLevels) {
  for (const char* bad : {"dt/x=1/", "=v/", "k=%zz/", "k=%4/", "a=1/b/c=2/"}) {
    Result<std::vector<PartitionColumn>> parsed = ParsePartitionPath(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << bad;
    }
  }
}

TEST(PartitionPathTest, CentralPartitionBuildsAndParsesTheFourLevels) {
  CentralPartition p{"2024-02-29", "123456789012", "eu-west-1", "photos.2024"};
  EXPECT_EQ(p.Path(), "dt=2024-02-29/account=123456789012/region=eu-west-1/bucket=photos.2024/");
  Result<CentralPartition> back = CentralPartition::Parse(p.Path() + "part-abc.parquet");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
  CentralPartition odd{"2024-01-01", "acct/1", "r=2", "b%"};
  Result<CentralPartition> odd_back = CentralPartition::Parse(odd.Path());
  ASSERT_TRUE(odd_back.ok());
  EXPECT_EQ(*odd_back, odd);
}

TEST(PartitionPathTest, CentralPartitionRejectsWrongLevelsAndDates) {
  for (const char* bad :
       {"dt=2024-01-01/account=1/region=r/", "account=1/dt=2024-01-01/region=r/bucket=b/",
        "dt=2023-02-29/account=1/region=r/bucket=b/", "dt=2024-1-01/account=1/region=r/bucket=b/",
        "dt=2024-01-01/account=__HIVE_DEFAULT_PARTITION__/region=r/bucket=b/",
        "dt=2024-01-01/account=1/region=r/bucket=b/extra=1/"}) {
    EXPECT_FALSE(CentralPartition::Parse(bad).ok()) << bad;
  }
}

TEST(PartitionPathTest, IsIsoDateChecksTheCalendar) {
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_TRUE(IsIsoDate("2000-02-29"));
  EXPECT_FALSE(IsIsoDate("1900-02-29"));
  EXPECT_FALSE(IsIsoDate("2024-04-31"));
  EXPECT_FALSE(IsIsoDate("2024-13-01"));
  EXPECT_FALSE(IsIsoDate("2024-00-10"));
  EXPECT_FALSE(IsIsoDate("20240101"));
}

}  // namespace
}  // namespace stocktake::reg
