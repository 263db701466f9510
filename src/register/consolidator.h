// Consolidator: the register's front door. It knows the collectors and
// feeds their reports to one Ingester, from two directions:
//  - Reconcile() lists every collector and ingests each complete report
//    (manifest.checksum present; for OBS, whose reports have none, a
//    manifest.json in the OBS dialect) that the catalog does not know yet,
//    or whose completion marker lists with another stamp (size, last
//    modified, ETag) than the one recorded: a report regenerated at the
//    same key. Only those markers are read; an unchanged listing costs no
//    request per report. It closes every gap lost or early events leave,
//    and first deletes the parts a crash left behind.
//  - HandleEvent() ingests the report an S3 event names: only
//    ObjectCreated events on a manifest.checksum key, or on a manifest.json
//    key (which completes OBS reports; an AWS manifest.json without its
//    checksum is left for the checksum's event). The event's bucket (and
//    region, when several collectors share a bucket name) picks the
//    collector.
// Thread-safe (the Ingester serialises ingests); collectors' stores and the
// Ingester must outlive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "register/collector.h"
#include "register/ingester.h"
#include "register/s3_event.h"

namespace stocktake::reg {

struct ReconcileSummary {
  int64_t reports_seen = 0;  // complete reports found in the collectors
  int64_t registered = 0;    // registered now (current or superseded)
  int64_t quarantined = 0;
  int64_t already_known = 0;
  std::vector<Status> errors;  // transient failures, one per report or collector
};

class Consolidator {
 public:
  Consolidator(std::vector<Collector> collectors, Ingester* ingester);

  const std::vector<Collector>& collectors() const { return collectors_; }

  // Every collector, every new complete report, in key order. A failing
  // collector or report is recorded in `errors` and the rest go on. When
  // `stop` (may be null) becomes true, it returns after the report in hand.
  ReconcileSummary Reconcile(const std::atomic<bool>* stop = nullptr);
  // Ingests the report `event` names. An event that names no report of a
  // known collector (or is not a creation) is ignored: kAlreadyKnown with
  // a reason. Errors as Ingester::Ingest.
  Result<IngestOutcome> HandleEvent(const ObjectEvent& event);

 private:
  Status ReconcileCollector(const Collector& collector, const std::atomic<bool>* stop,
                            ReconcileSummary* summary);

  std::vector<Collector> collectors_;
  Ingester* ingester_;
};

}  // namespace stocktake::reg
