// StoreWrapper, RetryingStore and FaultStore: the conformance suite through
// each wrapper over a LocalStore, plus the fault and retry behaviours.
#include <atomic>

#include "store/local_store.h"
#include "store/object_store_conformance.h"
#include "store/retrying_store.h"
#include "testing/fault_store.h"
#include "testing/temp_dir.h"

namespace stocktake::testing {
namespace {

using store::LocalStore;
using store::RetryingStore;

std::shared_ptr<store::ObjectStore> NewLocal(const std::shared_ptr<TempDir>& dir) {
  store::LocalStoreOptions options;
  options.root = dir->path();
  std::shared_ptr<LocalStore> local = std::move(LocalStore::Open(options)).value();
  EXPECT_TRUE(local->CreateBucket("bkt").ok());
  return local;
}

RetryPolicy NoSleepPolicy(std::atomic<int>* sleeps, int max_attempts = 4) {
  RetryOptions options;
  options.max_attempts = max_attempts;
  return RetryPolicy(options, [sleeps](int64_t) { ++*sleeps; });
}

StoreUnderTest MakeFault() {
  auto dir = std::make_shared<TempDir>();
  return {std::make_shared<FaultStore>(NewLocal(dir)), "bkt", dir};
}

StoreUnderTest MakeRetrying() {
  auto dir = std::make_shared<TempDir>();
  static std::atomic<int> sleeps{0};
  return {std::make_shared<RetryingStore>(NewLocal(dir), NoSleepPolicy(&sleeps)), "bkt", dir};
}

INSTANTIATE_TEST_SUITE_P(Wrappers, ObjectStoreConformanceTest,
                         ::testing::Values(ConformanceTarget{"FaultPassThrough", &MakeFault},
                                           ConformanceTarget{"Retrying", &MakeRetrying}),
                         ConformanceTargetName);

class WrapperTest : public ::testing::Test {
 protected:
  std::shared_ptr<TempDir> dir_ = std::make_shared<TempDir>();
  std::shared_ptr<FaultStore> fault_ = std::make_shared<FaultStore>(NewLocal(dir_));
  std::atomic<int> sleeps_{0};
  RetryingStore retrying_{fault_, NoSleepPolicy(&sleeps_)};
};

TEST_F(WrapperTest, FaultStoreFailsTheNthCallOfAnOperation) {
  ASSERT_TRUE(fault_->Put("bkt", "k", "v").ok());
  fault_->FailNthCall(StoreOp::kGet, 2, IOError("injected"));
  EXPECT_TRUE(fault_->Get("bkt", "k").ok());
  EXPECT_EQ(fault_->Get("bkt", "k").status().message(), "injected");
  EXPECT_TRUE(fault_->Get("bkt", "k").ok());
  EXPECT_EQ(fault_->Calls(StoreOp::kGet), 3);
  fault_->FailNthCall(StoreOp::kAny, 1, Internal("any"));
  EXPECT_EQ(fault_->Head("bkt", "k").status().code(), Code::kInternal);
}

TEST_F(WrapperTest, FaultStoreFailsKeysUnderAPrefix) {
  ASSERT_TRUE(fault_->Put("bkt", "bad/x", "v").ok());
  ASSERT_TRUE(fault_->Put("bkt", "good", "v").ok());
  fault_->FailKeysUnder("bad/", PermissionDenied("denied"));
  EXPECT_EQ(fault_->Get("bkt", "bad/x").status().code(), Code::kPermissionDenied);
  EXPECT_TRUE(fault_->Get("bkt", "good").ok());
  EXPECT_EQ(fault_->List("bkt", {}).status().code(), Code::kPermissionDenied);
  store::ListRequest good_only;
  good_only.prefix = "g";
  EXPECT_TRUE(fault_->List("bkt", good_only).ok());
}

TEST_F(WrapperTest, TruncatedWriteClosesButPublishesAPrefix) {
  fault_->TruncateWrites(4);
  ASSERT_TRUE(fault_->Put("bkt", "t", "0123456789").ok());
  EXPECT_EQ(*fault_->Get("bkt", "t"), "0123");
}

TEST_F(WrapperTest, LostCloseFailsAndPublishesNothing) {
  fault_->LoseCloses(IOError("connection reset during close"));
  Status st = fault_->Put("bkt", "lost", "data");
  EXPECT_EQ(st.code(), Code::kIOError);
  EXPECT_EQ(fault_->Head("bkt", "lost").status().code(), Code::kNotFound);
  EXPECT_EQ(fault_->Calls(StoreOp::kClose), 1);
}

TEST_F(WrapperTest, RetryingStoreRidesOutSlowDown) {
  ASSERT_TRUE(fault_->Put("bkt", "k", "v").ok());
  fault_->SlowDown(StoreOp::kGet, 2);
  Result<std::string> got = retrying_.Get("bkt", "k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "v");
  EXPECT_EQ(fault_->Calls(StoreOp::kGet), 3);
  EXPECT_EQ(sleeps_.load(), 2);

  fault_->SlowDown(StoreOp::kList, 1);
  EXPECT_TRUE(retrying_.List("bkt", {}).ok());
  EXPECT_EQ(fault_->Calls(StoreOp::kList), 2);
}

TEST_F(WrapperTest, AclCallsAreForwardedCountedFaultedAndRetried) {
  ASSERT_TRUE(fault_->Put("bkt", "k", "v").ok());
  fault_->SlowDown(StoreOp::kGetObjectAcl, 2);
  Result<store::ObjectAcl> acl = retrying_.GetObjectAcl("bkt", "k", "null");
  ASSERT_TRUE(acl.ok()) << acl.status().ToString();
  EXPECT_FALSE(acl->available);  // LocalStore has no ACLs
  EXPECT_EQ(fault_->Calls(StoreOp::kGetObjectAcl), 3);
  EXPECT_EQ(sleeps_.load(), 2);

  fault_->FailKeysUnder("k", PermissionDenied("injected"));
  EXPECT_EQ(retrying_.GetObjectAcl("bkt", "k").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(fault_->Calls(StoreOp::kGetObjectAcl), 4);
  // Versioned HEADs reach the target with their version id.
  EXPECT_EQ(retrying_.Head("bkt", "other", "v-1").status().code(), Code::kNotFound);
}

TEST_F(WrapperTest, RetryingStoreGivesUpAfterMaxAttempts) {
  fault_->SlowDown(StoreOp::kHead, 100);
  Result<store::ObjectInfo> head = retrying_.Head("bkt", "k");
  EXPECT_EQ(head.status().code(), Code::kUnavailable);
  EXPECT_NE(head.status().message().find("SlowDown (503)"), std::string::npos);
  EXPECT_EQ(fault_->Calls(StoreOp::kHead), 4);
}

TEST_F(WrapperTest, RetryingStoreDoesNotRetryPermanentErrors) {
  EXPECT_EQ(retrying_.Get("bkt", "missing").status().code(), Code::kNotFound);
  EXPECT_EQ(fault_->Calls(StoreOp::kGet), 1);
  fault_->FailNthCall(StoreOp::kDelete, 1, PermissionDenied("no"));
  EXPECT_EQ(retrying_.Delete("bkt", "k").code(), Code::kPermissionDenied);
  EXPECT_EQ(sleeps_.load(), 0);
}

TEST_F(WrapperTest, RetriedCreateBucketTreatsAlreadyExistsAsOurs) {
  // The bucket exists (as if an earlier attempt's reply was lost); the
  // first attempt here is throttled, the retry sees AlreadyExists.
  ASSERT_TRUE(fault_->target()->CreateBucket("fresh").ok());
  fault_->SlowDown(StoreOp::kCreateBucket, 1);
  EXPECT_TRUE(retrying_.CreateBucket("fresh").ok());
  EXPECT_EQ(retrying_.CreateBucket("fresh").code(), Code::kAlreadyExists);
}

TEST_F(WrapperTest, WrapperForwardsIdentity) {
  EXPECT_EQ(retrying_.Name(), fault_->target()->Name());
  EXPECT_EQ(retrying_.Url("bkt", "k"), fault_->target()->Url("bkt", "k"));
  EXPECT_FALSE(retrying_.capabilities().supports_any_key);
}

}  // namespace
}  // namespace stocktake::testing
