// The row-op table: softmax, log_softmax, normalize and standardize, their math written once for
// both backends. Every row op has the same three steps:
//   1. a prepass whose result no order can change: the row's max (softmax) or largest magnitude
//      (normalize, standardize), NaN ignored, prepared into one per-row value p. Ops with
//      kPreOnDemand (a scale that only guards the squares' range) first run step 2 with p = 1 and
//      run the prepass, then step 2 again, only when in_range(statistic) is false (one rule for
//      every backend: statistic_after_prepass);
//   2. a statistic of term(x, p) in THE reduction order (reduce_order.hpp): their sum, with the
//      reduction's Sum combine, or var's tile two-pass moments (standardize);
//   3. two per-row constants from it (finish) and an elementwise apply.
// Backends own only the loops: the CPU evaluates step 2 with the reductions' tile routines, CUDA
// with warps whose lane k is canonical lane k. Same order and the same fast_math functions, so a
// float32 row gives the same bits on both.
//
// Adding a row op: a functor below, a line in ND_ROW_OPS, the host function (host/src/nn.cpp),
// a test and a bench line. No backend file changes.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "common.hpp"
#include "fast_math.hpp"
#include "ops.hpp"
#include "reduce_ops.hpp"
#include "reduce_order.hpp"

namespace nd::kern {

// X(code, functor): RowDesc::op is the code's position.
#define ND_ROW_OPS(X)                                                                      \
  X(softmax, SoftmaxRow)         /* exp(x - max) / sum; an all -inf row gives NaN (PyTorch) */ \
  X(log_softmax, LogSoftmaxRow)  /* (x - max) - log(sum exp(x - max)) */                    \
  X(normalize, NormalizeRow)     /* x / max(||x||_2, eps), no overflow in the squares */     \
  X(standardize, StandardizeRow) /* (x - mean) / sqrt(var + eps), var with ddof 0 */

enum class RowOp : uint16_t {
#define ND_X(code, F) code,
  ND_ROW_OPS(ND_X)
#undef ND_X
};

namespace row {

enum class Pre { max, max_abs };

// The per-row constants of step 3 (their meaning is each op's).
template <class T>
struct Consts {
  T a, b;
};

// Step 1's combine: the larger, a NaN b ignored (acc starts at -inf and never becomes NaN). Two
// NaN-free values give the same result in either order, up to the sign of a zero, which
// prepare() removes.
template <class T>
ND_HD T pre_max(T acc, T b) { return b > acc ? b : acc; }

// 2^k for k in the normal exponent range.
template <class T>
ND_HD T pow2(int k) {
  if constexpr (std::is_same_v<T, float>) return bits_as<float>(static_cast<uint32_t>(k + 127) << 23);
  else return bits_as<double>(static_cast<uint64_t>(k + 1023) << 52);
}

// A power of two s with m * s in [0.5, 1) for normal m, 2^(max normal) for zero and subnormal m,
// 1 for inf or NaN: scaling by s is exact and keeps every square of a row far from overflow and
// underflow.
template <class T>
ND_HD T pow2_scale(T m) {
  constexpr bool f32 = std::is_same_v<T, float>;
  constexpr int kMant = f32 ? 23 : 52, kMaxExp = f32 ? 255 : 2047, kBias = f32 ? 127 : 1023;
  using U = std::conditional_t<f32, uint32_t, uint64_t>;
  const int e = static_cast<int>((bits_as<U>(m) >> kMant) & static_cast<U>(kMaxExp));
  if (e == kMaxExp) return T(1);
  if (e == 0) return pow2<T>(kBias - 1);
  const int k = kBias - 1 - e;  // m in [2^(e - bias), 2^(e - bias + 1)): m 2^k in [0.5, 1)
  return pow2<T>(k / 2) * pow2<T>(k - k / 2);  // the product may be subnormal: two exact factors
}

// A sum of squares (or var's M2) computed unscaled is good when finite and above the range where
// its terms lost digits to underflow (a term below the smallest normal is then under 2^-26 of it).
template <class T>
ND_HD bool squares_in_range(T s) {
  const T tiny = pow2<T>(std::is_same_v<T, float> ? -100 : -960);
  return s >= tiny && s <= std::numeric_limits<T>::max();
}

struct SoftmaxRow {
  static constexpr Pre kPre = Pre::max;
  static constexpr bool kPreOnDemand = false;
  static constexpr bool kMoments = false;
  static constexpr bool kApplyToTerm = true;  // apply reads term(x), not x: a backend may keep the terms
  template <class T> ND_HD static T prepare(T max) { return max + T(0); }  // -0 -> +0
  template <class T> ND_HD static T term(T x, T p) { return Exp{}(x - p); }
  template <class T> ND_HD static Consts<T> finish(T p, T sum, int64_t, double) { return {p, T(1) / sum}; }
  template <class T> ND_HD static T apply(T term, Consts<T> c) { return term * c.b; }
  template <class T> ND_HD static T masked() { return T(0); }
};

struct LogSoftmaxRow {
  static constexpr Pre kPre = Pre::max;
  static constexpr bool kPreOnDemand = false;
  static constexpr bool kMoments = false;
  static constexpr bool kApplyToTerm = false;
  template <class T> ND_HD static T prepare(T max) { return max + T(0); }
  template <class T> ND_HD static T term(T x, T p) { return Exp{}(x - p); }
  template <class T> ND_HD static Consts<T> finish(T p, T sum, int64_t, double) { return {p, Log{}(sum)}; }
  template <class T> ND_HD static T apply(T x, Consts<T> c) { return (x - c.a) - c.b; }
  template <class T> ND_HD static T masked() { return -std::numeric_limits<T>::infinity(); }
};

// x / max(norm, eps) computed as (x s) / max(sqrt(sum (x s)^2), eps s): s = 1, or
// pow2_scale(max|x|) when the unscaled squares left their range.
struct NormalizeRow {
  static constexpr Pre kPre = Pre::max_abs;
  static constexpr bool kPreOnDemand = true;
  template <class T> ND_HD static bool in_range(T sum) { return squares_in_range(sum); }
  static constexpr bool kMoments = false;
  static constexpr bool kApplyToTerm = false;
  template <class T> ND_HD static T prepare(T max_abs) { return pow2_scale(max_abs); }
  template <class T> ND_HD static T term(T x, T s) { return (x * s) * (x * s); }
  template <class T> ND_HD static Consts<T> finish(T s, T sum, int64_t, double eps) {
    const T norm = m::sqrt(sum), floor = static_cast<T>(eps) * s;
    const T den = norm > floor || norm != norm ? norm : floor;  // a NaN row stays NaN
    return {s, T(1) / den};
  }
  template <class T> ND_HD static T apply(T x, Consts<T> c) { return (x * c.a) * c.b; }
  template <class T> ND_HD static T masked() { return T(0); }
};

// (x - mean) / sqrt(var + eps) computed on t = x s as (t - mean_t) / sqrt(var_t + eps s^2): s = 1,
// or pow2_scale(max|x|) when the unscaled squared deviations left their range.
struct StandardizeRow {
  static constexpr Pre kPre = Pre::max_abs;
  static constexpr bool kPreOnDemand = true;
  template <class T> ND_HD static bool in_range(const order::Moments<T>& mo) { return squares_in_range(mo.m2); }
  static constexpr bool kMoments = true;  // step 2: var's moments of the terms
  static constexpr bool kApplyToTerm = true;
  template <class T> ND_HD static T prepare(T max_abs) { return pow2_scale(max_abs); }
  template <class T> ND_HD static T term(T x, T s) { return x * s; }
  template <class T> ND_HD static Consts<T> finish(T s, const order::Moments<T>& mo, int64_t n, double eps) {
    // In float64 (s^2 spans 2^-256..2^252). A constant row has t - mean_t == 0 exactly: with
    // eps > 0 the clamp keeps 0 * (1 / sqrt(eps s^2)) at 0 where that quotient overflows T;
    // with eps == 0 it is 0 / 0, NaN, as NumPy's (x - mean) / std.
    const double ds = s, inv = 1.0 / m::sqrt(static_cast<double>(mo.m2) / static_cast<double>(n) + eps * ds * ds);
    const double top = static_cast<double>(std::numeric_limits<T>::max());
    return {mo.mean, static_cast<T>(eps > 0 && inv > top ? top : inv)};
  }
  template <class T> ND_HD static T apply(T t, Consts<T> c) { return (t - c.a) * c.b; }
  template <class T> ND_HD static T masked() { return T(0); }
};

// The statistic of step 2: its state and reduction functor (reduce_ops.hpp) for rows of T.
template <class Op, class T>
using StatOp = std::conditional_t<Op::kMoments, MomentsOp<T, false>, Sum<T>>;
template <class Op, class T>
using Stat = typename StatOp<Op, T>::State;

// The prepass's lifted value.
template <class Op, class T>
ND_HD T pre_lift(T x) {
  if constexpr (Op::kPre == Pre::max_abs) return m::fabs(x);
  else return x;
}

// Steps 1 and 2 as every backend runs them: p = prepare(prepass()) and the statistic of term(x, p);
// for a kPreOnDemand op p = 1 first, and the prepass and a second statistic only when in_range
// fails (rare). prepass(): the row's step-1 value, raw; statistic(p): step 2. Sets p.
template <class Op, class T, class Prepass, class Statistic>
ND_FM Stat<Op, T> statistic_after_prepass(T& p, Prepass&& prepass, Statistic&& statistic) {
  p = Op::kPreOnDemand ? T(1) : Op::prepare(prepass());
  Stat<Op, T> st = statistic(p);
  if constexpr (Op::kPreOnDemand) {
    if (!Op::in_range(st)) {
      p = Op::prepare(prepass());
      st = statistic(p);
    }
  }
  return st;
}

}  // namespace row

// Calls f(Functor{}) for a RowOp code; false when the code is unknown.
template <class F>
bool with_row_op(RowOp op, F&& f) {
  switch (op) {
#define ND_X(code, Fn) \
  case RowOp::code:    \
    f(row::Fn{});      \
    return true;
    ND_ROW_OPS(ND_X)
#undef ND_X
  }
  return false;
}

}  // namespace nd::kern
