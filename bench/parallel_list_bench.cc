// The parallel lister's own parallelism, without a server's CPU in the way:
// the P2 bucket's 100,000 keys listed from memory (KeyListStore), each call
// taking 10 ms as a remote one would. Counters: listing calls, calls in
// flight on average (the sum of the calls' 10 ms over the wall time) and
// at most, keys listed twice (past a range's end). Args: concurrency, and
// 1/0 for discovery of common prefixes on/off. Ideal: 100 pages / calls
// in flight x 10 ms (1 call: 1 s; 16 calls: ~70 ms).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "inventory/parallel_lister.h"
#include "store/local_store.h"
#include "testing/key_list_store.h"
#include "testing/temp_dir.h"

namespace stocktake {
namespace {

constexpr auto kLatency = std::chrono::milliseconds(10);

// The keys bench/s3_fill.py writes into the P2 bucket.
std::vector<std::string> P2Keys() {
  std::vector<std::string> keys;
  char buf[64];
  for (int i = 0; i < 100000; ++i) {
    std::snprintf(buf, sizeof(buf), "d%03d/sub %02d/obj-%07d.dat", i % 500, i % 17, i);
    keys.push_back(buf);
  }
  return keys;
}

void BM_ParallelList(benchmark::State& state) {
  testing::TempDir dir;
  store::LocalStoreOptions local_options;
  local_options.root = dir.path();
  auto local = store::LocalStore::Open(local_options);
  if (!local.ok()) {
    state.SkipWithError(local.status().ToString().c_str());
    return;
  }
  const std::vector<std::string> keys = P2Keys();
  testing::KeyListStore listing(std::shared_ptr<store::ObjectStore>(std::move(local).value()), keys,
                                kLatency);
  inventory::ParallelListOptions options;
  options.bucket = "bench";
  options.concurrency = static_cast<int>(state.range(0));
  if (state.range(1) == 0) options.hint_delimiter = "";
  inventory::ParallelListStats stats;
  int64_t calls = 0, dropped = 0, max_in_flight = 0;
  double in_flight = 0;
  for (auto _ : state) {
    listing.ClearCalls();
    size_t listed = 0;
    const auto start = std::chrono::steady_clock::now();
    Status st = inventory::ParallelList(&listing, options,
                                        [&](std::vector<store::ObjectInfo>&& page) {
                                          listed += page.size();
                                          return true;
                                        },
                                        &stats);
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    if (!st.ok() || listed != keys.size()) {
      state.SkipWithError("listing failed");
      return;
    }
    calls += stats.list_calls;
    dropped += stats.keys_dropped;
    in_flight += static_cast<double>(stats.list_calls) *
                 std::chrono::duration<double>(kLatency).count() / wall.count();
    max_in_flight = std::max<int64_t>(max_in_flight, listing.max_in_flight());
  }
  const auto runs = static_cast<double>(state.iterations());
  state.counters["calls"] = static_cast<double>(calls) / runs;
  state.counters["in_flight"] = in_flight / runs;
  state.counters["max_in_flight"] = static_cast<double>(max_in_flight);
  state.counters["keys_twice"] = static_cast<double>(dropped) / runs;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(keys.size()));
}
BENCHMARK(BM_ParallelList)
    ->ArgNames({"calls", "discovery"})
    ->Args({1, 0})
    ->Args({16, 0})
    ->Args({16, 1})
    ->Args({64, 0})
    ->Args({64, 1})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stocktake
