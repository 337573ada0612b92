// Deterministic block-wide reductions for the nn kernels: a fixed xor-butterfly inside each warp,
// then warp 0 combines the per-warp partials in warp order. Every thread gets the result.
// blockDim.x must be a multiple of 32 (at most 1024).
#pragma once
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

}  // namespace nd::cuda
