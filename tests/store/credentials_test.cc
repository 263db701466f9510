#include "store/credentials.h"

#include <gtest/gtest.h>

#include <map>

#include "testing/temp_dir.h"

namespace stocktake::store {
namespace {

constexpr char kCredentialsFile[] = R"(# comment
[default]
aws_access_key_id = DEFAULTKEY
aws_secret_access_key = defaultsecret

[work]
aws_access_key_id=WORKKEY
aws_secret_access_key=worksecret
aws_session_token = worktoken
; another comment
[broken]
aws_access_key_id = ONLYKEY
)";

constexpr char kConfigFile[] = R"([default]
region = eu-west-1
[profile work]
region = us-west-2
s3 =
  addressing_style = path
[profile cfgonly]
aws_access_key_id = CFGKEY
aws_secret_access_key = cfgsecret
region = ap-south-1
)";

struct Case {
  const char* name;
  std::map<std::string, std::string> env;  // HOME and the file variables are added
  std::string explicit_profile;
  std::string explicit_region;
  bool explicit_keys;
  Code code;
  std::string key;
  std::string token;
  std::string region;
  std::string source_suffix;
};

const Case kCases[] = {
    {"default profile from files", {}, "", "", false, Code::kOk, "DEFAULTKEY", "", "eu-west-1",
     "credentials [default]"},
    {"explicit beats env", {{"AWS_ACCESS_KEY_ID", "ENVKEY"}, {"AWS_SECRET_ACCESS_KEY", "s"}}, "",
     "", true, Code::kOk, "EXPLICITKEY", "", "eu-west-1", "explicit"},
    {"env beats files",
     {{"AWS_ACCESS_KEY_ID", "ENVKEY"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SESSION_TOKEN", "t"}},
     "", "", false, Code::kOk, "ENVKEY", "t", "eu-west-1", "env"},
    {"env key without secret", {{"AWS_ACCESS_KEY_ID", "ENVKEY"}}, "", "", false,
     Code::kInvalidArgument, "", "", "", ""},
    {"AWS_PROFILE selects section and config profile", {{"AWS_PROFILE", "work"}}, "", "", false,
     Code::kOk, "WORKKEY", "worktoken", "us-west-2", "credentials [work]"},
    {"explicit profile beats AWS_PROFILE", {{"AWS_PROFILE", "work"}}, "default", "", false,
     Code::kOk, "DEFAULTKEY", "", "eu-west-1", "credentials [default]"},
    {"keys only in config file", {{"AWS_PROFILE", "cfgonly"}}, "", "", false, Code::kOk, "CFGKEY",
     "", "ap-south-1", "config [cfgonly]"},
    {"AWS_REGION beats AWS_DEFAULT_REGION and config",
     {{"AWS_REGION", "r1"}, {"AWS_DEFAULT_REGION", "r2"}}, "", "", false, Code::kOk, "DEFAULTKEY",
     "", "r1", "credentials [default]"},
    {"AWS_DEFAULT_REGION beats config", {{"AWS_DEFAULT_REGION", "r2"}}, "", "", false, Code::kOk,
     "DEFAULTKEY", "", "r2", "credentials [default]"},
    {"explicit region wins", {{"AWS_REGION", "r1"}}, "", "xr", false, Code::kOk, "DEFAULTKEY", "",
     "xr", "credentials [default]"},
    {"unknown named profile", {{"AWS_PROFILE", "nope"}}, "", "", false, Code::kInvalidArgument, "",
     "", "", ""},
    {"half-filled section", {}, "broken", "", false, Code::kInvalidArgument, "", "", "", ""},
};

class CredentialsTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.Sub("credentials"), kCredentialsFile);
    testing::WriteFile(dir_.Sub("config"), kConfigFile);
  }
  testing::TempDir dir_;
};

TEST_P(CredentialsTest, ResolvesInAwsCliOrder) {
  const Case& c = GetParam();
  std::map<std::string, std::string> env = c.env;
  env["HOME"] = dir_.Sub("nohome");
  env["AWS_SHARED_CREDENTIALS_FILE"] = dir_.Sub("credentials");
  env["AWS_CONFIG_FILE"] = dir_.Sub("config");
  CredentialRequest request;
  request.env = [&env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  request.explicit_profile = c.explicit_profile;
  request.explicit_region = c.explicit_region;
  if (c.explicit_keys) request.explicit_credentials = Credentials{"EXPLICITKEY", "xs", ""};
  Result<ResolvedCredentials> got = ResolveCredentials(request);
  ASSERT_EQ(got.status().code(), c.code) << got.status().ToString();
  if (!got.ok()) return;
  EXPECT_EQ(got->credentials.access_key_id, c.key);
  EXPECT_EQ(got->credentials.session_token, c.token);
  EXPECT_EQ(got->region, c.region);
  EXPECT_TRUE(got->source.ends_with(c.source_suffix)) << got->source;
}

INSTANTIATE_TEST_SUITE_P(Table, CredentialsTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.name;
                           for (char& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

TEST(CredentialsHomeTest, ReadsHomeAwsFilesAndReportsNotFoundWhenEmpty) {
  testing::TempDir home;
  CredentialRequest request;
  std::map<std::string, std::string> env{{"HOME", home.path()}};
  request.env = [&env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  Result<ResolvedCredentials> none = ResolveCredentials(request);
  EXPECT_EQ(none.status().code(), Code::kNotFound);
  EXPECT_NE(none.status().message().find("no AWS credentials"), std::string::npos);

  testing::WriteFile(home.Sub(".aws/credentials"), kCredentialsFile);
  Result<ResolvedCredentials> got = ResolveCredentials(request);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "DEFAULTKEY");
  EXPECT_EQ(got->region, "");
}

}  // namespace
}  // namespace stocktake::store
