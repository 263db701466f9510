#include "store/retrying_store.h"

#include <optional>

namespace stocktake::store {

RetryingStore::RetryingStore(std::shared_ptr<ObjectStore> target, RetryPolicy policy)
    : StoreWrapper(std::move(target)), policy_(std::move(policy)) {}

template <typename T, typename Fn>
Result<T> RetryingStore::Retry(Fn&& fn) {
  std::optional<Result<T>> last;
  Status st = policy_.Run([&]() -> Status {
    last.emplace(fn());
    if (IsRetryable(last->status())) throttled_.fetch_add(1, std::memory_order_relaxed);
    return last->status();
  });
  if (!st.ok()) return st;  // carries the retry count when retries ran out
  return std::move(*last);
}

Result<std::vector<BucketInfo>> RetryingStore::ListBuckets() {
  return Retry<std::vector<BucketInfo>>([&] { return target()->ListBuckets(); });
}

Status RetryingStore::HeadBucket(std::string_view bucket) {
  return policy_.Run([&] { return target()->HeadBucket(bucket); });
}

Status RetryingStore::CreateBucket(std::string_view bucket) {
  int attempts = 0;
  return policy_.Run([&] {
    Status st = target()->CreateBucket(bucket);
    if (++attempts > 1 && st.code() == Code::kAlreadyExists) return Status::OK();
    return st;
  });
}

Result<std::string> RetryingStore::GetBucketLocation(std::string_view bucket) {
  return Retry<std::string>([&] { return target()->GetBucketLocation(bucket); });
}

Result<ListPage> RetryingStore::List(std::string_view bucket, const ListRequest& request) {
  return Retry<ListPage>([&] { return target()->List(bucket, request); });
}

Result<VersionPage> RetryingStore::ListVersions(std::string_view bucket,
                                                const VersionListRequest& request) {
  return Retry<VersionPage>([&] { return target()->ListVersions(bucket, request); });
}

Result<ObjectInfo> RetryingStore::Head(std::string_view bucket, std::string_view key,
                                       std::string_view version_id) {
  return Retry<ObjectInfo>([&] { return target()->Head(bucket, key, version_id); });
}

Result<ObjectAcl> RetryingStore::GetObjectAcl(std::string_view bucket, std::string_view key,
                                              std::string_view version_id) {
  return Retry<ObjectAcl>([&] { return target()->GetObjectAcl(bucket, key, version_id); });
}

Result<std::string> RetryingStore::Get(std::string_view bucket, std::string_view key,
                                       ByteRange range) {
  return Retry<std::string>([&] { return target()->Get(bucket, key, range); });
}

Status RetryingStore::Delete(std::string_view bucket, std::string_view key) {
  return policy_.Run([&] { return target()->Delete(bucket, key); });
}

}  // namespace stocktake::store
