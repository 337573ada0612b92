// Matrix products on every device: square float32 matmul (BLAS through the library wrapper) and a
// batched one; names `matmul/f32/<n>/<device>` as bench/README and workloads.hpp expect.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include <ndgpu/ndgpu.hpp>

namespace {

void matmul_body(benchmark::State& st, nd::Device dev, int64_t batch, int64_t n) {
  nd::random::seed(5);
  nd::Shape s = batch ? nd::Shape{batch, n, n} : nd::Shape{n, n};
  nd::Array a = nd::random::rand(s, nd::float32, dev), b = nd::random::rand(s, nd::float32, dev);
  benchmark::DoNotOptimize(nd::matmul(a, b).data_ptr());  // warm-up
  nd::synchronize(dev);
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    nd::Array c = nd::matmul(a, b);
    nd::synchronize(dev);
    st.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(c.data_ptr());
  }
  st.counters["GFLOP/s"] = benchmark::Counter(2.0 * std::max<int64_t>(batch, 1) * n * n * n * st.iterations(),
                                              benchmark::Counter::kIsRate);
}

const bool registered = [] {
  for (nd::Device dev : {nd::Device::cpu(), nd::Device::cuda(0)}) {
    if (!nd::device_available(dev)) continue;
    const std::string dn = dev.is_cpu() ? "cpu" : "cuda0";
    for (int64_t n : {256, 1024, 4096})
      benchmark::RegisterBenchmark(("matmul/f32/" + std::to_string(n) + "/" + dn).c_str(),
                                   [dev, n](benchmark::State& st) { matmul_body(st, dev, 0, n); })
          ->UseManualTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("matmul_batched/f32/64x128/" + dn).c_str(),
                                 [dev](benchmark::State& st) { matmul_body(st, dev, 64, 128); })
        ->UseManualTime()->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
