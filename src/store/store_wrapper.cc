#include "store/store_wrapper.h"

#include <cassert>

namespace stocktake::store {

StoreWrapper::StoreWrapper(std::shared_ptr<ObjectStore> target) : target_(std::move(target)) {
  assert(target_ != nullptr);
}

StoreWrapper::~StoreWrapper() = default;

std::string StoreWrapper::Name() const { return target_->Name(); }

std::string StoreWrapper::Url(std::string_view bucket, std::string_view key) const {
  return target_->Url(bucket, key);
}

Capabilities StoreWrapper::capabilities() const { return target_->capabilities(); }

Result<std::vector<BucketInfo>> StoreWrapper::ListBuckets() { return target_->ListBuckets(); }

Status StoreWrapper::HeadBucket(std::string_view bucket) { return target_->HeadBucket(bucket); }

Status StoreWrapper::CreateBucket(std::string_view bucket) { return target_->CreateBucket(bucket); }

Result<std::string> StoreWrapper::GetBucketLocation(std::string_view bucket) {
  return target_->GetBucketLocation(bucket);
}

Result<ListPage> StoreWrapper::List(std::string_view bucket, const ListRequest& request) {
  return target_->List(bucket, request);
}

Result<VersionPage> StoreWrapper::ListVersions(std::string_view bucket,
                                               const VersionListRequest& request) {
  return target_->ListVersions(bucket, request);
}

Result<ObjectInfo> StoreWrapper::Head(std::string_view bucket, std::string_view key,
                                      std::string_view version_id) {
  return target_->Head(bucket, key, version_id);
}

Result<ObjectAcl> StoreWrapper::GetObjectAcl(std::string_view bucket, std::string_view key,
                                             std::string_view version_id) {
  return target_->GetObjectAcl(bucket, key, version_id);
}

Result<std::string> StoreWrapper::Get(std::string_view bucket, std::string_view key,
                                      ByteRange range) {
  return target_->Get(bucket, key, range);
}

Result<std::unique_ptr<ObjectWriter>> StoreWrapper::NewWriter(std::string_view bucket,
                                                              std::string_view key,
                                                              const WriteOptions& options) {
  return target_->NewWriter(bucket, key, options);
}

Status StoreWrapper::Delete(std::string_view bucket, std::string_view key) {
  return target_->Delete(bucket, key);
}

}  // namespace stocktake::store
