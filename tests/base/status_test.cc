#include "base/status.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

Result<int> Half(int v) {
  if (v % 2) return InvalidArgument("odd " + std::to_string(v));
  return v / 2;
}

Result<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  return Half(h);
}

TEST(StatusTest, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status::OK().ok());
  Status st = NotFound("get local:/r/b/k: no such key");
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_EQ(st.ToString(), "NotFound: get local:/r/b/k: no such key");
  EXPECT_EQ(st.WithContext("scan").message(), "scan: get local:/r/b/k: no such key");
}

TEST(StatusTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd 3");
}

TEST(StatusTest, OnlyUnavailableIsRetryable) {
  EXPECT_TRUE(IsRetryable(Unavailable("x")));
  EXPECT_FALSE(IsRetryable(IOError("x")));
  EXPECT_FALSE(IsRetryable(Status::OK()));
}

TEST(StatusTest, ErrnoMapsToCodes) {
  EXPECT_EQ(ErrnoStatus("open x", ENOENT).code(), Code::kNotFound);
  EXPECT_EQ(ErrnoStatus("open x", EACCES).code(), Code::kPermissionDenied);
  EXPECT_EQ(ErrnoStatus("open x", EIO).code(), Code::kIOError);
}

}  // namespace
}  // namespace stocktake
