// Accounts: who may call the daemon. Each account is a 12-digit account id
// with one access key and its secret, as given on the command line
// (`--account 123456789012:ACCESS_KEY:SECRET_KEY`). The first account is the
// primary one: it owns the buckets of the local stores.
//
// AccountRegistry is immutable after Create() and safe to share between
// threads; Account pointers it returns live as long as the registry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::server {

struct Account {
  std::string account_id;  // 12 digits
  std::string access_key_id;
  std::string secret_access_key;

  // "arn:aws:iam::<id>:root"
  std::string Arn() const;
};

// Parses "ID:ACCESS_KEY:SECRET". The secret may itself contain ':'.
// InvalidArgument when the id is not 12 digits or a part is empty.
Result<Account> ParseAccountSpec(std::string_view spec);

class AccountRegistry {
 public:
  // InvalidArgument when `accounts` is empty or two share an access key.
  static Result<AccountRegistry> Create(std::vector<Account> accounts);

  // nullptr when no account has this access key.
  const Account* FindByAccessKey(std::string_view access_key_id) const;
  const Account& primary() const { return accounts_.front(); }
  const std::vector<Account>& accounts() const { return accounts_; }

 private:
  explicit AccountRegistry(std::vector<Account> accounts) : accounts_(std::move(accounts)) {}
  std::vector<Account> accounts_;
};

}  // namespace stocktake::server
