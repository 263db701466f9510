#include "cli/main_command.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace stocktake::cli {

int Main(int argc, char** argv) {
  CLI::App app{"stocktake: S3 Inventory reports for any S3-compatible store or local folders"};
  app.require_subcommand(1);
  app.fallthrough();  // --state and -q also work after the subcommand
  app.set_version_flag("--version", "stocktake 0.1.0");
  GlobalFlags globals;
  app.add_option("--state", globals.state_dir,
                 "state folder (configs, caches); default $STOCKTAKE_STATE or "
                 "~/.local/state/stocktake");
  app.add_flag("-q,--quiet", globals.quiet, "no progress bar");

  std::function<Status()> action;
  RegisterScan(&app, &globals, &action);
  RegisterRun(&app, &globals, &action);
  RegisterInventory(&app, &globals, &action);
  RegisterDemo(&app, &globals, &action);
  RegisterCat(&app, &globals, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "stocktake: %s\n", e.what());
    return kExitUsage;
  }
  if (!action) {
    std::fprintf(stderr, "stocktake: nothing to do\n");
    return kExitUsage;
  }
  Status st = action();
  if (!st.ok()) {
    if (st.code() != Code::kCancelled) {
      std::fprintf(stderr, "stocktake: %s\n", st.message().c_str());
    }
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace stocktake::cli
