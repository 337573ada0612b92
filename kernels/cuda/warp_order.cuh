// The canonical reduction order (reduce_order.hpp) on a warp: lane k of a warp IS canonical lane
// k, and the lane tree (step 3) is a shuffle-down tree. Shared by the reductions (reduce.cu) and
// the row ops (rowwise.cu).
#pragma once
#include <type_traits>

#include "cuda/block_reduce.cuh"
#include "reduce_ops.hpp"

namespace nd::cuda {

// Lane `src`'s value, for every reduction state type.
template <class T>
__device__ __forceinline__ T shfl(T v, int src) {
  if constexpr (std::is_same_v<T, bool>) return __shfl_sync(kFullMask, static_cast<int>(v), src) != 0;
  else return __shfl_sync(kFullMask, v, src);
}
template <class T>
__device__ __forceinline__ kern::ValIdx<T> shfl(kern::ValIdx<T> v, int src) {
  return {shfl(v.v, src), shfl(v.i, src)};
}
template <class A>
__device__ __forceinline__ kern::order::Moments<A> shfl(kern::order::Moments<A> v, int src) {
  return {shfl(v.n, src), shfl(v.mean, src), shfl(v.m2, src)};
}

// Step 3 across the warp: lane 0 ends with the tile value. Lane i reads lane i + s (the sources
// past lane 31 wrap, and what those lanes compute is never read).
template <class S, class C>
__device__ __forceinline__ S warp_lane_tree(S v, C combine) {
  const int lane = threadIdx.x % kern::order::kLanes;
#pragma unroll
  for (int s = kern::order::kLanes / 2; s >= 1; s /= 2) v = combine(v, shfl(v, lane + s));
  return v;
}

using kern::order::Plus;

}  // namespace nd::cuda
