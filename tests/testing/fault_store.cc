#include "testing/fault_store.h"

#include <algorithm>

namespace stocktake::testing {
namespace {

using store::ObjectWriter;

size_t Index(StoreOp op) { return static_cast<size_t>(op); }

class FaultWriter : public ObjectWriter {
 public:
  FaultWriter(FaultStore* store, std::unique_ptr<ObjectWriter> inner, std::string target)
      : store_(store), inner_(std::move(inner)), target_(std::move(target)) {}
  ~FaultWriter() override {
    if (!done_) inner_->Abort();
  }

  Status Append(std::string_view data) override {
    RETURN_IF_ERROR(store_->OnCall(StoreOp::kAppend, target_));
    appended_ += static_cast<int64_t>(data.size());
    if (std::optional<int64_t> keep = store_->truncate_bytes()) {
      int64_t room = std::max<int64_t>(0, *keep - inner_->BytesWritten());
      data = data.substr(0, static_cast<size_t>(std::min<int64_t>(room, data.size())));
    }
    return inner_->Append(data);
  }

  Status Close() override {
    done_ = true;
    Status injected = store_->OnCall(StoreOp::kClose, target_);
    if (!injected.ok()) {
      inner_->Abort();
      return injected;
    }
    if (std::optional<Status> lost = store_->lost_close()) {
      inner_->Abort();
      return *lost;
    }
    return inner_->Close();
  }

  void Abort() override {
    done_ = true;
    inner_->Abort();
  }

  // What the caller appended, even when less reached the store.
  int64_t BytesWritten() const override { return appended_; }

 private:
  FaultStore* store_;
  std::unique_ptr<ObjectWriter> inner_;
  std::string target_;
  int64_t appended_ = 0;
  bool done_ = false;
};

}  // namespace

FaultStore::FaultStore(std::shared_ptr<store::ObjectStore> target)
    : StoreWrapper(std::move(target)) {}

void FaultStore::FailNthCall(StoreOp op, int n, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  nth_rules_.push_back({op, calls_[Index(op)] + n, std::move(status)});
}

void FaultStore::FailKeysUnder(std::string prefix, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  key_rules_.emplace_back(std::move(prefix), std::move(status));
}

void FaultStore::SlowDown(StoreOp op, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  slow_downs_[Index(op)] = times;
}

void FaultStore::TruncateWrites(int64_t keep_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  truncate_bytes_ = keep_bytes;
}

void FaultStore::LoseCloses(Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  lost_close_ = std::move(status);
}

int FaultStore::Calls(StoreOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_[Index(op)];
}

std::optional<int64_t> FaultStore::truncate_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return truncate_bytes_;
}

std::optional<Status> FaultStore::lost_close() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_close_;
}

Status FaultStore::OnCall(StoreOp op, std::string_view target) {
  std::lock_guard<std::mutex> lock(mu_);
  int count = ++calls_[Index(op)];
  int any = ++calls_[Index(StoreOp::kAny)];
  for (auto it = nth_rules_.begin(); it != nth_rules_.end(); ++it) {
    if ((it->op == op && it->at == count) || (it->op == StoreOp::kAny && it->at == any)) {
      Status st = it->status;
      nth_rules_.erase(it);
      return st;
    }
  }
  for (StoreOp slow : {op, StoreOp::kAny}) {
    if (slow_downs_[Index(slow)] > 0) {
      --slow_downs_[Index(slow)];
      return Unavailable(std::string(target) + ": SlowDown (503)");
    }
  }
  return Status::OK();
}

Status FaultStore::KeyFault(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [prefix, status] : key_rules_) {
    if (key.starts_with(prefix)) return status;
  }
  return Status::OK();
}

Result<std::vector<store::BucketInfo>> FaultStore::ListBuckets() {
  RETURN_IF_ERROR(OnCall(StoreOp::kListBuckets, "list buckets " + Name()));
  return StoreWrapper::ListBuckets();
}

