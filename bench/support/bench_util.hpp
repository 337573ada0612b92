// Shared by the bench_*.cpp files (docs/style.md 3): each workload is a setup returning the call to
// time; register_pair registers it once per available device and timing mode (modes.hpp) with
// manual time, and times the call as that mode says.
#pragma once
#include <benchmark/benchmark.h>

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <ndgpu/ndgpu.hpp>

#include "support/modes.hpp"

namespace ndbench {

// One workload on one device, built by its setup: the call to time (owning its inputs) and its
// compulsory work per call, for the rate counters.
struct Case {
  std::function<void()> call;
  double bytes = 0;  // inputs read once + outputs written once (STREAM convention)
  double flops = 0;
};
using Setup = std::function<Case(nd::Device)>;

// "cpu", "cuda0": the device component of every benchmark name (bench/README.md).
inline std::string device_tag(nd::Device d) {
  return d.is_cpu() ? "cpu" : "cuda" + std::to_string(d.index);
}

// Every registration made by register_pair, by full name: the main job sets each one's sample
// length per mode (Google Benchmark has no per-run flags).
inline std::map<std::string, benchmark::internal::Benchmark*>& registry() {
  static std::map<std::string, benchmark::internal::Benchmark*> r;
  return r;
}

// The last Case built, reused while the same workload and device run again (Google Benchmark
// calls a registration once per repetition and per iteration-count trial, and each mode is its
// own registration): inputs of 300 MB take longer to fill than to time. One entry, so memory
// holds one workload's inputs. Never destroyed (GPU arrays must not outlive the CUDA runtime
// at exit); release_cached() frees it.
struct CaseCache {
  std::string key;
  std::unique_ptr<Case> value;
};
inline CaseCache& case_cache() {
  static auto* c = new CaseCache;
  return *c;
}
inline void release_cached() {
  case_cache().value.reset();
  case_cache().key.clear();
}

// The Case of `key` on `dev`: cached, or built and warmed up (one call: page faults, pools, BLAS
// threads, first-use kernel setup) and synchronised.
inline Case& cached_case(const std::string& key, nd::Device dev, const Setup& setup) {
  CaseCache& c = case_cache();
  if (c.key != key || !c.value) {
    release_cached();  // before the new inputs exist
    c.value = std::make_unique<Case>(setup(dev));
    c.value->call();
    nd::synchronize(dev);
    c.key = key;
  }
  return *c.value;
}

// Runs fn once per iteration and sets each iteration's manual time by mode (host clock):
//   latency:    fn + nd::synchronize, per call;
//   throughput: up to kMaxInFlight calls back to back, then one synchronise; the batch's time goes
//               to its last iteration (0 to the others), so the total / iterations is per call;
//   enqueue:    fn alone; the synchronise every kMaxInFlight calls is outside the timed region.
// Every mode synchronises on the last iteration, so no work leaks into the next benchmark.
// Returns the total timed seconds of device work (for rate counters: Google Benchmark's own rates
// divide by CPU time), or 0 in enqueue mode, which times the host only.
inline double timed(benchmark::State& st, nd::Device dev, Mode mode, const std::function<void()>& fn) {
  using clock = std::chrono::steady_clock;
  auto seconds_since = [](clock::time_point t0) {
    return std::chrono::duration<double>(clock::now() - t0).count();
  };
  double total = 0;
  int in_flight = 0;
  benchmark::IterationCount done = 0;
  clock::time_point batch_start;
  for (auto _ : st) {
    const bool last = ++done == st.max_iterations;
    double t = 0;
    if (mode == Mode::latency) {
      const auto t0 = clock::now();
      fn();
      nd::synchronize(dev);
      t = seconds_since(t0);
    } else if (mode == Mode::throughput) {
      if (in_flight++ == 0) batch_start = clock::now();
      fn();
      if (in_flight == kMaxInFlight || last) {
        nd::synchronize(dev);
        t = seconds_since(batch_start);
        in_flight = 0;
      }
    } else {
      const auto t0 = clock::now();
      fn();
      t = seconds_since(t0);
      if (++in_flight == kMaxInFlight || last) {
        nd::synchronize(dev);  // untimed
        in_flight = 0;
      }
    }
    st.SetIterationTime(t);
    total += t;
  }
  return mode == Mode::enqueue ? 0 : total;
}

// STREAM-like add c = a + b over 3 x 2e7 floats on every hardware thread (huge pages, first touch
// by the thread that streams its chunk), median of 5, measured once per process: the CPU
// denominator of the pct_stream counter, so each ratio comes from the same run
// (docs/performance.md 3).
inline double cpu_stream_add_gbs() {
  static const double gbs = [] {
    const size_t n = 20'000'000, bytes = (n * 4 + (2u << 20) - 1) & ~size_t((2u << 20) - 1);
    float* p[3];
    for (auto& q : p) {
      void* m = nullptr;
      if (posix_memalign(&m, 2u << 20, bytes) != 0) return 0.0;
      madvise(m, bytes, MADV_HUGEPAGE);
      q = static_cast<float*>(m);
    }
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto run = [&](auto fn) {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t)
        pool.emplace_back([=] { fn(n * t / threads, n * (t + 1) / threads); });
      for (auto& th : pool) th.join();
    };
    float *a = p[0], *b = p[1], *c = p[2];
    run([=](size_t lo, size_t hi) { for (size_t i = lo; i < hi; ++i) a[i] = 1.f, b[i] = 2.f, c[i] = 0.f; });
    std::vector<double> samples;
    for (int rep = 0; rep < 5; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      run([=](size_t lo, size_t hi) { for (size_t i = lo; i < hi; ++i) c[i] = a[i] + b[i]; });
      samples.push_back(3.0 * n * 4 / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 1e9);
    }
    for (float* q : p) std::free(q);
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
  }();
  return gbs;
}

