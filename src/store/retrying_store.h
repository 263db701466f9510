// RetryingStore: a StoreWrapper that retries transient failures (the ones
// IsRetryable() accepts) of every idempotent call through one RetryPolicy:
// listings, Head, Get, bucket calls and Delete (deleting twice is harmless
// on S3). CreateBucket is retried too; an AlreadyExists that follows a
// failed attempt is taken as our own earlier attempt having succeeded, so it
// returns OK. NewWriter and the writers it returns are passed through: a
// writer retries its own parts (S3Store uses the same RetryPolicy). The
// only place in stocktake that loops on failures. throttled() counts the
// failed attempts it saw (SlowDown, 5xx, timeouts) so that callers can
// adapt their concurrency (parallel_lister.h) without a retry loop of
// their own. Thread-safe when the target and the policy's sleeper are.
#pragma once

#include <atomic>
#include <cstdint>
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
  Result<ObjectInfo> Head(std::string_view bucket, std::string_view key,
                          std::string_view version_id = {}) override;
  Result<ObjectAcl> GetObjectAcl(std::string_view bucket, std::string_view key,
                                 std::string_view version_id = {}) override;
  Result<std::string> Get(std::string_view bucket, std::string_view key,
                          ByteRange range = {}) override;
  Status Delete(std::string_view bucket, std::string_view key) override;

  // Attempts of reads, listings, HEADs and ACL calls that failed with a
  // retryable status, since construction (monotonic).
  int64_t throttled() const { return throttled_.load(std::memory_order_relaxed); }

 private:
  template <typename T, typename Fn>
  Result<T> Retry(Fn&& fn);

  RetryPolicy policy_;
  std::atomic<int64_t> throttled_{0};
};

}  // namespace stocktake::store
