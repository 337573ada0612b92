// CUDA top-k along an axis, following kern::topk_before (NaN highest, ties to the lower index),
// so it selects exactly what the CPU selects. Small k: a block per 1024-element chunk of a row runs
// k rounds, each a block-wide search for the best element ranked after the previous pick, and a
// second launch picks the row's k best among the chunks' (one launch when the row is one chunk).
// Large k: every element counts the elements ranked before it (its rank) and writes itself to
// slot rank if rank < k.
#include <cstdint>

#include "common.hpp"
#include "cuda/block_reduce.cuh"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"
#include "cuda/vec_access.cuh"
#include "nn_ops.hpp"

namespace nd::cuda {
namespace {

constexpr int kBlock = 256;
constexpr int64_t kRoundsMaxK = 32;
constexpr int64_t kChunk = 1024;  // elements per block in the small-k rounds: 98 blocks for 1e5

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

// k rounds over n candidates, each a block-wide search for the best candidate ranked after the
// previous pick: get(j) gives candidate j (index -1: none), put(r, best) keeps round r's pick.
template <class T, class Get, class Put>
__device__ void select_rounds(int64_t n, int64_t k, bool largest, Get get, Put put, Cand<T>* red) {
  Cand<T> prev{T(0), -1};
  for (int64_t r = 0; r < k; ++r) {
    Cand<T> best{T(0), -1};
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
      const Cand<T> c = get(j);
      if (c.i < 0 || (prev.i >= 0 && !kern::topk_before<T>(prev.v, prev.i, c.v, c.i, largest))) continue;
      best = Better<T>{largest}(best, c);
    }
    best = block_reduce(best, Better<T>{largest}, red);
    if (threadIdx.x == 0) put(r, best);
    prev = best;
  }
}

// Small k, blockIdx.x = chunk: each block picks its chunk's k best (kChunk elements, re-read from
// L1 each round). With one chunk they are the row's answer; with several they go to `part`
// (row, chunk, round) and topk_merge_kernel picks the row's k best among them, the same set: an
// element of the row's top k is in its chunk's top k.
template <class T>
__global__ void topk_rounds_kernel(TopkParams p, int64_t chunk, Cand<T>* part) {
  __shared__ Cand<T> red[32];
  const int64_t c = blockIdx.x, lo = c * chunk, n = p.len - lo < chunk ? p.len - lo : chunk;
  for (int64_t row = blockIdx.y; row < p.rows; row += gridDim.y) {
    int64_t off[1];
    p.ix.offsets(row, off);
    const T* x = reinterpret_cast<const T*>(p.in + off[0]);
    select_rounds<T>(
        n, p.k, p.largest, [&](int64_t j) { return Cand<T>{x[(lo + j) * p.stride], static_cast<long long>(lo + j)}; },
        [&](int64_t r, const Cand<T>& best) {
          if (part) {
            vec_store(part + (row * gridDim.x + c) * p.k + r, best);
          } else {
            static_cast<T*>(p.values)[row * p.k + r] = best.v;
            p.indices[row * p.k + r] = best.i;
          }
        },
        red);
  }
}

// The k best of each row's chunk candidates (n per row).
template <class T>
__global__ void topk_merge_kernel(TopkParams p, const Cand<T>* part, int64_t n) {
  __shared__ Cand<T> red[32];
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x)
    select_rounds<T>(
        n, p.k, p.largest, [&](int64_t j) { return vec_load(part + row * n + j); },
        [&](int64_t r, const Cand<T>& best) {
          static_cast<T*>(p.values)[row * p.k + r] = best.v;
          p.indices[row * p.k + r] = best.i;
        },
        red);
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
void launch_topk(const TopkParams& p, cudaStream_t stream, Backend& mem) {
  if (p.k <= kRoundsMaxK && p.k * 8 <= p.len) {
    const int64_t chunks = div_up(p.len, kChunk);
    const dim3 grid(static_cast<unsigned>(chunks), static_cast<unsigned>(p.rows < 65535 ? p.rows : 65535));
    if (chunks == 1) {
      launch(topk_rounds_kernel<T>, grid, kBlock, 0, stream, p, kChunk, static_cast<Cand<T>*>(nullptr));
      return;
    }
    Workspace part(mem, p.rows * chunks * p.k * static_cast<int64_t>(sizeof(Cand<T>)));
    launch(topk_rounds_kernel<T>, grid, kBlock, 0, stream, p, kChunk, static_cast<Cand<T>*>(part.p));
    launch(topk_merge_kernel<T>, grid_for(p.rows, 1), kBlock, 0, stream, p, static_cast<const Cand<T>*>(part.p),
           chunks * p.k);
  } else {
    const dim3 grid(grid_for(p.len, kBlock), static_cast<unsigned>(p.rows < 65535 ? p.rows : 65535));
    launch(topk_rank_kernel<T>, grid, kBlock, 0, stream, p);
  }
}

}  // namespace

void topk(const TopkDesc& d, cudaStream_t stream, Backend& mem) {
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
  ND_DISPATCH(d.in.dtype, T, launch_topk<T>(p, stream, mem));
}

}  // namespace nd::cuda
