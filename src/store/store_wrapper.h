// StoreWrapper: an ObjectStore that forwards every call to a target store;
// subclasses (RetryingStore, tests' FaultStore) override only what they
// change. The wrapper shares ownership of its target (shared_ptr), so a
// chain like RetryingStore(FaultStore(LocalStore)) keeps itself alive and
// can be handed around as one ObjectStore. Thread-safe when the target is.
#pragma once

#include <memory>

#include "store/object_store.h"

namespace stocktake::store {

class StoreWrapper : public ObjectStore {
 public:
  // REQUIRES: target != nullptr.
  explicit StoreWrapper(std::shared_ptr<ObjectStore> target);
  ~StoreWrapper() override;

  ObjectStore* target() const { return target_.get(); }

  std::string Name() const override;
  std::string Url(std::string_view bucket, std::string_view key) const override;
  Capabilities capabilities() const override;

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
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view bucket, std::string_view key,
                                                  const WriteOptions& options = {}) override;
  Status Delete(std::string_view bucket, std::string_view key) override;

 private:
  std::shared_ptr<ObjectStore> target_;
};

}  // namespace stocktake::store
