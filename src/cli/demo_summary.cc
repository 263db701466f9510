#include "cli/demo_summary.h"

#include <cstdio>
#include <memory>

#include "cli/progress.h"
#include "format/parquet_reader.h"
#include "register/partition_path.h"

namespace stocktake::cli {
namespace {

void Add(DemoTotals* totals, int64_t bytes) {
  totals->objects += 1;
  totals->bytes += bytes;
}

std::string OrNull(const std::string& value) { return value.empty() ? "(null)" : value; }

// Adds the rows of one part to `summary`.
Status ReadPart(const reg::CentralStore& central, const std::string& key,
                const reg::CentralPartition& partition, CentralSummary* summary) {
  const std::string url = central.store->Url(central.bucket, key);
  ASSIGN_OR_RETURN(std::unique_ptr<format::ParquetReader> reader,
                   format::ParquetReader::Open(central.store, central.bucket, key));
  DemoTotals* bucket_totals =
      &summary->buckets[{partition.account, partition.region, partition.bucket}];
  DemoTotals* account_totals = &summary->accounts[partition.account];
  DemoTotals* region_totals = &summary->regions[partition.region];
  store::ObjectInfo object;
  std::string bucket;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->NextObject(&object, &bucket));
    if (!more) break;
    if (bucket != partition.bucket) {
      return Corruption("read " + url + ": a row of bucket '" + bucket +
                        "' in partition bucket=" + partition.bucket);
    }
    Add(bucket_totals, object.size);
    Add(account_totals, object.size);
    Add(region_totals, object.size);
    Add(&summary->storage_classes[OrNull(object.storage_class)], object.size);
    Add(&summary->encryption[OrNull(object.encryption_status)], object.size);
    Add(&summary->total, object.size);
  }
  ++summary->parts;
  return Status::OK();
}

void PrintTable(const char* title, const std::map<std::string, DemoTotals>& rows) {
  std::printf("\n%-28s %10s %14s  %s\n", title, "objects", "bytes", "size");
  for (const auto& [name, t] : rows) {
    std::printf("%-28s %10lld %14lld  %s\n", name.c_str(), static_cast<long long>(t.objects),
                static_cast<long long>(t.bytes), HumanBytes(t.bytes).c_str());
  }
}

}  // namespace

Result<CentralSummary> SummarizeCentral(const reg::CentralStore& central,
                                        const std::vector<std::string>& days) {
  CentralSummary summary;
  summary.days = days;
  for (const std::string& day : days) {
    store::ListRequest request;
    request.prefix = central.KeyPrefix() + reg::BuildPartitionPath({{"dt", day}});
    request.fetch_etag = false;
    do {
      ASSIGN_OR_RETURN(store::ListPage page, central.store->List(central.bucket, request));
      for (const store::ObjectInfo& object : page.objects) {
        if (!object.key.ends_with(".parquet")) continue;
        const std::string relative = object.key.substr(central.KeyPrefix().size());
        Result<reg::CentralPartition> partition = reg::CentralPartition::Parse(relative);
        if (!partition.ok()) {
          return Corruption("read " + central.store->Url(central.bucket, object.key) +
                            ": not in the central layout: " + partition.status().message());
        }
        RETURN_IF_ERROR(ReadPart(central, object.key, *partition, &summary));
      }
      request.continuation_token = page.next_token;
    } while (!request.continuation_token.empty());
  }
  return summary;
}

void PrintCentralSummary(const CentralSummary& summary) {
  std::printf("\n%-14s %-16s %-24s %10s %14s  %s\n", "account", "region", "bucket", "objects",
              "bytes", "size");
  for (const auto& [where, t] : summary.buckets) {
    const auto& [account, region, bucket] = where;
    std::printf("%-14s %-16s %-24s %10lld %14lld  %s\n", account.c_str(), region.c_str(),
                bucket.c_str(), static_cast<long long>(t.objects), static_cast<long long>(t.bytes),
                HumanBytes(t.bytes).c_str());
  }
  PrintTable("account", summary.accounts);
  PrintTable("region", summary.regions);
  PrintTable("storage class", summary.storage_classes);
  PrintTable("encryption status", summary.encryption);
  std::printf("\n%-28s %10lld %14lld  %s\n", "total", static_cast<long long>(summary.total.objects),
              static_cast<long long>(summary.total.bytes), HumanBytes(summary.total.bytes).c_str());
}

}  // namespace stocktake::cli
