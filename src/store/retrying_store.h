// RetryingStore: a StoreWrapper that retries transient failures (the ones
// IsRetryable() accepts) of every idempotent call through one RetryPolicy:
// listings, Head, Get, bucket calls and Delete (deleting twice is harmless
// on S3). CreateBucket is retried too; an AlreadyExists that follows a
// failed attempt is taken as our own earlier attempt having succeeded, so it
// returns OK. NewWriter and the writers it returns are passed through: a
// writer retries its own parts (S3Store uses the same RetryPolicy). The
// only place in stocktake that loops on failures. Thread-safe when the
// target and the policy's sleeper are.
#pragma once

#include <memory>

#include "base/retry.h"
#include "store/store_wrapper.h"

namespace stocktake::store {

class RetryingStore : public StoreWrapper {
 public:
  // REQUIRES: target != nullptr.
  RetryingStore(std::shared_ptr<ObjectStore> target, RetryPolicy policy);

  Result<std::vector<BucketInfo>> ListBuckets() override;
  Status HeadBucket(std::string_view bucket) override;
  Status CreateBucket(std::string_view bucket) override;
  Result<std::string> GetBucketLocation(std::string_view bucket) override;

  Result<ListPage> List(std::string_view bucket, const ListRequest& request) override;
  Result<VersionPage> ListVersions(std::string_view bucket,
                                   const VersionListRequest& request) override;
  Result<ObjectInfo> Head(std::string_view bucket, std::string_view key) override;
  Result<std::string> Get(std::string_view bucket, std::string_view key,
                          ByteRange range = {}) override;
  Status Delete(std::string_view bucket, std::string_view key) override;

 private:
  template <typename T, typename Fn>
  Result<T> Retry(Fn&& fn);

  RetryPolicy policy_;
};

}  // namespace stocktake::store
