// Ingester: consolidates one inventory report from a collector into the
// central store, exactly once per content (docs/register.md).
//
// A report is (collector, manifest key, MD5 of manifest.json): a report
// regenerated at the same key is a new report. When the catalog knows the
// key already, Ingest first reads only the completion marker
// (manifest.checksum; manifest.json in the OBS dialect, which has none) and
// stops there when that content was registered or quarantined before.
// Otherwise it Heads the marker (its stamp, recorded for reconciliation, is
// taken before anything is read, so a concurrent rewrite is noticed later
// rather than missed), reads manifest.json through the collector's
// ObjectStore, checks manifest.checksum and every data file (its size, and
// its MD5 streamed as it is read), reads the rows (CSV or CSV.gz by
// fileSchema, or Parquet), normalises them to the full schema
// (row_normalizer.h) and streams them into
//   <central prefix>/dt=/account=/region=/bucket=/part-<id>.parquet
// with our Parquet writer, several row groups, memory bounded by one row
// group and one read chunk. The id is a hash of (collector id, manifest
// key, checksum), so a retry rewrites the same object with the same bytes
// and a regenerated report gets a part of its own. The part is written
// first and the catalog row committed last; the catalog then names the
// parts that are no longer current (a newer report of the same partition,
// or the older content of a regenerated report), which are deleted after
// the commit. A crash between any two steps leaves at most an unregistered
// part (rewritten by the next ingest) or a stale part (deleted by
// DeleteStaleParts).
//
// A report that can never be ingested — checksum mismatch, missing or
// altered data file, unparseable manifest or rows, unsupported format —
// is quarantined with its reason and its part discarded; nothing of it is
// registered. Rewritten at the same key, it is tried again. Transient
// failures (store unavailable, permission, catalog locked) are returned as
// errors and leave no trace, to be retried.
//
// Thread-safe: ingests are serialised by a mutex. The central store and the
// catalog must outlive the Ingester.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "base/status.h"
#include "register/catalog.h"
#include "register/collector.h"
#include "store/object_store.h"

namespace stocktake::reg {

struct CentralStore {
  store::ObjectStore* store = nullptr;
  std::string bucket;
  std::string prefix;  // "" or "a/b"

  std::string KeyPrefix() const { return prefix.empty() ? "" : prefix + "/"; }
};

struct IngestOptions {
  int64_t row_group_rows = 250'000;
  int64_t read_chunk_bytes = 8 << 20;  // ranged GET size when streaming data files
};

enum class IngestResult {
  kRegistered,    // the report is now its partition's current report
  kSuperseded,    // registered, but a newer report of the partition stays current
  kAlreadyKnown,  // this content was registered or quarantined before: nothing done
  kQuarantined,   // refused now; see reason
  kIncomplete,    // no manifest.checksum yet (AWS dialect) or nothing there: retry later
};

// "registered", "superseded", ...
const char* IngestResultName(IngestResult result);

struct IngestOutcome {
  IngestResult result = IngestResult::kIncomplete;
  std::string reason;    // why it was quarantined or is incomplete
  std::string part_key;  // the part written (registered / superseded)
  int64_t rows = 0;
};

class Ingester {
 public:
  Ingester(CentralStore central, Catalog* catalog, IngestOptions options = {});

  // Ingests `ref` from `collector`. Errors only for transient failures; see
  // the class comment. `listed` (may be null; read during the call) is the
  // marker's stamp in a listing that differed from the recorded one: when
  // the content turns out to be known, it is recorded as the key's stamp.
  Result<IngestOutcome> Ingest(const Collector& collector, const ReportRef& ref,
                               const MarkerStamp* listed = nullptr);
  // Deletes the parts of superseded reports that are still present (after
  // a crash between commit and delete). Returns the first failure.
  Status DeleteStaleParts();

  const CentralStore& central() const { return central_; }
  Catalog* catalog() const { return catalog_; }

 private:
  struct Marker;
  Result<IngestOutcome> IngestLocked(const Collector& collector, const ReportRef& ref,
                                     Marker* marker);
  Status DeleteParts(const std::vector<RegisteredReport>& stale);

  std::mutex mu_;
  CentralStore central_;
  Catalog* catalog_;
  IngestOptions options_;
};

}  // namespace stocktake::reg
