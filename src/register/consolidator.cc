#include "register/consolidator.h"

#include <map>

namespace stocktake::reg {
namespace {

// A report folder's completion marker as a listing shows it.
struct ListedMarker {
  MarkerStamp stamp;
  bool is_checksum = false;  // manifest.checksum's stamp (else manifest.json's)
};

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
  // Every report folder (found through either file) by manifest.json key,
  // in key order, with its marker's stamp as listed: manifest.checksum's,
  // or manifest.json's when there is no checksum (OBS, or not complete yet).
  // fetch_etag stays off: a local store would hash every file for it.
  std::map<std::string, ListedMarker> manifests;
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
      ListedMarker& listed = manifests[ref->manifest_key];
      const bool is_checksum = object.key == ref->checksum_key;
      if (is_checksum || !listed.is_checksum) {
        listed.stamp = MarkerStamp{object.size, object.last_modified_ms, object.etag};
        listed.is_checksum = is_checksum;
      }
    }
    if (page->next_token.empty()) break;
    request.continuation_token = page->next_token;
  }
  for (const auto& [manifest_key, listed] : manifests) {
    if (stop != nullptr && *stop) break;
    std::optional<ReportRef> ref = ParseReportKey(collector, manifest_key);
    Result<KeyState> key = ingester_->catalog()->LookupKey(collector.Id(), manifest_key);
    if (!key.ok()) {
      summary->errors.push_back(key.status());
      continue;
    }
    // An unchanged marker is taken on trust: no request per known report.
    if (key->known && key->stamp.Matches(listed.stamp)) {
      ++summary->reports_seen;
      ++summary->already_known;
      continue;
    }
    // A manifest.json alone is complete only in the OBS dialect; Ingest
    // reads it and says kIncomplete otherwise.
    // A known key whose marker lists differently: Ingest reads the marker
    // and ingests only a new content (else records the listed stamp).
    Result<IngestOutcome> outcome = ingester_->Ingest(collector, *ref, &listed.stamp);
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
