#include "notify/notifier.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace stocktake::notify {

std::unique_ptr<Notifier> Notifier::Start(std::unique_ptr<Outbox> outbox,
                                          std::vector<std::unique_ptr<Target>> targets,
                                          NotifierOptions options) {
  std::unique_ptr<Notifier> notifier(
      new Notifier(std::move(outbox), std::move(targets), std::move(options)));
  for (const std::unique_ptr<Target>& target : notifier->targets_) {
    Target* raw = target.get();
    notifier->threads_.emplace_back([n = notifier.get(), raw] { n->Run(raw); });
  }
  return notifier;
}

Notifier::Notifier(std::unique_ptr<Outbox> outbox, std::vector<std::unique_ptr<Target>> targets,
                   NotifierOptions options)
    : outbox_(std::move(outbox)),
      targets_(std::move(targets)),
      options_(std::move(options)),
      policy_(options_.retry) {}

Notifier::~Notifier() { Shutdown(); }

std::vector<std::string> Notifier::target_specs() const {
  std::vector<std::string> specs;
  specs.reserve(targets_.size());
  for (const std::unique_ptr<Target>& target : targets_) specs.push_back(target->spec());
  return specs;
}

Status Notifier::Publish(const ReportEvent& event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      return FailedPrecondition("publish event for " + event.bucket + "/" + event.key +
                                ": notifier is shut down");
    }
  }
  const std::string id = event.id.empty() ? EventId(event) : event.id;
  const std::string body = ToS3EventJson(event);
  RETURN_IF_ERROR(
      outbox_->Add(id, body, event.bucket, event.key, options_.clock->NowMillis(), target_specs())
          .status());
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
  }
  wake_.notify_all();
  return Status::OK();
}

Status Notifier::Announce(const ReportObject& object) {
  ASSIGN_OR_RETURN(ReportEvent event, MakeReportEvent(object, *options_.clock));
  return Publish(event);
}

Result<int64_t> Notifier::Drain(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const std::vector<std::string> specs = target_specs();
  if (specs.empty()) return 0;
  for (;;) {
    ASSIGN_OR_RETURN(int64_t pending, outbox_->Count(DeliveryState::kPending, specs));
    const auto now = std::chrono::steady_clock::now();
    if (pending == 0 || now >= deadline) return pending;
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return pending;
    // Deliveries finished in other processes do not signal us: poll too.
    progress_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(
                                 deadline - now, std::chrono::milliseconds(100)));
  }
}

void Notifier::Shutdown() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
    wake_.notify_all();
    progress_.notify_all();
    progress_.wait_for(lock, std::chrono::milliseconds(options_.shutdown_grace_ms),
                       [&] { return in_flight_ == 0; });
  }
  for (const std::unique_ptr<Target>& target : targets_) target->Cancel();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void Notifier::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

void Notifier::Run(Target* target) {
  for (;;) {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      seen = generation_;
    }
    if (DeliverOne(target)) continue;
    // Sleep until the next delivery of this target is due, a Publish, or
    // the idle poll (deliveries added by other processes).
    int64_t wait_ms = options_.idle_poll_ms;
    Result<std::optional<int64_t>> next = outbox_->NextDue(target->spec());
    if (next.ok() && next->has_value()) {
      wait_ms = std::clamp<int64_t>(**next - options_.clock->NowMillis(), 5, wait_ms);
    }
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                   [&] { return stopping_ || generation_ != seen; });
  }
}

bool Notifier::DeliverOne(Target* target) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    ++in_flight_;  // before the claim, so Shutdown's grace covers it
  }
  const bool attempted = ClaimAndAttempt(target);
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
  }
  progress_.notify_all();
  return attempted;
}

bool Notifier::ClaimAndAttempt(Target* target) {
  const std::string& spec = target->spec();
  Result<std::optional<Delivery>> claimed =
      outbox_->Claim(spec, options_.clock->NowMillis(), options_.lease_ms);
  if (!claimed.ok()) {
    Log(claimed.status().message());
    return false;
  }
  if (!claimed->has_value()) return false;
  const Delivery& d = **claimed;
  const Status sent = target->Deliver(d.event_id, d.body);
  const int64_t now = options_.clock->NowMillis();
  Status recorded;
  if (sent.ok()) {
    recorded = outbox_->Acknowledge(d.event_id, spec);
  } else if (sent.code() == Code::kCancelled) {
    // Shutting down: give the delivery back untouched (lease released).
    recorded = outbox_->Retry(d.event_id, spec, d.attempts, d.first_attempt_ms, d.next_attempt_ms,
                              d.last_error);
  } else {
    const int attempts = d.attempts + 1;
    const int64_t first = d.first_attempt_ms != 0 ? d.first_attempt_ms : now;
    const int64_t wait = policy_.BackoffMillis(attempts);
    const RetryOptions& budget = policy_.options();
    if (!IsRetryable(sent) || attempts >= budget.max_attempts ||
        now - first + wait > budget.max_total_ms) {
      recorded = outbox_->Fail(d.event_id, spec, attempts, first, sent.message());
      Log("gave up event " + d.event_id + " (" + d.bucket + "/" + d.key + ") after " +
          std::to_string(attempts) + " attempt(s): " + sent.message());
    } else {
      recorded = outbox_->Retry(d.event_id, spec, attempts, first, now + wait, sent.message());
    }
  }
  if (!recorded.ok()) Log(recorded.message());
  return true;
}

}  // namespace stocktake::notify
