#include "inventory/parallel_lister.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include "inventory/key_split.h"

namespace stocktake::inventory {
namespace {

using store::ObjectInfo;

// Where a range's next page starts.
struct Cursor {
  std::string start_after;  // objects: first page; versions: key-marker
  std::string token;        // objects: continuation token; versions: version-id-marker
};

struct Range {
  Cursor cursor;
  std::optional<std::string> end;  // last key that belongs here; nullopt = no bound
  std::deque<std::vector<ObjectInfo>> pages;  // listed, waiting to be emitted
  bool done = false;    // nothing more to list (pages may remain)
  bool active = false;  // a worker lists it, or a sweep hands it keys (see Sweep)
  bool called = false;  // a listing call started on it, or a sweep moved its cursor
  // Just split off: not taken until the range before it has listed its
  // next page, which may reach into this one (see Sweep).
  bool held = false;
  bool tail = false;  // split off another range (every range but the first)
  bool owned = false;    // a worker lists it (ListPages); others may split it
  bool landing = false;  // its worker runs on_page on a page: its end must stay
  std::string listed_to;  // its last key listed ("" = none yet): splits go past it
  // For Remaining(): the group (hint) its last key listed is in, how many
  // entries of it the range listed and whether it saw the group begin; and
  // whether its last call asked for an estimate and came back short of the end.
  std::string group;
  int64_t group_seen = 0;
  bool group_start_seen = false;
  bool came_short = false;
  int last_max_keys = 0;
};

// The most ranges (listed, waiting or holding pages) at once, per page of
// the cap: splitting stops there, so range bookkeeping stays bounded too.
constexpr int kRangesPerPage = 8;

// A range split off another asks for page_size / 10 keys in its first call:
// many such ranges turn out to hold few keys or none (splits are made
// without knowing where the keys are), and a full page there would list up
// to page_size keys of the ranges after it, which those list again.
constexpr int kTailFirstPageDivisor = 10;

// Discovery descends at most this many levels of single common prefixes.
constexpr int kDiscoveryLevels = 3;
// Its first page asks for this many entries, soon in: then 4x more a page.
constexpr int kDiscoveryFirstPage = 64;
// It stops when groups hold fewer entries than this on average, and waits
// while this many split keys per page of the cap are known ahead, or 4
// ranges per page of the cap no call has started yet.
constexpr double kMinEntriesPerGroup = 100;
constexpr int kHintsPerPage = 32;

// Partition cuts chunks of about this many pages of entries: one call
// each, with room for the estimate's error (a call asks for the estimate
// plus 1/kEstimateSlack of it plus kEstimateSlackKeys).
constexpr double kChunkFill = 0.85;
constexpr double kEstimateSlack = 32;
constexpr double kEstimateSlackKeys = 4;
// A group is thought to have at least 1/kGroupLeftFloor of its average
// entries left while listed.
constexpr double kGroupLeftFloor = 8;

struct Page {
  std::vector<ObjectInfo> objects;
  bool more = false;  // the listing continues past this page
  Cursor next;
};

class Lister {
 public:
  Lister(store::ObjectStore* store, const ParallelListOptions& options)
      : store_(store),
        options_(options),
        limit_(std::max(1, options.concurrency)),
        allowed_(limit_),
        cap_(options.max_buffered_pages > 0 ? std::max(2, options.max_buffered_pages)
                                            : std::max(8, 2 * limit_)),
        upper_(PrefixEnd(options.prefix)),
        discovery_done_(limit_ == 1 || options.hint_delimiter.empty()),
        discovery_prefix_(options.prefix) {
    ranges_.emplace_back();
    stats_.min_concurrency = allowed_;
    stats_.page_cap = cap_;
    stats_.range_cap = kRangesPerPage * cap_;
    stats_.max_ranges = 1;
    if (options_.throttle_events) throttle_seen_ = options_.throttle_events();
  }

  Status Run(const std::function<bool(std::vector<ObjectInfo>&&)>& emit, ParallelListStats* stats) {
    std::vector<std::thread> workers;
    for (int i = 0; i < limit_; ++i) workers.emplace_back([this] { Work(); });
    Status st = Emit(emit);
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers) t.join();
    if (stats) *stats = stats_;
    return st;
  }

