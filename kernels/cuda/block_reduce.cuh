// Deterministic block-wide reductions and scans for the nn, mask and top-k kernels: a fixed
// xor-butterfly inside each warp, then warp 0 combines the per-warp partials in warp order; a
// scan of a counts array by one block. blockDim.x must be a multiple of 32 (at most 1024).
#pragma once
#include <cstdint>

#include "cuda/cuda_compat.cuh"

namespace nd::cuda {

constexpr unsigned kFullMask = 0xffffffffu;

// Lane exchange for reduction values; structs provide their own shfl_xor (found by ADL).
__device__ __forceinline__ float shfl_xor(float v, int o) { return __shfl_xor_sync(kFullMask, v, o); }
__device__ __forceinline__ double shfl_xor(double v, int o) { return __shfl_xor_sync(kFullMask, v, o); }

// `scratch` is a __shared__ array of at least 32 T declared by the caller (static shared memory
// lives in the kernel). Ends with a barrier, so the scratch may be reused right away.
template <class T, class Op>
__device__ __forceinline__ T block_reduce(T v, Op op, T* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  for (int o = 16; o > 0; o >>= 1) v = op(v, shfl_xor(v, o));
  __syncthreads();  // earlier readers of scratch are done
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  if (warp == 0) {
    T w = scratch[lane < nwarps ? lane : 0];
    for (int o = 16; o > 0; o >>= 1) {
      const T other = shfl_xor(w, o);
      // lanes past nwarps hold copies of warp 0's value: only combine real partials
      if ((lane ^ o) < nwarps && lane < nwarps) w = op(w, other);
    }
    __syncwarp();  // every lane of warp 0 has read scratch[0] before lane 0 overwrites it
    if (lane == 0) scratch[0] = w;
  }
  __syncthreads();
  const T r = scratch[0];
  __syncthreads();
  return r;
}

// One block: counts[0..n) -> exclusive offsets, counts[n] = the total. Thread t owns a
// contiguous segment; the segment sums are scanned in `part` (blockDim.x int64 of shared memory,
// Hillis-Steele). Ends with a barrier.
__device__ __forceinline__ void block_exclusive_scan(int64_t* counts, int64_t n, int64_t* part) {
  const int t = threadIdx.x, nt = blockDim.x;
  const int64_t seg = (n + nt - 1) / nt;
  const int64_t b = t * seg < n ? t * seg : n, e = b + seg < n ? b + seg : n;
  int64_t local = 0;
  for (int64_t i = b; i < e; ++i) local += counts[i];
  part[t] = local;
  __syncthreads();
  for (int off = 1; off < nt; off <<= 1) {
    const int64_t v = t >= off ? part[t - off] : 0;
    __syncthreads();
    part[t] += v;
    __syncthreads();
  }
  int64_t run = part[t] - local;
  for (int64_t i = b; i < e; ++i) {
    const int64_t c = counts[i];
    counts[i] = run;
    run += c;
  }
  if (t == nt - 1) counts[n] = part[t];
  __syncthreads();
}

}  // namespace nd::cuda
