// ParallelList over a LocalStore (through FaultStore and RetryingStore):
// every concurrency gives the sequential listing's keys in the same order,
// dense ranges are split, failures and a stopping consumer end the run,
// and throttling lowers the concurrency. Over a large synthetic keyspace
// with a stalling consumer, the pages and ranges the lister holds never
// exceed its caps.
#include "inventory/parallel_lister.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "store/local_store.h"
#include "store/retrying_store.h"
#include "store/store_wrapper.h"
#include "testing/fault_store.h"
#include "testing/key_list_store.h"
#include "testing/temp_dir.h"

namespace stocktake::inventory {
namespace {

using testing::FaultStore;
using testing::KeyListStore;
using testing::StoreOp;

// A bucket of `count` generated keys "d<NN>/obj-<NNNNNNN>" (index order is
// S3 order), listed without touching a disk; every other call goes to the
// wrapped store. One version per key. Counts the listing calls started.
class SyntheticListStore : public store::StoreWrapper {
 public:
  SyntheticListStore(std::shared_ptr<store::ObjectStore> target, int count)
      : StoreWrapper(std::move(target)), count_(count) {}

  // Whether `page` holds the keys numbered *next, *next + 1, ... in order;
  // advances *next past the page either way.
  bool PageFollows(const std::vector<store::ObjectInfo>& page, int* next) const {
    bool in_order = true;
    for (const store::ObjectInfo& o : page) in_order = in_order && o.key == KeyOf((*next)++);
    return in_order;
  }
  std::string KeyOf(int i) const {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "d%02d/obj-%07d", i / ((count_ + 99) / 100), i);
    return buf;
  }

  int calls() const { return calls_.load(); }

  Result<store::ListPage> List(std::string_view, const store::ListRequest& request) override {
    ++calls_;
    store::ListPage page;
    const std::string& after =
        request.continuation_token.empty() ? request.start_after : request.continuation_token;
    const int stop = Page(after, request.max_keys, &page.objects);
    if (stop < count_) page.next_token = page.objects.back().key;
    return page;
  }

  Result<store::VersionPage> ListVersions(std::string_view,
                                          const store::VersionListRequest& request) override {
    ++calls_;
    store::VersionPage page;
    const int stop = Page(request.key_marker, request.max_keys, &page.versions);
    page.truncated = stop < count_;
    if (page.truncated) {
      page.next_key_marker = page.versions.back().key;
      page.next_version_id_marker = page.versions.back().version_id;
    }
    return page;
  }

