// CPU tile routines that follow kernels/reduce_order.hpp exactly: the 32 lanes are simulated
// with small arrays the compiler vectorises. row_*: the reduced axis walks one row (unit or any
// stride); col_*: VC neighbouring output columns reduced together down a strided axis.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <vector>

#include "reduce_ops.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/simd.hpp"
#include "reduce_order.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) && !defined(NDGPU_NO_CLONES)
// AVX-512 / AVX2 / baseline clones picked at load time (as the elementwise loops do). Not in
// sanitizer builds, which check the same source once (the clones tripled their compile time).
#define ND_REDUCE_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ND_REDUCE_CLONES
#endif
// Tile routines are inlined into the cloned range functions, so they get each clone's ISA.
#define ND_TILE_INLINE inline __attribute__((always_inline))

namespace nd::cpu::red {

using kern::CombineOf;
using kern::order::kLanes;
using kern::order::kSteps;
using kern::order::kTile;

// Streaming reads prefetch this far ahead: one core's own demand misses and the hardware
// prefetcher leave this VM's bandwidth short (naive row max over (100000, 768): 12.6 ms -> 9.5 ms
// at 8-16 KiB ahead). Addresses past the array are fine: a prefetch never faults.
constexpr uintptr_t kPrefetchAhead = 16384;
template <class T>
ND_TILE_INLINE void prefetch_ahead(const T* p, int64_t count) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p) + kPrefetchAhead;
  for (uintptr_t b = 0; b < count * sizeof(T); b += 64) __builtin_prefetch(reinterpret_cast<const void*>(a + b));
}

using kern::order::Plus;

// A full tile of argmax/argmin with values and indices in separate arrays (vectorises). Within a
// lane elements arrive in index order, so combine(acc, later) reduces to "strictly better, or
// the first NaN": the same bits as the canonical lane loop.
template <class Op, class In, class At>
ND_TILE_INLINE typename Op::State arg_tile(At at, int64_t j0) {
  using Idx = std::conditional_t<sizeof(In) <= 4, int32_t, int64_t>;
  In v[kLanes];
  Idx ix[kLanes];
  for (int k = 0; k < kLanes; ++k) {
    v[k] = at(k);
    ix[k] = static_cast<Idx>(k);
  }
  for (int m = 1; m < kSteps; ++m)
    for (int k = 0; k < kLanes; ++k) {
      const In x = at(m * kLanes + k);
      const bool take = (Op::kMax ? x > v[k] : x < v[k]) || (kern::is_nan(x) && !kern::is_nan(v[k]));
      v[k] = take ? x : v[k];
      ix[k] = take ? static_cast<Idx>(m * kLanes + k) : ix[k];
    }
  typename Op::State lane[kLanes];
  for (int k = 0; k < kLanes; ++k) lane[k] = {v[k], j0 + ix[k]};
  return kern::order::lane_tree(lane, CombineOf<Op>{});
}

// The max (kMax) or min of lift(p[0, n)) (n >= 1) in no particular order -- equal values may
// differ in sign (+-0) or payload (NaN) -- and whether any lifted value is NaN.
template <class S>
struct ScanResult {
  S value;
  bool any_nan;
};
template <bool kMax, class S, class In, class Lift>
ND_TILE_INLINE ScanResult<S> extremum_and_nan(const In* p, int64_t n, Lift lift) {
  constexpr int L = 64;
  auto better = [](S a, S b) __attribute__((always_inline)) { return kMax ? a > b : a < b; };
  S m = lift(p[0]);
  int32_t any_nan = kern::is_nan(m);
  int64_t i = 1;
  if (n >= L) {
    S acc[L];
    int32_t nan[L];
    for (int k = 0; k < L; ++k) {
      acc[k] = lift(p[k]);
      nan[k] = kern::is_nan(acc[k]);
    }
    for (i = L; i + L <= n; i += L) {
      prefetch_ahead(p + i, L);
      for (int k = 0; k < L; ++k) {
        const S v = lift(p[i + k]);
        acc[k] = better(v, acc[k]) ? v : acc[k];
        nan[k] |= kern::is_nan(v);
      }
    }
    for (int w = L / 2; w >= 1; w /= 2)  // halving, not a serial chain: it vectorises
      for (int k = 0; k < w; ++k) {
        acc[k] = better(acc[k + w], acc[k]) ? acc[k + w] : acc[k];
        nan[k] |= nan[k + w];
      }
    m = better(acc[0], m) ? acc[0] : m;
    any_nan |= nan[0];
  }
  for (; i < n; ++i) {
    const S v = lift(p[i]);
    m = better(v, m) ? v : m;
    any_nan |= kern::is_nan(v);
  }
  return {m, any_nan != 0};
}

