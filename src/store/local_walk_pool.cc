#include "store/local_walk_pool.h"

#include <algorithm>

namespace stocktake::store::local {

WalkPool::WalkPool(int threads) : threads_(std::max(1, threads)) {}

WalkPool::~WalkPool() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (std::thread& t : workers) t.join();
  tasks_.clear();
}

void WalkPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    if (workers_.size() < static_cast<size_t>(threads_)) {
      // Start all threads at once: a listing wants them all soon.
      for (int i = static_cast<int>(workers_.size()); i < threads_; ++i) {
        workers_.emplace_back([this] { Run(); });
      }
    }
  }
  cv_.notify_one();
}

void WalkPool::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  // Each round runs one task or exits; tasks are finite.
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (stopping_) return;
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // release what it owns outside the lock
    lock.lock();
  }
}

}  // namespace stocktake::store::local