 private:
  // Fills `out` with up to `max` objects after `after`; returns the index
  // past the last one.
  int Page(const std::string& after, int max, std::vector<store::ObjectInfo>* out) const {
    int low = 0, high = count_;  // the first index whose key is > after
    while (low < high) {
      const int mid = low + (high - low) / 2;
      if (KeyOf(mid) > after) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    const int stop = std::min(count_, low + max);
    for (int i = low; i < stop; ++i) {
      store::ObjectInfo o;
      o.key = KeyOf(i);
      o.size = i;
      o.version_id = "v" + std::to_string(i);
      out->push_back(std::move(o));
    }
    return stop;
  }

  const int count_;
  std::atomic<int> calls_{0};
};

// "<letter>00", "<letter>01", ... (count keys).
std::vector<std::string> NumberedKeys(char letter, int count) {
  std::vector<std::string> keys;
  char buf[16];
  for (int i = 0; i < count; ++i) {
    std::snprintf(buf, sizeof(buf), "%c%02d", letter, i);
    keys.push_back(buf);
  }
  return keys;
}

// NumberedKeys('k', k_count) then NumberedKeys('t', t_count).
std::vector<std::string> KeysThenTs(int k_count, int t_count) {
  std::vector<std::string> keys = NumberedKeys('k', k_count);
  for (std::string& t : NumberedKeys('t', t_count)) keys.push_back(std::move(t));
  return keys;
}

// `groups` groups of `per_group` keys, "g<NNNN>/k<NNNNN>", then (if `big`)
// one group "g<groups>/" of `big` keys.
std::vector<std::string> GroupedKeys(int groups, int per_group, int big = 0) {
  std::vector<std::string> keys;
  char buf[32];
  for (int g = 0; g <= groups; ++g) {
    const int count = g < groups ? per_group : big;
    for (int k = 0; k < count; ++k) {
      std::snprintf(buf, sizeof(buf), "g%04d/k%05d", g, k);
      keys.push_back(buf);
    }
  }
  return keys;
}

// "key@v<N>" for each key's `versions` versions, newest first (as
// KeyListStore lists them).
std::vector<std::string> VersionTags(const std::vector<std::string>& keys, int versions) {
  std::vector<std::string> tags;
  for (const std::string& k : keys) {
    for (int v = versions; v >= 1; --v) tags.push_back(k + "@v" + std::to_string(v));
  }
  return tags;
}

class ParallelListerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::LocalStoreOptions options;
    options.root = dir_.path();
    auto local = store::LocalStore::Open(options);
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    local_ = std::shared_ptr<store::ObjectStore>(std::move(local).value());
    fault_ = std::make_shared<FaultStore>(local_);
    ASSERT_TRUE(local_->CreateBucket("bkt").ok());
    // Clustered keys (most under two prefixes), S3-order traps and UTF-8.
    for (int i = 0; i < 1500; ++i) keys_.push_back("logs/2024/" + std::to_string(i * 7 % 1009) + "-" + std::to_string(i));
    for (int i = 0; i < 400; ++i) keys_.push_back("img/\xC3\xA9t\xC3\xA9/" + std::to_string(i));
    for (std::string k : {"a-b", "a/b", "a0", "z", "~tilde", "\xF0\x9F\x98\x80"}) keys_.push_back(k);
    for (const std::string& k : keys_) {
      Status st = local_->Put("bkt", k, k.substr(0, k.size() % 5));
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
    std::sort(keys_.begin(), keys_.end());
  }