// argmax/argmin over p[0, n) (n >= 1), indices from j0. The answer -- the first NaN, else the
// first extremum -- is the same in any evaluation order (the combine is a total order with ties
// to the lower index), so two vectorised passes replace the canonical tree on contiguous rows:
// the extremum and whether a NaN occurs, then the first index holding it.
template <class Op, class In>
ND_TILE_INLINE typename Op::State arg_scan(const In* p, int64_t n, int64_t j0) {
  constexpr int L = 32;
  const auto [m, any_nan] =
      extremum_and_nan<Op::kMax, In>(p, n, [](In x) __attribute__((always_inline)) { return x; });
  // The first index holding the target: whole blocks of L are tested without branches first.
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    int32_t hit = 0;
    if (any_nan) for (int k = 0; k < L; ++k) hit |= kern::is_nan(p[i + k]);
    else for (int k = 0; k < L; ++k) hit |= p[i + k] == m;
    if (hit) break;
  }
  for (; i < n; ++i)
    if (any_nan ? kern::is_nan(p[i]) : p[i] == m) break;
  return {p[i], j0 + i};
}

// any/all over p[0, n): blocks of 256 tested without branches, stopping at the first block that
// decides the answer (a true for any, a false for all).
template <class Op, class In>
ND_TILE_INLINE bool logical_scan(const In* p, int64_t n) {
  constexpr int L = 256;
  const bool decided = !Op::identity();  // any: a nonzero decides; all: a zero
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    int32_t hit = 0;
    for (int k = 0; k < L; ++k) hit |= Op::lift(p[i + k], 0) == decided;
    if (hit) return decided;
  }
  for (; i < n; ++i)
    if (Op::lift(p[i], 0) == decided) return decided;
  return !decided;
}

// max/min (and the max/min norms) over the lifted p[0, n) (n >= 1). Every evaluation order finds
// a value equal to the canonical tree's, and equal floats have equal bits except 0 (+0 vs -0) and
// NaN (payloads). So one vectorised pass answers, and only a NaN or a zero result is left to the
// canonical tree (returns false).
template <class Op, class In>
ND_TILE_INLINE bool extremum_scan(const In* p, int64_t n, typename Op::State& out) {
  using S = typename Op::State;
  const auto [m, any_nan] = extremum_and_nan<Op::kMax, S>(
      p, n, [](In x) __attribute__((always_inline)) { return Op::lift(x, 0); });
  if constexpr (std::is_floating_point_v<S>)
    if (any_nan || m == S(0)) return false;
  out = m;
  return true;
}

// Float sums, means, L2 norms, products, max and min of a tile with the 32 lanes in registers, as
// 32-byte vectors: the same lifts, combines and lane tree as the scalar loops below, lane by lane
// in the same order, so the same bits. The scalar form left GCC spilling the lanes and the tree to
// the stack (store-forwarding stalls: a float32 full sum ran at a third of PyTorch's rate).
template <class Op, class In>
constexpr bool kVectorTile =
    std::is_floating_point_v<In> &&
    (std::is_same_v<Op, kern::Sum<In>> || std::is_same_v<Op, kern::Mean<In>> ||
     std::is_same_v<Op, kern::NormL2<In>> || std::is_same_v<Op, kern::Prod<In>> ||
     std::is_same_v<Op, kern::Max<In>> || std::is_same_v<Op, kern::Min<In>>) &&
    std::is_same_v<typename Op::State, In>;

using simd::v4d;
using simd::v8f;

