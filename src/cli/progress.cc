#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace stocktake::cli {
namespace {

int64_t MonoMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string HumanBytes(int64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), unit == 0 ? "%.0f %s" : "%.1f %s", v, kUnits[unit]);
  return buf;
}

Progress::Progress(bool quiet) : enabled_(!quiet && isatty(STDERR_FILENO)) {}

Progress::~Progress() { Done(); }

void Progress::Start(std::string label, int64_t total) {
  std::lock_guard lock(mu_);
  label_ = std::move(label);
  total_ = total;
  done_ = bytes_ = 0;
  start_ms_ = MonoMillis();
  last_draw_ms_ = 0;
}

void Progress::Update(int64_t done, int64_t bytes) {
  std::lock_guard lock(mu_);
  done_ = done;
  bytes_ = bytes;
  Draw(false);
}

void Progress::Done() {
  std::lock_guard lock(mu_);
  if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

void Progress::Draw(bool force) {
  if (!enabled_) return;
  int64_t now = MonoMillis();
  if (!force && now - last_draw_ms_ < 100) return;
  last_draw_ms_ = now;
  double secs = static_cast<double>(now - start_ms_) / 1000.0;
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
  char bar[64] = "";
  if (total_ > 0) {
    int filled = static_cast<int>(20.0 * static_cast<double>(done_) / static_cast<double>(total_));
    if (filled > 20) filled = 20;
    int i = 0;
    bar[i++] = '[';
    for (int k = 0; k < 20; ++k) bar[i++] = k < filled ? '#' : '.';
    bar[i++] = ']';
    bar[i++] = ' ';
    bar[i] = 0;
  }
  std::string eta;
  if (total_ > 0 && rate > 0 && done_ < total_) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), " ETA %.0fs", static_cast<double>(total_ - done_) / rate);
    eta = buf;
  }
  std::fprintf(stderr, "\r\033[K%s %s%lld objects, %s, %.0f/s, %.1fs%s", label_.c_str(), bar,
               static_cast<long long>(done_), HumanBytes(bytes_).c_str(), rate, secs, eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace stocktake::cli
