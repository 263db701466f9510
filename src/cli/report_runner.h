// Shared by the commands that produce reports (scan, run, demo): flag
// parsing for formats and field lists, running one report behind a progress
// bar, and printing where it went.
#pragma once

#include <string>
#include <vector>

#include "base/inventory_field.h"
#include "base/status.h"
#include "cli/progress.h"
#include "config/inventory_config.h"
#include "inventory/report_generator.h"
#include "store/retrying_store.h"

namespace stocktake::cli {

// "csv" | "parquet" (any case); "orc" is InvalidArgument saying ORC is not supported yet.
Result<format::ReportFormat> ParseFormatFlag(const std::string& text);

// Parses --fields values ("Size", "LastModifiedDate", ...); each must be an
// optional field (of the OBS subset when obs). InvalidArgument names the
// first bad one and lists the valid names.
Result<std::vector<InventoryField>> ParseFieldList(const std::vector<std::string>& names, bool obs);

// Listing calls in flight for S3 sources when --list-concurrency is not
// given. For a local source the flag sizes LocalStore's walk threads
// instead (default store::DefaultListThreads()).
inline constexpr int kDefaultS3ListConcurrency = 16;
inline constexpr int kMaxListConcurrency = 256;

// InvalidArgument unless 0 (auto) <= flag <= kMaxListConcurrency.
Status CheckListConcurrency(int flag);
// The listing concurrency for `source`: for S3 the flag, or (0) the
// default; for a local source 1 (its store walks in parallel itself); with
// the source's throttling signal for backoff.
void ApplyListConcurrency(int flag, bool source_is_local, store::RetryingStore* source_retrying,
                          inventory::ReportSpec* spec);

// GenerateReport with a progress bar labelled by the source bucket.
Result<inventory::ReportResult> RunReport(const inventory::ReportSpec& spec, Progress* progress);

// "bucket/config: N objects, X in K files -> <manifest url>" on stdout.
void PrintReportResult(const inventory::ReportSpec& spec, const inventory::ReportResult& result);

}  // namespace stocktake::cli