// Op::lift and Op::combine of a kVectorTile op on whole vectors.
template <class Op, class In>
struct VecOp {
  using V = std::conditional_t<sizeof(In) == 4, v8f, v4d>;
  static constexpr int W = 32 / sizeof(In);
  static ND_TILE_INLINE V load(const In* p) {
    V v;
    std::memcpy(&v, p, sizeof(V));
    if constexpr (std::is_same_v<Op, kern::NormL2<In>>) return v * v;
    else return v;
  }
  static ND_TILE_INLINE V combine(V a, V b) {
    if constexpr (std::is_same_v<Op, kern::Prod<In>>) return a * b;
    else if constexpr (std::is_same_v<Op, kern::Max<In>>) return ((b > a) | (b != b)) ? b : a;  // max_nan
    else if constexpr (std::is_same_v<Op, kern::Min<In>>) return ((b < a) | (b != b)) ? b : a;  // min_nan
    else return a + b;
  }
};

// Step 3 on lanes held as NV whole vectors: lane i = combine(lane i, lane i + s) by whole
// vectors, then within the vector.
template <class Op, class In>
ND_TILE_INLINE In vector_tree(typename VecOp<Op, In>::V* acc) {
  using VO = VecOp<Op, In>;
  using V = typename VO::V;
  constexpr int W = VO::W;
  for (int s = kLanes / 2; s >= W; s /= 2)
    for (int j = 0; j < s / W; ++j) acc[j] = VO::combine(acc[j], acc[j + s / W]);
  V v = acc[0];
  if constexpr (W == 8) {
    v = VO::combine(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3));
    v = VO::combine(v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5));
    v = VO::combine(v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6));
  } else {
    v = VO::combine(v, __builtin_shufflevector(v, v, 2, 3, 0, 1));
    v = VO::combine(v, __builtin_shufflevector(v, v, 1, 0, 3, 2));
  }
  return v[0];
}

template <class Op, class In>
ND_TILE_INLINE In vector_tile(const In* x) {
  using VO = VecOp<Op, In>;
  using V = typename VO::V;
  constexpr int W = VO::W, NV = kLanes / W;
  V acc[NV];
  for (int j = 0; j < NV; ++j) acc[j] = VO::load(x + j * W);
  for (int m = 1; m < kSteps; ++m)
    for (int j = 0; j < NV; ++j) acc[j] = VO::combine(acc[j], VO::load(x + m * kLanes + j * W));
  return vector_tree<Op, In>(acc);
}

// var/std's moments of a full float tile with the lanes in vectors: the tile sum and the sum of
// squared deviations from the tile mean, each as vector_tile sums, so the same bits as the scalar
// lane loops of row_tile (whose trees ran as serial scalar adds: float32 standardize rows of 768
// took twice as long).
template <class In>
ND_TILE_INLINE kern::order::Moments<In> vector_moments_tile(const In* x) {
  using VO = VecOp<kern::Sum<In>, In>;
  using V = typename VO::V;
  constexpr int W = VO::W, NV = kLanes / W;
  const In mean = vector_tile<kern::Sum<In>, In>(x) / static_cast<In>(kTile);
  const V vm = V{} + mean;
  V acc[NV];
  for (int j = 0; j < NV; ++j) {
    const V d = VO::load(x + j * W) - vm;
    acc[j] = d * d;
  }
  for (int m = 1; m < kSteps; ++m)
    for (int j = 0; j < NV; ++j) {
      const V d = VO::load(x + m * kLanes + j * W) - vm;
      acc[j] = acc[j] + d * d;
    }
  return {kTile, mean, vector_tree<kern::Sum<In>, In>(acc)};
}

// The 32 lane values of a full tile of rows for w contiguous columns (the kVectorTile ops): each
// lane's 8 rows are combined in registers, 32 columns at a time, then stored once; the scalar
// form read and wrote the lane array for every element.
template <class Op, class In, int VC>
ND_TILE_INLINE void vector_col_lanes(const In* x, int64_t rs, int w, In (*lane)[VC]) {
  using VO = VecOp<Op, In>;
  using V = typename VO::V;
  constexpr int W = VO::W, NC = 4;
  int q0 = 0;
  for (; q0 + NC * W <= w; q0 += NC * W)
    for (int k = 0; k < kLanes; ++k) {
      V acc[NC];
      for (int c = 0; c < NC; ++c) acc[c] = VO::load(x + k * rs + q0 + c * W);
      for (int m = 1; m < kSteps; ++m)
        for (int c = 0; c < NC; ++c) acc[c] = VO::combine(acc[c], VO::load(x + (m * kLanes + k) * rs + q0 + c * W));
      for (int c = 0; c < NC; ++c) std::memcpy(&lane[k][q0 + c * W], &acc[c], sizeof(V));
    }
  for (; q0 < w; ++q0)  // the last columns, one at a time, in the same order
    for (int k = 0; k < kLanes; ++k) {
      In acc = Op::lift(x[k * rs + q0], 0);
      for (int m = 1; m < kSteps; ++m) acc = Op::combine(acc, Op::lift(x[(m * kLanes + k) * rs + q0], 0));
      lane[k][q0] = acc;
    }
}

