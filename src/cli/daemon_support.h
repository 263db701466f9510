// What long-running subcommands share: parsing --listen HOST:PORT and
// waiting for SIGINT/SIGTERM without racing the threads they start.
// (`serve` keeps its own copies for now; both follow the same rules.)
#pragma once

#include <signal.h>

#include <string>

#include "base/status.h"
#include "server/http_server.h"

namespace stocktake::cli {

// Fills options->host and options->port. InvalidArgument naming the text
// for anything but HOST:PORT with PORT 0-65535.
Status ParseListenAddress(const std::string& text, server::HttpServerOptions* options);

// Blocks SIGINT/SIGTERM in this thread (and the threads it starts later) so
// that only Wait() sees them; restores the old mask on destruction.
// Construct before starting any thread. Not thread-safe.
class TerminationSignals {
 public:
  TerminationSignals();
  ~TerminationSignals();
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;
  // True when SIGINT or SIGTERM arrived within `timeout_ms`.
  bool Wait(int timeout_ms) const;

 private:
  sigset_t set_;
  sigset_t old_;
};

}  // namespace stocktake::cli
