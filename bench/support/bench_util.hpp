// Shared by the bench_*.cpp files (STYLE.md 3.6): register one body per available device with
// manual time, and time one call as enqueue + synchronise (so a GPU time includes its kernels).
#pragma once
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>
#include <string>

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
inline void timed(benchmark::State& st, nd::Device dev, const std::function<void()>& fn) {
  fn();
  nd::synchronize(dev);
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    nd::synchronize(dev);
    st.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
}

}  // namespace ndbench