// One tile of a row: x points at the tile's first element; j0 = its index in the row.
template <class Op, class In, bool kUnit>
ND_TILE_INLINE typename Op::State row_tile(const In* x, int64_t stride, int64_t j0, int64_t cnt) {
  using S = typename Op::State;
  auto at = [&](int64_t i) __attribute__((always_inline)) -> In { return kUnit ? x[i] : x[i * stride]; };
  const int occ = static_cast<int>(std::min<int64_t>(cnt, kLanes));
  if constexpr (Op::kMoments) {
    if constexpr (kUnit) prefetch_ahead(x, kTile);
    using A = typename Op::A;
    A lane[kLanes];
    if constexpr (kUnit && std::is_floating_point_v<In> && std::is_same_v<A, In>)
      if (cnt == kTile) return vector_moments_tile<In>(x);
    if (cnt == kTile) {  // the hot path: fixed trip counts, vectorised; same order as below
      for (int k = 0; k < kLanes; ++k) lane[k] = Op::lift(at(k), 0);
      for (int m = 1; m < kSteps; ++m)
        for (int k = 0; k < kLanes; ++k) lane[k] = lane[k] + Op::lift(at(m * kLanes + k), 0);
      const A mean = kern::order::lane_tree(lane, Plus{}) / static_cast<A>(kTile);
      for (int k = 0; k < kLanes; ++k) {
        const A d = Op::lift(at(k), 0) - mean;
        lane[k] = d * d;
      }
      for (int m = 1; m < kSteps; ++m)
        for (int k = 0; k < kLanes; ++k) {
          const A d = Op::lift(at(m * kLanes + k), 0) - mean;
          lane[k] = lane[k] + d * d;
        }
      return S{cnt, mean, kern::order::lane_tree(lane, Plus{})};
    }
    for (int k = 0; k < occ; ++k) lane[k] = Op::lift(at(k), 0);
    for (int64_t i = kLanes; i < cnt; i += kLanes) {
      const int m = static_cast<int>(std::min<int64_t>(kLanes, cnt - i));
      for (int k = 0; k < m; ++k) lane[k] = lane[k] + Op::lift(at(i + k), 0);
    }
    const A mean = kern::order::lane_tree_partial(lane, occ, Plus{}) / static_cast<A>(cnt);
    for (int k = 0; k < occ; ++k) {
      const A d = Op::lift(at(k), 0) - mean;
      lane[k] = d * d;
    }
    for (int64_t i = kLanes; i < cnt; i += kLanes) {
      const int m = static_cast<int>(std::min<int64_t>(kLanes, cnt - i));
      for (int k = 0; k < m; ++k) {
        const A d = Op::lift(at(i + k), 0) - mean;
        lane[k] = lane[k] + d * d;
      }
    }
    return S{cnt, mean, kern::order::lane_tree_partial(lane, occ, Plus{})};
  } else {
    CombineOf<Op> c;
    S lane[kLanes];
    if constexpr (requires { Op::kArg; }) {
      if (cnt == kTile) return arg_tile<Op, In>(at, j0);
    }
    // No software prefetch before a whole-vector tile: it streams at the hardware prefetcher's
    // pace, and the 16 prefetches cost it 10-15 % (row sum over (100000, 768) on huge pages).
    if constexpr (kUnit && kVectorTile<Op, In>)
      if (cnt == kTile) return vector_tile<Op, In>(x);
    if constexpr (kUnit) prefetch_ahead(x, kTile);
    if (cnt == kTile) {  // the hot path: fixed trip counts, vectorised
      for (int k = 0; k < kLanes; ++k) lane[k] = Op::lift(at(k), j0 + k);
      for (int m = 1; m < kSteps; ++m)
        for (int k = 0; k < kLanes; ++k)
          lane[k] = Op::combine(lane[k], Op::lift(at(m * kLanes + k), j0 + m * kLanes + k));
      return kern::order::lane_tree(lane, c);
    }
    for (int k = 0; k < occ; ++k) lane[k] = Op::lift(at(k), j0 + k);
    for (int64_t i = kLanes; i < cnt; i += kLanes) {
      const int m = static_cast<int>(std::min<int64_t>(kLanes, cnt - i));
      for (int k = 0; k < m; ++k) lane[k] = Op::combine(lane[k], Op::lift(at(i + k), j0 + i + k));
    }
    return kern::order::lane_tree_partial(lane, occ, c);
  }
}

