#include "cli/main_command.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace stocktake::cli {
namespace {

// Errors are one line whatever they quote: control characters in names
// (a newline in a file name) are written as C escapes.
std::string OneLine(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (unsigned char c : message) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}


// CLI11 reports "A subcommand is required" before it looks at leftover
// words, so `stocktake frob` would not name the word it did not know.
std::string ParseErrorMessage(const CLI::App& app, const CLI::ParseError& error) {
  std::vector<std::string> unknown = app.remaining(true);
  if (!unknown.empty() && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    return "unknown command or argument '" + unknown.front() + "' (see --help)";
  }
  return error.what();
}

}  // namespace

void PrintError(const std::string& message) {
  std::fprintf(stderr, "stocktake: %s\n", OneLine(message).c_str());
}

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
  RegisterServe(&app, &globals, &action);
  RegisterCat(&app, &globals, &action);
  RegisterNotify(&app, &globals, &action);
  RegisterRuns(&app, &globals, &action);
  RegisterRegisterCommand(&app, &globals, &action);
  RegisterDdl(&app, &globals, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    PrintError(ParseErrorMessage(app, e));
    return kExitUsage;
  }
  if (!action) {
    PrintError("nothing to do");
    return kExitUsage;
  }
  Status st = action();
  if (!st.ok()) {
    if (st.code() != Code::kCancelled) {
      PrintError(st.message());
    }
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace stocktake::cli