Status FaultStore::HeadBucket(std::string_view bucket) {
  RETURN_IF_ERROR(OnCall(StoreOp::kHeadBucket, "head bucket " + Url(bucket, "")));
  return StoreWrapper::HeadBucket(bucket);
}

Status FaultStore::CreateBucket(std::string_view bucket) {
  RETURN_IF_ERROR(OnCall(StoreOp::kCreateBucket, "create bucket " + Url(bucket, "")));
  return StoreWrapper::CreateBucket(bucket);
}

Result<std::string> FaultStore::GetBucketLocation(std::string_view bucket) {
  RETURN_IF_ERROR(OnCall(StoreOp::kGetBucketLocation, "get location " + Url(bucket, "")));
  return StoreWrapper::GetBucketLocation(bucket);
}

Result<store::ListPage> FaultStore::List(std::string_view bucket,
                                         const store::ListRequest& request) {
  RETURN_IF_ERROR(OnCall(StoreOp::kList, "list " + Url(bucket, request.prefix)));
  ASSIGN_OR_RETURN(store::ListPage page, StoreWrapper::List(bucket, request));
  for (const store::ObjectInfo& obj : page.objects) RETURN_IF_ERROR(KeyFault(obj.key));
  for (const std::string& cp : page.common_prefixes) RETURN_IF_ERROR(KeyFault(cp));
  return page;
}

Result<store::VersionPage> FaultStore::ListVersions(std::string_view bucket,
                                                    const store::VersionListRequest& request) {
  RETURN_IF_ERROR(OnCall(StoreOp::kListVersions, "list versions " + Url(bucket, request.prefix)));
  ASSIGN_OR_RETURN(store::VersionPage page, StoreWrapper::ListVersions(bucket, request));
  for (const store::ObjectInfo& obj : page.versions) RETURN_IF_ERROR(KeyFault(obj.key));
  return page;
}

Result<store::ObjectInfo> FaultStore::Head(std::string_view bucket, std::string_view key,
                                           std::string_view version_id) {
  RETURN_IF_ERROR(OnCall(StoreOp::kHead, "head " + Url(bucket, key)));
  RETURN_IF_ERROR(KeyFault(key));
  return StoreWrapper::Head(bucket, key, version_id);
}

Result<store::ObjectAcl> FaultStore::GetObjectAcl(std::string_view bucket, std::string_view key,
                                                  std::string_view version_id) {
  RETURN_IF_ERROR(OnCall(StoreOp::kGetObjectAcl, "get acl " + Url(bucket, key)));
  RETURN_IF_ERROR(KeyFault(key));
  return StoreWrapper::GetObjectAcl(bucket, key, version_id);
}

Result<std::string> FaultStore::Get(std::string_view bucket, std::string_view key,
                                    store::ByteRange range) {
  RETURN_IF_ERROR(OnCall(StoreOp::kGet, "get " + Url(bucket, key)));
  RETURN_IF_ERROR(KeyFault(key));
  return StoreWrapper::Get(bucket, key, range);
}

Result<std::unique_ptr<store::ObjectWriter>> FaultStore::NewWriter(
    std::string_view bucket, std::string_view key, const store::WriteOptions& options) {
  std::string target = "put " + Url(bucket, key);
  RETURN_IF_ERROR(OnCall(StoreOp::kNewWriter, target));
  RETURN_IF_ERROR(KeyFault(key));
  ASSIGN_OR_RETURN(std::unique_ptr<store::ObjectWriter> inner,
                   StoreWrapper::NewWriter(bucket, key, options));
  return std::unique_ptr<store::ObjectWriter>(
      new FaultWriter(this, std::move(inner), std::move(target)));
}

Status FaultStore::Delete(std::string_view bucket, std::string_view key) {
  RETURN_IF_ERROR(OnCall(StoreOp::kDelete, "delete " + Url(bucket, key)));
  RETURN_IF_ERROR(KeyFault(key));
  return StoreWrapper::Delete(bucket, key);
}

}  // namespace stocktake::testing