// Tiles [t0, t1) of a row of length n (an aligned group, or the whole row): their subtree.
template <class Op, class In, bool kUnit>
ND_REDUCE_CLONES typename Op::State row_range(const In* row, int64_t stride, int64_t n, int64_t t0, int64_t t1) {
  // No lambdas here: a lambda is a separate function that would miss this function's clones.
  using S = typename Op::State;
  if constexpr ((requires { Op::kArg; }) && kUnit) {
    const int64_t j0 = t0 * kTile;
    return arg_scan<Op, In>(row + j0, std::min(n, t1 * kTile) - j0, j0);
  }
  if constexpr ((requires { Op::kLogical; }) && kUnit) {
    const int64_t j0 = t0 * kTile;
    return logical_scan<Op, In>(row + j0, std::min(n, t1 * kTile) - j0);
  }
  if constexpr ((requires { Op::kExtremum; }) && kUnit) {
    const int64_t j0 = t0 * kTile;
    S m;
    if (extremum_scan<Op, In>(row + j0, std::min(n, t1 * kTile) - j0, m)) return m;
  }
  if (t1 - t0 == 1) {
    const int64_t j0 = t0 * kTile;
    return row_tile<Op, In, kUnit>(row + j0 * stride, stride, j0, std::min(kTile, n - j0));
  }
  CombineOf<Op> c;
  kern::order::TileStack<S> st;
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t j0 = t * kTile;
    st.push(row_tile<Op, In, kUnit>(row + j0 * stride, stride, j0, std::min(kTile, n - j0)), c);
  }
  return st.fold(c);
}


// ---- columns: VC outputs side by side; x[i * rs + col * cs] --------------------------------
template <class S, int VC>
struct Block {
  S v[VC];
};
template <class Op, int VC>
struct BlockCombine {
  int w;
  template <class S>
  Block<S, VC> operator()(const Block<S, VC>& a, const Block<S, VC>& b) const {
    Block<S, VC> r;
    for (int q = 0; q < w; ++q) r.v[q] = Op::combine(a.v[q], b.v[q]);
    return r;
  }
};

// Runs body(q, value) over the w columns of row i, with a unit-stride fast path.
template <class In, class Body>
ND_TILE_INLINE void for_cols(const In* row, int64_t cs, int w, Body&& body) {
  if (cs == 1) {
    for (int q = 0; q < w; ++q) body(q, row[q]);
  } else {
    for (int q = 0; q < w; ++q) body(q, row[q * cs]);
  }
}

