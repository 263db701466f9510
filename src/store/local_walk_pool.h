// WalkPool: a fixed set of threads running LocalStore's folder-walk tasks
// (read a folder, stat a run of files). Threads start on the first Submit,
// so a store that never lists starts none. Tasks run in submission order
// (FIFO) on whichever thread is free; a task must not block on another
// task. The destructor stops the threads after their current task; tasks
// still queued are destroyed unrun (they own what they need, e.g. through
// shared_ptr). Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace stocktake::store::local {

class WalkPool {
 public:
  explicit WalkPool(int threads);  // threads < 1 counts as 1
  ~WalkPool();
  WalkPool(const WalkPool&) = delete;
  WalkPool& operator=(const WalkPool&) = delete;

  void Submit(std::function<void()> task);
  int threads() const { return threads_; }

 private:
  void Run();

  const int threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;  // started lazily, under mu_
};

}  // namespace stocktake::store::local
