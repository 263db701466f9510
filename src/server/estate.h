// Estate: the buckets a daemon serves. It is one or more object stores, each
// with the region it reports, the account that owns its buckets and the
// validation profile (s3 or obs) its inventory configurations follow; single
// buckets may belong to another account. A bucket name resolves to the first
// store holding it.
//
// Estate is also the config::BucketDirectory the destination rules consult
// (region and owner of the destination bucket), so a destination may live in
// another store of the same estate.
//
// Stores are borrowed and must outlive the Estate. Immutable after
// construction; thread-safe as far as the stores are (ObjectStore is).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "config/inventory_config.h"
#include "config/validate.h"
#include "store/object_store.h"

namespace stocktake::server {

struct EstateStore {
  store::ObjectStore* store = nullptr;  // not owned
  // Keys the store's rows in the ConfigStore ("local:/abs/root"), the same id
  // the CLI uses, so `stocktake inventory list --local ROOT` sees them.
  std::string store_id;
  std::string region;         // "" = ask the store (GetBucketLocation)
  std::string owner_account;  // 12-digit id owning the store's buckets by default
  config::Profile profile = config::Profile::kS3;
  // Buckets owned by another account than owner_account (bucket → id).
  std::map<std::string, std::string, std::less<>> bucket_owners;

  // The account owning `bucket` in this store.
  const std::string& OwnerOf(std::string_view bucket) const;
};

// A bucket and the store that holds it (pointer into the Estate).
struct BucketRef {
  const EstateStore* store = nullptr;
  std::string name;
  std::string region;
  std::string owner;  // 12-digit account id
};

class Estate : public config::BucketDirectory {
 public:
  explicit Estate(std::vector<EstateStore> stores) : stores_(std::move(stores)) {}

  // The bucket and its store. NotFound when no store holds it; other store
  // failures are passed on.
  Result<BucketRef> Find(std::string_view bucket) const;

  // Every bucket owned by `account_id`, in name order, each with its store.
  Result<std::vector<std::pair<store::BucketInfo, BucketRef>>> ListOwned(
      std::string_view account_id) const;

  // config::BucketDirectory: region and owner of a bucket; NotFound when no
  // store holds it.
  Result<config::BucketFacts> Describe(std::string_view bucket) const override;

  const std::vector<EstateStore>& stores() const { return stores_; }

 private:
  Result<std::string> RegionOf(const EstateStore& store, std::string_view bucket) const;

  std::vector<EstateStore> stores_;
};

}  // namespace stocktake::server
