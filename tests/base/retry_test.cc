#include "base/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace stocktake {
namespace {

struct Recorder {
  std::vector<int64_t> sleeps;
  RetryPolicy Policy(RetryOptions options) {
    return RetryPolicy(options, [this](int64_t ms) { sleeps.push_back(ms); });
  }
};

TEST(RetryPolicyTest, RetriesOnlyUnavailableUpToTheAttemptBudget) {
  Recorder rec;
  RetryOptions options;
  options.max_attempts = 3;
  int calls = 0;
  Status st = rec.Policy(options).Run([&] {
    ++calls;
    return Unavailable("busy");
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(rec.sleeps.size(), 2u);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_EQ(st.message().rfind("busy (gave up after 3 attempts, ", 0), 0u) << st.message();
  EXPECT_NE(st.message().find(" ms of backoff)"), std::string::npos) << st.message();

  calls = 0;
  st = rec.Policy(options).Run([&] {
    ++calls;
    return NotFound("gone");
  });
  EXPECT_EQ(calls, 1) << "not retryable";
  EXPECT_EQ(st.message(), "gone");
}

TEST(RetryPolicyTest, SucceedsOnALaterAttempt) {
  Recorder rec;
  int calls = 0;
  Status st = rec.Policy({}).Run([&] { return ++calls < 3 ? Unavailable("busy") : Status::OK(); });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(calls, 3);
}

TEST(RetryPolicyTest, OneAttemptReturnsTheFailureAsIs) {
  Recorder rec;
  RetryOptions options;
  options.max_attempts = 1;
  Status st = rec.Policy(options).Run([] { return Unavailable("busy"); });
  EXPECT_EQ(st.message(), "busy");
  EXPECT_TRUE(rec.sleeps.empty());
}

TEST(RetryPolicyTest, BackoffGrowsWithJitterAndStaysWithinTheCaps) {
  RetryOptions options;
  options.base_delay_ms = 100;
  options.max_delay_ms = 1000;
  RetryPolicy policy(options);
  for (int round = 0; round < 50; ++round) {
    EXPECT_GE(policy.BackoffMillis(1), 50);
    EXPECT_LE(policy.BackoffMillis(1), 100);
    EXPECT_GE(policy.BackoffMillis(3), 200);
    EXPECT_LE(policy.BackoffMillis(3), 400);
    EXPECT_GE(policy.BackoffMillis(30), 500);
    EXPECT_LE(policy.BackoffMillis(30), 1000);
  }
}

TEST(RetryPolicyTest, TotalWaitBudgetEndsRetriesEarly) {
  Recorder rec;
  RetryOptions options;
  options.max_attempts = 100;
  options.base_delay_ms = 1000;
  options.max_delay_ms = 1000;
  options.max_total_ms = 2500;  // room for two waits of 500..1000 ms, never four
  int calls = 0;
  Status st = rec.Policy(options).Run([&] {
    ++calls;
    return Unavailable("busy");
  });
  int64_t total = 0;
  for (int64_t ms : rec.sleeps) total += ms;
  EXPECT_LE(total, 2500);
  EXPECT_GE(calls, 3);
  EXPECT_LE(calls, 6);
  EXPECT_EQ(calls, static_cast<int>(rec.sleeps.size()) + 1);
}

}  // namespace
}  // namespace stocktake
