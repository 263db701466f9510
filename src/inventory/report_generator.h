// ReportGenerator: produces one complete inventory report for one source
// bucket into a destination bucket, in the AWS (or OBS) layout.
//
// The listing streams from the source store to the ReportWriter and on to
// the destination ObjectWriter; memory stays bounded, however large the
// bucket, by listing pages — the parallel lister's page cap (2 x the list
// concurrency, at least 8: parallel_lister.h), one page handed over, 4 in
// the queue to the writer and the one being written — plus the writer's
// buffers (compressor; a Parquet row group). Publication
// order makes a half report invisible: data files, then hive symlink.txt,
// then manifest.json, then manifest.checksum (AWS) — a report exists exactly
// when its checksum (OBS: its manifest) exists. On failure the data files
// already written are deleted (best effort) and no manifest is written.
//
// Stores are not owned and must outlive Generate(). Thread-compatible: one
// Generate() per ReportGenerator at a time; several generators may run in
// parallel over the same thread-safe stores.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/inventory_field.h"
#include "base/status.h"
#include "format/report_writer.h"
#include "store/object_store.h"

namespace stocktake::inventory {

enum class ReportLayout { kAws, kObs };

struct ReportSpec {
  store::ObjectStore* source = nullptr;
  std::string source_bucket;
  std::string prefix;  // only keys starting with it
  bool all_versions = false;
  std::vector<InventoryField> optional_fields;

  store::ObjectStore* destination = nullptr;
  std::string destination_bucket;
  std::string destination_prefix;  // "" = none (OBS: "" means BucketInventory)
  std::string destination_account_id;  // informational
  std::string config_id;
  format::ReportFormat format = format::ReportFormat::kCsv;
  ReportLayout layout = ReportLayout::kAws;

  int64_t max_file_bytes = 512LL << 20;  // start a new data file past this size
  int page_size = 1000;
  int head_concurrency = 16;  // parallel HEAD/GetObjectAcl calls when fields need them
  // > 1: list with that many calls in flight (parallel_lister.h), merged
  // back into key order; 1: one sequential paged listing; 0: the default
  // for the source's kind (DefaultListConcurrency). Sources without
  // Capabilities::remote_listing (LocalStore, which walks its folders on
  // its own threads) are always paged through sequentially.
  int list_concurrency = 0;
  // The source store's throttled attempts so far (RetryingStore::throttled),
  // which the parallel listing backs off on; nullptr = never throttled.
  std::function<int64_t()> throttle_events;
  Clock* clock = Clock::Real();
  // Checked between listing pages: once true, the report is abandoned (its
  // data files deleted, nothing published) and Generate returns Cancelled.
  // nullptr = never. Must outlive GenerateReport.
  const std::atomic<bool>* cancel = nullptr;
};

struct ReportProgress {
  int64_t objects = 0;
  int64_t bytes = 0;  // sum of object sizes listed
};

struct ReportResult {
  int64_t objects = 0;  // rows written
  int64_t bytes = 0;    // sum of object sizes
  int64_t creation_ms = 0;
  std::vector<std::string> data_keys;
  int64_t data_bytes = 0;  // compressed report bytes
  std::string manifest_key;
  std::string checksum_key;  // "" for OBS
  std::string symlink_key;   // "" for OBS
};

using ProgressCallback = std::function<void(const ReportProgress&)>;

// Listing calls in flight by default for a source whose listing is remote
// (Capabilities::remote_listing: S3); other sources list sequentially
// (LocalStore walks its folders with its own threads). One place for the
// default, so `scan`, `run` and the daemon's runs list alike.
inline constexpr int kDefaultRemoteListConcurrency = 16;
inline constexpr int kMaxListConcurrency = 256;

// The listing concurrency for `source` when none is asked for.
int DefaultListConcurrency(const store::ObjectStore& source);

// Lists the source and writes the report. Returns the first error, naming
// the operation and target (Cancelled when spec.cancel was set); nothing is
// published on failure.
Result<ReportResult> GenerateReport(const ReportSpec& spec, const ProgressCallback& progress = {});

// True when these fields need a HEAD per object (not in the listing).
bool NeedsHead(const std::vector<InventoryField>& fields);

}  // namespace stocktake::inventory
