// The AI workloads of the tutorial on every device: fused row ops (z-score, L2 normalise,
// softmax), top-k, cosine search (nearest), attention and k-means. Names follow bench/README
// (`<op>/<dtype>/<size>/<device>`) so the main job's workloads.hpp finds them.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>
#include <string>

#include <ndgpu/ndgpu.hpp>

namespace {

using nd::Array;
using nd::Device;

// Times fn() per iteration (enqueue + synchronise), so GPU numbers include the kernel.
void timed(benchmark::State& st, Device dev, const std::function<void()>& fn) {
  fn();  // warm-up: page faults, pools, BLAS threads
  nd::synchronize(dev);
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    nd::synchronize(dev);
    st.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
}

Array rand(const nd::Shape& s, Device dev) { return nd::random::rand(s, nd::float32, dev); }

void register_on_devices(const std::string& name, std::function<void(benchmark::State&, Device)> body) {
  for (Device dev : {Device::cpu(), Device::cuda(0)}) {
    if (!nd::device_available(dev)) continue;
    const std::string dn = dev.is_cpu() ? "cpu" : "cuda0";
    benchmark::RegisterBenchmark((name + "/" + dn).c_str(), [body, dev](benchmark::State& st) { body(st, dev); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
}

void row_op(const std::string& op, int64_t rows, int64_t cols) {
  const std::string name = op + "/f32/" + std::to_string(rows) + "x" + std::to_string(cols);
  register_on_devices(name, [op, rows, cols](benchmark::State& st, Device dev) {
    nd::random::seed(0);
    Array x = rand({rows, cols}, dev);
    timed(st, dev, [&] {
      Array y = op == "zscore" ? nd::standardize(x, 1) : op == "l2norm" ? nd::normalize(x, 1) : nd::softmax(x, -1);
      benchmark::DoNotOptimize(y.data_ptr());
    });
    st.SetBytesProcessed(st.iterations() * 2 * rows * cols * 4);
  });
}

const bool registered = [] {
  row_op("zscore", 1000, 768);
  row_op("zscore", 100000, 768);
  row_op("l2norm", 100000, 768);
  row_op("softmax", 8192, 1024);
  row_op("softmax", 16384, 2048);

  for (int64_t q : {1, 32}) {  // top-10 of precomputed scores (C9)
    const std::string name = q == 1 ? "topk/f32/100000" : "topk/f32/32x100000";
    register_on_devices(name, [q](benchmark::State& st, Device dev) {
      nd::random::seed(1);
      Array s = q == 1 ? rand({100000}, dev) : rand({q, 100000}, dev);
      timed(st, dev, [&] { benchmark::DoNotOptimize(nd::topk(s, 10).second.data_ptr()); });
    });
  }

  for (int64_t q : {1, 32}) {  // cosine scores against raw documents (norms recomputed) + top-10
    register_on_devices("cosine_topk/f32/" + std::to_string(q) + "x100000x768", [q](benchmark::State& st, Device dev) {
      nd::random::seed(2);
      Array docs = rand({100000, 768}, dev);
      Array queries = q == 1 ? rand({768}, dev) : rand({q, 768}, dev);
      timed(st, dev, [&] { benchmark::DoNotOptimize(nd::nearest(queries, docs, 10).indices.data_ptr()); });
      st.SetBytesProcessed(st.iterations() * 100000 * 768 * 4);
    });
  }

  register_on_devices("attention/f32/8x2048x128", [](benchmark::State& st, Device dev) {
    nd::random::seed(3);
    Array q = rand({8, 2048, 128}, dev), k = rand({8, 2048, 128}, dev), v = rand({8, 2048, 128}, dev);
    timed(st, dev, [&] { benchmark::DoNotOptimize(nd::attention(q, k, v).data_ptr()); });
  });

  register_on_devices("kmeans/f32/10000x768k8", [](benchmark::State& st, Device dev) {
    nd::random::seed(4);
    Array x = rand({10000, 768}, dev);
    timed(st, dev, [&] { benchmark::DoNotOptimize(nd::kmeans(x, 8, {.iters = 10, .seed = 0}).labels.data_ptr()); });
  });
  return true;
}();

}  // namespace
