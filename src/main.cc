#include "cli/main_command.h"

int main(int argc, char** argv) { return stocktake::cli::Main(argc, argv); }
