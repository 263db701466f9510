// The subcommands of the stocktake CLI, one file each. A Register function
// adds its subcommand to the app; when the subcommand is chosen, its parse
// callback sets `*action` to the work to run. Actions return a Status that
// Main() prints as one line and maps to an exit code (exit_codes.h).
#pragma once

#include <functional>
#include <string>

#include "base/status.h"

namespace CLI {
class App;
}

namespace stocktake::cli {

struct GlobalFlags {
  std::string state_dir;  // "" = default
  bool quiet = false;
};

using Action = std::function<Status()>;

// Prints "stocktake: <message>" on stderr as exactly one line: control
// characters (a newline in a quoted file name) are written as C escapes.
void PrintError(const std::string& message);

void RegisterScan(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterRun(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterInventory(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterDemo(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterServe(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterCat(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterNotify(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterRuns(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterRegisterCommand(CLI::App* app, GlobalFlags* globals, Action* action);
void RegisterDdl(CLI::App* app, GlobalFlags* globals, Action* action);

}  // namespace stocktake::cli