// Bytes counters: compulsory traffic per call (STREAM convention) as GB/s over the manual time,
// and on the CPU its share of the same-run STREAM-like bandwidth (pct_stream). No rates when
// seconds is 0 (enqueue mode).
inline void set_bytes(benchmark::State& st, nd::Device dev, double bytes_per_call, double seconds) {
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * bytes_per_call));
  if (seconds <= 0) return;
  const double gbs = bytes_per_call * static_cast<double>(st.iterations()) / seconds / 1e9;
  st.counters["GBps"] = gbs;
  if (dev.is_cpu()) {
    st.counters["stream_GBps"] = cpu_stream_add_gbs();
    st.counters["pct_stream"] = 100 * gbs / cpu_stream_add_gbs();
  }
}

// GFLOP/s counter over the timed seconds (none in enqueue mode).
inline void set_flops(benchmark::State& st, double flops_per_call, double seconds) {
  if (seconds > 0) st.counters["GFLOPps"] = flops_per_call * static_cast<double>(st.iterations()) / seconds / 1e9;
}

// Registers `<name>/<device>/<mode>` for device cpu and, when a GPU is usable, cuda0, and for
// every mode; all of them share one Case per device through the cache.
inline void register_pair(const std::string& name, Setup setup, bool cpu_only = false) {
  for (nd::Device dev : {nd::Device::cpu(), nd::Device::cuda(0)}) {
    if (!nd::device_available(dev) || (cpu_only && !dev.is_cpu())) continue;
    const std::string key = name + "/" + device_tag(dev);
    for (Mode mode : kModes) {
      const std::string full = key + "/" + std::string(mode_name(mode));
      auto run = [key, setup, dev, mode](benchmark::State& st) {
        Case& c = cached_case(key, dev, setup);
        const double s = timed(st, dev, mode, c.call);
        if (c.bytes > 0) set_bytes(st, dev, c.bytes, s);
        if (c.flops > 0) set_flops(st, c.flops, s);
      };
      registry()[full] =
          benchmark::RegisterBenchmark(full.c_str(), run)->UseManualTime()->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace ndbench
