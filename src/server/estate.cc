#include "server/estate.h"

#include <algorithm>

namespace stocktake::server {

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
    return BucketRef{&store, std::string(bucket), std::move(region)};
  }
  return NotFound("bucket '" + std::string(bucket) + "' does not exist");
}

Result<std::vector<std::pair<store::BucketInfo, BucketRef>>> Estate::ListOwned(
    std::string_view account_id) const {
  std::vector<std::pair<store::BucketInfo, BucketRef>> out;
  for (const EstateStore& store : stores_) {
    if (store.owner_account != account_id) continue;
    ASSIGN_OR_RETURN(std::vector<store::BucketInfo> buckets, store.store->ListBuckets());
    for (store::BucketInfo& info : buckets) {
      // An earlier store holding the same name shadows this one (Find's rule).
      const bool shadowed = std::any_of(
          out.begin(), out.end(), [&](const auto& entry) { return entry.first.name == info.name; });
      if (shadowed) continue;
      ASSIGN_OR_RETURN(std::string region, RegionOf(store, info.name));
      BucketRef ref{&store, info.name, std::move(region)};
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
  facts.owner_account = ref.store->owner_account;
  return facts;
}

}  // namespace stocktake::server
