#include "cpu/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace nd::cpu {
namespace {

thread_local bool t_in_worker = false;

// Spins on `ready` for about 0.1 ms (pause loop), then reports whether it became true. Back-to-back
// ops then start without a futex wake-up on either side: 10-20 us of context switches each time
// was a third of a 1e6-element add (perf: finish_task_switch, _raw_spin_unlock_irqrestore).
template <class Ready>
bool spin_until(Ready ready) {
  for (int i = 0; i < 4096; ++i) {
    if (ready()) return true;
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
  }
  return ready();
}

// Workers wait for a job generation, run their chunk, and report back.
class Pool {
 public:
  explicit Pool(int n) : n_(n) {
    for (int i = 1; i < n_; ++i) threads_.emplace_back([this, i] { work(i); });
    for (auto& t : threads_) t.detach();  // never joined: the pool lives as long as the process
  }
  int size() const { return n_; }

  void run(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
    std::lock_guard<std::mutex> serial(run_mu_);  // one parallel region at a time
    {
      std::unique_lock<std::mutex> lock(mu_);
      fn_ = &fn;
      total_ = n;
      pending_.store(n_ - 1, std::memory_order_relaxed);
      error_ = nullptr;
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();  // the workers that stopped spinning
    run_chunk(0);
    if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mu_);
      done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void run_chunk(int i) {
    int64_t b = total_ * i / n_, e = total_ * (i + 1) / n_;
    try {
      if (b < e) (*fn_)(b, e);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_) error_ = std::current_exception();
    }
  }
  void work(int i) {
    t_in_worker = true;
    uint64_t seen = 0;
    for (;;) {
      if (!spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      }
      seen = generation_.load(std::memory_order_acquire);
      run_chunk(i);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mu_);  // the caller may be about to sleep on done_
        done_.notify_one();
      }
    }
  }

  int n_;
  std::vector<std::thread> threads_;
  std::mutex run_mu_, mu_;
  std::condition_variable cv_, done_;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t total_ = 0;
  std::atomic<int> pending_{0};
  std::atomic<uint64_t> generation_{0};
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool* p = new Pool(num_threads());
  return *p;
}

}  // namespace

int num_threads() {
  static const int n = [] {
    if (const char* e = std::getenv("NDGPU_NUM_THREADS"); e && std::atoi(e) > 0)
      return std::atoi(e);
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }();
  return n;
}

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (t_in_worker || num_threads() == 1 || n < 2 * std::max<int64_t>(grain, 1)) {
    fn(0, n);
    return;
  }
  t_in_worker = true;  // a nested parallel_for from this caller runs inline
  try {
    pool().run(n, fn);
  } catch (...) {
    t_in_worker = false;
    throw;
  }
  t_in_worker = false;
}

}  // namespace nd::cpu
