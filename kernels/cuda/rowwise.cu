// CUDA row ops (softmax, log_softmax, L2 normalise, standardise): one block per row (grid-stride
// over rows). The row is read from global memory once: it is staged in shared memory when it
// fits, and statistics come from one pass (online max + sum for softmax, Chan's mean/M2 for
// standardise). Accumulation in float64, reductions in a fixed order (deterministic). float32
// softmax rows take the CPU kernel's path instead (max, then sum of exps: float_softmax_row).
#include <cmath>
#include <type_traits>

#include "common.hpp"
#include "fast_math.hpp"
#include "cuda/block_reduce.cuh"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"
#include "nn_ops.hpp"

namespace nd::cuda {
namespace {

using kern::RowOp;
constexpr int kRowBlock = 256;
constexpr int64_t kMaxCachedBytes = 32 * 1024;

struct RowParams {
  StridedIndexer<2> ix;  // byte offsets of each row's first element (in, out)
  const char* in = nullptr;
  char* out = nullptr;
  int64_t rows = 0, len = 0, in_stride = 1, out_stride = 1;  // axis strides in elements
  RowOp op = RowOp::softmax;
  double eps = 0;
  int64_t causal_offset = -1, causal_rows = 1;
  bool cached = false;
};

// Online softmax state: running max m and sum of exp(x - m).
struct MaxSum {
  double m, s;
};
__device__ __forceinline__ MaxSum shfl_xor(MaxSum v, int o) {
  return {__shfl_xor_sync(kFullMask, v.m, o), __shfl_xor_sync(kFullMask, v.s, o)};
}
__device__ __forceinline__ MaxSum combine(MaxSum a, MaxSum b) {
  if (a.m != a.m || b.m != b.m) return {a.m + b.m, a.s + b.s};  // NaN propagates
  const double m = a.m > b.m ? a.m : b.m;
  if (m == -INFINITY) return {m, 0.0};
  return {m, a.s * exp(a.m - m) + b.s * exp(b.m - m)};
}

// Chan's parallel mean / M2.
struct Moments {
  double n, mean, m2;
};
__device__ __forceinline__ Moments shfl_xor(Moments v, int o) {
  return {__shfl_xor_sync(kFullMask, v.n, o), __shfl_xor_sync(kFullMask, v.mean, o),
          __shfl_xor_sync(kFullMask, v.m2, o)};
}
__device__ __forceinline__ Moments combine(Moments a, Moments b) {
  if (a.n == 0) return b;
  if (b.n == 0) return a;
  const double n = a.n + b.n, delta = b.mean - a.mean;
  return {n, a.mean + delta * (b.n / n), a.m2 + b.m2 + delta * delta * (a.n * b.n / n)};
}

struct MaxSumOp {
  __device__ MaxSum operator()(MaxSum a, MaxSum b) const { return combine(a, b); }
};
struct MomentsOp {
  __device__ Moments operator()(Moments a, Moments b) const { return combine(a, b); }
};
struct SumOp {
  __device__ double operator()(double a, double b) const { return a + b; }
};
struct MaxOp {
  __device__ double operator()(double a, double b) const { return a > b ? a : b; }
};

// float32 softmax / log_softmax: the row max, the sum of kern::exp_f32(x - max) in float64, then
// exp_f32(x - max) * float(1 / sum) or (x - max) - float(log(sum)) in float32: the same operations
// as the CPU kernel (only the summation order differs), with the elementwise exp.
template <class Load>
__device__ __forceinline__ void float_softmax_row(const RowParams& p, Load X, float* dst, int64_t live,
                                                  double* red) {
  double mx = -INFINITY;
  for (int64_t i = threadIdx.x; i < live; i += blockDim.x) mx = MaxOp{}(mx, X(i));
  const float mf = static_cast<float>(block_reduce(mx, MaxOp{}, red));
  double s = 0;
  for (int64_t i = threadIdx.x; i < live; i += blockDim.x) s += kern::exp_f32(static_cast<float>(X(i)) - mf);
  s = block_reduce(s, SumOp{}, red);
  const float inv = static_cast<float>(1.0 / s), lse = static_cast<float>(log(s));
  for (int64_t i = threadIdx.x; i < p.len; i += blockDim.x) {
    const float x = i < live ? static_cast<float>(X(i)) : 0.0f;
    float y;
    if (p.op == RowOp::softmax) y = i < live ? kern::exp_f32(x - mf) * inv : 0.0f;
    else y = i < live ? (x - mf) - lse : -INFINITY;
    dst[i * p.out_stride] = y;
  }
}

template <class T>
__global__ void row_kernel(RowParams p) {
  ND_EXTERN_SHARED(T, cache);
  __shared__ MaxSum red_ms[32];
  __shared__ Moments red_mo[32];
  __shared__ double red_d[32];
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
    int64_t off[2];
    p.ix.offsets(row, off);
    const T* src = reinterpret_cast<const T*>(p.in + off[0]);
    T* dst = reinterpret_cast<T*>(p.out + off[1]);
    int64_t live = p.len;
    if (p.causal_offset >= 0) {
      const int64_t lim = row % p.causal_rows + p.causal_offset + 1;
      live = lim < live ? lim : live;
    }
    if (p.cached) {
      for (int64_t i = threadIdx.x; i < live; i += blockDim.x) cache[i] = src[i * p.in_stride];
      __syncthreads();
    }
    auto X = [&](int64_t i) -> double { return p.cached ? cache[i] : src[i * p.in_stride]; };
    switch (p.op) {
      case RowOp::softmax:
      case RowOp::log_softmax: {
        if constexpr (std::is_same_v<T, float>) {  // the CPU kernel's arithmetic (rowwise.cpp)
          float_softmax_row(p, X, dst, live, red_d);
        } else {
          MaxSum st{-INFINITY, 0.0};
          for (int64_t i = threadIdx.x; i < live; i += blockDim.x) st = combine(st, MaxSum{X(i), 1.0});
          st = block_reduce(st, MaxSumOp{}, red_ms);
          const double lse = log(st.s);
          for (int64_t i = threadIdx.x; i < p.len; i += blockDim.x) {
            double y;
            if (p.op == RowOp::softmax) y = i < live ? exp(X(i) - st.m) / st.s : 0.0;
            else y = i < live ? (X(i) - st.m) - lse : -INFINITY;
            dst[i * p.out_stride] = static_cast<T>(y);
          }
        }
        break;
      }
      case RowOp::normalize: {
        double mx = 0;  // scale by the largest magnitude: no overflow or underflow in the squares
        for (int64_t i = threadIdx.x; i < live; i += blockDim.x) mx = MaxOp{}(mx, fabs(X(i)));
        mx = block_reduce(mx, MaxOp{}, red_d);
        double ss = 0;
        if (mx > 0 && mx <= 1.7976931348623157e308)
          for (int64_t i = threadIdx.x; i < live; i += blockDim.x) ss += (X(i) / mx) * (X(i) / mx);
        ss = block_reduce(ss, SumOp{}, red_d);
        const double norm = mx > 0 && mx <= 1.7976931348623157e308 ? mx * sqrt(ss) : mx;
        const double den = norm > p.eps || norm != norm ? norm : p.eps;  // a NaN row stays NaN
        for (int64_t i = threadIdx.x; i < live; i += blockDim.x) dst[i * p.out_stride] = static_cast<T>(X(i) / den);
        break;
      }
      case RowOp::standardize: {
        Moments mo{0, 0, 0};
        for (int64_t i = threadIdx.x; i < live; i += blockDim.x) mo = combine(mo, Moments{1.0, X(i), 0.0});
        mo = block_reduce(mo, MomentsOp{}, red_mo);
        const double den = sqrt(mo.m2 / mo.n + p.eps);
        for (int64_t i = threadIdx.x; i < live; i += blockDim.x)
          dst[i * p.out_stride] = static_cast<T>((X(i) - mo.mean) / den);
        break;
      }
    }
    __syncthreads();  // the cache is rewritten by the next row
  }
}

}  // namespace

void rowwise(const RowDesc& d, cudaStream_t stream) {
  RowParams p;
  const Operand* ops[2] = {&d.in, &d.out};
  p.ix = StridedIndexer<2>(d.outer, ops);
  p.in = static_cast<const char*>(d.in.data);
  p.out = static_cast<char*>(d.out.data);
  p.rows = d.outer.numel();
  p.len = d.len;
  p.in_stride = d.in_axis_stride;
  p.out_stride = d.out_axis_stride;
  p.op = static_cast<RowOp>(d.op);
  p.eps = d.eps;
  p.causal_offset = d.causal_offset;
  p.causal_rows = d.causal_rows > 0 ? d.causal_rows : 1;
  if (p.rows == 0 || p.len == 0) return;
  const int64_t bytes = d.len * dtype_size(d.in.dtype);
  p.cached = bytes <= kMaxCachedBytes;
  const size_t smem = p.cached ? static_cast<size_t>(bytes) : 0;
  const unsigned grid = grid_for(p.rows, 1);
  ND_DISPATCH_FLOAT(d.in.dtype, T, "row op", launch(row_kernel<T>, grid, kRowBlock, smem, stream, p));
}

}  // namespace nd::cuda