// One tile of rows [j0, j0 + cnt) for w <= VC columns; lane is scratch of 32 x VC states.
template <class Op, class In, int VC>
ND_TILE_INLINE Block<typename Op::State, VC> col_tile(const In* x, int64_t rs, int64_t cs, int w, int64_t j0,
                                       int64_t cnt, typename Op::State (*lane)[VC]) {
  using S = typename Op::State;
  const int occ = static_cast<int>(std::min<int64_t>(cnt, kLanes));
  Block<S, VC> out;
  if constexpr (Op::kMoments) {
    using A = typename Op::A;
    A sum[kLanes][VC];
    A mean[VC];
    auto lane_pass = [&](auto value) {  // lane sums of value(q, x) in the canonical order
      for (int64_t i = 0; i < cnt; ++i) {
        const int k = static_cast<int>(i % kLanes);
        A* acc = sum[k];
        if (i < kLanes) for_cols(x + i * rs, cs, w, [&](int q, In v) { acc[q] = value(q, v); });
        else for_cols(x + i * rs, cs, w, [&](int q, In v) { acc[q] = acc[q] + value(q, v); });
      }
      for (int s = kLanes / 2, o = occ; s >= 1; o = std::min(o, s), s /= 2)
        for (int i = 0; i < s && i + s < o; ++i)
          for (int q = 0; q < w; ++q) sum[i][q] = sum[i][q] + sum[i + s][q];
    };
    lane_pass([](int, In v) { return Op::lift(v, 0); });
    for (int q = 0; q < w; ++q) mean[q] = sum[0][q] / static_cast<A>(cnt);
    lane_pass([&](int q, In v) { const A d = Op::lift(v, 0) - mean[q]; return d * d; });
    for (int q = 0; q < w; ++q) out.v[q] = S{cnt, mean[q], sum[0][q]};
  } else if constexpr (requires { Op::kLogical; }) {  // any order: row after row, across columns
    int32_t acc[VC];  // int32, not bool: the compare and the or/and then vectorise
    const int32_t id = Op::identity();
    for (int q = 0; q < w; ++q) acc[q] = id;
    for (int64_t i = 0; i < cnt; ++i) {
      const In* r = x + i * rs;
      if (cs == 1) {
        for (int q = 0; q < w; ++q) acc[q] = id ? acc[q] & (r[q] != In(0)) : acc[q] | (r[q] != In(0));
      } else {
        for (int q = 0; q < w; ++q) acc[q] = id ? acc[q] & (r[q * cs] != In(0)) : acc[q] | (r[q * cs] != In(0));
      }
    }
    for (int q = 0; q < w; ++q) out.v[q] = acc[q] != 0;
    (void)lane;
    (void)occ;
  } else {
    if constexpr (kVectorTile<Op, In>)
      if (cs == 1 && cnt == kTile) {
        vector_col_lanes<Op, In, VC>(x, rs, w, lane);
        for (int s = kLanes / 2; s >= 1; s /= 2)
          for (int i = 0; i < s; ++i)
            for (int q = 0; q < w; ++q) lane[i][q] = Op::combine(lane[i][q], lane[i + s][q]);
        for (int q = 0; q < w; ++q) out.v[q] = lane[0][q];
        return out;
      }
    for (int64_t i = 0; i < cnt; ++i) {
      S* acc = lane[i % kLanes];
      const int64_t j = j0 + i;
      if (i < kLanes) for_cols(x + i * rs, cs, w, [&](int q, In v) { acc[q] = Op::lift(v, j); });
      else for_cols(x + i * rs, cs, w, [&](int q, In v) { acc[q] = Op::combine(acc[q], Op::lift(v, j)); });
    }
    for (int s = kLanes / 2, o = occ; s >= 1; o = std::min(o, s), s /= 2)
      for (int i = 0; i < s && i + s < o; ++i)
        for (int q = 0; q < w; ++q) lane[i][q] = Op::combine(lane[i][q], lane[i + s][q]);
    for (int q = 0; q < w; ++q) out.v[q] = lane[0][q];
  }
  return out;
}

