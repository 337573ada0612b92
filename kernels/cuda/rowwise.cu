// CUDA row ops: the loops and launches around the row-op table (kernels/row_ops.hpp).
//   Rows of up to kWarpTiles tiles (1024 float32 elements): a warp per row, the row held in registers
//   (read once; 4-byte loads, coalesced across the warp because lane k reads canonical lane k),
//   no block barriers, kWarpsPerBlock rows per block, a grid-stride loop over rows.
//   Longer rows: a block per row, the row staged in shared memory when it fits (else re-read
//   from global memory / L2), its tiles taken eight at a time (a warp each), each aligned group of
//   eight combined by the tile tree and pushed on a TileStack in shared memory.
// Both evaluate each statistic in the canonical order of reduce_order.hpp, in T (float32 rows in
// float32), with the functions the CPU uses: a float32 row gives the CPU's bits.
#include <cmath>
#include <string>
#include <type_traits>

#include "common.hpp"
#include "cuda/block_reduce.cuh"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"
#include "cuda/warp_order.cuh"
#include "row_ops.hpp"

namespace nd::cuda {
namespace {

namespace row = kern::row;
using kern::order::kLanes;
using kern::order::kSteps;
using kern::order::kTile;
using kern::order::TileStack;

// The warp path's longest row, in tiles: 1024 float32 / 512 float64 elements, 32 / 16 values held
// per lane (64 float64 registers spilled in the softmax kernel).
template <class T>
constexpr int kWarpTiles = sizeof(T) == 4 ? 4 : 2;
constexpr int kRowBlock = 256;
constexpr int kWarpsPerBlock = kRowBlock / kLanes;
constexpr int64_t kMaxCachedBytes = 32 * 1024;

struct RowParams {
  StridedIndexer<2> ix;  // byte offsets of each row's first element (in, out)
  const char* in = nullptr;
  char* out = nullptr;
  int64_t rows = 0, len = 0, in_stride = 1, out_stride = 1;  // axis strides in elements
  double eps = 0;
  int64_t causal_offset = -1, causal_rows = 1;
  bool cached = false;
};

struct PreMax {
  template <class T>
  __device__ T operator()(T a, T b) const { return row::pre_max(a, b); }
};

// The row's pointers and live length (causal softmax masks the columns past row + offset).
template <class T>
__device__ __forceinline__ int64_t row_at(const RowParams& p, int64_t r, const T*& src, T*& dst) {
  int64_t off[2];
  p.ix.offsets(r, off);
  src = reinterpret_cast<const T*>(p.in + off[0]);
  dst = reinterpret_cast<T*>(p.out + off[1]);
  if (p.causal_offset < 0) return p.len;
  const int64_t lim = r % p.causal_rows + p.causal_offset + 1;
  return lim < p.len ? lim : p.len;
}

// The canonical value of one tile: the statistic of term(x, p) over this lane's (up to) 8
// elements xs[m] = x[j0 + m*32 + lane] of the cnt in the tile; every lane returns it.
template <class Op, class T>
__device__ __forceinline__ row::Stat<Op, T> tile_stat(const T* xs, int64_t cnt, T p, int lane) {
  const T zero = kern::order::sum_identity<T>();
  T t[kSteps];
#pragma unroll
  for (int m = 0; m < kSteps; ++m) t[m] = Op::term(xs[m], p);
  T acc = zero;
#pragma unroll
  for (int m = 0; m < kSteps; ++m)
    if (m * kLanes + lane < cnt) acc = acc + t[m];
  if constexpr (Op::kMoments) {  // var's tile two-pass (reduce_order.hpp)
    const T mean = shfl(warp_lane_tree(acc, Plus{}), 0) / static_cast<T>(cnt);
    T acc2 = zero;
#pragma unroll
    for (int m = 0; m < kSteps; ++m)
      if (m * kLanes + lane < cnt) {
        const T d = t[m] - mean;
        acc2 = acc2 + d * d;
      }
    return {cnt, mean, shfl(warp_lane_tree(acc2, Plus{}), 0)};
  } else {
    return shfl(warp_lane_tree(acc, Plus{}), 0);
  }
}

// ---- rows of up to kWarpTiles tiles: a warp per row, in registers -----------------------------
template <class Op, class T>
__global__ void warp_rows(RowParams p) {
  using S = row::Stat<Op, T>;
  constexpr int kHeld = kWarpTiles<T> * kSteps;  // elements per lane
  const int lane = threadIdx.x % kLanes;
  const int64_t first = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kLanes;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x / kLanes;
  for (int64_t r = first; r < p.rows; r += stride) {  // warp-uniform
    const T* src;
    T* dst;
    const int64_t live = row_at(p, r, src, dst);
    T x[kHeld];  // x[i] = element i*32 + lane: tile i / 8, step i % 8
#pragma unroll
    for (int i = 0; i < kHeld; ++i) {
      const int64_t j = static_cast<int64_t>(i) * kLanes + lane;
      x[i] = j < live ? src[j * p.in_stride] : T(0);
    }
    auto prepass = [&]() -> T {  // step 1 on the held row: every lane gets the raw max
      T m = -INFINITY;
#pragma unroll
      for (int i = 0; i < kHeld; ++i)
        if (static_cast<int64_t>(i) * kLanes + lane < live) m = row::pre_max(m, row::pre_lift<Op>(x[i]));
#pragma unroll
      for (int o = kLanes / 2; o > 0; o >>= 1) m = row::pre_max(m, __shfl_xor_sync(kFullMask, m, o));
      return m;
    };
    auto statistic = [&](T pv) -> S {  // step 2: the tiles' values through the tile tree
      TileStack<S, 3> st;  // at most 4 tiles: < 2^3
      kern::CombineOf<row::StatOp<Op, T>> c;
#pragma unroll
      for (int t = 0; t < kWarpTiles<T>; ++t)
        if (t * kTile < live) {
          const int64_t cnt = live - t * kTile < kTile ? live - t * kTile : kTile;
          st.push(tile_stat<Op, T>(x + t * kSteps, cnt, pv, lane), c);
        }
      return st.fold(c);
    };
    T pv;
    const S stat = row::statistic_after_prepass<Op>(pv, prepass, statistic);  // warp-uniform
    const row::Consts<T> k = Op::finish(pv, stat, live, p.eps);
#pragma unroll
    for (int i = 0; i < kHeld; ++i) {
      const int64_t j = static_cast<int64_t>(i) * kLanes + lane;
      if (j >= p.len) continue;
      T y = Op::template masked<T>();
      if (j < live) y = Op::apply(Op::kApplyToTerm ? Op::term(x[i], pv) : x[i], k);
      dst[j * p.out_stride] = y;
    }
  }
}

// ---- longer rows: a block per row -------------------------------------------------------------
template <class Op, class T>
__global__ void block_rows(RowParams p) {
  using S = row::Stat<Op, T>;
  using Stack = TileStack<S>;
  ND_EXTERN_SHARED(T, cache);
  __shared__ T red[32];
  alignas(16) __shared__ unsigned char group_raw[kWarpsPerBlock * sizeof(S)];
  alignas(16) __shared__ unsigned char stack_raw[sizeof(Stack)];
  S* group = reinterpret_cast<S*>(group_raw);
  Stack& stack = *reinterpret_cast<Stack*>(stack_raw);
  const int lane = threadIdx.x % kLanes, warp = threadIdx.x / kLanes;
  kern::CombineOf<row::StatOp<Op, T>> c;
  for (int64_t r = blockIdx.x; r < p.rows; r += gridDim.x) {
    const T* src;
    T* dst;
    const int64_t live = row_at(p, r, src, dst);
    if (p.cached) {
      for (int64_t i = threadIdx.x; i < live; i += blockDim.x) cache[i] = src[i * p.in_stride];
      __syncthreads();
    }
    auto X = [&](int64_t i) -> T { return p.cached ? cache[i] : src[i * p.in_stride]; };
    auto prepass = [&]() -> T {  // step 1: every thread gets the raw max
      T m = -INFINITY;
      for (int64_t i = threadIdx.x; i < live; i += blockDim.x) m = row::pre_max(m, row::pre_lift<Op>(X(i)));
      return block_reduce(m, PreMax{}, red);
    };
    auto statistic = [&](T pv) -> S {  // step 2; every thread gets the value
      if (threadIdx.x == 0) stack.count = 0;
      const int64_t tiles = kern::order::num_tiles(live);
      for (int64_t g = 0; g < tiles; g += kWarpsPerBlock) {  // an aligned group of 8 tiles
        const int64_t t = g + warp;
        if (t < tiles) {
          T xs[kSteps];
          const int64_t j0 = t * kTile, cnt = live - j0 < kTile ? live - j0 : kTile;
#pragma unroll
          for (int m = 0; m < kSteps; ++m) xs[m] = m * kLanes + lane < cnt ? X(j0 + m * kLanes + lane) : T(0);
          const S v = tile_stat<Op, T>(xs, cnt, pv, lane);
          if (lane == 0) group[warp] = v;
        }
        __syncthreads();
        if (threadIdx.x == 0) {
          const int64_t n = tiles - g < kWarpsPerBlock ? tiles - g : kWarpsPerBlock;
          stack.push(kern::order::tree_in_place(group, n, c), c);
        }
        __syncthreads();
      }
      if (threadIdx.x == 0) group[0] = stack.fold(c);
      __syncthreads();
      const S v = group[0];
      __syncthreads();  // group is rewritten by a redo or the next row
      return v;
    };
    T pv;
    const S stat = row::statistic_after_prepass<Op>(pv, prepass, statistic);  // block-uniform
    const row::Consts<T> k = Op::finish(pv, stat, live, p.eps);
    for (int64_t j = threadIdx.x; j < p.len; j += blockDim.x) {
      T y = Op::template masked<T>();
      if (j < live) {
        const T x = X(j);
        y = Op::apply(Op::kApplyToTerm ? Op::term(x, pv) : x, k);
      }
      dst[j * p.out_stride] = y;
    }
    __syncthreads();  // the cache is rewritten by the next row
  }
}

template <class Op, class T>
void run(const RowParams& p, cudaStream_t stream) {
  if (p.len <= kWarpTiles<T> * kTile) {
    launch(warp_rows<Op, T>, grid_for(p.rows, kWarpsPerBlock), kRowBlock, 0, stream, p);
  } else {
    const size_t smem = p.cached ? static_cast<size_t>(p.len) * sizeof(T) : 0;
    launch(block_rows<Op, T>, grid_for(p.rows, 1), kRowBlock, smem, stream, p);
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
  p.eps = d.eps;
  p.causal_offset = d.causal_offset;
  p.causal_rows = d.causal_rows > 0 ? d.causal_rows : 1;
  if (p.rows == 0 || p.len == 0) return;
  p.cached = d.len * dtype_size(d.in.dtype) <= kMaxCachedBytes;
  const bool known = kern::with_row_op(static_cast<kern::RowOp>(d.op), [&](auto op) {
    ND_DISPATCH_FLOAT(d.in.dtype, T, "row op", (run<decltype(op), T>(p, stream)));
  });
  if (!known) throw ValueError("unknown row op " + std::to_string(d.op));
}

}  // namespace nd::cuda
