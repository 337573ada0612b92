// Reductions on (N, 768) float32: docs/performance.md 6, goals C5 (CPU vs NumPy) and G5 (GPU
// bandwidth), on every available device and timing mode. Names follow bench/README
// (`<op>/<dtype>/<size>/<device>/<mode>`) so the main job's workloads.hpp finds them. NumPy in
// the same run: bench/run_reduce_vs_numpy.sh.
#include <benchmark/benchmark.h>

#include <functional>
#include <string>

#include "support/bench_util.hpp"

namespace {

using Op = std::function<nd::Array(const nd::Array&)>;

void add(const std::string& op, int64_t rows, Op fn) {
  const std::string name = op + "/f32/" + std::to_string(rows) + "x768";
  ndbench::register_pair(name, [rows, fn](nd::Device dev) {
    nd::random::seed(0);
    nd::Array x = nd::random::randn({rows, 768}, nd::float32, dev);
    return ndbench::Case{[x, fn] { benchmark::DoNotOptimize(fn(x).data_ptr()); }, static_cast<double>(x.nbytes())};
  });
}

const bool registered = [] {
  for (int64_t rows : {1000, 100000}) {
    add("sum_rows", rows, [](const nd::Array& x) { return x.sum(1); });
    add("mean_rows", rows, [](const nd::Array& x) { return x.mean(1); });
    add("std_rows", rows, [](const nd::Array& x) { return x.std(1); });
    add("max_rows", rows, [](const nd::Array& x) { return x.max(1); });
    add("argmax_rows", rows, [](const nd::Array& x) { return x.argmax(1); });
    add("norm_rows", rows, [](const nd::Array& x) { return nd::linalg::norm(x, 1); });
    add("sum_all", rows, [](const nd::Array& x) { return x.sum(); });
    add("sum_cols", rows, [](const nd::Array& x) { return x.sum(0); });
    add("std_cols", rows, [](const nd::Array& x) { return x.std(0); });
  }
  return true;
}();

}  // namespace
