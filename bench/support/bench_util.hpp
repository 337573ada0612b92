// Shared by the bench_*.cpp files (STYLE.md 3.6): register one body per available device with
// manual time, and time one call as enqueue + synchronise (so a GPU time includes its kernels).
#pragma once
#include <benchmark/benchmark.h>

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <ndgpu/ndgpu.hpp>

namespace ndbench {

using Body = std::function<void(benchmark::State&, nd::Device)>;

// "cpu", "cuda0": the device suffix of every benchmark name (bench/README.md).
inline std::string device_tag(nd::Device d) {
  return d.is_cpu() ? "cpu" : "cuda" + std::to_string(d.index);
}

// Registers `<name>/cpu` and, when a GPU is usable, `<name>/cuda0`.
inline void register_pair(const std::string& name, Body body, bool cpu_only = false) {
  for (nd::Device dev : {nd::Device::cpu(), nd::Device::cuda(0)}) {
    if (!nd::device_available(dev) || (cpu_only && !dev.is_cpu())) continue;
    benchmark::RegisterBenchmark((name + "/" + device_tag(dev)).c_str(),
                                 [body, dev](benchmark::State& st) { body(st, dev); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
}

// Runs fn once to warm up (page faults, pools, BLAS threads), then once per iteration, timing
// enqueue + nd::synchronize(dev) with the host clock.
// Returns the total timed seconds (for rate counters: Google Benchmark's own rates divide by CPU
// time, not by the manual time).
inline double timed(benchmark::State& st, nd::Device dev, const std::function<void()>& fn) {
  fn();
  nd::synchronize(dev);
  double total = 0;
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    nd::synchronize(dev);
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    st.SetIterationTime(t);
    total += t;
  }
  return total;
}

// STREAM-like add c = a + b over 3 x 2e7 floats on every hardware thread (huge pages, first touch
// by the thread that streams its chunk), median of 5, measured once per process: the CPU
// denominator of the pct_stream counter, so each ratio comes from the same run (PERFORMANCE.md).
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
// and on the CPU its share of the same-run STREAM-like bandwidth (pct_stream).
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

}  // namespace ndbench
