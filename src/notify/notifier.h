// Notifier: announces finished reports to every configured target with
// at-least-once delivery that survives restarts.
//
// Publish() renders the S3 event JSON and stores it in the Outbox (one
// pending delivery per target) before returning, then wakes the delivery
// threads; nothing is held in memory. Each target has its own thread, so a
// slow or dead target never delays another. A thread claims the oldest due
// delivery of its target, makes one attempt, and records the outcome: an
// acknowledged delivery is removed (never sent again); a retryable failure
// is rescheduled with the RetryPolicy's exponential backoff and jitter; once
// the attempt or time budget (RetryOptions) is spent, or on a permanent
// refusal, the delivery is marked failed — kept and visible in
// `stocktake notify status`, redelivered by `stocktake notify flush`.
// Pending deliveries left by an earlier process (same state folder, same
// target spec) are delivered when a Notifier for that target starts.
//
// Thread-safe. Shutdown() (also run by the destructor) stops claiming,
// gives attempts in flight a short grace period, cancels what is left and
// joins the threads; undelivered events stay in the outbox.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/retry.h"
#include "base/status.h"
#include "notify/outbox.h"
#include "notify/report_event.h"
#include "notify/target.h"

namespace stocktake::notify {

struct NotifierOptions {
  // Per delivery: attempts and total time before it is marked failed;
  // base/max delay shape the backoff between attempts.
  RetryOptions retry{.max_attempts = 20,
                     .base_delay_ms = 250,
                     .max_delay_ms = 30000,
                     .max_total_ms = 15 * 60 * 1000};
  // A claimed delivery is hidden from other processes this long.
  int64_t lease_ms = 120000;
  // How often an idle thread looks for deliveries added by other processes.
  int64_t idle_poll_ms = 2000;
  // Shutdown lets attempts in flight finish this long before cancelling
  // them (a cancelled attempt the target did receive is sent again later).
  int64_t shutdown_grace_ms = 2000;
  // Receives one line per delivery given up (and outbox errors); may be
  // called from any delivery thread. Empty: silent.
  std::function<void(const std::string&)> log;
  const Clock* clock = Clock::Real();  // must outlive the Notifier
};

class Notifier {
 public:
  // Starts one delivery thread per target. REQUIRES: target specs unique.
  static std::unique_ptr<Notifier> Start(std::unique_ptr<Outbox> outbox,
                                         std::vector<std::unique_ptr<Target>> targets,
                                         NotifierOptions options = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Persists the event for every target and wakes the delivery threads.
  // Fails (nothing stored) with the outbox error; FailedPrecondition after
  // Shutdown. An event id already stored is not added twice.
  Status Publish(const ReportEvent& event);

  // MakeReportEvent(object, clock) then Publish: the one call a report
  // runner needs once manifest.checksum (OBS: manifest.json) is written.
  // Fails with the HEAD error ("announce <url>: ...") or Publish's.
  Status Announce(const ReportObject& object);

  // Waits until no delivery to this notifier's targets is pending (all
  // acknowledged or failed) or `timeout_ms` passes. Returns the number still
  // pending.
  Result<int64_t> Drain(int64_t timeout_ms);

  // Stops the threads (attempts in flight get options.shutdown_grace_ms,
  // then are cancelled); idempotent.
  void Shutdown();

  Outbox* outbox() { return outbox_.get(); }
  std::vector<std::string> target_specs() const;

 private:
  Notifier(std::unique_ptr<Outbox> outbox, std::vector<std::unique_ptr<Target>> targets,
           NotifierOptions options);
  void Run(Target* target);
  // One claim-and-attempt, counted in in_flight_; false when nothing was
  // due or shutting down.
  bool DeliverOne(Target* target);
  bool ClaimAndAttempt(Target* target);
  void WaitForWork(Target* target);
  void Log(const std::string& line) const;

  std::unique_ptr<Outbox> outbox_;
  std::vector<std::unique_ptr<Target>> targets_;
  const NotifierOptions options_;
  const RetryPolicy policy_;
  std::vector<std::thread> threads_;

  std::mutex mu_;
  std::condition_variable wake_;      // new work or shutdown
  std::condition_variable progress_;  // a delivery finished (for Drain)
  uint64_t generation_ = 0;           // bumped by Publish
  int in_flight_ = 0;                 // claimed deliveries being attempted
  bool stopping_ = false;
};

}  // namespace stocktake::notify
