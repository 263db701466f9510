#include "server/accounts.h"

#include <algorithm>
#include <cctype>

namespace stocktake::server {

std::string Account::Arn() const { return "arn:aws:iam::" + account_id + ":root"; }

Result<Account> ParseAccountSpec(std::string_view spec) {
  const size_t first = spec.find(':');
  const size_t second = first == std::string_view::npos ? first : spec.find(':', first + 1);
  if (second == std::string_view::npos) {
    return InvalidArgument("account must be ACCOUNT_ID:ACCESS_KEY:SECRET_KEY");
  }
  Account account;
  account.account_id = spec.substr(0, first);
  account.access_key_id = spec.substr(first + 1, second - first - 1);
  account.secret_access_key = spec.substr(second + 1);
  const bool digits = account.account_id.size() == 12 &&
                      std::all_of(account.account_id.begin(), account.account_id.end(),
                                  [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits) {
    return InvalidArgument("account id '" + account.account_id + "' must be 12 digits");
  }
  if (account.access_key_id.empty() || account.secret_access_key.empty()) {
    return InvalidArgument("account " + account.account_id +
                           ": access key and secret must not be empty");
  }
  return account;
}

Result<AccountRegistry> AccountRegistry::Create(std::vector<Account> accounts) {
  if (accounts.empty()) return InvalidArgument("at least one --account is required");
  for (size_t i = 0; i < accounts.size(); ++i) {
    for (size_t j = i + 1; j < accounts.size(); ++j) {
      if (accounts[i].access_key_id == accounts[j].access_key_id) {
        return InvalidArgument("access key '" + accounts[i].access_key_id +
                               "' is given to two accounts");
      }
    }
  }
  return AccountRegistry(std::move(accounts));
}

const Account* AccountRegistry::FindByAccessKey(std::string_view access_key_id) const {
  for (const Account& account : accounts_) {
    if (account.access_key_id == access_key_id) return &account;
  }
  return nullptr;
}

}  // namespace stocktake::server
