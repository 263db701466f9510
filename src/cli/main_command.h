// Entry point of the stocktake command line: parses argv, dispatches to one
// subcommand (one file per subcommand under src/cli/), maps the resulting
// Status to an exit code (see exit_codes.h) and prints one-line errors.
#pragma once

namespace stocktake::cli {

int Main(int argc, char** argv);

}  // namespace stocktake::cli
