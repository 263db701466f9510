// FaultStore: a StoreWrapper for tests that injects failures into an
// otherwise working store. Switches are set per test and apply to calls
// made after they are set:
//   FailNthCall(op, n, st)   the n-th next call of `op` (kAny: of any op)
//                            returns st instead of reaching the target;
//   FailKeysUnder(p, st)     Head/Get/NewWriter/Delete of a key under p, and
//                            a List page holding such a key, return st;
//   SlowDown(op, n)          the next n calls of op return Unavailable
//                            "... SlowDown (503)";
//   TruncateWrites(bytes)    writers publish only their first `bytes` bytes
//                            yet Close succeeds;
//   LoseCloses(st)           writers' Close aborts the object and returns st.
// Calls(op) counts calls per operation, including failed ones. Writer
// Append/Close are counted as kAppend/kClose. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/store_wrapper.h"

namespace stocktake::testing {

enum class StoreOp {
  kListBuckets,
  kHeadBucket,
  kCreateBucket,
  kGetBucketLocation,
  kList,
  kListVersions,
  kHead,
  kGetObjectAcl,
  kGet,
  kNewWriter,
  kDelete,
  kAppend,
  kClose,
  kAny,  // only as a switch target: matches every operation
};

class FaultStore : public store::StoreWrapper {
 public:
  explicit FaultStore(std::shared_ptr<store::ObjectStore> target);

  void FailNthCall(StoreOp op, int n, Status status);
  void FailKeysUnder(std::string prefix, Status status);
  void SlowDown(StoreOp op, int times);
  void TruncateWrites(int64_t keep_bytes);
  void LoseCloses(Status status);
  // Calls of `op` since construction (kAny: all calls).
  int Calls(StoreOp op) const;

  Result<std::vector<store::BucketInfo>> ListBuckets() override;
  Status HeadBucket(std::string_view bucket) override;
  Status CreateBucket(std::string_view bucket) override;
  Result<std::string> GetBucketLocation(std::string_view bucket) override;
  Result<store::ListPage> List(std::string_view bucket, const store::ListRequest& request) override;
  Result<store::VersionPage> ListVersions(std::string_view bucket,
                                          const store::VersionListRequest& request) override;
  Result<store::ObjectInfo> Head(std::string_view bucket, std::string_view key,
                                 std::string_view version_id = {}) override;
  Result<store::ObjectAcl> GetObjectAcl(std::string_view bucket, std::string_view key,
                                        std::string_view version_id = {}) override;
  Result<std::string> Get(std::string_view bucket, std::string_view key,
                          store::ByteRange range = {}) override;
  Result<std::unique_ptr<store::ObjectWriter>> NewWriter(
      std::string_view bucket, std::string_view key,
      const store::WriteOptions& options = {}) override;
  Status Delete(std::string_view bucket, std::string_view key) override;

  // Counts a call of `op` on `target` (for messages) and returns the
  // injected failure, if any. Also used by FaultStore's writers.
  Status OnCall(StoreOp op, std::string_view target);
  std::optional<int64_t> truncate_bytes() const;
  std::optional<Status> lost_close() const;

 private:
  struct NthRule {
    StoreOp op;
    int at;  // fires when the counter of `op` reaches this
    Status status;
  };
  // The failure injected for keys under a prefix, or OK.
  Status KeyFault(std::string_view key) const;

  static constexpr size_t kOps = static_cast<size_t>(StoreOp::kAny) + 1;
  mutable std::mutex mu_;
  std::array<int, kOps> calls_{};
  std::vector<NthRule> nth_rules_;
  std::vector<std::pair<std::string, Status>> key_rules_;
  std::array<int, kOps> slow_downs_{};
  std::optional<int64_t> truncate_bytes_;
  std::optional<Status> lost_close_;
};

}  // namespace stocktake::testing