 private:
  Result<Page> Fetch(const Cursor& from, int max_keys) {
    Page page;
    if (options_.versions) {
      store::VersionListRequest req;
      req.prefix = options_.prefix;
      req.key_marker = from.start_after;
      req.version_id_marker = from.token;
      req.max_keys = max_keys;
      ASSIGN_OR_RETURN(store::VersionPage got, store_->ListVersions(options_.bucket, req));
      page.objects = std::move(got.versions);
      page.more = got.truncated;
      page.next = {std::move(got.next_key_marker), std::move(got.next_version_id_marker)};
      return page;
    }
    store::ListRequest req;
    req.prefix = options_.prefix;
    req.start_after = from.start_after;
    req.continuation_token = from.token;
    req.max_keys = max_keys;
    req.fetch_etag = options_.fetch_etag;
    req.fetch_owner = options_.fetch_owner;
    ASSIGN_OR_RETURN(store::ListPage got, store_->List(options_.bucket, req));
    page.objects = std::move(got.objects);
    page.more = !got.next_token.empty();
    page.next = {from.start_after, std::move(got.next_token)};
    return page;
  }

  // Whether a page of `range` may be fetched now. Every page counts
  // against the cap from the moment its call starts until it is emitted.
  // The last slot is the first range's (the one being emitted): later
  // ranges never fill the cap on their own, so the first range can always
  // fetch once its own pages are emitted, and emission never starves.
  bool MayFetch(std::list<Range>::iterator range) const {
    const int held = buffered_ + fetching_;
    return range == ranges_.begin() ? held < cap_ : held < cap_ - 1;
  }

  // The first range nobody lists that a worker may take now, or end().
  std::list<Range>::iterator Takeable() {
    if (active_ >= allowed_) return ranges_.end();
    for (auto it = ranges_.begin(); it != ranges_.end(); ++it) {
      if (it->done || it->active || it->held) continue;
      return MayFetch(it) ? it : ranges_.end();
    }
    return ranges_.end();
  }

  bool AllListed() const {
    return std::all_of(ranges_.begin(), ranges_.end(), [](const Range& r) { return r.done; });
  }

