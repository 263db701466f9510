#include "server/accounts.h"

#include <gtest/gtest.h>

namespace stocktake::server {
namespace {

TEST(AccountsTest, ParsesAccountSpecs) {
  struct Case {
    const char* spec;
    bool ok;
    const char* id;
    const char* key;
    const char* secret;
  };
  const Case cases[] = {
      {"123456789012:AKID:secret", true, "123456789012", "AKID", "secret"},
      {"123456789012:AKID:se:cr:et", true, "123456789012", "AKID", "se:cr:et"},
      {"12345678901:AKID:secret", false, "", "", ""},
      {"12345678901x:AKID:secret", false, "", "", ""},
      {"123456789012::secret", false, "", "", ""},
      {"123456789012:AKID:", false, "", "", ""},
      {"123456789012:AKID", false, "", "", ""},
  };
  for (const Case& c : cases) {
    Result<Account> account = ParseAccountSpec(c.spec);
    ASSERT_EQ(account.ok(), c.ok) << c.spec;
    if (!c.ok) continue;
    EXPECT_EQ(account->account_id, c.id);
    EXPECT_EQ(account->access_key_id, c.key);
    EXPECT_EQ(account->secret_access_key, c.secret);
  }
}

TEST(AccountsTest, RegistryFindsByKeyAndRefusesDuplicates) {
  Result<AccountRegistry> registry =
      AccountRegistry::Create({{"111111111111", "A", "s1"}, {"222222222222", "B", "s2"}});
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->primary().account_id, "111111111111");
  ASSERT_NE(registry->FindByAccessKey("B"), nullptr);
  EXPECT_EQ(registry->FindByAccessKey("B")->account_id, "222222222222");
  EXPECT_EQ(registry->FindByAccessKey("C"), nullptr);
  EXPECT_EQ(registry->primary().Arn(), "arn:aws:iam::111111111111:root");
  EXPECT_FALSE(AccountRegistry::Create({}).ok());
  EXPECT_FALSE(
      AccountRegistry::Create({{"111111111111", "A", "s1"}, {"222222222222", "A", "s2"}}).ok());
}

}  // namespace
}  // namespace stocktake::server
