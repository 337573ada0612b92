// CUDA reductions in the canonical order of kernels/reduce_order.hpp (bitwise equal to the CPU):
//   rows:    a warp per (output, aligned tile group); lane k of the warp IS canonical lane k, the
//            lane tree is the __shfl_down tree. Long rows / few outputs are split into groups.
//   columns: a thread per (output column, tile group) when the reduced axis is strided and a
//            kept axis is contiguous: neighbouring threads read neighbouring columns (coalesced);
//            each thread keeps the 32 canonical lanes in registers.
//   finish:  group partials -> the same pairwise tree, deterministic, no float atomics. Rows: in
//            the same launch, by the warp that stores an output's last partial (an arrival count
//            per output); columns: a second launch.
#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "common.hpp"
#include "cuda/cuda_backend.cuh"
#include "cuda/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/warp_order.cuh"
#include "reduce_ops.hpp"

namespace nd::cuda {
namespace {

using kern::CombineOf;
using kern::order::kLanes;
using kern::order::kSteps;
using kern::order::kTile;
using kern::order::Moments;
using kern::order::TileStack;

constexpr int kWarpsPerBlock = 8;
constexpr int kColBlock = 128;
constexpr int kGroupLevels = 16;  // a group holds < 2^16 tiles (TileStack depth)
// The column kernel keeps 32 lane states in registers besides its stack: a shallower stack (groups
// of <= 2^9 tiles) keeps every level in registers without spills.
constexpr int kColLevels = 10;
constexpr int64_t kMinRowGroup = 4;

ND_HD int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }

// Element offsets of output o over the kept axes [0, nd).
__device__ __forceinline__ void offsets(const ReduceDesc& d, int nd, int64_t o, int64_t& in_off,
                                        int64_t& out_off) {
  in_off = 0;
  out_off = 0;
  for (int k = nd - 1; k >= 0; --k) {
    const int64_t i = o % d.outer.shape[k];
    o /= d.outer.shape[k];
    in_off += i * d.in.strides[k];
    out_off += i * d.out.strides[k];
  }
}

// ---- rows: one warp per (output, group) -------------------------------------------------------
// Tiles loaded together before any is combined: 16 bytes of each lane's loads per step in flight
// (4 tiles of 4-byte elements, 2 of 8-byte ones).
template <class In>
constexpr int kBatchTiles = sizeof(In) >= 8 ? 2 : 4;

// One tile's value from its loaded elements xs[m] = x[m * 32 + lane] (cnt valid in the tile).
template <class Op, class In>
__device__ typename Op::State warp_tile(const In (&xs)[kSteps], int64_t j0, int64_t cnt, int lane) {
  using S = typename Op::State;
  if constexpr (Op::kMoments) {
    using A = typename Op::A;
    A acc = kern::order::sum_identity<A>();
#pragma unroll
    for (int m = 0; m < kSteps; ++m)
      if (m * kLanes + lane < cnt) acc = acc + Op::lift(xs[m], 0);
    const A mean = shfl(warp_lane_tree(acc, Plus{}), 0) / static_cast<A>(cnt);
    A acc2 = kern::order::sum_identity<A>();
#pragma unroll
    for (int m = 0; m < kSteps; ++m) {
      const A dv = Op::lift(xs[m], 0) - mean;
      if (m * kLanes + lane < cnt) acc2 = acc2 + dv * dv;
    }
    return S{cnt, mean, warp_lane_tree(acc2, Plus{})};
  } else {
    S acc = Op::identity();
#pragma unroll
    for (int m = 0; m < kSteps; ++m) {
      const int64_t j = m * kLanes + lane;
      if (j < cnt) acc = Op::combine(acc, Op::lift(xs[m], j0 + j));
    }
    return warp_lane_tree(acc, CombineOf<Op>{});
  }
}

// Tiles [t0, t1) of a row pushed onto st, kBatchTiles at a time: every load of a batch is issued
// before its first tile is combined.
template <class Op, class In, class Stack>
__device__ void push_tiles(const In* row, int64_t stride, int64_t n, int64_t t0, int64_t t1, int lane, Stack& st) {
  constexpr int kB = kBatchTiles<In>;
  CombineOf<Op> c;
  for (int64_t t = t0; t < t1; t += kB) {
    In xs[kB][kSteps];
#pragma unroll
    for (int b = 0; b < kB; ++b)
#pragma unroll
      for (int m = 0; m < kSteps; ++m) {
        const int64_t j = (t + b) * kTile + m * kLanes + lane;
        xs[b][m] = t + b < t1 && j < n ? row[j * stride] : In(0);
      }
#pragma unroll
    for (int b = 0; b < kB; ++b)
      if (t + b < t1) {
        const int64_t j0 = (t + b) * kTile;
        st.push(warp_tile<Op, In>(xs[b], j0, imin(kTile, n - j0), lane), c);
      }
  }
}

// A state another block of this launch stored: read from L2 (ld.global.cg), never a stale L1 line
// (a finisher on this SM may have cached the line before a neighbour's partial was stored), in the
// widest loads its size allows (partials start 16-byte aligned).
template <class S>
__device__ __forceinline__ S load_cg(const S* p) {
  using W = std::conditional_t<
      sizeof(S) % 16 == 0, uint4,
      std::conditional_t<sizeof(S) % 8 == 0, uint2,
                         std::conditional_t<sizeof(S) % 4 == 0, unsigned,
                                            std::conditional_t<sizeof(S) % 2 == 0, unsigned short, unsigned char>>>>;
  W w[sizeof(S) / sizeof(W)];
#pragma unroll
  for (size_t i = 0; i < sizeof(S) / sizeof(W); ++i) w[i] = __ldcg(reinterpret_cast<const W*>(p) + i);
  S s;
  memcpy(&s, w, sizeof(S));
  return s;
}

// The warp folds output o's group partials p[0..groups): aligned runs of 32 by the pairwise
// odd-carry tree in registers, the run roots through a TileStack (reduce_order.hpp step 4). st:
// the caller's stack, reused (a second one would not fit in registers beside it).
template <class Op>
__device__ void finish_row(const ReduceDesc& d, int64_t o, const typename Op::State* partials, int64_t groups,
                           int lane, TileStack<typename Op::State, kGroupLevels>& st) {
  using S = typename Op::State;
  CombineOf<Op> c;
  st.count = 0;
  for (int64_t b = 0; b < groups; b += kLanes) {
    int cnt = static_cast<int>(imin(kLanes, groups - b));
    S v = lane < cnt ? load_cg(partials + o * groups + b + lane) : Op::identity();
    while (cnt > 1) {
      const int half = cnt / 2;
      const S a = shfl(v, (2 * lane) % kLanes), bb = shfl(v, (2 * lane + 1) % kLanes), last = shfl(v, cnt - 1);
      if (lane < half) v = c(a, bb);
      else if (lane == half && (cnt & 1)) v = last;
      cnt = half + (cnt & 1);
    }
    st.push(v, c);
  }
  const S r = st.fold(c);
  if (lane != 0) return;
  int64_t in_off, out_off;
  offsets(d, d.outer.ndim, o, in_off, out_off);
  static_cast<typename Op::Out*>(d.out.data)[out_off] = Op::finalize(r, d.n, d.ddof);
}

// Persistent warps: each takes (output, group) items in a grid-stride loop, so the grid is sized
// to the GPU, not to the work. With several groups per output, each warp stores its partial and
// counts its arrival (arrivals: zeroed, one per output); the warp that arrives last folds them all.
template <class Op, class In>
__global__ void reduce_rows_kernel(ReduceDesc d, int64_t nout, int64_t tiles, int64_t group,
                                   int64_t groups, typename Op::State* partials, unsigned* arrivals) {
  using S = typename Op::State;
  const int lane = threadIdx.x % kLanes;
  const int64_t first = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kLanes;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * blockDim.x / kLanes;
  CombineOf<Op> c;
  TileStack<S, kGroupLevels> st;
  for (int64_t item = first; item < nout * groups; item += warps) {  // warp-uniform
    const int64_t o = item / groups, g = item % groups;
    int64_t in_off, out_off;
    offsets(d, d.outer.ndim, o, in_off, out_off);
    const In* row = static_cast<const In*>(d.in.data) + in_off;
    const int64_t t1 = imin(tiles, (g + 1) * group);
    S r;
    // argmax/argmin (a total order, ties to the lower index) and max/min whose result is neither
    // +-0 nor NaN come out the same by any order (reduce_order.hpp, shortcuts): each lane keeps
    // its best, eight loads in flight, then the lane tree. A zero or NaN max/min is recomputed in
    // the canonical order.
    constexpr bool kArg = requires { Op::kArg; }, kExtremum = requires { Op::kExtremum; };
    bool canonical = !kArg && !kExtremum;
    if constexpr (kArg || kExtremum) {
      S acc = Op::identity();
      const int64_t j1 = imin(d.n, t1 * kTile);
#pragma unroll 8
      for (int64_t j = g * group * kTile + lane; j < j1; j += kLanes) acc = Op::combine(acc, Op::lift(row[j * d.in_stride], j));
      r = warp_lane_tree(acc, c);
      if constexpr (kExtremum && std::is_floating_point_v<S>) {
        const S v = shfl(r, 0);
        canonical = v != v || v == S(0);  // warp-uniform
      }
    }
    if constexpr (!kArg) {
      if (canonical) {
        st.count = 0;
        push_tiles<Op, In>(row, d.in_stride, d.n, g * group, t1, lane, st);
        r = st.fold(c);
      }
    }
    if (!partials) {
      if (lane == 0) static_cast<typename Op::Out*>(d.out.data)[out_off] = Op::finalize(r, d.n, d.ddof);
      continue;
    }
    unsigned arrived = 0;
    if (lane == 0) {
      partials[o * groups + g] = r;
      __threadfence();  // the partial is visible device-wide before the arrival is counted
      arrived = atomicAdd(arrivals + o, 1u);
    }
    if (shfl(arrived, 0) == static_cast<unsigned>(groups - 1)) {
      __threadfence();
      finish_row<Op>(d, o, partials, groups, lane, st);
    }
  }
}

// ---- columns: one thread per (output column, group), 32 canonical lanes in registers ----------
template <class Op, class In>
__device__ typename Op::State column_tile(const In* x, int64_t rs, int64_t j0, int64_t cnt) {
  using S = typename Op::State;
  if constexpr (Op::kMoments) {
    using A = typename Op::A;
    A acc[kLanes];
#pragma unroll
    for (int k = 0; k < kLanes; ++k) acc[k] = kern::order::sum_identity<A>();
    for (int m = 0; m < kSteps; ++m)
#pragma unroll
      for (int k = 0; k < kLanes; ++k)
        if (m * kLanes + k < cnt) acc[k] = acc[k] + Op::lift(x[(m * kLanes + k) * rs], 0);
    const A mean = kern::order::lane_tree(acc, Plus{}) / static_cast<A>(cnt);
#pragma unroll
    for (int k = 0; k < kLanes; ++k) acc[k] = kern::order::sum_identity<A>();
    for (int m = 0; m < kSteps; ++m)  // second read of the tile: L1/L2 hits
#pragma unroll
      for (int k = 0; k < kLanes; ++k)
        if (m * kLanes + k < cnt) {
          const A dv = Op::lift(x[(m * kLanes + k) * rs], 0) - mean;
          acc[k] = acc[k] + dv * dv;
        }
    return S{cnt, mean, kern::order::lane_tree(acc, Plus{})};
  } else {
    S acc[kLanes];
#pragma unroll
    for (int k = 0; k < kLanes; ++k) acc[k] = Op::identity();
    for (int m = 0; m < kSteps; ++m)
#pragma unroll
      for (int k = 0; k < kLanes; ++k) {
        const int64_t j = m * kLanes + k;
        if (j < cnt) acc[k] = Op::combine(acc[k], Op::lift(x[j * rs], j0 + j));
      }
    return kern::order::lane_tree(acc, CombineOf<Op>{});
  }
}

template <class Op, class In>
__global__ void reduce_columns_kernel(ReduceDesc d, int64_t nout, int64_t width, int64_t tiles,
                                      int64_t group, int64_t groups, typename Op::State* partials) {
  using S = typename Op::State;
  const int64_t item = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (item >= nout * groups) return;
  const int64_t o = item % nout, g = item / nout;  // neighbouring threads: neighbouring columns
  const int nd = d.outer.ndim;
  const int64_t q = o % width;
  int64_t in_off, out_off;
  offsets(d, nd - 1, o / width, in_off, out_off);
  in_off += q * d.in.strides[nd - 1];
  out_off += q * d.out.strides[nd - 1];
  const In* col = static_cast<const In*>(d.in.data) + in_off;
  CombineOf<Op> c;
  TileStack<S, kColLevels> st;
  const int64_t t1 = imin(tiles, (g + 1) * group);
  for (int64_t t = g * group; t < t1; ++t) {
    const int64_t j0 = t * kTile;
    st.push(column_tile<Op, In>(col + j0 * d.in_stride, d.in_stride, j0, imin(kTile, d.n - j0)), c);
  }
  const S r = st.fold(c);
  if (partials) partials[g * nout + o] = r;
  else static_cast<typename Op::Out*>(d.out.data)[out_off] = Op::finalize(r, d.n, d.ddof);
}

// A thread folds one output's group partials (layout [group][output]: coalesced).
template <class Op>
__global__ void finish_columns_kernel(ReduceDesc d, int64_t nout, int64_t width,
                                      const typename Op::State* partials, int64_t groups) {
  using S = typename Op::State;
  const int64_t o = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (o >= nout) return;
  CombineOf<Op> c;
  TileStack<S, kGroupLevels> st;
  for (int64_t g = 0; g < groups; ++g) st.push(partials[g * nout + o], c);
  const int nd = d.outer.ndim;
  int64_t in_off, out_off;
  offsets(d, nd - 1, o / width, in_off, out_off);
  out_off += (o % width) * d.out.strides[nd - 1];
  static_cast<typename Op::Out*>(d.out.data)[out_off] = Op::finalize(st.fold(c), d.n, d.ddof);
}

// ---- planning and launch ----------------------------------------------------------------------

// Tiles per group: enough (outputs x groups) work items to fill the GPU, groups of < 2^levels
// tiles, and at most 2^15 groups (finish_* push every group through a kGroupLevels stack) where
// the length allows.
int64_t plan_group(int64_t tiles, int64_t items, int64_t want, int levels) {
  const int64_t target_groups = items >= want ? 1 : div_up(want, items);
  int64_t g = kern::order::pow2_ceil(div_up(tiles, target_groups));
  g = std::max(g, kern::order::pow2_ceil(div_up(tiles, int64_t{1} << (kGroupLevels - 1))));
  return std::min<int64_t>(g, int64_t{1} << (levels - 1));
}

template <class Op, class In>
void run(const ReduceDesc& d, cudaStream_t stream, Backend& mem) {
  using S = typename Op::State;
  const int64_t nout = d.outer.numel();
  if (nout == 0) return;
  const int64_t tiles = kern::order::num_tiles(d.n);
  const int nd = d.outer.ndim;
  const int64_t last = nd ? (d.in.strides[nd - 1] < 0 ? -d.in.strides[nd - 1] : d.in.strides[nd - 1]) : 0;
  const int64_t red = d.in_stride < 0 ? -d.in_stride : d.in_stride;
  // Columns longer than 2^9 x 2^15 tiles (4.3e9 elements) take the row path.
  if (nd > 0 && d.in_stride != 1 && last < red && tiles <= (int64_t{1} << (kColLevels - 1 + kGroupLevels - 1))) {
    const int64_t width = d.outer.shape[nd - 1];
    const int64_t group = plan_group(tiles, nout, 1 << 18, kColLevels);
    const int64_t groups = div_up(tiles, group);
    Workspace ws(mem, groups > 1 ? groups * nout * static_cast<int64_t>(sizeof(S)) : 0);
    S* part = static_cast<S*>(ws.p);
    launch(reduce_columns_kernel<Op, In>, dim3(static_cast<unsigned>(div_up(nout * groups, kColBlock))),
           dim3(kColBlock), 0, stream, d, nout, width, tiles, group, groups, part);
    if (groups > 1)
      launch(finish_columns_kernel<Op>, dim3(static_cast<unsigned>(div_up(nout, kColBlock))),
             dim3(kColBlock), 0, stream, d, nout, width, part, groups);
    return;
  }
  // A group costs a partial store, an arrival and a finish read besides its tiles: groups of at
  // least kMinRowGroup tiles keep that under a quarter of their work (768-wide rows are not split).
  const int64_t group = std::max(plan_group(tiles, nout, 8192, kGroupLevels), kMinRowGroup);
  const int64_t groups = div_up(tiles, group);
  // Several groups: their partials, then one arrival counter per output (zeroed).
  const int64_t part_bytes = groups > 1 ? div_up(groups * nout * static_cast<int64_t>(sizeof(S)), 16) * 16 : 0;
  const int64_t count_bytes = groups > 1 ? nout * static_cast<int64_t>(sizeof(unsigned)) : 0;
  Workspace ws(mem, part_bytes + count_bytes);
  S* part = static_cast<S*>(ws.p);
  unsigned* arrivals = groups > 1 ? reinterpret_cast<unsigned*>(static_cast<char*>(ws.p) + part_bytes) : nullptr;
  if (arrivals) ND_CUDA_CHECK(cudaMemsetAsync(arrivals, 0, static_cast<size_t>(count_bytes), stream));
  launch(reduce_rows_kernel<Op, In>, dim3(grid_for(nout * groups, kWarpsPerBlock)), dim3(kWarpsPerBlock * kLanes),
         0, stream, d, nout, tiles, group, groups, part, arrivals);
}

template <template <class> class F>
void reduce_as(const ReduceDesc& d, cudaStream_t stream, Backend& mem) {
  ND_DISPATCH(d.in.dtype, T, run<F<T>, T>(d, stream, mem));
}

}  // namespace

void reduce(const ReduceDesc& d, cudaStream_t stream, Backend& mem) {
  switch (static_cast<kern::ReduceOp>(d.op)) {
#define ND_X(name, F)                  \
  case kern::ReduceOp::name:           \
    reduce_as<kern::F>(d, stream, mem); \
    return;
    ND_REDUCE_OPS(ND_X)
#undef ND_X
  }
  throw ValueError("unknown reduction op " + std::to_string(d.op));
}

}  // namespace nd::cuda
