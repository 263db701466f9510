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

namespace stocktake::cli {

// "csv" | "parquet" | "orc" (any case). Only CSV is written today.
Result<format::ReportFormat> ParseFormatFlag(const std::string& text);

// Parses --fields values ("Size", "LastModifiedDate", ...); each must be an
// optional field (of the OBS subset when obs). InvalidArgument names the
// first bad one and lists the valid names.
Result<std::vector<InventoryField>> ParseFieldList(const std::vector<std::string>& names, bool obs);

// GenerateReport with a progress bar labelled by the source bucket.
Result<inventory::ReportResult> RunReport(const inventory::ReportSpec& spec, Progress* progress);

// "bucket/config: N objects, X in K files -> <manifest url>" on stdout.
void PrintReportResult(const inventory::ReportSpec& spec, const inventory::ReportResult& result);

}  // namespace stocktake::cli
