// The ObjectStore conformance suite against S3Store on the real Ceph RGW
// (tests/testing/s3_server.h), directly and through RetryingStore; each test
// gets a fresh bucket.
#include <memory>

#include "store/object_store_conformance.h"
#include "store/retrying_store.h"
#include "store/s3_store.h"
#include "testing/s3_server.h"

namespace stocktake::testing {
namespace {

std::shared_ptr<store::S3Store> OpenOnServer() {
  Result<S3TestServer*> server = S3TestServer::Get();
  EXPECT_TRUE(server.ok()) << "no S3 test server: " << server.status().ToString();
  if (!server.ok()) return nullptr;
  Result<std::unique_ptr<store::S3Store>> s3 = store::S3Store::Open((*server)->StoreOptions());
  EXPECT_TRUE(s3.ok()) << s3.status().ToString();
  return s3.ok() ? std::shared_ptr<store::S3Store>(std::move(s3).value()) : nullptr;
}

StoreUnderTest WithFreshBucket(std::shared_ptr<store::ObjectStore> store) {
  if (store == nullptr) return {};
  std::string bucket = S3TestServer::UniqueBucket(
      ::testing::UnitTest::GetInstance()->current_test_info()->name());
  Status st = store->CreateBucket(bucket);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return {std::move(store), bucket, nullptr};
}

StoreUnderTest MakeS3() { return WithFreshBucket(OpenOnServer()); }

StoreUnderTest MakeRetryingS3() {
  std::shared_ptr<store::S3Store> s3 = OpenOnServer();
  if (s3 == nullptr) return {};
  return WithFreshBucket(std::make_shared<store::RetryingStore>(s3, RetryPolicy()));
}

INSTANTIATE_TEST_SUITE_P(S3, ObjectStoreConformanceTest,
                         ::testing::Values(ConformanceTarget{"S3", &MakeS3},
                                           ConformanceTarget{"RetryingS3", &MakeRetryingS3}),
                         ConformanceTargetName);

}  // namespace
}  // namespace stocktake::testing
