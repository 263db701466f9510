#include <malloc.h>

#include "cli/main_command.h"

int main(int argc, char** argv) {
  // Listing pages come and go as ~0.5 MB vectors of ObjectInfo. With glibc's
  // defaults each one is mmap'ed or trimmed back to the kernel and faulted in
  // again: half of a scan's CPU went to page faults (measured: 50k faults and
  // 1.6 s CPU for 200k keys, 2k faults and 0.8 s with these settings). Memory
  // stays bounded by the pipeline's queues either way.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  return stocktake::cli::Main(argc, argv);
}
