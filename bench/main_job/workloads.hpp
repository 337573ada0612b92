// The main job's report table: one line per tutorial workload, in report order. Each line names a
// Google Benchmark registration (`{dev}` stands for cpu / cuda0, as register_pair names them; the
// main job appends `/<mode>` and runs every timing mode, bench/README.md) and the compulsory
// work of one call, so the report's GB/s or GFLOP/s counts what docs/performance.md 4 counts:
// inputs read once + outputs written once (STREAM convention), or 2*m*n*k FLOPs.
// Adding a workload to the report is adding one line here.
#pragma once
#include <vector>

namespace ndbench {

enum class Unit { bytes, flops, none };

struct Workload {
  const char* section;  // groups rows in the report
  const char* label;    // what the reader sees
  const char* bench;    // Google Benchmark name without the mode, `{dev}` = cpu | cuda0
  Unit unit;
  double work;          // bytes or FLOPs per call (0 with Unit::none)
  bool full_only = false;  // only with --full (too slow for the default run on 2 cores)
};

constexpr double kF32 = 4;
constexpr double kRows = 100000, kDim = 768;
constexpr double bytes(double elems) { return elems * kF32; }
constexpr double gemm(double m, double n, double k) { return 2 * m * n * k; }

inline const std::vector<Workload>& workloads() {
  static const std::vector<Workload> table = {
      // Elementwise (allocating, as the tutorial writes them): 2 reads + 1 write, or 1 + 1.
      {"elementwise", "a + b (1e3)", "add/f32/1000/{dev}", Unit::bytes, bytes(3e3)},
      {"elementwise", "a + b (1e6)", "add/f32/1000000/{dev}", Unit::bytes, bytes(3e6)},
      {"elementwise", "a + b (1e7)", "add/f32/10000000/{dev}", Unit::bytes, bytes(3e7)},
      {"elementwise", "a * b (1e7)", "mul/f32/10000000/{dev}", Unit::bytes, bytes(3e7)},
      {"elementwise", "a ** 2 (1e7)", "square/f32/10000000/{dev}", Unit::bytes, bytes(2e7)},
      {"elementwise", "sqrt(a) (1e7)", "sqrt/f32/10000000/{dev}", Unit::bytes, bytes(2e7)},
      {"elementwise", "exp(a) (1e3)", "exp/f32/1000/{dev}", Unit::bytes, bytes(2e3)},
      {"elementwise", "exp(a) (1e6)", "exp/f32/1000000/{dev}", Unit::bytes, bytes(2e6)},
      {"elementwise", "exp(a) (1e7)", "exp/f32/10000000/{dev}", Unit::bytes, bytes(2e7)},
      {"elementwise", "log(a) (1e7)", "log/f32/10000000/{dev}", Unit::bytes, bytes(2e7)},
      // Broadcast row ops and row normalisation of (100000, 768): 1 read + 1 write (ideal fused).
      {"broadcast", "X + row (100000x768)", "add_row/f32/100000x768/{dev}", Unit::bytes, bytes(2 * kRows * kDim)},
      {"broadcast", "(X-mean)/std (1000x768)", "zscore/f32/1000x768/{dev}", Unit::bytes, bytes(2 * 1000 * kDim)},
      {"broadcast", "(X-mean)/std (100000x768)", "zscore/f32/100000x768/{dev}", Unit::bytes, bytes(2 * kRows * kDim)},
      {"broadcast", "X / norm(X) (100000x768)", "l2norm/f32/100000x768/{dev}", Unit::bytes, bytes(2 * kRows * kDim)},
      // Row reductions along the last axis: 1 read.
      {"reduce", "sum axis=1 (100000x768)", "sum_rows/f32/100000x768/{dev}", Unit::bytes, bytes(kRows * kDim)},
      {"reduce", "mean axis=1", "mean_rows/f32/100000x768/{dev}", Unit::bytes, bytes(kRows * kDim)},
      {"reduce", "max axis=1", "max_rows/f32/100000x768/{dev}", Unit::bytes, bytes(kRows * kDim)},
      {"reduce", "argmax axis=1", "argmax_rows/f32/100000x768/{dev}", Unit::bytes, bytes(kRows * kDim)},
      {"reduce", "std axis=1", "std_rows/f32/100000x768/{dev}", Unit::bytes, bytes(kRows * kDim)},
      {"reduce", "sum (full)", "sum_all/f32/100000x768/{dev}", Unit::bytes, bytes(kRows * kDim)},
      // Cosine similarity (nd::nearest) against 100000 x 768 documents, norms computed in the call,
      // then top-10.
      {"search", "cosine 1 query + top-10", "cosine_topk/f32/1x100000x768/{dev}", Unit::bytes, bytes(kRows * kDim)},
      {"search", "cosine 32 queries + top-10", "cosine_topk/f32/32x100000x768/{dev}", Unit::flops, gemm(32, kRows, kDim)},
      {"search", "top-10 of 100000 scores", "topk/f32/100000/{dev}", Unit::bytes, bytes(kRows)},
      {"search", "top-10 of 32x100000 scores", "topk/f32/32x100000/{dev}", Unit::bytes, bytes(32 * kRows)},
      // Softmax attention softmax(Q K^T / sqrt(d)) V, (H, S, d) = (8, 2048, 128): two batched GEMMs.
      {"attention", "softmax rows (8192x1024)", "softmax/f32/8192x1024/{dev}", Unit::bytes, bytes(2 * 8192.0 * 1024)},
      {"attention", "softmax rows (16384x2048)", "softmax/f32/16384x2048/{dev}", Unit::bytes, bytes(2 * 16384.0 * 2048)},
      {"attention", "attention (8,2048,128)", "attention/f32/8x2048x128/{dev}", Unit::flops, 8 * 2 * gemm(2048, 2048, 128)},
      // Causal (key j > query i masked): half the products' work is needed.
      {"attention", "causal attention (8,2048,128)", "attention_causal/f32/8x2048x128/{dev}", Unit::flops, 8 * gemm(2048, 2048, 128)},
      // Matmul.
      {"matmul", "matmul 1024^3", "matmul/f32/1024/{dev}", Unit::flops, gemm(1024, 1024, 1024)},
      {"matmul", "matmul 4096^3", "matmul/f32/4096/{dev}", Unit::flops, gemm(4096, 4096, 4096), true},
      // k-means (Lloyd), 10000 x 768, k = 8: per iteration the distance GEMM dominates.
      {"kmeans", "k-means 10000x768 k=8", "kmeans/f32/10000x768k8/{dev}", Unit::none, 0},
      // Exercise 3: loop vs vectorised at 1e6 (the loops run on the CPU only).
      {"loop", "loop via Array API (1e6)", "loop_array_api/f32/1000000/{dev}", Unit::none, 0},
      {"loop", "loop over std::vector (1e6)", "loop_std_vector/f32/1000000/{dev}", Unit::none, 0},
      {"loop", "vectorised a + b (1e6)", "add/f32/1000000/{dev}", Unit::bytes, bytes(3e6)},
  };
  return table;
}

}  // namespace ndbench
