#include "cli/main_command.h"

#include <cstdio>

namespace stocktake::cli {

int Main(int argc, char** argv) {
  std::fprintf(stderr, "stocktake: not built yet\n");
  return 2;
}

}  // namespace stocktake::cli
