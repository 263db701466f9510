#include "base/allocator.h"
#include "cli/main_command.h"

int main(int argc, char** argv) {
  stocktake::ConfigureAllocator();
  return stocktake::cli::Main(argc, argv);
}
