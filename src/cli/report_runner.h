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

// InvalidArgument unless 0 (auto) <= flag <= inventory::kMaxListConcurrency.
Status CheckListConcurrency(int flag);
// The listing concurrency for a report: the flag, or (0) the default for
// its source's kind (inventory::DefaultListConcurrency); with the source's
// throttling signal for backoff (`source_retrying` may be null).
void ApplyListConcurrency(int flag, store::RetryingStore* source_retrying,
                          inventory::ReportSpec* spec);

// InvalidArgument unless 0 (auto) <= flag <= store::kMaxHttpConnections.
Status CheckConnections(int flag);
// Keep-alive connections an S3 store may hold open (--connections), or
// (0) enough for every listing call in flight and the HEADs that run
// beside them: max(16, listing concurrency). Fewer connections than
// listing calls make the extra calls wait for a free connection.
int ConnectionsFor(int connections_flag, int list_concurrency_flag);

// GenerateReport with a progress bar labelled by the source bucket.
Result<inventory::ReportResult> RunReport(const inventory::ReportSpec& spec, Progress* progress);

// "bucket/config: N objects, X in K files -> <manifest url>" on stdout.
void PrintReportResult(const inventory::ReportSpec& spec, const inventory::ReportResult& result);

}  // namespace stocktake::cli
