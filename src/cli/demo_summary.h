// CentralSummary: what the central register holds for some days, read back
// from the central store itself — every part under dt=<day>/ is listed and
// read with our Parquet reader, its account, region and bucket taken from
// its partition path (reg::CentralPartition) — and totalled per account,
// region, bucket, storage class and encryption status. `stocktake demo`
// prints it to show the whole estate in one place. Plain values; the
// functions are stateless.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "register/ingester.h"

namespace stocktake::cli {

struct DemoTotals {
  int64_t objects = 0;
  int64_t bytes = 0;
};

struct CentralSummary {
  std::vector<std::string> days;  // the dt values read
  int64_t parts = 0;
  // (account, region, bucket)
  std::map<std::tuple<std::string, std::string, std::string>, DemoTotals> buckets;
  std::map<std::string, DemoTotals> accounts;
  std::map<std::string, DemoTotals> regions;
  std::map<std::string, DemoTotals> storage_classes;  // "(null)" when a report lacks the column
  std::map<std::string, DemoTotals> encryption;       // likewise
  DemoTotals total;
};

// Reads every Parquet part of the partitions dt=<day>/ for each of `days`.
// Errors: the store's listing or read errors, Corruption naming the part
// for a damaged part or one outside the dt/account/region/bucket layout.
Result<CentralSummary> SummarizeCentral(const reg::CentralStore& central,
                                        const std::vector<std::string>& days);

// Prints the summary tables on stdout.
void PrintCentralSummary(const CentralSummary& summary);

}  // namespace stocktake::cli
