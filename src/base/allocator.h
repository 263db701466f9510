// Process-wide allocator settings, applied once at start-up by main() (and by
// the benchmarks, so they measure what the binary does).
//
// Listing pages come and go as ~0.5 MB vectors of ObjectInfo. With glibc's
// defaults each one is mmap'ed, or trimmed back to the kernel when freed, and
// faulted in again: half of an S3 scan's CPU went to page faults (measured:
// 50k faults and 1.6 s CPU for 200k keys; 2k faults and 0.8 s with these
// settings). Memory stays bounded by the pipeline's queues either way; at
// most two malloc arenas keep the listing threads' freed pages shared.
#pragma once

namespace stocktake {

void ConfigureAllocator();

}  // namespace stocktake
