#include "schedule/run_executor.h"

#include "inventory/report_generator.h"
#include "inventory/spec_from_config.h"

namespace stocktake::schedule {

const ScheduledStore* RunExecutor::FindStore(std::string_view store_id) const {
  for (const ScheduledStore& s : stores_) {
    if (s.store_id == store_id) return &s;
  }
  return nullptr;
}

Result<const ScheduledStore*> RunExecutor::StoreHolding(const ScheduledStore& preferred,
                                                        const std::string& bucket) const {
  Status head = preferred.store->HeadBucket(bucket);
  if (head.ok()) return &preferred;
  if (head.code() != Code::kNotFound) return head;
  for (const ScheduledStore& s : stores_) {
    if (&s == &preferred) continue;
    head = s.store->HeadBucket(bucket);
    if (head.ok()) return &s;
    if (head.code() != Code::kNotFound) return head;
  }
  return NotFound("destination bucket '" + bucket + "' is in no store of the estate");
}

Result<config::RunRecord> RunExecutor::Execute(const RunRequest& request,
                                               const std::atomic<bool>* cancel) {
  config::RunRecord run;
  run.store_id = request.store_id;
  run.bucket = request.config.bucket;
  run.config_id = request.config.config.id;
  run.trigger = request.trigger;
  run.slot_ms = request.slot_ms;
  run.started_at_ms = clock_->NowMillis();
  ASSIGN_OR_RETURN(run.run_id, runs_->Begin(run));

  const ScheduledStore* source = FindStore(request.store_id);
  Result<inventory::ReportResult> result = NotFound("store '" + request.store_id + "' is not served");
  const ScheduledStore* destination = nullptr;
  if (source != nullptr) {
    Result<const ScheduledStore*> holding =
        StoreHolding(*source, request.config.config.destination.bucket);
    if (holding.ok()) {
      destination = *holding;
      inventory::ReportSpec spec = inventory::SpecFromConfig(
          request.config.config, request.config.profile, source->store, run.bucket,
          destination->store);
      spec.list_concurrency = source->list_concurrency;
      spec.throttle_events = source->throttle_events;
      spec.clock = clock_;
      spec.cancel = cancel;
      result = inventory::GenerateReport(spec);
    } else {
      result = holding.status().WithContext("report " + run.bucket + "/" + run.config_id);
    }
  }
  run.ended_at_ms = clock_->NowMillis();
  if (result.ok()) {
    run.status = config::RunStatus::kSucceeded;
    run.objects = result->objects;
    run.bytes = result->bytes;
    run.report_location =
        destination->store->Url(request.config.config.destination.bucket, result->manifest_key);
  } else {
    run.status = result.status().code() == Code::kCancelled ? config::RunStatus::kCancelled
                                                            : config::RunStatus::kFailed;
    run.error = result.status().message();
  }
  RETURN_IF_ERROR(runs_->Finish(run));
  if (result.ok()) {
    const std::string& marker =
        result->checksum_key.empty() ? result->manifest_key : result->checksum_key;
    Announce(*destination, run, request.config.config.destination.bucket, marker,
             result->checksum_key, result->manifest_key);
  }
  return run;
}

void RunExecutor::Announce(const ScheduledStore& destination, const config::RunRecord& run,
                           const std::string& bucket, const std::string& marker_key,
                           const std::string& checksum_key, const std::string& manifest_key) {
  if (!listener_) return;
  ReportDelivered event;
  event.store_id = destination.store_id;
  event.bucket = bucket;
  event.region = destination.region;
  if (event.region.empty()) {
    Result<std::string> region = destination.store->GetBucketLocation(bucket);
    if (region.ok()) event.region = *region;
  }
  auto owner = destination.bucket_owners.find(bucket);
  event.account_id =
      owner == destination.bucket_owners.end() ? destination.owner_account : owner->second;
  event.checksum_key = checksum_key;
  event.manifest_key = manifest_key;
  event.manifest_url = run.report_location;
  event.object_key = marker_key;
  Result<store::ObjectInfo> head = destination.store->Head(bucket, marker_key);
  if (head.ok()) {
    event.object_size = head->size;
    event.object_etag = head->etag;
  }
  event.event_time_ms = run.ended_at_ms;
  event.source_bucket = run.bucket;
  event.config_id = run.config_id;
  event.run_id = run.run_id;
  event.objects = run.objects;
  listener_(event);
}

}  // namespace stocktake::schedule
