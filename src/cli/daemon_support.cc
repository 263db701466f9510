#include "cli/daemon_support.h"

#include <pthread.h>

#include <ctime>
#include <stdexcept>

namespace stocktake::cli {

Status ParseListenAddress(const std::string& text, server::HttpServerOptions* options) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("--listen must be HOST:PORT, not '" + text + "'");
  }
  options->host = text.substr(0, colon);
  try {
    size_t used = 0;
    options->port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || options->port < 0 || options->port > 65535) {
      throw std::out_of_range("port");
    }
  } catch (const std::exception&) {
    return InvalidArgument("--listen port must be 0-65535 in '" + text + "'");
  }
  return Status::OK();
}

TerminationSignals::TerminationSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
}

TerminationSignals::~TerminationSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

bool TerminationSignals::Wait(int timeout_ms) const {
  timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
  return sigtimedwait(&set_, nullptr, &timeout) > 0;
}

}  // namespace stocktake::cli