  std::vector<std::string> List(ParallelListOptions options, ParallelListStats* stats = nullptr,
                                Status* status = nullptr, store::ObjectStore* via = nullptr) {
    options.bucket = "bkt";
    std::vector<std::string> keys;
    Status st = ParallelList(via ? via : fault_.get(), options,
                             [&](std::vector<store::ObjectInfo>&& page) {
                               EXPECT_FALSE(page.empty());
                               for (const auto& o : page) keys.push_back(o.key);
                               return true;
                             },
                             stats);
    if (status) {
      *status = st;
    } else {
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    return keys;
  }

  // Lists `listing` with two workers (so the first page is split at once),
  // ten keys a page and splits at byte midpoints (no discovery).
  std::vector<std::string> ListInTens(KeyListStore* listing, ParallelListStats* stats) {
    ParallelListOptions options;
    options.page_size = 10;
    options.concurrency = 2;
    options.hint_delimiter = "";
    return List(options, stats, nullptr, listing);
  }

  // Lists `keys` from memory (2 ms a call), 100 keys a page, 8 calls, and
  // expects them all in order; returns the store, for its calls.
  std::unique_ptr<KeyListStore> ListInHundreds(const std::vector<std::string>& keys,
                                               ParallelListStats* stats) {
    auto listing = std::make_unique<KeyListStore>(local_, keys, std::chrono::milliseconds(2));
    ParallelListOptions options;
    options.page_size = 100;
    options.concurrency = 8;
    EXPECT_EQ(List(options, stats, nullptr, listing.get()), keys);
    return listing;
  }

  // Lists every version through `listing`: "key@version-id", in order.
  std::vector<std::string> ListVersions(KeyListStore* listing, ParallelListOptions options,
                                        ParallelListStats* stats) {
    options.bucket = "bkt";
    options.versions = true;
    std::vector<std::string> got;
    Status st = ParallelList(listing, options,
                             [&](std::vector<store::ObjectInfo>&& page) {
                               for (const auto& o : page) got.push_back(o.key + "@" + o.version_id);
                               return true;
                             },
                             stats);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return got;
  }

  testing::TempDir dir_;
  std::shared_ptr<store::ObjectStore> local_;
  std::shared_ptr<FaultStore> fault_;
  std::vector<std::string> keys_;
};

TEST_F(ParallelListerTest, EveryConcurrencyGivesTheSequentialListing) {
  for (int concurrency : {1, 2, 16, 64}) {
    ParallelListOptions options;
    options.page_size = 37;
    options.concurrency = concurrency;
    ParallelListStats stats;
    EXPECT_EQ(List(options, &stats), keys_) << concurrency;
    if (concurrency == 1) {
      EXPECT_EQ(stats.splits, 0);
    } else {
      EXPECT_GT(stats.splits, 0) << concurrency;
    }
  }
}

TEST_F(ParallelListerTest, VersionsAndPrefixesListLikeTheSequentialListing) {
  ParallelListOptions options;
  options.page_size = 10;
  options.concurrency = 8;
  options.prefix = "img/";
  std::vector<std::string> want;
  for (const std::string& k : keys_) {
    if (k.rfind("img/", 0) == 0) want.push_back(k);
  }
  EXPECT_EQ(List(options), want);
  options.versions = true;
  options.prefix = "";
  EXPECT_EQ(List(options), keys_);
}

TEST_F(ParallelListerTest, SmallBufferCapStillListsEverythingInOrder) {
  ParallelListOptions options;
  options.page_size = 5;
  options.concurrency = 16;
  options.max_buffered_pages = 2;
  EXPECT_EQ(List(options), keys_);
}

TEST_F(ParallelListerTest, PagesAreEnrichedBeforeTheyAreEmitted) {
  ParallelListOptions options;
  options.page_size = 50;
  options.concurrency = 8;
  options.on_page = [](std::vector<store::ObjectInfo>* page) {
    for (auto& o : *page) o.storage_class = "SEEN:" + o.key;
    return Status::OK();
  };
  options.bucket = "bkt";
  int64_t rows = 0;
  Status st = ParallelList(fault_.get(), options, [&](std::vector<store::ObjectInfo>&& page) {
    for (const auto& o : page) {
      EXPECT_EQ(o.storage_class, "SEEN:" + o.key);
      ++rows;
    }
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows, static_cast<int64_t>(keys_.size()));
}

TEST_F(ParallelListerTest, AFailedCallStopsTheListingWithItsError) {
  fault_->FailNthCall(StoreOp::kList, 7, PermissionDenied("list: injected"));
  ParallelListOptions options;
  options.page_size = 20;
  options.concurrency = 16;
  Status st;
  List(options, nullptr, &st);
  EXPECT_EQ(st.code(), Code::kPermissionDenied);
  EXPECT_EQ(st.message(), "list: injected");
}

TEST_F(ParallelListerTest, AConsumerThatStopsEndsTheRunCancelled) {
  ParallelListOptions options;
  options.bucket = "bkt";
  options.page_size = 10;
  options.concurrency = 16;
  int pages = 0;
  Status st = ParallelList(fault_.get(), options,
                           [&](std::vector<store::ObjectInfo>&&) { return ++pages < 3; });
  EXPECT_EQ(st.code(), Code::kCancelled);
  EXPECT_EQ(pages, 3);
}

TEST_F(ParallelListerTest, ThrottlingHalvesTheConcurrencyAndTheListingStaysExact) {
  RetryOptions retry;
  retry.max_attempts = 16;  // all 12 SlowDowns may hit one call
  std::atomic<int> sleeps{0};
  auto retrying = std::make_shared<store::RetryingStore>(
      fault_, RetryPolicy(retry, [&](int64_t) { ++sleeps; }));
  fault_->SlowDown(StoreOp::kList, 12);
  ParallelListOptions options;
  options.page_size = 25;
  options.concurrency = 32;
  options.throttle_events = [&] { return retrying->throttled(); };
  ParallelListStats stats;
  EXPECT_EQ(List(options, &stats, nullptr, retrying.get()), keys_);
  EXPECT_EQ(retrying->throttled(), 12);
  EXPECT_GT(stats.backoffs, 0);
  EXPECT_LT(stats.min_concurrency, 32);
  EXPECT_EQ(sleeps.load(), 12);
}

// Once the buffer cap is reached only the first range may be listed; when
// the first range is emitted and dropped, the next one becomes first and
// must be taken, else every worker waits (a 10M-key scan hung there). A
// tiny cap, many workers and a slow consumer exercise that hand-over.
TEST_F(ParallelListerTest, ASmallBufferCapNeverStallsTheListing) {
  for (int round = 0; round < 6; ++round) {
    ParallelListOptions options;
    options.bucket = "bkt";
    options.page_size = 3;
    options.concurrency = 16;
    options.max_buffered_pages = 2 + round % 3;
    std::vector<std::string> keys;
    uint64_t work = 0;
    Status st = ParallelList(fault_.get(), options, [&](std::vector<store::ObjectInfo>&& page) {
      // A consumer slower than the listing (as a compressing writer is),
      // so the cap is reached while later ranges hold pages.
      for (const store::ObjectInfo& o : page) {
        for (int i = 0; i < 5000; ++i) work = work * 31 + o.key.size() + i;
        keys.push_back(o.key);
      }
      return true;
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(keys, keys_) << "round " << round << " " << work;
  }
}

// Memory is bounded by the caps, not by the key count: however slow the
// consumer, the pages being fetched or waiting (the first range's included)
// never exceed the page cap, and splitting never makes more ranges than the
// range cap. The consumer stalls now and then until the listing calls stop
// (every worker parked at the cap, or the listing over), which is when an
// unbounded buffer would show.
TEST_F(ParallelListerTest, PagesAndRangesHeldStayWithinTheirCapsWhateverTheKeyCount) {
  constexpr int kKeys = 60000;
  auto synthetic = std::make_shared<SyntheticListStore>(local_, kKeys);
  for (int concurrency : {2, 16, 64}) {
    for (bool versions : {false, true}) {
      if (versions && concurrency != 16) continue;
      const int calls_before = synthetic->calls();
      ParallelListOptions options;
      options.bucket = "bkt";
      options.page_size = 25;  // 2,400 pages
      options.concurrency = concurrency;
      options.versions = versions;
      ParallelListStats stats;
      int pages = 0;
      int next_key = 0;
      bool in_order = true;
      Status st = ParallelList(
          synthetic.get(), options,
          [&](std::vector<store::ObjectInfo>&& page) {
            in_order = in_order && synthetic->PageFollows(page, &next_key);
            if (pages++ % 400 == 0) {
              // Stall until no call has started for 100 ms (at most 2 s).
              int seen = synthetic->calls();
              auto quiet_since = std::chrono::steady_clock::now();
              const auto give_up = quiet_since + std::chrono::seconds(2);
              const auto quiet = std::chrono::milliseconds(100);
              while (std::chrono::steady_clock::now() < give_up &&
                     std::chrono::steady_clock::now() - quiet_since < quiet) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                if (synthetic->calls() != seen) {
                  seen = synthetic->calls();
                  quiet_since = std::chrono::steady_clock::now();
                }
              }
            }
            return true;
          },
          &stats);
      const std::string label = "concurrency " + std::to_string(concurrency) +
                                (versions ? " versions" : " objects");
      ASSERT_TRUE(st.ok()) << label << ": " << st.ToString();
      EXPECT_TRUE(in_order) << label;
      EXPECT_EQ(next_key, kKeys) << label;
      EXPECT_EQ(stats.list_calls, synthetic->calls() - calls_before) << label;
      EXPECT_EQ(stats.page_cap, std::max(8, 2 * concurrency)) << label;
      EXPECT_LE(stats.max_pages, stats.page_cap) << label;
      EXPECT_GT(stats.max_pages, 1) << label;  // pages did wait: the cap was tested
      EXPECT_GT(stats.splits, 0) << label;
      EXPECT_EQ(stats.range_cap, 8 * stats.page_cap) << label;
      EXPECT_LE(stats.max_ranges, stats.range_cap) << label;
    }
  }
}

// An explicit cap, even the smallest, is what bounds the pages held.
TEST_F(ParallelListerTest, AnExplicitPageCapBoundsThePagesHeld) {
  auto synthetic = std::make_shared<SyntheticListStore>(local_, 5000);
  for (int cap : {2, 3, 5, 40}) {
    ParallelListOptions options;
    options.bucket = "bkt";
    options.page_size = 10;
    options.concurrency = 16;
    options.max_buffered_pages = cap;
    ParallelListStats stats;
    int next_key = 0;
    bool in_order = true;
    Status st = ParallelList(
        synthetic.get(), options,
        [&](std::vector<store::ObjectInfo>&& page) {
          in_order = in_order && synthetic->PageFollows(page, &next_key);
          std::this_thread::sleep_for(std::chrono::microseconds(200));  // a slow consumer
          return true;
        },
        &stats);
    ASSERT_TRUE(st.ok()) << cap << ": " << st.ToString();
    EXPECT_TRUE(in_order) << cap;
    EXPECT_EQ(next_key, 5000) << cap;
    EXPECT_EQ(stats.page_cap, cap);
    EXPECT_LE(stats.max_pages, cap);
    EXPECT_LE(stats.max_ranges, 8 * cap);
  }
}

// A range split off another is held until the range before it lists its
// next page; when that page runs past the range's end, the keys beyond are
// handed to the held range, which needs no call of its own. Two workers,
// ten keys a page: the first page
// k00-k09 splits the rest at "s"; the second page, k10-k14 and t00-t04,
// ends the listing and covers the held range (s, end] whole.
TEST_F(ParallelListerTest, KeysListedPastARangesEndAreHandedToTheHeldRangeAfterIt) {
  const std::vector<std::string> keys = KeysThenTs(15, 5);
  KeyListStore listing(local_, keys);
  ParallelListStats stats;
  EXPECT_EQ(ListInTens(&listing, &stats), keys);
  EXPECT_EQ(stats.splits, 1);
  EXPECT_EQ(stats.list_calls, 2);  // the range after "s" made none
  EXPECT_EQ(stats.ranges_swept, 1);
  EXPECT_EQ(stats.keys_donated, 5);
  EXPECT_EQ(stats.keys_dropped, 0);
  EXPECT_EQ(stats.keys_listed, 20);
  ASSERT_EQ(listing.calls().size(), 2u);
}

// The same hand-over for versions: the held range goes on from the page's
// key and version-id markers, which here fall between two versions of
// one key. Two versions a key, ten versions a page: the first page
// (k00-k04) splits the rest at "s"; the second (k05, k06, t00-t02) gives
// t00-t02 to the held range, which goes on from t02's second version.
TEST_F(ParallelListerTest, VersionsListedPastARangesEndAreHandedOnByTheirMarkers) {
  const std::vector<std::string> keys = KeysThenTs(7, 10);
  KeyListStore listing(local_, keys);
  listing.set_versions(2);
  ParallelListOptions options;
  options.page_size = 10;
  options.concurrency = 2;
  options.hint_delimiter = "";
  ParallelListStats stats;
  const std::vector<std::string> want = VersionTags(keys, 2);
  EXPECT_EQ(ListVersions(&listing, options, &stats), want);
  EXPECT_GE(stats.ranges_swept, 1);
  EXPECT_GE(stats.keys_donated, 6);
  EXPECT_EQ(stats.keys_listed, static_cast<int64_t>(want.size()) + stats.keys_dropped);
  const std::vector<KeyListStore::Call> calls = listing.calls();
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls[2].after, "t02");  // the held range's first call, after the hand-over
  EXPECT_EQ(calls[2].max_keys, 10);  // its cursor moved: a full page
}

// A range split off another starts with a tenth of a page: the split is
// made without knowing where the keys are, and a full first page in a
// range with few keys would list the next range's keys too. Here the
// range after "s" is released by the second page (k10-k19, short of "s"),
// so its own first call asks for 1 key; later calls ask for full pages,
// and so on for any range split off later.
TEST_F(ParallelListerTest, ARangeSplitOffStartsWithASmallPage) {
  const std::vector<std::string> keys = KeysThenTs(25, 30);
  KeyListStore listing(local_, keys);
  ParallelListStats stats;
  EXPECT_EQ(ListInTens(&listing, &stats), keys);
  // A range's own first call starts at its split key, which is no key;
  // every other call starts at the last key listed (or at the start).
  int from_split = 0;
  for (const KeyListStore::Call& call : listing.calls()) {
    const bool at_split = !call.after.empty() &&
                          !std::binary_search(keys.begin(), keys.end(), call.after);
    from_split += at_split;
    EXPECT_EQ(call.max_keys, at_split ? 1 : 10) << call.after;
    if (call.after == "s") {
      EXPECT_EQ(from_split, 1);
    }
  }
  EXPECT_GE(from_split, 1);
  EXPECT_LE(from_split, stats.splits);  // a range the one before it covered makes no call
  EXPECT_EQ(stats.keys_listed, static_cast<int64_t>(keys.size()) + stats.keys_dropped);
}

// What splitting costs the server, on keys shaped like bench/s3_fill.py's
// ("d123/sub 04/obj-0012345.dat", 100,000 of them) with a millisecond or
// two per call: every key is still listed once and in order, and the keys
// listed twice (past a range's end, not handed on) stay a small share of
// the bucket at every concurrency, for versions too, with split keys from
// common prefixes (measured ~3.5%) and from byte midpoints alone (~2%).
// Before split keys kept to the keys' byte classes, ranges split off
// started with a small page and overshoot was handed on, 16 calls listed
// ~43% of the keys twice and 64 calls ~77%.
TEST_F(ParallelListerTest, SplittingListsFewKeysTwice) {
  std::vector<std::string> keys;
  char buf[64];
  for (int i = 0; i < 100000; ++i) {
    std::snprintf(buf, sizeof(buf), "d%03d/sub %02d/obj-%07d.dat", i % 500, i % 17, i);
    keys.push_back(buf);
  }
  KeyListStore listing(local_, keys, std::chrono::microseconds(1500));
  std::sort(keys.begin(), keys.end());
  // Versions: three a key, so pages and hand-overs end between versions.
  struct Case {
    int concurrency;
    int versions;  // 0: current objects
    bool discovery;
  };
  for (auto [concurrency, versions, discovery] :
       {Case{2, 0, true}, {16, 0, true}, {64, 0, true}, {16, 3, true}, {16, 0, false}, {64, 0, false}}) {
    const std::string label = std::to_string(concurrency) + (versions ? " versions" : "") +
                              (discovery ? "" : " byte midpoints");
    const size_t per_key = versions ? versions : 1;
    listing.set_versions(static_cast<int>(per_key));
    ParallelListOptions options;
    options.bucket = "bkt";
    options.concurrency = concurrency;
    options.versions = versions > 0;
    if (!discovery) options.hint_delimiter = "";
    ParallelListStats stats;
    size_t count = 0;
    bool in_order = true;
    Status st = ParallelList(
        &listing, options,
        [&](std::vector<store::ObjectInfo>&& page) {
          for (const auto& o : page) {
            in_order = in_order && count < per_key * keys.size() &&
                       o.key == keys[count / per_key] &&
                       (!versions || o.version_id == "v" + std::to_string(per_key - count % per_key));
            ++count;
          }
          return true;
        },
        &stats);
    const auto entries = static_cast<int64_t>(per_key * keys.size());
    ASSERT_TRUE(st.ok()) << label << ": " << st.ToString();
    EXPECT_TRUE(in_order) << label;
    EXPECT_EQ(count, per_key * keys.size()) << label;
    EXPECT_GT(stats.splits, 0) << label;
    EXPECT_EQ(stats.keys_listed, entries + stats.keys_dropped) << label;
    EXPECT_LT(stats.keys_dropped, entries * 8 / 100) << label << ": " << stats.list_calls << " calls";
  }
}

// Discovery lists the top level with a delimiter; its common prefixes cut
// the key space into chunks of about a page, each listed by about one call
// sized to what the chunk holds (plus a little, to see its end), by every
// worker from the start. 40 groups of 20 keys, 100 keys a page: chunks of
// four groups, so 10 calls for the 10 chunks, two for the first range,
// and a few for discovery; few keys listed twice.
TEST_F(ParallelListerTest, CommonPrefixesCutTheKeySpaceIntoChunksOfAboutAPage) {
  ParallelListStats stats;
  const std::unique_ptr<KeyListStore> listing = ListInHundreds(GroupedKeys(40, 20), &stats);
  EXPECT_EQ(stats.hints, 40);
  EXPECT_GE(stats.discovery_calls, 1);
  EXPECT_LE(stats.discovery_calls, 3);
  EXPECT_GE(stats.splits, 8);
  EXPECT_LE(stats.list_calls - stats.discovery_calls, 16);
  EXPECT_LT(stats.keys_dropped, 100);
  int at_prefix = 0;  // calls starting at a common prefix: chunks
  for (const KeyListStore::Call& call : listing->calls()) {
    at_prefix += call.after.size() == 6 && call.after.back() == '/';
  }
  EXPECT_GE(at_prefix, 5);  // the others were handed keys by the chunk before
  EXPECT_GE(listing->max_in_flight(), 4);
}

// Versions are cut the same way (by the current keys' prefixes), with
// calls sized in versions: 30 versions a group, so chunks of two groups.
TEST_F(ParallelListerTest, VersionsAreCutAtCommonPrefixesToo) {
  const std::vector<std::string> keys = GroupedKeys(30, 10);
  KeyListStore listing(local_, keys, std::chrono::milliseconds(2));
  listing.set_versions(3);
  ParallelListOptions options;
  options.page_size = 100;
  options.concurrency = 8;
  ParallelListStats stats;
  EXPECT_EQ(ListVersions(&listing, options, &stats), VersionTags(keys, 3));
  EXPECT_EQ(stats.hints, 30);
  EXPECT_GE(stats.splits, 6);
  EXPECT_LE(stats.list_calls - stats.discovery_calls, 20);  // 15 chunks
  EXPECT_LT(stats.keys_dropped, 100);
}

// A group far bigger than the others is listed by full pages once a call
// sized for an average group comes back full: no run of calls sized for
// what is left of an average group (smaller than the tenth of a page a
// range split off by a byte midpoint starts with).
TEST_F(ParallelListerTest, ABigGroupIsListedByFullPages) {
  ParallelListStats stats;
  const std::unique_ptr<KeyListStore> listing = ListInHundreds(GroupedKeys(30, 20, 3000), &stats);
  int small = 0;
  for (const KeyListStore::Call& call : listing->calls()) small += call.max_keys < 10;
  EXPECT_LE(small, 4);
  EXPECT_LE(stats.list_calls, 3600 / 100 + 30);  // with the probes of splits in the big group
}

// Groups of a key or two cost the server more to discover than to list:
// discovery stops once that shows, and splits fall back to byte midpoints.
TEST_F(ParallelListerTest, DiscoveryStopsWhenGroupsAreSmall) {
  ParallelListStats stats;
  ListInHundreds(GroupedKeys(3000, 1), &stats);
  EXPECT_LE(stats.discovery_calls, 3);
  EXPECT_LE(stats.hints, 64 + 100 + 100);
}

// A bucket with no common prefixes: one discovery call finds none, and
// the listing splits at byte midpoints as without discovery.
TEST_F(ParallelListerTest, KeysWithoutDelimitersLeaveNoHints) {
  const std::vector<std::string> keys = NumberedKeys('k', 100);
  KeyListStore listing(local_, keys);
  ParallelListOptions options;
  options.page_size = 10;
  options.concurrency = 4;
  ParallelListStats stats;
  EXPECT_EQ(List(options, &stats, nullptr, &listing), keys);
  EXPECT_EQ(stats.discovery_calls, 1);
  EXPECT_EQ(stats.hints, 0);
}

}  // namespace
}  // namespace stocktake::inventory
