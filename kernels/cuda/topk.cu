// CUDA top-k along an axis, following kern::topk_before (NaN highest, ties to the lower index),
// so it selects exactly what the CPU selects. Small k: one block per row runs k rounds, each a
// block-wide search for the best element ranked after the previous pick. Large k: every element
// counts the elements ranked before it (its rank) and writes itself to slot rank if rank < k.
#include <cstdint>

#include "common.hpp"
#include "cuda/block_reduce.cuh"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"
#include "nn_ops.hpp"

namespace nd::cuda {
namespace {

constexpr int kBlock = 256;
constexpr int64_t kRoundsMaxK = 32;

struct TopkParams {
  StridedIndexer<1> ix;  // byte offset of each row's first element
  const char* in = nullptr;
  int64_t rows = 0, len = 0, k = 0, stride = 1;
  bool largest = true;
  void* values = nullptr;
  int64_t* indices = nullptr;
};

template <class T>
struct Cand {
  T v;
  long long i;  // -1: none
};
template <class T>
__device__ __forceinline__ Cand<T> shfl_xor(Cand<T> c, int o) {
  if constexpr (sizeof(T) == 1) {
    return {static_cast<T>(__shfl_xor_sync(kFullMask, static_cast<int>(c.v), o)),
            __shfl_xor_sync(kFullMask, c.i, o)};
  } else {
    return {__shfl_xor_sync(kFullMask, c.v, o), __shfl_xor_sync(kFullMask, c.i, o)};
  }
}
template <class T>
struct Better {
  bool largest;
  __device__ Cand<T> operator()(Cand<T> a, Cand<T> b) const {
    if (a.i < 0) return b;
    if (b.i < 0) return a;
    return kern::topk_before<T>(a.v, a.i, b.v, b.i, largest) ? a : b;
  }
};

template <class T>
__global__ void topk_rounds_kernel(TopkParams p) {
  __shared__ Cand<T> red[32];
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
    int64_t off[1];
    p.ix.offsets(row, off);
    const T* x = reinterpret_cast<const T*>(p.in + off[0]);
    Cand<T> prev{T(0), -1};
    for (int64_t r = 0; r < p.k; ++r) {
      Cand<T> best{T(0), -1};
      for (int64_t i = threadIdx.x; i < p.len; i += blockDim.x) {
        const T v = x[i * p.stride];
        if (prev.i >= 0 && !kern::topk_before<T>(prev.v, prev.i, v, i, p.largest)) continue;
        best = Better<T>{p.largest}(best, Cand<T>{v, static_cast<long long>(i)});
      }
      best = block_reduce(best, Better<T>{p.largest}, red);
      if (threadIdx.x == 0) {
        static_cast<T*>(p.values)[row * p.k + r] = best.v;
        p.indices[row * p.k + r] = best.i;
      }
      prev = best;
    }
  }
}

template <class T>
__global__ void topk_rank_kernel(TopkParams p) {
  for (int64_t row = blockIdx.y; row < p.rows; row += gridDim.y) {
    int64_t off[1];
    p.ix.offsets(row, off);
    const T* x = reinterpret_cast<const T*>(p.in + off[0]);
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.len;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
      const T v = x[i * p.stride];
      int64_t rank = 0;
      for (int64_t j = 0; j < p.len && rank < p.k; ++j)
        rank += kern::topk_before<T>(x[j * p.stride], j, v, i, p.largest) ? 1 : 0;
      if (rank < p.k) {
        static_cast<T*>(p.values)[row * p.k + rank] = v;
        p.indices[row * p.k + rank] = i;
      }
    }
  }
}

template <class T>
void launch_topk(const TopkParams& p, cudaStream_t stream) {
  if (p.k <= kRoundsMaxK && p.k * 8 <= p.len) {
    launch(topk_rounds_kernel<T>, grid_for(p.rows, 1), kBlock, 0, stream, p);
  } else {
    const dim3 grid(grid_for(p.len, kBlock), static_cast<unsigned>(p.rows < 65535 ? p.rows : 65535));
    launch(topk_rank_kernel<T>, grid, kBlock, 0, stream, p);
  }
}

}  // namespace

void topk(const TopkDesc& d, cudaStream_t stream) {
  TopkParams p;
  const Operand* ops[1] = {&d.in};
  p.ix = StridedIndexer<1>(d.outer, ops);
  p.in = static_cast<const char*>(d.in.data);
  p.rows = d.outer.numel();
  p.len = d.len;
  p.k = d.k;
  p.stride = d.in_axis_stride;
  p.largest = d.largest;
  p.values = d.values;
  p.indices = d.indices;
  if (p.rows == 0 || p.k == 0) return;
  switch (d.in.dtype) {
    case DType::float32: launch_topk<float>(p, stream); break;
    case DType::float64: launch_topk<double>(p, stream); break;
    case DType::int32: launch_topk<int32_t>(p, stream); break;
    case DType::int64: launch_topk<int64_t>(p, stream); break;
    case DType::bool_: launch_topk<bool>(p, stream); break;
  }
}

}  // namespace nd::cuda
