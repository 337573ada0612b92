// The reduction ops, defined once for both backends: the X-macro table (ReduceOp codes, names),
// each op's functor (identity / lift / combine / finalize, ND_HD) and the dtype rules.
// The order in which a backend applies them is fixed by reduce_order.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "common.hpp"
#include "reduce_order.hpp"

// X(name, Functor): one row per op. Backends switch over this table (-Werror=switch).
#define ND_REDUCE_OPS(X)                                                               \
  X(sum, Sum)                                                                          \
  X(prod, Prod)                                                                        \
  X(mean, Mean)                                                                        \
  X(var, Var)                                                                          \
  X(std, Std)                                                                          \
  X(max, Max)                                                                          \
  X(min, Min)                                                                          \
  X(argmax, ArgMax)                                                                    \
  X(argmin, ArgMin)                                                                    \
  X(any, Any)                                                                          \
  X(all, All)                                                                          \
  X(norm_l1, NormL1)         /* sum |x| */                                             \
  X(norm_l2, NormL2)         /* sqrt(sum x^2) */                                       \
  X(norm_max, NormMax)       /* max |x| (ord=inf) */                                   \
  X(norm_min, NormMin)       /* min |x| (ord=-inf) */                                  \
  X(count_nonzero, CountNonzero) /* ord=0: number of non-zeros, as the float dtype */

