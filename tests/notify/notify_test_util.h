// Shared by the notify tests: sample events, a Notifier over a fresh
// outbox with fast retry settings, and bounded waits. Header-only; test
// code only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "notify/notifier.h"
#include "notify/outbox.h"
#include "notify/report_event.h"
#include "notify/target.h"

namespace stocktake::notify {

inline ReportEvent TestEvent(int n) {
  ReportEvent event;
  event.region = "eu-west-1";
  event.event_time_ms = 1704067200000 + n;
  event.configuration_id = "cfg";
  event.bucket = "dest";
  event.key = "inv/src/cfg/2024-01-01T00-0" + std::to_string(n % 10) + "Z/manifest.checksum";
  event.size = 33;
  event.etag = "etag" + std::to_string(n);
  return event;
}

// Fast retries so a test sees several attempts in well under a second.
inline NotifierOptions FastOptions() {
  NotifierOptions options;
  options.retry = RetryOptions{
      .max_attempts = 50, .base_delay_ms = 20, .max_delay_ms = 100, .max_total_ms = 20000};
  options.idle_poll_ms = 100;
  return options;
}

inline TargetOptions FastTargetOptions() {
  TargetOptions options;
  options.connect_timeout_ms = 1000;
  options.request_timeout_ms = 1000;
  return options;
}

inline std::unique_ptr<Notifier> StartNotifier(const std::string& state_dir,
                                               const std::vector<std::string>& specs,
                                               NotifierOptions options = FastOptions()) {
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(state_dir);
  EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
  if (!outbox.ok()) return nullptr;
  std::vector<std::unique_ptr<Target>> targets;
  for (const std::string& spec : specs) {
    Result<std::unique_ptr<Target>> target = MakeTarget(spec, FastTargetOptions());
    EXPECT_TRUE(target.ok()) << target.status().ToString();
    if (!target.ok()) return nullptr;
    targets.push_back(std::move(target).value());
  }
  return Notifier::Start(std::move(outbox).value(), std::move(targets), std::move(options));
}

// Polls `done` every 10 ms for at most `timeout_ms`.
inline bool WaitUntil(const std::function<bool()>& done, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

inline int64_t CountIn(Outbox* outbox, DeliveryState state,
                       const std::vector<std::string>& targets = {}) {
  Result<int64_t> n = outbox->Count(state, targets);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return n.ok() ? *n : -1;
}

}  // namespace stocktake::notify
