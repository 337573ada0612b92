// Matrix products on every device and timing mode: square float32 matmul (BLAS through the
// library wrapper) and a batched one; names `matmul/f32/<n>/<device>/<mode>` as bench/README and
// workloads.hpp expect.
#include <algorithm>
#include <string>

#include "support/bench_util.hpp"

namespace {

void matmul(const std::string& name, int64_t batch, int64_t n) {
  ndbench::register_pair(name, [batch, n](nd::Device dev) {
    nd::random::seed(5);
    nd::Shape s = batch ? nd::Shape{batch, n, n} : nd::Shape{n, n};
    nd::Array a = nd::random::rand(s, nd::float32, dev), b = nd::random::rand(s, nd::float32, dev);
    return ndbench::Case{.call = [a, b] { benchmark::DoNotOptimize(nd::matmul(a, b).data_ptr()); },
                         .flops = 2.0 * std::max<int64_t>(batch, 1) * n * n * n};
  });
}

const bool registered = [] {
  for (int64_t n : {256, 1024, 4096}) matmul("matmul/f32/" + std::to_string(n), 0, n);
  matmul("matmul_batched/f32/64x128", 64, 128);
  return true;
}();

}  // namespace