namespace nd::kern {

enum class ReduceOp : uint16_t {
#define ND_X(name, F) name,
  ND_REDUCE_OPS(ND_X)
#undef ND_X
};

// Accumulation types: float stays itself; integer/bool sums and products go to int64; float math
// on integers (mean, var, norms) accumulates in float64.
// Sums and products: floats in their own type, unsigned integers in uint64, the others in int64
// (NumPy's platform integers).
template <class In>
using int_acc_t = std::conditional_t<std::is_floating_point_v<In>, In,
                                     std::conditional_t<std::is_unsigned_v<In> && !std::is_same_v<In, bool>, uint64_t, int64_t>>;
template <class In> using float_acc_t = std::conditional_t<std::is_floating_point_v<In>, In, double>;

template <class T>
ND_HD T abs_value(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
  else return x < 0 ? T(0) - x : x;
}
template <class T>
ND_HD T lowest_value() {
  if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <class T>
ND_HD T highest_value() {
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}
// NaN-propagating max/min that keep the earlier operand on ties (never fmax: it drops NaN).
// A NaN b replaces a (a NaN a is never replaced by a number): simple enough to vectorise.
template <class T>
ND_HD T max_nan(T a, T b) { return (b > a || is_nan(b)) ? b : a; }
template <class T>
ND_HD T min_nan(T a, T b) { return (b < a || is_nan(b)) ? b : a; }

// ---- functors: State identity(), State lift(In, j), State combine(State earlier, State later),
//      Out finalize(State, n, ddof). Moments ops (var/std) use the tile two-pass instead.
template <class In, class A, class Derived>
struct SumLike {
  using State = A;
  using Out = A;
  static constexpr bool kMoments = false;
  ND_HD static State identity() { return order::sum_identity<A>(); }
  ND_HD static State combine(State a, State b) { return wrap_add(a, b); }
  ND_HD static Out finalize(State s, int64_t, int64_t) { return s; }
};
template <class In> struct Sum : SumLike<In, int_acc_t<In>, Sum<In>> {
  ND_HD static int_acc_t<In> lift(In x, int64_t) { return static_cast<int_acc_t<In>>(x); }
};
template <class In> struct Mean : SumLike<In, float_acc_t<In>, Mean<In>> {
  using A = float_acc_t<In>;
  ND_HD static A lift(In x, int64_t) { return static_cast<A>(x); }
  ND_HD static A finalize(A s, int64_t n, int64_t) { return s / static_cast<A>(n); }
};
template <class In> struct NormL1 : SumLike<In, float_acc_t<In>, NormL1<In>> {
  using A = float_acc_t<In>;
  ND_HD static A lift(In x, int64_t) { return abs_value(static_cast<A>(x)); }
};
template <class In> struct NormL2 : SumLike<In, float_acc_t<In>, NormL2<In>> {
  using A = float_acc_t<In>;
  ND_HD static A lift(In x, int64_t) { const A v = static_cast<A>(x); return v * v; }
  ND_HD static A finalize(A s, int64_t, int64_t) { return std::sqrt(s); }
};
template <class In> struct CountNonzero : SumLike<In, float_acc_t<In>, CountNonzero<In>> {
  using A = float_acc_t<In>;
  ND_HD static A lift(In x, int64_t) { return x != In(0) ? A(1) : A(0); }
};
template <class In> struct Prod {
  using State = int_acc_t<In>;
  using Out = State;
  static constexpr bool kMoments = false;
  ND_HD static State identity() { return State(1); }
  ND_HD static State lift(In x, int64_t) { return static_cast<State>(x); }
  ND_HD static State combine(State a, State b) { return wrap_mul(a, b); }
  ND_HD static Out finalize(State s, int64_t, int64_t) { return s; }
};

template <class T, bool kIsMax>
struct Extremum {
  using State = T;
  using Out = T;
  static constexpr bool kMoments = false;
  static constexpr bool kExtremum = true;  // the result equals one lifted input (any order finds it)
  static constexpr bool kMax = kIsMax;
  ND_HD static State identity() { return kIsMax ? lowest_value<T>() : highest_value<T>(); }
  ND_HD static State combine(State a, State b) { return kIsMax ? max_nan(a, b) : min_nan(a, b); }
  ND_HD static Out finalize(State s, int64_t, int64_t) { return s; }
};
template <class In> struct Max : Extremum<In, true> {
  ND_HD static In lift(In x, int64_t) { return x; }
};
template <class In> struct Min : Extremum<In, false> {
  ND_HD static In lift(In x, int64_t) { return x; }
};
template <class In> struct NormMax : Extremum<float_acc_t<In>, true> {
  ND_HD static float_acc_t<In> lift(In x, int64_t) { return abs_value(static_cast<float_acc_t<In>>(x)); }
};
template <class In> struct NormMin : Extremum<float_acc_t<In>, false> {
  ND_HD static float_acc_t<In> lift(In x, int64_t) { return abs_value(static_cast<float_acc_t<In>>(x)); }
};

// argmax/argmin: the FIRST extremum; NaN beats everything (first NaN wins), like NumPy.
template <class T>
struct ValIdx {
  T v;
  int64_t i;
};
template <class In, bool kIsMax>
struct ArgExtremum {
  using State = ValIdx<In>;
  using Out = int64_t;
  static constexpr bool kMoments = false;
  static constexpr bool kArg = true;  // lets a backend keep values and indices apart (SoA)
  static constexpr bool kMax = kIsMax;
  ND_HD static State identity() {
    return {kIsMax ? lowest_value<In>() : highest_value<In>(), std::numeric_limits<int64_t>::max()};
  }
  ND_HD static State lift(In x, int64_t j) { return {x, j}; }
  // Whether combine(a, b) is b. Branch-free (`&` `|` of bools): data-dependent branches
  // mispredict on every other element of random data, and selects let the compiler vectorise the
  // lanes. I: any index type (a backend may keep offset int32 indices in SoA lanes).
  template <class I>
  ND_HD static bool takes(In av, I ai, In bv, I bi) {
    const bool an = is_nan(av), bn = is_nan(bv), earlier = bi < ai;
    const bool by_nan = bn & ((!an) | earlier);
    const bool by_value = (kIsMax ? bv > av : bv < av) | ((bv == av) & earlier);
    return (an | bn) ? by_nan : by_value;
  }
  ND_HD static State combine(State a, State b) {
    const bool take_b = takes(a.v, a.i, b.v, b.i);
    return {take_b ? b.v : a.v, take_b ? b.i : a.i};
  }
  ND_HD static Out finalize(State s, int64_t, int64_t) { return s.i; }
};
template <class In> struct ArgMax : ArgExtremum<In, true> {};
template <class In> struct ArgMin : ArgExtremum<In, false> {};

template <class In, bool kIsAny>
struct Logical {
  using State = bool;
  using Out = bool;
  static constexpr bool kMoments = false;
  static constexpr bool kLogical = true;  // or/and of bools: any order, and may stop once decided
  ND_HD static State identity() { return !kIsAny; }
  ND_HD static State lift(In x, int64_t) { return x != In(0); }  // NaN counts as true
  ND_HD static State combine(State a, State b) { return kIsAny ? (a | b) : (a & b); }  // no branch
  ND_HD static Out finalize(State s, int64_t, int64_t) { return s; }
};
template <class In> struct Any : Logical<In, true> {};
template <class In> struct All : Logical<In, false> {};

// var/std: A is the accumulation type; lift gives the value, the tile two-pass does the rest.
template <class In, bool kSqrt>
struct MomentsOp {
  using A = float_acc_t<In>;
  using State = order::Moments<A>;
  using Out = A;
  static constexpr bool kMoments = true;
  ND_HD static State identity() { return State{}; }
  ND_HD static A lift(In x, int64_t) { return static_cast<A>(x); }
  ND_HD static State combine(const State& a, const State& b) { return order::chan_combine(a, b); }
  // NumPy: M2 / max(n - ddof, 0) -> inf or nan when the divisor is 0, never an exception.
  ND_HD static Out finalize(const State& s, int64_t n, int64_t ddof) {
    const int64_t d = n - ddof > 0 ? n - ddof : 0;
    const A v = s.m2 / static_cast<A>(d);
    if constexpr (kSqrt) return std::sqrt(v);
    else return v;
  }
};
template <class In> struct Var : MomentsOp<In, false> {};
template <class In> struct Std : MomentsOp<In, true> {};

// combine as a function object (lane_tree / TileStack take one).
template <class Op>
struct CombineOf {
  template <class S>
  ND_HD S operator()(const S& a, const S& b) const { return Op::combine(a, b); }
};

}  // namespace nd::kern

namespace nd {
// What a backend writes for (op, input dtype): the functor's Out type. host/ casts afterwards
// where the public dtype differs (mean/var/std/norm of integers: float32).
constexpr DType reduce_kernel_out_dtype(kern::ReduceOp op, DType in) {
  using kern::ReduceOp;
  const bool fl = is_floating(in);
  switch (op) {
    case ReduceOp::sum:
    case ReduceOp::prod: return fl ? in : dtype_kind(in) == DTypeKind::unsigned_int ? DType::uint64 : DType::int64;
    case ReduceOp::mean:
    case ReduceOp::var:
    case ReduceOp::std:
    case ReduceOp::norm_l1:
    case ReduceOp::norm_l2:
    case ReduceOp::norm_max:
    case ReduceOp::norm_min:
    case ReduceOp::count_nonzero: return fl ? in : DType::float64;
    case ReduceOp::max:
    case ReduceOp::min: return in;
    case ReduceOp::argmax:
    case ReduceOp::argmin: return DType::int64;
    case ReduceOp::any:
    case ReduceOp::all: return DType::bool_;
  }
  return in;
}
}  // namespace nd
