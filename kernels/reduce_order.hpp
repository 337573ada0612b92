// THE reduction order. Every reduction of n elements (a row, a column, a whole array) on every
// backend combines its elements in exactly this order, so float results are bitwise identical on
// CPU and CUDA, and the order is pairwise enough for NumPy-grade accuracy along ANY axis.
//
//   1. Tiles. Element j (0 <= j < n, in the order of the reduced axes the host gives: by decreasing
//      |stride|, ties in C order, so memory order for a dense array) belongs to tile
//      t = j / 256, lane k = j % 32, step m = (j % 256) / 32.
//   2. Lanes. Each of the 32 lanes of a tile starts at the op's identity and combines its (at most
//      8) elements in order of m: acc = combine(acc, lift(x_j)). Missing elements are skipped.
//   3. Lane tree. The 32 lane values are combined by halving: for s = 16, 8, 4, 2, 1:
//      lane[i] = combine(lane[i], lane[i + s]) for i < s (a warp's __shfl_down tree). -> tile value.
//   4. Tile tree. Tile values p[0..T) are combined pairwise, level by level: p'[i] =
//      combine(p[2i], p[2i+1]), an odd last one carried up unchanged, until one value remains.
//      Any aligned run of 2^g tiles is a subtree, so a backend may give aligned power-of-two groups
//      of tiles to different threads/blocks and combine the group values with the same rule.
//      Streaming form (TileStack): push tile values in order, merging like a binary counter, then
//      fold the leftovers from the smallest level up: identical to the level-by-level tree.
//
// Shortcuts: a backend may reach the result by another route only where no order can change its
// bits: any/all (or/and of bools, which may also stop once the answer is known), argmax/argmin
// (a total order, ties to the lower index), and max/min whose result is
// neither +-0 nor NaN (the CPU's one-pass scans in kernels/cpu/reduce_tiles.hpp, CUDA's lane bests
// in kernels/cuda/reduce.cu; a zero or NaN result is recomputed in this order). Checked in tests/reduce: test_reduce_order.cpp (signed
// zeros against this spec), test_reduce_rules.cpp (ties, NaN).
//
// The left operand of combine is always the earlier part (some combines, like Chan's, are not
// bitwise commutative). Every identity satisfies combine(a, identity) == a bitwise (float sums use
// -0.0), so skipping an empty lane and combining its identity give the same bits.
//
// Accuracy: an element passes through at most 7 + 5 + ceil(log2 T) roundings, i.e. about
// log2(n) + 4 <= 4 ceil(log2 n) for n >= 2: error <= 4 ceil(log2 n) eps sum|x|
// (docs/reliability.md 4).
//
// var/std (Moments): per tile, a two-pass over the tile's 256 elements (which sit in registers or
// L1; memory is still read once): the tile sum by steps 2-3, mean_t = sum / count, then the lane
// sums of (x - mean_t)^2 by steps 2-3 -> (count, mean_t, M2_t). Tiles combine by Chan's formula
// (chan_combine) in the tile tree. Never E[x^2] - E[x]^2.
#pragma once
#include <cstdint>

#include "common.hpp"

// Host builds force these small helpers inline, so they take the SIMD clone of their caller
// (kernels/cpu/reduce_tiles.hpp); CUDA's ND_HD is already __forceinline__.
#if defined(__CUDACC__) || !defined(__GNUC__)
#define ND_ORDER_HD ND_HD
#else
#define ND_ORDER_HD inline __attribute__((always_inline))
#endif
// On the GPU the stack's loops are unrolled without early exits, so every level has a fixed
// index and the stack lives in registers, never in local memory; on the host they stop as soon
// as the remaining levels have nothing to do (a 40-level walk per tile cost CPU rows 10 %).
// fold() takes these two macros; push() spells out both forms.
#if defined(__CUDA_ARCH__)
#define ND_ORDER_UNROLL _Pragma("unroll")
#define ND_ORDER_GOING(cond) true
#else
#define ND_ORDER_UNROLL
#define ND_ORDER_GOING(cond) (cond)
#endif

