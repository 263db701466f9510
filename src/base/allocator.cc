#include "base/allocator.h"

#include <malloc.h>

namespace stocktake {

void ConfigureAllocator() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

}  // namespace stocktake
