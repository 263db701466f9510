// ObjectStore conformance suite: one set of behaviour tests that every
// ObjectStore must pass, written only against the public ObjectStore
// interface; Capabilities flags select the branch where stores legitimately
// differ (e.g. keys LocalStore refuses). Instantiate it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformanceTest,
//       ::testing::Values(ConformanceTarget{"Local", &MakeLocal}),
//       ConformanceTargetName);
//
// The factory returns a store plus the name of a fresh, empty bucket that
// exists in it; `keep_alive` holds whatever must outlive the test (temp
// folders, server fixtures). The tests live in
// object_store_conformance_test.cc (the CMake glob compiles *_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "store/object_store.h"

namespace stocktake::testing {

struct StoreUnderTest {
  std::shared_ptr<store::ObjectStore> store;
  std::string bucket;  // exists and is empty
  std::shared_ptr<void> keep_alive;
};

struct ConformanceTarget {
  std::string name;  // gtest parameter name: letters, digits, '_'
  std::function<StoreUnderTest()> make;
};

inline std::string ConformanceTargetName(
    const ::testing::TestParamInfo<ConformanceTarget>& info) {
  return info.param.name;
}

class ObjectStoreConformanceTest : public ::testing::TestWithParam<ConformanceTarget> {
 protected:
  void SetUp() override;
  // Puts `data` under `key`, failing the test on error.
  void PutOrDie(const std::string& key, const std::string& data);
  // Pages through a whole listing with `request` (paging by max_keys);
  // returns "<key>" for objects and "<prefix>/" entries for common prefixes
  // in page order, and checks every page's size bound.
  std::vector<std::string> ListAll(store::ListRequest request, int* pages = nullptr);

  store::ObjectStore& store() { return *sut_.store; }
  const std::string& bucket() const { return sut_.bucket; }
  store::Capabilities caps() { return sut_.store->capabilities(); }

  StoreUnderTest sut_;
};

}  // namespace stocktake::testing
