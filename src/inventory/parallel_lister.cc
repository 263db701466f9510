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
};

// The most ranges (listed, waiting or holding pages) at once, per page of
// the cap: splitting stops there, so range bookkeeping stays bounded too.
constexpr int kRangesPerPage = 2;

// A range split off another asks for page_size / 10 keys in its first call:
// many such ranges turn out to hold few keys or none (splits are made
// without knowing where the keys are), and a full page there would list up
// to page_size keys of the ranges after it, which those list again.
constexpr int kTailFirstPageDivisor = 10;

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
        upper_(PrefixEnd(options.prefix)) {
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
      cv_.wait(lock, [&] { return stop_ || AllListed() || Takeable() != ranges_.end(); });
      if (stop_ || AllListed()) return;
      auto range = Takeable();
      range->active = true;
      ++active_;
      ListRange(range, &lock);
      range->active = false;
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
      const std::optional<std::string> end = range->end;
      const int max_keys = range->tail && !range->called
                               ? std::max(1, options_.page_size / kTailFirstPageDivisor)
                               : options_.page_size;
      range->called = true;
      ++stats_.list_calls;
      ++fetching_;
      stats_.max_pages = std::max(stats_.max_pages, buffered_ + fetching_);
      lock->unlock();
      Result<Page> page = Fetch(from, max_keys);
      bool past_end = false;
      std::string last_key;
      std::vector<ObjectInfo> beyond;  // listed past the end
      Status st = page.status();
      if (st.ok()) {
        if (!page->objects.empty()) last_key = page->objects.back().key;
        if (end) {
          auto cut = std::find_if(page->objects.begin(), page->objects.end(),
                                  [&](const ObjectInfo& o) { return o.key > *end; });
          past_end = cut != page->objects.end();
          beyond.assign(std::make_move_iterator(cut), std::make_move_iterator(page->objects.end()));
          page->objects.erase(cut, page->objects.end());
        }
        if (options_.on_page && !page->objects.empty()) st = options_.on_page(&page->objects);
      }
      lock->lock();
      --fetching_;
      if (st.ok()) stats_.keys_listed += static_cast<int64_t>(page->objects.size() + beyond.size());
      AdaptToThrottling();
      if (!st.ok()) {
        if (error_.ok()) error_ = st;
        stop_ = true;
        return;
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
      range->cursor = std::move(page->next);
      // Only this worker moves this range's end, so the page's trim stands.
      if (!last_key.empty()) MaybeSplit(range, last_key);
    }
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
      r.pages.push_back(std::move(share.objects));
      if (share.covered) {
        r.done = true;
      } else {
        r.called = true;  // its cursor is no longer where it was split off
        r.cursor = options_.versions ? page.next : Cursor{last_key, ""};
      }
    }
    if (!st.ok()) {
      if (error_.ok()) error_ = st;
      stop_ = true;
    }
    cv_.notify_all();
  }

  // Gives the rest of `range` beyond a split key to an idle worker.
  void MaybeSplit(std::list<Range>::iterator range, const std::string& last_key) {
    if (active_ >= allowed_ || buffered_ + fetching_ >= cap_ - 1) return;
    if (static_cast<int>(ranges_.size()) >= kRangesPerPage * cap_) return;
    for (const Range& r : ranges_) {
      if (!r.done && !r.active) return;  // work is already waiting
    }
    std::optional<std::string_view> upper;
    if (range->end) {
      upper = *range->end;
    } else if (upper_) {
      upper = *upper_;
    }
    std::optional<std::string> split = SplitKeyBetween(last_key, upper);
    if (!split || (range->end && *split >= *range->end)) return;
    Range tail;
    tail.cursor.start_after = *split;
    tail.end = range->end;
    tail.held = true;
    tail.tail = true;
    range->end = std::move(*split);
    ranges_.insert(std::next(range), std::move(tail));
    ++stats_.splits;
    stats_.max_ranges = std::max(stats_.max_ranges, static_cast<int>(ranges_.size()));
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
