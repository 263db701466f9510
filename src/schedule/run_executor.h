// RunExecutor: runs one stored inventory configuration once, end to end —
// records the run as started in the RunStore, resolves the destination
// bucket to the store of the estate that holds it, generates the report
// through inventory::GenerateReport, records how the run ended and, for a
// delivered report, calls the ReportDeliveredListener.
//
// Stores, the RunStore and the clock are borrowed and must outlive the
// executor. Execute() is thread-safe (different configurations in parallel;
// the Scheduler keeps one configuration from running twice at once).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config_store.h"
#include "config/run_store.h"
#include "schedule/report_delivered.h"
#include "store/object_store.h"

namespace stocktake::schedule {

// One store of the estate as the scheduler sees it.
struct ScheduledStore {
  store::ObjectStore* store = nullptr;  // not owned
  std::string store_id;                 // keys its configurations in the ConfigStore
  std::string region;                   // "" = ask the store
  std::string owner_account;            // default owner of its buckets
  config::Profile profile = config::Profile::kS3;
  // Buckets owned by another account (bucket → 12-digit id).
  std::map<std::string, std::string, std::less<>> bucket_owners;
  // Listing calls in flight for its reports; 0 = the default for the
  // store's kind (inventory::DefaultListConcurrency).
  int list_concurrency = 0;
  // The store's throttled attempts so far, for the listing's backoff
  // (RetryingStore::throttled); empty = never throttled.
  std::function<int64_t()> throttle_events;
};

// A run to do: which configuration, why, and for which slot.
struct RunRequest {
  std::string store_id;
  config::StoredConfig config;
  config::RunTrigger trigger = config::RunTrigger::kSchedule;
  int64_t slot_ms = 0;
};

class RunExecutor {
 public:
  RunExecutor(std::vector<ScheduledStore> stores, config::RunStore* runs, Clock* clock,
              ReportDeliveredListener listener)
      : stores_(std::move(stores)), runs_(runs), clock_(clock), listener_(std::move(listener)) {}

  // Runs `request` and returns its final record (status succeeded, failed or
  // cancelled, with the error text). Fails only when the run history cannot
  // be written. `cancel` (may be null) abandons the report when set.
  Result<config::RunRecord> Execute(const RunRequest& request, const std::atomic<bool>* cancel);

  const std::vector<ScheduledStore>& stores() const { return stores_; }
  // The store with this id, or nullptr.
  const ScheduledStore* FindStore(std::string_view store_id) const;

 private:
  // The store holding `bucket`: `preferred` when it does, else the first
  // store of the estate that does. NotFound when none.
  Result<const ScheduledStore*> StoreHolding(const ScheduledStore& preferred,
                                             const std::string& bucket) const;
  void Announce(const ScheduledStore& destination, const config::RunRecord& run,
                const std::string& bucket, const std::string& marker_key,
                const std::string& checksum_key, const std::string& manifest_key);

  const std::vector<ScheduledStore> stores_;
  config::RunStore* const runs_;
  Clock* const clock_;
  const ReportDeliveredListener listener_;
};

}  // namespace stocktake::schedule
