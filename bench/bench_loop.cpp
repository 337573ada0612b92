// Exercise 3 of the tutorial: an element-by-element loop against the vectorised op, at 1e6.
// The loops mirror the tutorial's Python (`result.append(arr1[i] + arr2[i])`): one through the
// Array API (each element read as a 0-d view + item), one over plain std::vectors. They run on
// the CPU only: a per-element device round trip on a GPU would take minutes. The vectorised
// `a + b` is the elementwise benchmark add/f32/1000000.
#include <chrono>
#include <vector>

#include "support/bench_util.hpp"

namespace {

constexpr int64_t kN = 1'000'000;

void BM_LoopArrayApi(benchmark::State& st) {
  nd::random::seed(0);
  nd::Array a = nd::random::rand({kN}, nd::float32, nd::Device::cpu());
  nd::Array b = nd::random::rand({kN}, nd::float32, nd::Device::cpu());
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<float> result;
    for (int64_t i = 0; i < kN; ++i) result.push_back(a[i].item<float>() + b[i].item<float>());
    benchmark::DoNotOptimize(result.data());
    st.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  st.SetBytesProcessed(st.iterations() * 3 * kN * 4);
}

void BM_LoopStdVector(benchmark::State& st) {
  nd::random::seed(0);
  std::vector<float> a = nd::random::rand({kN}, nd::float32, nd::Device::cpu()).to_vector<float>();
  std::vector<float> b = nd::random::rand({kN}, nd::float32, nd::Device::cpu()).to_vector<float>();
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<float> result;
    for (size_t i = 0; i < a.size(); ++i) result.push_back(a[i] + b[i]);
    benchmark::DoNotOptimize(result.data());
    st.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  st.SetBytesProcessed(st.iterations() * 3 * kN * 4);
}

// The Array-API loop takes about a second a call: a few single-iteration samples are enough.
// Latency mode only: each call is a synchronous CPU loop, so the other modes would time the same.
const bool registered = [] {
  benchmark::RegisterBenchmark("loop_array_api/f32/1000000/cpu/latency", BM_LoopArrayApi)
      ->UseManualTime()->Iterations(1)->Repetitions(3)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("loop_std_vector/f32/1000000/cpu/latency", BM_LoopStdVector)
      ->UseManualTime()->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