namespace nd::kern::order {

constexpr int kLanes = 32;
constexpr int kSteps = 8;
constexpr int64_t kTile = kLanes * kSteps;  // 256 elements
constexpr int kStackLevels = 40;            // 2^40 tiles: far beyond any array

inline constexpr int64_t num_tiles(int64_t n) { return (n + kTile - 1) / kTile; }

// Step 3 on an array of 32 lane values (in place); returns the tile value.
template <class S, class Combine>
ND_ORDER_HD S lane_tree(S* lane, Combine combine) {
  for (int s = kLanes / 2; s >= 1; s /= 2)
    for (int i = 0; i < s; ++i) lane[i] = combine(lane[i], lane[i + s]);
  return lane[0];
}

// Step 3 when only lanes [0, occupied) hold elements: the others hold the identity, and
// combine(a, identity) == a, so skipping them gives the same bits as lane_tree.
template <class S, class Combine>
ND_ORDER_HD S lane_tree_partial(S* lane, int occupied, Combine combine) {
  for (int s = kLanes / 2; s >= 1; s /= 2) {
    for (int i = 0; i < s && i + s < occupied; ++i) lane[i] = combine(lane[i], lane[i + s]);
    if (occupied > s) occupied = s;
  }
  return lane[0];
}

// Step 4 in streaming form. Levels bounds the number of tiles pushed (< 2^Levels).
template <class S, int Levels = kStackLevels>
struct TileStack {
  S level[Levels];
  uint64_t count = 0;

  template <class Combine>
  ND_ORDER_HD void push(S v, Combine combine) {
#if defined(__CUDA_ARCH__)
    bool placed = false;  // no early exit: unrolled, each level keeps a fixed register
#pragma unroll
    for (int l = 0; l < Levels; ++l) {
      if (placed) continue;
      if (count & (uint64_t{1} << l)) {
        v = combine(level[l], v);
      } else {
        level[l] = v;
        placed = true;
      }
    }
#else
    for (int l = 0; l < Levels; ++l) {
      if (!(count & (uint64_t{1} << l))) {
        level[l] = v;
        break;
      }
      v = combine(level[l], v);  // level[l] holds earlier tiles
    }
#endif
    ++count;
  }
  // The tree's root: leftovers folded from the smallest level up. count must be > 0.
  template <class Combine>
  ND_ORDER_HD S fold(Combine combine) const {
    S acc{};
    bool have = false;
    ND_ORDER_UNROLL
    for (int l = 0; l < Levels && ND_ORDER_GOING((count >> l) != 0); ++l) {  // higher levels are empty
      if (count & (uint64_t{1} << l)) {
        acc = have ? combine(level[l], acc) : level[l];
        have = true;
      }
    }
    return acc;
  }
};

// Step 4 in level form over an array of partials (in place): the rule group values follow.
template <class S, class Combine>
ND_ORDER_HD S tree_in_place(S* p, int64_t cnt, Combine combine) {
  while (cnt > 1) {
    const int64_t half = cnt / 2;
    for (int64_t i = 0; i < half; ++i) p[i] = combine(p[2 * i], p[2 * i + 1]);
    if (cnt & 1) p[half] = p[cnt - 1];
    cnt = half + (cnt & 1);
  }
  return p[0];
}

// The combine of var's tile sums (steps 2-3 of the moments two-pass), on every backend.
struct Plus {
  template <class A>
  ND_ORDER_HD A operator()(A a, A b) const { return a + b; }
};

// The smallest power of two >= x (x >= 1).
inline constexpr int64_t pow2_ceil(int64_t x) {
  int64_t p = 1;
  while (p < x) p <<= 1;
  return p;
}

// ---- var/std: per-tile moments and Chan's combine ---------------------------------------------
// No default member initialisers: a TileStack of Moments would zero all its levels on every
// construction (640 bytes per float32 row, 12 % of a standardize row); Moments<A>{} is zero.
template <class A>
struct Moments {
  int64_t n;
  A mean;
  A m2;
};

// Chan et al.: merge the moments of an earlier part a and a later part b.
template <class A>
ND_ORDER_HD Moments<A> chan_combine(const Moments<A>& a, const Moments<A>& b) {
  if (b.n == 0) return a;
  if (a.n == 0) return b;
  Moments<A> r;
  r.n = a.n + b.n;
  const A na = static_cast<A>(a.n), nb = static_cast<A>(b.n), n = static_cast<A>(r.n);
  const A delta = b.mean - a.mean;
  r.mean = a.mean + delta * (nb / n);
  r.m2 = (a.m2 + b.m2) + (delta * delta) * ((na * nb) / n);
  return r;
}

struct ChanCombine {
  template <class A>
  ND_HD Moments<A> operator()(const Moments<A>& a, const Moments<A>& b) const {
    return chan_combine(a, b);
  }
};

// Float sums' identity is -0.0 (x + -0.0 == x for every x, -0.0 included).
template <class A>
ND_HD A sum_identity() {
  if constexpr (std::is_floating_point_v<A>) return A(-0.0);
  else return A(0);
}

}  // namespace nd::kern::order
