#include "register/consolidator.h"

#include <set>

namespace stocktake::reg {
namespace {

IngestOutcome Ignored(std::string reason) {
  IngestOutcome out;
  out.result = IngestResult::kAlreadyKnown;
  out.reason = std::move(reason);
  return out;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

Consolidator::Consolidator(std::vector<Collector> collectors, Ingester* ingester)
    : collectors_(std::move(collectors)), ingester_(ingester) {}

ReconcileSummary Consolidator::Reconcile(const std::atomic<bool>* stop) {
  ReconcileSummary summary;
  Status cleaned = ingester_->DeleteStaleParts();
  if (!cleaned.ok()) summary.errors.push_back(cleaned);
  for (const Collector& collector : collectors_) {
    if (stop != nullptr && *stop) break;
    Status st = ReconcileCollector(collector, stop, &summary);
    if (!st.ok()) summary.errors.push_back(st);
  }
  return summary;
}

Status Consolidator::ReconcileCollector(const Collector& collector,
                                        const std::atomic<bool>* stop,
                                        ReconcileSummary* summary) {
  // The manifest.json keys of every report folder (found through either
  // file), in key order.
  std::set<std::string> manifests;
  store::ListRequest request;
  request.prefix = collector.KeyPrefix();
  request.fetch_etag = false;
  for (;;) {
    Result<store::ListPage> page = collector.store->List(collector.bucket, request);
    if (!page.ok()) {
      return page.status().WithContext("reconcile collector " + collector.region + "=" +
                                        collector.Id());
    }
    for (const store::ObjectInfo& object : page->objects) {
      std::optional<ReportRef> ref = ParseReportKey(collector, object.key);
      if (!ref) continue;
      manifests.insert(ref->manifest_key);
    }
    if (page->next_token.empty()) break;
    request.continuation_token = page->next_token;
  }
  for (const std::string& manifest_key : manifests) {
    if (stop != nullptr && *stop) break;
    std::optional<ReportRef> ref = ParseReportKey(collector, manifest_key);
    Result<ReportState> state = ingester_->catalog()->Lookup(collector.Id(), manifest_key);
    if (!state.ok()) {
      summary->errors.push_back(state.status());
      continue;
    }
    if (*state != ReportState::kUnknown) {
      ++summary->reports_seen;
      ++summary->already_known;
      continue;
    }
    // A manifest.json alone is complete only in the OBS dialect; Ingest
    // reads it and says kIncomplete otherwise.
    Result<IngestOutcome> outcome = ingester_->Ingest(collector, *ref);
    if (!outcome.ok()) {
      ++summary->reports_seen;
      summary->errors.push_back(outcome.status());
      continue;
    }
    switch (outcome->result) {
      case IngestResult::kRegistered:
      case IngestResult::kSuperseded:
        ++summary->reports_seen;
        ++summary->registered;
        break;
      case IngestResult::kQuarantined:
        ++summary->reports_seen;
        ++summary->quarantined;
        break;
      case IngestResult::kAlreadyKnown:
        ++summary->reports_seen;
        ++summary->already_known;
        break;
      case IngestResult::kIncomplete:
        break;
    }
  }
  return Status::OK();
}

Result<IngestOutcome> Consolidator::HandleEvent(const ObjectEvent& event) {
  if (!IsObjectCreated(event)) return Ignored("not an ObjectCreated event");
  if (!EndsWith(event.key, kManifestChecksum) && !EndsWith(event.key, kManifestJson)) {
    return Ignored("not a manifest key");
  }
  const Collector* match = nullptr;
  for (const Collector& collector : collectors_) {
    if (collector.bucket != event.bucket || !ParseReportKey(collector, event.key)) continue;
    if (match == nullptr || (!event.region.empty() && collector.region == event.region)) {
      match = &collector;
    }
  }
  if (match == nullptr) {
    return Ignored("no collector holds s3://" + event.bucket + "/" + event.key);
  }
  return ingester_->Ingest(*match, *ParseReportKey(*match, event.key));
}

}  // namespace stocktake::reg
