// A small persistent thread pool. One parallel call at a time: a call that finds the
// pool busy (another user thread) runs on its own thread instead of waiting.
#include "kernels/parallel.hpp"

#include <activ/threads.hpp>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace activ::detail {
namespace {

// Below this many elements per extra thread, waking a worker (a few microseconds)
// costs more than it saves even for relu at memory speed (~0.1 ns per element).
constexpr std::size_t kMinChunk = std::size_t{1} << 16;
constexpr std::size_t kAlign = 64;

std::atomic<int> g_threads{std::max(1, static_cast<int>(std::thread::hardware_concurrency()))};

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // Runs task(i) for every i in [0, tasks); returns when all have run.
  bool try_run(std::size_t tasks, const std::function<void(std::size_t)>& task) {
    std::unique_lock call(call_mutex_, std::try_to_lock);
    if (!call.owns_lock()) return false;
    while (workers_.size() + 1 < tasks) workers_.emplace_back([this] { worker(); });
    {
      std::lock_guard lock(mutex_);
      task_ = &task;
      tasks_.store(tasks);
      next_.store(0);
      done_ = 0;
      ++generation_;
    }
    wake_.notify_all();
    work();
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [&] { return done_ == tasks; });
    task_ = nullptr;
    next_.store(kIdle);  // a worker waking late finds nothing to claim
    return true;
  }

 private:
  void worker() {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      work();
    }
  }

  void work() {
    for (;;) {
      const std::size_t i = next_.fetch_add(1);
      if (i >= tasks_.load()) return;
      const std::function<void(std::size_t)>* task;
      {
        std::lock_guard lock(mutex_);
        task = task_;
      }
      (*task)(i);
      std::lock_guard lock(mutex_);
      if (++done_ == tasks_.load()) finished_.notify_one();
    }
  }

  std::mutex call_mutex_;  // one parallel call at a time
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::vector<std::thread> workers_;
  const std::function<void(std::size_t)>* task_ = nullptr;
  static constexpr std::size_t kIdle = ~std::size_t{0} / 2;
  std::atomic<std::size_t> tasks_{0}, next_{kIdle};
  std::size_t done_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body) {
  const std::size_t threads = static_cast<std::size_t>(g_threads.load());
  const std::size_t tasks = std::min(threads, n / kMinChunk);
  if (tasks < 2) return body(0, n);
  // Equal chunks, rounded to kAlign elements; the last takes the remainder.
  const std::size_t chunk = (n / tasks + kAlign - 1) / kAlign * kAlign;
  const std::function<void(std::size_t)> task = [&](std::size_t i) {
    const std::size_t begin = std::min(n, i * chunk), end = std::min(n, begin + chunk);
    if (begin < end) body(begin, end);
  };
  if (!pool().try_run(tasks, task)) body(0, n);
}

}  // namespace activ::detail

namespace activ {

void set_num_threads(int n) {
  if (n < 1) throw std::invalid_argument("set_num_threads: need at least 1 thread, got " + std::to_string(n));
  detail::g_threads.store(n);
}

int num_threads() noexcept { return detail::g_threads.load(); }

}  // namespace activ
