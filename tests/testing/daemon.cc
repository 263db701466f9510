#include "testing/daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace stocktake::testing {
namespace {

// Waits for the child, at most `timeout_seconds`; its status or -1.
int WaitBounded(pid_t pid, int timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0) return -1;
    poll(nullptr, 0, 10);  // child state has no fd to wait on
  }
  return -1;
}

}  // namespace

std::unique_ptr<Daemon> Daemon::Start(const std::vector<std::string>& args,
                                      const std::string& log_dir, int timeout_seconds,
                                      const std::vector<std::pair<std::string, std::string>>& env) {
  const std::string log_path = log_dir + "/daemon.log";
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return nullptr;
  const pid_t pid = fork();
  if (pid == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out_pipe[1], 1);
    if (log >= 0) dup2(log, 2);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(STOCKTAKE_BINARY));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd fd{out_pipe[0], POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    char buf[256];
    const ssize_t n = read(out_pipe[0], buf, sizeof(buf));
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  const std::string prefix = "listening on ";
  const size_t eol = line.find('\n');
  if (eol == std::string::npos || line.rfind(prefix, 0) != 0) {
    std::fprintf(stderr, "daemon did not start: stdout '%s'\n", line.c_str());
    kill(pid, SIGKILL);
    WaitBounded(pid, 10);
    close(out_pipe[0]);
    std::ifstream log(log_path);
    std::stringstream text;
    text << log.rdbuf();
    std::fprintf(stderr, "daemon log:\n%s\n", text.str().c_str());
    return nullptr;
  }
  return std::unique_ptr<Daemon>(
      new Daemon(pid, out_pipe[0], line.substr(prefix.size(), eol - prefix.size()), log_path));
}

Daemon::~Daemon() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitBounded(pid_, 10);
  }
  close(stdout_fd_);
}

int Daemon::Stop(int timeout_seconds) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int code = WaitBounded(pid_, timeout_seconds);
  if (code == -1) {
    kill(pid_, SIGKILL);
    WaitBounded(pid_, 10);
  }
  pid_ = -1;
  return code;
}

long Daemon::ResidentKib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string word;
  while (status >> word) {
    if (word == "VmRSS:") {
      long kib = -1;
      status >> kib;
      return kib;
    }
  }
  return -1;
}

std::string Daemon::Log() const {
  std::ifstream log(log_path_);
  std::stringstream text;
  text << log.rdbuf();
  return text.str();
}

}  // namespace stocktake::testing