// Tiles [t0, t1) down the reduced axis for w columns starting at x (row 0).
template <class Op, class In, int VC>
ND_REDUCE_CLONES Block<typename Op::State, VC> col_range(const In* x, int64_t rs, int64_t cs, int w, int64_t n,
                                        int64_t t0, int64_t t1) {
  using S = typename Op::State;
  if constexpr (requires { Op::kArg; }) {
    // argmax/argmin need no order (a total order, ties to the lower index: reduce_order.hpp's
    // shortcuts): one pass down the rows, each column keeping its best value and row as selects
    // that vectorise across the columns, in 8 KiB of state. The tile form's 32 lanes of SoA
    // state (64 KiB) and their tree made (1300, 768) argmax(axis=0) 10x slower than amax.
    using V = decltype(S::v);
    constexpr int64_t kChunk = int64_t{1} << 30;  // rows per int32 offset range
    const int64_t jb = t0 * kTile, je = std::min(n, t1 * kTile);
    Block<S, VC> out;
    for (int64_t c0 = jb; c0 < je; c0 += kChunk) {
      const int64_t cnt = std::min(je - c0, kChunk);
      alignas(64) V val[VC];
      alignas(64) int32_t rel[VC];
      for_cols(x + c0 * rs, cs, w, [&](int q, In v) { val[q] = Op::lift(v, 0).v, rel[q] = 0; });
      for (int64_t i = 1; i < cnt; ++i) {
        const int32_t r = static_cast<int32_t>(i);
        for_cols(x + (c0 + i) * rs, cs, w, [&](int q, In v) {
          const V a = val[q], b = Op::lift(v, 0).v;
          const bool take = (!kern::is_nan(a)) & (kern::is_nan(b) | (Op::kMax ? b > a : b < a));
          val[q] = take ? b : a;
          rel[q] = take ? r : rel[q];
        });
      }
      for (int q = 0; q < w; ++q) {
        const S here{val[q], c0 + rel[q]};
        out.v[q] = c0 == jb ? here : Op::combine(out.v[q], here);
      }
    }
    return out;
  }
  alignas(64) S lane[kLanes][VC];
  if (t1 - t0 == 1) {
    const int64_t j0 = t0 * kTile;
    return col_tile<Op, In, VC>(x + j0 * rs, rs, cs, w, j0, std::min(kTile, n - j0), lane);
  }
  BlockCombine<Op, VC> c{w};
  kern::order::TileStack<Block<S, VC>> st;
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t j0 = t * kTile;
    st.push(col_tile<Op, In, VC>(x + j0 * rs, rs, cs, w, j0, std::min(kTile, n - j0), lane), c);
  }
  return st.fold(c);
}


// ---- 16-bit float input: each tile widened (exactly) into float32 and reduced by the float32
// tile routines, so the bits are those of the float32 reduction of the widened array (reduce_order
// fixes them by tile, whatever the stride), at half its memory traffic and with no whole copy. -----
template <class H>
ND_TILE_INLINE void widen_run(float* o, const H* x, int64_t stride, int64_t n) {
  if (stride == 1) return widen(o, x, n);  // opmath_convert: vector instructions
  for (int64_t i = 0; i < n; ++i) o[i] = static_cast<float>(x[i * stride]);
}

template <class Op, class H>
ND_REDUCE_CLONES typename Op::State half_row_range(const H* row, int64_t stride, int64_t n, int64_t t0,
                                                   int64_t t1) {
  using S = typename Op::State;
  constexpr int64_t kWiden = 16;  // tiles widened per call (16 KiB of float32: L1), not one
  alignas(64) float buf[kWiden * kTile];
  CombineOf<Op> c;
  kern::order::TileStack<S> st;
  for (int64_t tb = t0; tb < t1; tb += kWiden) {
    const int64_t te = std::min(t1, tb + kWiden), jb = tb * kTile;
    widen_run(buf, row + jb * stride, stride, std::min(te * kTile, n) - jb);
    for (int64_t t = tb; t < te; ++t) {
      const int64_t j0 = t * kTile, cnt = std::min(kTile, n - j0);
      const S tile = row_tile<Op, float, true>(buf + (j0 - jb), 1, j0, cnt);
      if (t1 - t0 == 1) return tile;
      st.push(tile, c);
    }
  }
  return st.fold(c);
}

template <class Op, class H, int VC>
ND_REDUCE_CLONES Block<typename Op::State, VC> half_col_range(const H* x, int64_t rs, int64_t cs, int w,
                                                             int64_t n, int64_t t0, int64_t t1) {
  using S = typename Op::State;
  // A tile, widened, from a cache line on (the float32 column tiles load whole lines).
  static thread_local std::vector<float> rows(static_cast<size_t>(kTile * VC + 16));
  float* buf = rows.data() + ((64 - (reinterpret_cast<uintptr_t>(rows.data()) & 63)) & 63) / sizeof(float);
  alignas(64) S lane[kLanes][VC];
  BlockCombine<Op, VC> c{w};
  kern::order::TileStack<Block<S, VC>> st;
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t j0 = t * kTile, cnt = std::min(kTile, n - j0);
    for (int64_t i = 0; i < cnt; ++i) widen_run(buf + i * VC, x + (j0 + i) * rs, cs, w);
    const Block<S, VC> tile = col_tile<Op, float, VC>(buf, VC, 1, w, j0, cnt, lane);
    if (t1 - t0 == 1) return tile;
    st.push(tile, c);
  }
  return st.fold(c);
}

}  // namespace nd::cpu::red