  void Work() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (stop_ || AllListed()) return;
      if (DiscoveryWanted()) {
        Discover(&lock);
        continue;
      }
      auto range = Takeable();
      if (range == ranges_.end()) {
        Rebalance();
        cv_.wait(lock);
        continue;
      }
      range->active = true;
      range->owned = true;
      ++active_;
      ListRange(range, &lock);
      range->active = false;
      range->owned = false;
      --active_;
      cv_.notify_all();
    }
  }

  // Lists `range` page by page until it is done, parked (the cap is
  // reached or the concurrency was lowered) or the run stops.
  void ListRange(std::list<Range>::iterator range, std::unique_lock<std::mutex>* lock) {
    ListPages(range, lock);
    Release(range);  // parked or done: a range held for this one's next page may go
  }

  void ListPages(std::list<Range>::iterator range, std::unique_lock<std::mutex>* lock) {
    while (!stop_ && active_ <= allowed_ && MayFetch(range)) {
      const Cursor from = range->cursor;
      const std::optional<double> left = Remaining(*range);
      const int max_keys = MaxKeys(*range, left);
      const std::string before = Position(*range);
      range->called = true;
      ++stats_.list_calls;
      ++fetching_;
      stats_.max_pages = std::max(stats_.max_pages, buffered_ + fetching_);
      lock->unlock();
      Result<Page> page = Fetch(from, max_keys);
      lock->lock();
      --fetching_;
      AdaptToThrottling();
      if (!page.ok()) {
        Fail(page.status());
        return;
      }
      stats_.keys_listed += static_cast<int64_t>(page->objects.size());
      LearnDensity(page->objects);
      TrackGroup(*range, before, page->objects);
      // Trimmed at the range's end as it is now: another worker may have
      // split the range while the call was out.
      std::vector<ObjectInfo> beyond;  // listed past the end
      bool past_end = false;
      if (!page->objects.empty()) range->listed_to = page->objects.back().key;
      if (range->end) {
        auto cut = std::find_if(page->objects.begin(), page->objects.end(),
                                [&](const ObjectInfo& o) { return o.key > *range->end; });
        past_end = cut != page->objects.end();
        beyond.assign(std::make_move_iterator(cut), std::make_move_iterator(page->objects.end()));
        page->objects.erase(cut, page->objects.end());
      }
      if (options_.on_page && !page->objects.empty()) {
        range->landing = true;
        lock->unlock();
        Status st = options_.on_page(&page->objects);
        lock->lock();
        range->landing = false;
        if (!st.ok()) {
          Fail(st);
          return;
        }
      }
      if (!page->objects.empty()) {
        range->pages.push_back(std::move(page->objects));
        ++buffered_;
      }
      if (past_end) Sweep(range, std::move(beyond), *page, lock);
      if (stop_) return;
      Release(range);
      cv_.notify_all();
      if (past_end || !page->more) {
        range->done = true;
        return;
      }
      // Short of the end: a call sized by an estimate asked too few.
      range->came_short = left.has_value();
      range->last_max_keys = max_keys;
      range->cursor = std::move(page->next);
      Partition();
      Rebalance(range);
    }
  }

  void Fail(const Status& st) {
    if (error_.ok()) error_ = st;
    stop_ = true;
    cv_.notify_all();
  }

  // The range after `range` may be taken now.
  void Release(std::list<Range>::iterator range) {
    auto next = std::next(range);
    if (next != ranges_.end() && next->held) {
      next->held = false;
      cv_.notify_all();
    }
  }

  // The keys `range`'s page listed past its end (`beyond`, in key order)
  // belong to the ranges after it. Each following range that no call has
  // listed yet takes its share as its first page, and goes on after it; a
  // range the keys reach past (or that the listing's end passes) is done
  // without a call of its own. Splits at byte midpoints often leave ranges
  // with no keys at all, and a tail split off near a range's end is often
  // within one page of it; without the sweep, each of those would list a
  // page of keys that another call lists too. The sweep stops at a range
  // being listed or listed before, and when the page cap has no room for a
  // share. `on_page` runs on the shares with the lock released and their
  // ranges reserved (active); its error stops the listing.
  void Sweep(std::list<Range>::iterator range, std::vector<ObjectInfo>&& beyond,
             const Page& page, std::unique_lock<std::mutex>* lock) {
    struct Share {
      std::list<Range>::iterator range;
      std::vector<ObjectInfo> objects;
      bool covered;  // the range holds nothing past these keys
    };
    std::vector<Share> shares;
    auto from = beyond.begin();
    for (auto it = std::next(range); it != ranges_.end(); ++it) {
      if (from == beyond.end() && page.more) break;
      auto to = beyond.end();
      if (it->end) {
        to = std::find_if(from, beyond.end(), [&](const ObjectInfo& o) { return o.key > *it->end; });
      }
      if (it->done) {  // listed already: its keys here are duplicates
        from = to;
        continue;
      }
      if (it->active || it->called) break;
      const bool covered = to != beyond.end() || !page.more;
      if (from != to) {
        if (buffered_ + fetching_ >= cap_ - 1) break;
        ++buffered_;  // the share's slot, taken now
      }
      it->active = true;
      shares.push_back({it, {std::make_move_iterator(from), std::make_move_iterator(to)}, covered});
      from = to;
      if (!covered) break;
    }
    int64_t donated = 0;
    for (const Share& share : shares) donated += static_cast<int64_t>(share.objects.size());
    stats_.keys_donated += donated;
    stats_.keys_dropped += static_cast<int64_t>(beyond.size()) - donated;
    stats_.ranges_swept += static_cast<int64_t>(shares.size());
    Status st;
    if (options_.on_page) {
      lock->unlock();
      for (Share& share : shares) {
        if (!share.objects.empty() && st.ok()) st = options_.on_page(&share.objects);
      }
      lock->lock();
    }
    for (Share& share : shares) {
      Range& r = *share.range;
      r.active = false;
      if (share.objects.empty()) {  // no keys of its own: always covered
        r.done = true;
        continue;
      }
      if (!st.ok()) {
        --buffered_;
        continue;
      }
      const std::string last_key = share.objects.back().key;
      TrackGroup(r, r.cursor.start_after, share.objects);
      r.listed_to = last_key;
      r.pages.push_back(std::move(share.objects));
      if (share.covered) {
        r.done = true;
      } else {
        r.called = true;  // its cursor is no longer where it was split off
        r.cursor = options_.versions ? page.next : Cursor{last_key, ""};
      }
    }
    if (!st.ok()) Fail(st);
    cv_.notify_all();
  }

  // Splits ranges for idle workers while there are more idle workers than
  // ranges waiting to be listed: the earliest range first, as emission
  // waits on the earliest ranges, so more calls help most there. `self`:
  // the range of the worker asking, if it lists one (see Split).
  void Rebalance(std::optional<std::list<Range>::iterator> self = std::nullopt) {
    // Until discovery's first page is in, wait for its split keys: they are better.
    if (!discovery_done_ && discovery_pages_ == 0) return;
    if (discovering_ && hints_.empty()) return;
    int waiting = 0;
    for (const Range& r : ranges_) waiting += !r.done && !r.active;
    while (waiting < allowed_ - active_) {
      if (buffered_ + fetching_ >= cap_ - 1) return;
      if (static_cast<int>(ranges_.size()) >= kRangesPerPage * cap_) return;
      auto it = ranges_.begin();
      while (it != ranges_.end() && !Split(it, self)) ++it;
      if (it == ranges_.end()) return;
      ++waiting;
    }
  }

  // Gives the rest of `range` past a split key to a new range after it,
  // held until `range`'s next page lands (that page may reach into it).
  // Only a range a worker lists, once it has listed a key, not while its
  // page lands (its end must stay) and once per page.
  bool Split(std::list<Range>::iterator range, std::optional<std::list<Range>::iterator> self) {
    if (!range->owned || range->landing || range->listed_to.empty()) return false;
    auto next = std::next(range);
    if (next != ranges_.end() && next->held) return false;
    std::optional<std::string> split = SplitPoint(range->listed_to, range->end);
    if (!split) return false;
    // A split at a byte midpoint is a guess that often lands where there
    // are no keys, and its range's last page lists the next range's keys
    // too: only the range whose worker asks, and only when no range waits
    // (more such splits list more keys twice and do not list faster;
    // measured in bench/README.md).
    if (!std::binary_search(hints_.begin(), hints_.end(), *split)) {
      if (range != self) return false;
      for (const Range& r : ranges_) {
        if (!r.done && !r.active) return false;
      }
    }
    Range tail;
    tail.cursor.start_after = *split;
    tail.end = range->end;
    tail.held = true;
    tail.tail = true;
    range->end = std::move(*split);
    ranges_.insert(next, std::move(tail));
    ++stats_.splits;
    stats_.max_ranges = std::max(stats_.max_ranges, static_cast<int>(ranges_.size()));
    return true;
  }

  // A key strictly between `from` and `end` (nullopt: no bound): the middle
  // one of the common prefixes discovery found there, else a key halfway
  // in byte order (key_split.h) — to the end of the group `from` is in, if
  // it is in one; nullopt when there is none.
  std::optional<std::string> SplitPoint(const std::string& from,
                                        const std::optional<std::string>& end) const {
    auto lo = std::upper_bound(hints_.begin(), hints_.end(), from);
    auto hi = end ? std::lower_bound(lo, hints_.end(), *end) : hints_.end();
    if (lo != hi) return *(lo + (hi - lo) / 2);
    std::optional<std::string_view> upper;
    if (end) {
      upper = *end;
    } else if (upper_) {
      upper = *upper_;
    }
    // Inside a group, with no hint ahead: most keys left are in the group.
    std::optional<std::string> group_end;
    if (lo != hints_.begin() && from.starts_with(*std::prev(lo))) {
      group_end = PrefixEnd(*std::prev(lo));
      if (group_end && (!upper || *group_end < *upper)) upper = *group_end;
    }
    std::optional<std::string> split = SplitKeyBetween(from, upper);
    if (!split || (end && *split >= *end)) return std::nullopt;
    return split;
  }

  // Discovery lists the level below the prefix with a delimiter, a page at
  // a time, ahead of the listing: its common prefixes are where keys group,
  // so they make split keys (hints_) for Partition and SplitPoint. A level
  // holding a single prefix and nothing else is descended, up to
  // kDiscoveryLevels. A page runs when few ranges are left untouched (the
  // first at once), on a worker free for it. It stops at the end of the
  // level, at a page with no common prefix (keys do not group there), or
  // at a failed call: the hints are only a help.
  bool DiscoveryWanted() const {
    if (discovery_done_ || discovering_ || active_ >= allowed_) return false;
    // Small groups: a page of them costs the server more than listing their
    // keys (RGW: ~0.5 ms a common prefix, ~20 us a key), for little help.
    const double per = EntriesPerGroup();
    if (per > 0 && per < kMinEntriesPerGroup) return false;
    if (static_cast<int>(hints_.size()) >= kHintsPerPage * cap_) return false;
    int untouched = 0;
    for (const Range& r : ranges_) untouched += !r.done && !r.active && !r.called;
    return untouched < std::max(2 * allowed_, kRangesPerPage * cap_ / 2);  // 4 a page
  }

  void Discover(std::unique_lock<std::mutex>* lock) {
    discovering_ = true;
    ++active_;
    const bool first = discovery_pages_ == 0;
    store::ListRequest req;
    req.prefix = discovery_prefix_;
    req.delimiter = options_.hint_delimiter;
    req.continuation_token = discovery_token_;
    req.max_keys = std::min(options_.page_size, kDiscoveryFirstPage << (2 * std::min(discovery_pages_, 4)));
    req.fetch_etag = false;
    ++discovery_pages_;
    ++stats_.list_calls;
    ++stats_.discovery_calls;
    lock->unlock();
    Result<store::ListPage> got = store_->List(options_.bucket, req);
    lock->lock();
    --active_;
    discovering_ = false;
    if (!got.ok() || got->common_prefixes.empty()) {
      discovery_done_ = true;
    } else if (first && got->common_prefixes.size() == 1 && got->objects.empty() &&
               got->next_token.empty() && ++discovery_levels_ < kDiscoveryLevels) {
      discovery_prefix_ = std::move(got->common_prefixes.front());  // descend
      discovery_pages_ = 0;
    } else {
      discovery_token_ = std::move(got->next_token);
      discovery_done_ = discovery_token_.empty();
      // Hints before the first range's group are no use any more.
      if (!ranges_.empty()) {
        auto keep = std::lower_bound(hints_.begin(), hints_.end(), ranges_.front().cursor.start_after);
        if (keep != hints_.begin()) hints_.erase(hints_.begin(), std::prev(keep));
      }
      for (std::string& p : got->common_prefixes) {
        if (hints_.empty() || p > hints_.back()) hints_.push_back(std::move(p));
      }
      stats_.hints += static_cast<int>(got->common_prefixes.size());
      partition_pending_ = true;
      Partition();
    }
    Rebalance();
    cv_.notify_all();
  }

  // Entries a page asks for: about what is left of the range when the
  // hints and their density tell (a few more, so that the page runs past
  // the range's end and shows it done; twice the last call's when that
  // came back full with no better guess), else a tenth of a page for the
  // first call of a range split off another, else a page.
  // `left`: Remaining(range).
  int MaxKeys(const Range& range, std::optional<double> left) const {
    if (left) {
      double want = *left + *left / kEstimateSlack + kEstimateSlackKeys;
      if (range.came_short && !range.group_start_seen) want = std::max(want, 2.0 * range.last_max_keys);
      return static_cast<int>(std::clamp(want, 1.0, static_cast<double>(options_.page_size)));
    }
    if (range.tail && !range.called) return std::max(1, options_.page_size / kTailFirstPageDivisor);
    return options_.page_size;
  }

  // Where `range` has been listed up to: its last key listed, else its start.
  static const std::string& Position(const Range& range) {
    return range.listed_to.empty() ? range.cursor.start_after : range.listed_to;
  }

  // Entries estimated in `range` past its last key listed, when its end is
  // a hint and the entries per group are known: the groups starting in it,
  // and what is left of the group its last key is in. nullopt: unknown.
  std::optional<double> Remaining(const Range& range) const {
    const double per = EntriesPerGroup();
    if (!range.end || per <= 0 || !std::binary_search(hints_.begin(), hints_.end(), *range.end)) {
      return std::nullopt;
    }
    const std::string& from = Position(range);
    auto lo = std::upper_bound(hints_.begin(), hints_.end(), from);
    auto hi = std::lower_bound(lo, hints_.end(), *range.end);
    std::optional<double> left = GroupLeft(range, lo, from, per);
    if (!left) return std::nullopt;
    return per * static_cast<double>(hi - lo) + *left;
  }

  // Entries of the group `from` is in still to list after it (`next`: the
  // first hint past `from`): a whole group when `from` is its prefix; when
  // a key inside it, the group less what the range listed of it if it saw
  // the group begin (nullopt if that is already twice a group: a big one,
  // listed by full pages), else half a group; none outside any group.
  std::optional<double> GroupLeft(const Range& range, std::vector<std::string>::const_iterator next,
                                  const std::string& from, double per) const {
    if (next == hints_.begin()) return 0.0;
    const std::string& group = *std::prev(next);
    if (from == group) return per;
    if (!from.starts_with(group)) return 0.0;
    if (range.group != group || !range.group_start_seen) return per / 2;
    const auto seen = static_cast<double>(range.group_seen);
    if (seen >= 2 * per) return std::nullopt;
    return std::max(per - seen, per / kGroupLeftFloor);
  }

  // After `entries` of `range` are listed (in key order, following `from`):
  // how many are in the group of the last one, and whether that group's
  // first entry was among what the range listed (for GroupLeft).
  void TrackGroup(Range& range, const std::string& from, const std::vector<ObjectInfo>& entries) {
    if (entries.empty() || hints_.empty()) return;
    const std::string& last = entries.back().key;
    auto next = std::upper_bound(hints_.begin(), hints_.end(), last);
    if (next == hints_.begin() || !last.starts_with(*std::prev(next))) {
      range.group.clear();
      return;
    }
    const std::string& group = *std::prev(next);
    size_t run = 0;  // entries at the end in the group
    for (auto it = entries.rbegin(); it != entries.rend() && it->key.starts_with(group); ++it) ++run;
    if (run < entries.size()) {  // the group begins on this page
      range.group_start_seen = true;
      range.group_seen = static_cast<int64_t>(run);
    } else if (range.group == group) {  // goes on in it
      range.group_seen += static_cast<int64_t>(run);
    } else {  // from the group's start, or partway
      range.group_start_seen = from == group;
      range.group_seen = static_cast<int64_t>(run);
    }
    range.group = group;
  }

  double EntriesPerGroup() const {
    return hint_groups_ > 0 ? static_cast<double>(hint_keys_) / static_cast<double>(hint_groups_) : 0;
  }

  // Counts the groups a listed page holds whole (its first and last may be
  // partial) towards the entries per group. Pages listed before the hints
  // come: the first one is kept (its keys) and counted when they come.
  void LearnDensity(const std::vector<ObjectInfo>& page) {
    if (page.empty()) return;
    if (hints_.empty()) {
      if (discovering_ && early_keys_.empty()) {
        for (const ObjectInfo& o : page) early_keys_.push_back(o.key);
      }
      return;
    }
    Sample(page, [](const ObjectInfo& o) -> const std::string& { return o.key; });
  }

  template <typename Entries, typename KeyOf>
  void Sample(const Entries& entries, KeyOf key_of) {
    auto rank = [&](const std::string& key) {
      return std::upper_bound(hints_.begin(), hints_.end(), key) - hints_.begin();
    };
    auto group = rank(key_of(entries.front()));
    size_t start = 0;
    bool whole = false;  // the group from `start` began on this page
    for (size_t i = 1; i < entries.size(); ++i) {
      const auto g = rank(key_of(entries[i]));
      if (g == group) continue;
      if (whole) {
        hint_keys_ += static_cast<int64_t>(i - start);
        ++hint_groups_;
      }
      group = g;
      start = i;
      whole = true;
    }
  }

  // When new hints come (and the entries per group are known): cuts every
  // range at hints into chunks of about kChunkFill pages (up to the range
  // cap; the rest is split as it is listed), so that every worker lists a
  // chunk near the keys being emitted, each in about one call. A range
  // being listed keeps its first chunk, and holds the next for its page in
  // flight, which may reach into it.
  void Partition() {
    if (!partition_pending_ || hints_.empty()) return;
    if (!early_keys_.empty()) {
      Sample(early_keys_, [](const std::string& k) -> const std::string& { return k; });
      early_keys_ = {};
    }
    const double per = EntriesPerGroup();
    if (per <= 0) return;
    partition_pending_ = false;
    int room = kRangesPerPage * cap_ - static_cast<int>(ranges_.size());
    for (auto range = ranges_.begin(); range != ranges_.end() && room > 0; ++range) {
      // Not while its page lands, nor while a sweep hands it keys (active,
      // not owned): both are cut at its end as it is.
      if (range->done || range->landing || (range->active && !range->owned)) continue;
      const std::string& from = Position(*range);
      auto lo = std::upper_bound(hints_.begin(), hints_.end(), from);
      auto hi = range->end ? std::lower_bound(lo, hints_.end(), *range->end) : hints_.end();
      double size = GroupLeft(*range, lo, from, per).value_or(0);  // entries since the last cut
      const auto first = range;
      for (auto hint = lo; hint != hi && room > 0; ++hint) {
        if (size > 0 && size + per > kChunkFill * options_.page_size) {
          Range next;
          next.cursor.start_after = *hint;
          next.end = range->end;
          next.tail = true;
          next.held = range == first && first->owned;
          range->end = *hint;
          range = ranges_.insert(std::next(range), std::move(next));
          ++stats_.splits;
          --room;
          size = 0;
        }
        size += per;
      }
    }
    stats_.max_ranges = std::max(stats_.max_ranges, static_cast<int>(ranges_.size()));
    cv_.notify_all();
  }

  void AdaptToThrottling() {
    if (!options_.throttle_events) return;
    const int64_t now = options_.throttle_events();
    if (now > throttle_seen_) {
      throttle_seen_ = now;
      allowed_ = std::max(1, allowed_ / 2);
      clean_pages_ = 0;
      ++stats_.backoffs;
      stats_.min_concurrency = std::min(stats_.min_concurrency, allowed_);
    } else if (allowed_ < limit_ && ++clean_pages_ >= 4 * allowed_) {
      ++allowed_;
      clean_pages_ = 0;
      cv_.notify_all();
    }
  }

  // Hands pages to `emit` in range order until every range is emitted.
  Status Emit(const std::function<bool(std::vector<ObjectInfo>&&)>& emit) {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] {
        return stop_ || ranges_.empty() || !ranges_.front().pages.empty() || ranges_.front().done;
      });
      if (stop_) return error_;
      if (ranges_.empty()) return Status::OK();
      Range& head = ranges_.front();
      if (!head.pages.empty()) {
        std::vector<ObjectInfo> page = std::move(head.pages.front());
        head.pages.pop_front();
        --buffered_;
        cv_.notify_all();
        lock.unlock();
        const bool more = emit(std::move(page));
        lock.lock();
        if (!more) return Cancelled("listing stopped");
      } else {
        // Done and fully emitted. The next range is first now: past the
        // buffer cap it is the only one workers may take, so wake them.
        ranges_.pop_front();
        cv_.notify_all();
      }
    }
  }

  store::ObjectStore* const store_;
  const ParallelListOptions& options_;
  const int limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  int allowed_;      // concurrent listing calls allowed now (AIMD)
  const int cap_;    // pages fetched or buffered at most (the last slot: first range only)
  const std::optional<std::string> upper_;  // no key of the prefix reaches it
  std::list<Range> ranges_;  // disjoint, in key order
  int active_ = 0;
  int fetching_ = 0;  // listing calls in flight (each will hold one page)
  int buffered_ = 0;  // pages listed and not yet emitted
  bool stop_ = false;
  bool discovery_done_;        // discovery (Discover) has no more pages to list
  std::string discovery_prefix_;  // the level it lists
  std::string discovery_token_;   // where its next page starts
  int discovery_pages_ = 0;       // of the level
  int discovery_levels_ = 0;      // descended
  bool discovering_ = false;      // a page is being listed
  bool partition_pending_ = false;  // hints came that Partition has not cut at yet
  int64_t hint_keys_ = 0;     // entries on pages listed since the hints came...
  int64_t hint_groups_ = 0;   // ...and the groups (common prefixes) they touched
  std::vector<std::string> early_keys_;  // the first page's, when it came before the hints
  std::vector<std::string> hints_;  // split keys from discovery, sorted
  Status error_;
  int64_t throttle_seen_ = 0;
  int clean_pages_ = 0;
  ParallelListStats stats_;
};

}  // namespace

Status ParallelList(store::ObjectStore* store, const ParallelListOptions& options,
                    const std::function<bool(std::vector<ObjectInfo>&&)>& emit,
                    ParallelListStats* stats) {
  Lister lister(store, options);
  return lister.Run(emit, stats);
}

}  // namespace stocktake::inventory
