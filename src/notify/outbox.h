// Outbox: the durable queue of report events awaiting delivery, in the
// SQLite database <state_dir>/notify.db (its own file, so its schema evolves
// apart from the configuration database; layout in docs/notifications.md).
//
// An event is stored, with one delivery row per target, BEFORE any attempt
// to send it; a delivery row is removed only when its target acknowledged
// the event, and the event when no delivery row remains. Delivery rows carry
// their own state (pending / failed), attempt count, next attempt time and
// last error, so one slow or dead target never holds back another. A worker
// Claims a due delivery under a lease (other processes sharing the file skip
// it until the lease ends), then records the outcome with Acknowledge,
// Retry or Fail. A process that dies holding a lease loses nothing: the
// delivery becomes due again when the lease runs out.
//
// Thread-safe: one connection guarded by a mutex; WAL mode and a busy
// timeout let several processes share the file. Memory stays bounded: no
// call returns more rows than its limit.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace stocktake::notify {

enum class DeliveryState { kPending, kFailed };
std::string_view DeliveryStateName(DeliveryState state);

// One (event, target) pair as stored.
struct Delivery {
  std::string event_id;
  std::string target;  // the target's spec ("webhook http://...")
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t first_attempt_ms = 0;  // 0 = never tried
  int64_t next_attempt_ms = 0;
  std::string last_error;
  // From the event row.
  std::string bucket;
  std::string key;
  int64_t created_ms = 0;
  std::string body;  // filled by Claim only
};

class Outbox {
 public:
  static constexpr std::string_view kDatabaseFile = "notify.db";
  static constexpr int kSchemaVersion = 1;

  // Opens <state_dir>/notify.db, creating the folder and file as needed.
  // IOError/PermissionDenied when it can't; FailedPrecondition when written
  // by a newer schema.
  static Result<std::unique_ptr<Outbox>> Open(const std::string& state_dir);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  const std::string& path() const { return path_; }

  // Stores the event and a pending delivery to each target, atomically. An
  // event id already stored keeps its body; targets it lacks are added.
  // Returns the number of delivery rows added.
  Result<int> Add(std::string_view event_id, std::string_view body, std::string_view bucket,
                  std::string_view key, int64_t created_ms,
                  const std::vector<std::string>& targets);

  // The oldest pending delivery to `target` that is due at `now_ms` and not
  // leased, leased to the caller until now_ms + lease_ms; nullopt when none.
  Result<std::optional<Delivery>> Claim(std::string_view target, int64_t now_ms, int64_t lease_ms);
  // The target acknowledged: removes the delivery (and the event once no
  // target still needs it). NotFound is not an error here (already gone).
  Status Acknowledge(std::string_view event_id, std::string_view target);
  // Records a failed attempt and when to try again; releases the lease.
  Status Retry(std::string_view event_id, std::string_view target, int attempts,
               int64_t first_attempt_ms, int64_t next_attempt_ms, std::string_view error);
  // Gives up: state failed (kept, visible, redelivered only by Requeue).
  Status Fail(std::string_view event_id, std::string_view target, int attempts,
              int64_t first_attempt_ms, std::string_view error);

  // Makes every failed and backing-off delivery (of `targets`, or of all
  // when empty) due now with a fresh attempt budget; returns how many rows.
  Result<int> Requeue(const std::vector<std::string>& targets);
  // Earliest time a pending delivery to `target` may be claimed (lease and
  // backoff considered); nullopt when nothing is pending.
  Result<std::optional<int64_t>> NextDue(std::string_view target);
  // Deliveries in `state` to `targets` (all targets when empty).
  Result<int64_t> Count(DeliveryState state, const std::vector<std::string>& targets);
  // Deliveries in publication order, at most `limit` (bodies not loaded).
  Result<std::vector<Delivery>> List(int limit);
  // Distinct targets with pending or failed deliveries.
  Result<std::vector<std::string>> Targets();
  // Number of stored events.
  Result<int64_t> CountEvents();

 private:
  Outbox(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status SetOutcome(std::string_view sql, std::string_view what, std::string_view event_id,
                    std::string_view target, int attempts, int64_t first_attempt_ms,
                    int64_t next_attempt_ms, std::string_view error);

  sqlite3* const db_;
  const std::string path_;
  std::mutex mu_;
};

}  // namespace stocktake::notify
