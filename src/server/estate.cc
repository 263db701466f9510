#include "server/estate.h"

#include <algorithm>

namespace stocktake::server {

const std::string& EstateStore::OwnerOf(std::string_view bucket) const {
  auto it = bucket_owners.find(bucket);
  return it == bucket_owners.end() ? owner_account : it->second;
}

Result<std::string> Estate::RegionOf(const EstateStore& store, std::string_view bucket) const {
  if (!store.region.empty()) return store.region;
  return store.store->GetBucketLocation(bucket);
}

Result<BucketRef> Estate::Find(std::string_view bucket) const {
  for (const EstateStore& store : stores_) {
    Status head = store.store->HeadBucket(bucket);
    if (head.code() == Code::kNotFound) continue;
    RETURN_IF_ERROR(head);
    ASSIGN_OR_RETURN(std::string region, RegionOf(store, bucket));
    return BucketRef{&store, std::string(bucket), std::move(region), store.OwnerOf(bucket)};
  }
  return NotFound("bucket '" + std::string(bucket) + "' does not exist");
}

Result<std::vector<std::pair<store::BucketInfo, BucketRef>>> Estate::ListOwned(
    std::string_view account_id) const {
  std::vector<std::pair<store::BucketInfo, BucketRef>> out;
  std::vector<std::string> seen;
  for (const EstateStore& store : stores_) {
    ASSIGN_OR_RETURN(std::vector<store::BucketInfo> buckets, store.store->ListBuckets());
    for (store::BucketInfo& info : buckets) {
      // An earlier store holding the same name shadows this one (Find's rule).
      if (std::find(seen.begin(), seen.end(), info.name) != seen.end()) continue;
      seen.push_back(info.name);
      const std::string& owner = store.OwnerOf(info.name);
      if (owner != account_id) continue;
      ASSIGN_OR_RETURN(std::string region, RegionOf(store, info.name));
      BucketRef ref{&store, info.name, std::move(region), owner};
      out.emplace_back(std::move(info), std::move(ref));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.first.name < b.first.name; });
  return out;
}

Result<config::BucketFacts> Estate::Describe(std::string_view bucket) const {
  ASSIGN_OR_RETURN(BucketRef ref, Find(bucket));
  config::BucketFacts facts;
  facts.region = ref.region;
  facts.owner_account = ref.owner;
  return facts;
}

}  // namespace stocktake::server
