// ParallelList: lists one bucket — its current objects (ListObjectsV2) or
// every version (ListObjectVersions) — with several listing calls in
// flight, and hands the pages on in S3 key order, as one sequential
// listing would.
//
// The key space is a chain of ranges (start, end]; the first covers it
// all. Workers take the lowest range nobody lists and page through it from
// its cursor. Pages wait in their range until every range before it is
// emitted, so the ranges worth listing are the earliest ones; split keys
// come from two places:
//
// Common prefixes. While the first range's first page is listed, another
// call lists the level below the prefix with a delimiter ("/"), a page at
// a time ahead of the listing (discovery). Its common prefixes are where
// keys group. Once the entries per group are known (from listed pages),
// ranges are cut at them into chunks of about 0.85 pages, and each call
// asks for about what is left of its range plus a little, so that most
// chunks take one call whose page just runs past the chunk's end. Every
// worker lists a chunk near the keys being emitted from the start. An idle
// worker splits the earliest range being listed at the middle common
// prefix in it. Discovery stops where groups average under 100 entries: a
// common prefix costs the server more than listing its keys then (RGW:
// ~0.5 ms a common prefix, ~20 us a key, measured in bench/README.md).
//
// Byte midpoints, where there are no common prefixes. When a worker
// finishes a page while another is idle and no range waits, the rest of
// its range is split at a key halfway to the range's end (key_split.h;
// within the group its last key is in, if in one): start-after probes
// that home in on where the keys are, and dense ranges are split again
// and again (work stealing).
//
// A range's last page runs past its end, into keys the next ranges list
// too: server work for nothing. Four things keep that small (measured in
// bench/README.md): calls sized to what a chunk holds; a split-off range
// waits until the range before it has listed one more page, and keys a
// page lists past its range's end go to the ranges after it that no call
// has listed yet (a range they pass is done without a call); a range
// split off at a byte midpoint asks for a tenth of a page first, as such
// splits often land where there are few keys or none; byte-midpoint split
// keys keep to the key's byte class (digits, letters).
//
// Memory is bounded by the page cap, not by the bucket: a page counts
// against it from the moment its listing call starts until `emit` takes
// it, for every range including the first (the one being emitted), so at
// most `max_buffered_pages` pages (default 2 x concurrency, at least 8:
// 32 pages of 1,000 objects at the default 16 calls) are held by the
// lister at once, whatever the key count and however slow `emit` is. The
// last slot is reserved for the first range, so later ranges never starve
// emission; a worker that may not fetch parks its range. Splitting stops
// at 8 ranges per page of the cap, and discovery waits while 32 split
// keys per page of the cap are known ahead (split keys behind the first
// range are dropped), so range and split-key bookkeeping is bounded too.
//
// Ranges always use ordered ListObjectsV2: RGW's `allow-unordered=true`
// skips index shards after a start-after key and costs RGW more CPU, not
// less (measured in bench/README.md).
//
// Throttling: the store's retry layer (RetryingStore) is the only retry
// loop. The lister reads its count of throttled attempts after every page;
// on an increase it halves the number of concurrent calls (down to one),
// and adds one back after a run of pages without throttling (AIMD).
//
// Errors: the first failed call (after the store's own retries) stops the
// listing and is returned; `emit` returning false stops it with Cancelled.
// `store` must be thread-safe and outlive the call; `emit` runs on the
// calling thread, `on_page` on worker threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/object_store.h"

namespace stocktake::inventory {

struct ParallelListOptions {
  std::string bucket;
  std::string prefix;
  bool versions = false;  // ListObjectVersions instead of ListObjectsV2
  int page_size = 1000;
  bool fetch_etag = true;
  bool fetch_owner = false;
  int concurrency = 16;        // listing calls in flight at most (>= 1)
  // With concurrency > 1, one call lists the level below the prefix with
  // this delimiter first; its common prefixes become split keys. "" = none.
  std::string hint_delimiter = "/";
  // Pages held at once at most — being fetched or listed and waiting to
  // be emitted (>= 2; 0 = 2 x concurrency, at least 8).
  int max_buffered_pages = 0;
  // Throttled attempts the store has seen so far (monotonic), or nullptr.
  std::function<int64_t()> throttle_events;
  // Runs on each page (in key order within the page) before it is queued,
  // e.g. to HEAD its objects; an error stops the listing.
  std::function<Status(std::vector<store::ObjectInfo>*)> on_page;
};

struct ParallelListStats {
  int64_t list_calls = 0;
  int64_t keys_listed = 0;   // entries the store returned
  int64_t keys_dropped = 0;  // of those, past their range's end: the next range lists them again
  int64_t keys_donated = 0;  // past their range's end and handed to the ranges after it instead
  int64_t ranges_swept = 0;  // ranges given keys, or found empty, by another range's page
  int64_t splits = 0;       // ranges split off
  int64_t discovery_calls = 0;  // delimiter listings for split keys (in list_calls)
  int hints = 0;                // common prefixes they found
  int64_t backoffs = 0;     // concurrency reductions after throttling
  int min_concurrency = 0;  // lowest concurrency reached
  int page_cap = 0;         // the page cap in force (max_buffered_pages resolved)
  int max_pages = 0;        // most pages held at once (never above page_cap)
  int range_cap = 0;        // most ranges splitting may make
  int max_ranges = 0;       // most ranges at once (never above range_cap)
};

// Lists per `options` and calls emit(page) for each non-empty page, pages
// in S3 key order (versions: key order, newest first within a key).
Status ParallelList(store::ObjectStore* store, const ParallelListOptions& options,
                    const std::function<bool(std::vector<store::ObjectInfo>&&)>& emit,
                    ParallelListStats* stats = nullptr);

}  // namespace stocktake::inventory
