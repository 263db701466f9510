// Daemon: a `stocktake serve` child process for end-to-end tests. Start()
// runs STOCKTAKE_BINARY with the given arguments (which should listen on
// 127.0.0.1:0) and waits, bounded, for its first stdout line
// "listening on http://HOST:PORT". Stop() sends SIGTERM and waits, bounded;
// the destructor kills a daemon still running. stderr goes to a file in the
// caller's folder so it never blocks the child. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace stocktake::testing {

class Daemon {
 public:
  // nullptr (with a message on stderr) when the daemon exits or stays silent
  // for `timeout_seconds`. `log_dir` receives daemon.log. `env` is added to
  // (and overrides) the inherited environment.
  static std::unique_ptr<Daemon> Start(
      const std::vector<std::string>& args, const std::string& log_dir, int timeout_seconds = 60,
      const std::vector<std::pair<std::string, std::string>>& env = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT"
  pid_t pid() const { return pid_; }
  // SIGTERM, then waits; the exit code, 128+signal when killed, -1 on timeout
  // (the daemon is then SIGKILLed).
  int Stop(int timeout_seconds = 30);
  // Resident memory of the daemon in KiB (from /proc), -1 if unknown.
  long ResidentKib() const;
  std::string Log() const;

 private:
  Daemon(pid_t pid, int stdout_fd, std::string url, std::string log_path)
      : pid_(pid), stdout_fd_(stdout_fd), url_(std::move(url)), log_path_(std::move(log_path)) {}

  pid_t pid_;
  int stdout_fd_;
  std::string url_;
  std::string log_path_;
};

}  // namespace stocktake::testing
