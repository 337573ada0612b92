// Every elementwise op's math, written once as ND_HD functors that both backends instantiate.
// Integer arithmetic wraps (as NumPy) without UB; integer division goes through common.hpp.
// bool arithmetic: + is "or", * is "and" (NumPy's bool loops).
#pragma once
#include <cmath>
#include <limits>
#include <type_traits>

#include "common.hpp"
#include "fast_math.hpp"

namespace nd::kern {

// ---- libm spelled once for host and device -------------------------------------------------
namespace m {
#if defined(__CUDA_ARCH__)
#define ND_MATH1(name) \
  ND_HD float name(float x) { return ::name##f(x); } \
  ND_HD double name(double x) { return ::name(x); }
#define ND_MATH2(name) \
  ND_HD float name(float x, float y) { return ::name##f(x, y); } \
  ND_HD double name(double x, double y) { return ::name(x, y); }
#else
#define ND_MATH1(name) \
  ND_HD float name(float x) { return std::name(x); } \
  ND_HD double name(double x) { return std::name(x); }
#define ND_MATH2(name) \
  ND_HD float name(float x, float y) { return std::name(x, y); } \
  ND_HD double name(double x, double y) { return std::name(x, y); }
#endif
ND_MATH1(sqrt) ND_MATH1(exp) ND_MATH1(log) ND_MATH1(log2) ND_MATH1(log10) ND_MATH1(log1p)
ND_MATH1(expm1) ND_MATH1(sin) ND_MATH1(cos) ND_MATH1(tan) ND_MATH1(tanh) ND_MATH1(floor)
ND_MATH1(ceil) ND_MATH1(rint) ND_MATH1(trunc) ND_MATH1(fabs)
ND_MATH2(pow) ND_MATH2(fmod) ND_MATH2(copysign)
#undef ND_MATH1
#undef ND_MATH2
}  // namespace m

// ---- unary ---------------------------------------------------------------------------------
// RareSplit: a functor whose float32 operator() equals `rare(x) ? <costly path> : common(x)`
// provides both: the CPU contiguous loops run the vectorised common() over blocks with no rare
// element, and operator() element by element over the others (same bits either way). Every
// functor's operator(), rare() and common() is forced inline (ND_FM): GCC left pow's common(),
// then expm1's operator(), out of line, where the baseline target made each fma a libm call and
// the loop 30-90x slower (scripts/check_inlined.sh now fails on that).
template <class F, class T>
inline constexpr bool has_rare_split = std::is_same_v<T, float> && requires(float v) {
  F::rare(v);
  F::common(v);
};
template <class F, class T>  // the same for binary ops (float mod and floor_divide)
inline constexpr bool has_rare_split2 = std::is_same_v<T, float> && requires(float v) {
  F::rare(v, v);
  F::common(v, v);
};
// Integer ops by a scalar divisor (x // 7, x % 7): F::by(FixedDivisor, a) gives f(a, b) without a
// hardware divide (common.hpp); the CPU loops build the divisor once per row.
template <class F, class T>
inline constexpr bool has_fixed_divisor = std::is_integral_v<T> && !std::is_same_v<T, bool> &&
    requires(const FixedDivisor<T>& d, T v) { F::by(d, v); };
// Work per element relative to an add (F::kCost, 1 when absent). The CPU splits an op across cores
// from kParallelGrain / kCost elements per chunk (kernels/cpu/loops.hpp), so a function costing
// ~10x an add runs on both cores from 8K elements on, not from 64K (docs/performance.md 5a).
template <class F>
constexpr int op_cost() {
  if constexpr (requires { F::kCost; }) return F::kCost;
  else return 1;
}
// The functors whose math in a narrow integer type (int8 ... uint16, uint32) is exactly that
// type's NumPy result: the wrapping ring operations, comparisons, and order selections. On the
// CPU the one-byte types run them in the type itself (a vector holds 4x the int32 lanes); the
// other ops and widths compute in the opmath type (docs/design.md 4).
struct Add; struct Subtract; struct Multiply; struct Maximum; struct Minimum; struct Fmax; struct Fmin;
struct Equal; struct NotEqual; struct Less; struct LessEqual; struct Greater; struct GreaterEqual;
struct Where; struct Clip; struct Negative; struct Abs; struct Sign; struct Square;
template <class F, class... G> inline constexpr bool is_one_of = (std::is_same_v<F, G> || ...);
template <class F>
inline constexpr bool exact_in_narrow_ints =
    is_one_of<F, Add, Subtract, Multiply, Maximum, Minimum, Fmax, Fmin, Equal, NotEqual, Less, LessEqual,
              Greater, GreaterEqual, Where, Clip, Negative, Abs, Sign, Square>;

struct Negative {
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) return wrap_sub(T(0), x);
    else return -x;
  }
};
struct Abs {
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return m::fabs(x);
    else if constexpr (std::is_signed_v<T>) return x < 0 ? Negative{}(x) : x;  // abs(MIN) == MIN, as NumPy
    else return x;
  }
};
struct Sign {
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>) return x > T(0) ? T(1) : T(0);
    else return x > T(0) ? T(1) : x < T(0) ? T(-1) : x == T(0) ? T(0) : x;  // NaN stays NaN
  }
};
struct Square {
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) return wrap_mul(x, x);
    else return x * x;
  }
};
struct Sqrt { template <class T> ND_FM T operator()(T x) const { return m::sqrt(x); } };
struct Exp {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return exp_f32(x);
    else return m::exp(x);
  }
  ND_FM static bool rare(float x) { return exp_rare(x); }  // see RareSplit
  ND_FM static float common(float x) { return exp_f32_common(x); }
};
struct Log {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return log_f32(x);
    else return m::log(x);
  }
  ND_FM static bool rare(float x) { return log_rare(x); }  // see RareSplit
  ND_FM static float common(float x) { return log_f32_common(x); }
};
struct Log2 {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return log2_f32(x);
    else return m::log2(x);
  }
  ND_FM static bool rare(float x) { return log_rare(x); }  // see RareSplit
  ND_FM static float common(float x) { return log2_f32_common(x); }
};
struct Log10 {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return log10_f32(x);
    else return m::log10(x);
  }
  ND_FM static bool rare(float x) { return log_rare(x); }  // see RareSplit
  ND_FM static float common(float x) { return log10_f32_common(x); }
};
struct Log1p {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return log1p_f32(x);
    else return m::log1p(x);
  }
};
struct Expm1 {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return expm1_f32(x);
    else return m::expm1(x);
  }
};
struct Sin {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return sin_f32(x);
    else return m::sin(x);
  }
  ND_FM static bool rare(float x) { return trig_big(x); }  // see RareSplit
  ND_FM static float common(float x) { return sin_f32_small(x); }
};
struct Cos {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return cos_f32(x);
    else return m::cos(x);
  }
  ND_FM static bool rare(float x) { return trig_big(x); }  // see RareSplit
  ND_FM static float common(float x) { return cos_f32_small(x); }
};
struct Tan {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return tan_f32(x);
    else return m::tan(x);
  }
  ND_FM static bool rare(float x) { return trig_big(x); }  // see RareSplit
  ND_FM static float common(float x) { return tan_f32_small(x); }
};
struct Tanh {
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return tanh_f32(x);
    else return m::tanh(x);
  }
};
struct Sigmoid {  // 1 / (1 + e^-x): saturates to exactly 0 and 1, never NaN for finite x
  static constexpr int kCost = 8;
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return sigmoid_f32(x);
    else return T(1) / (T(1) + m::exp(-x));
  }
};
// Rounding is the identity on integers (NumPy 2 keeps integer dtypes for floor/ceil/round).
struct Floor {
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return m::floor(x); else return x;
  }
};
struct Ceil {
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return m::ceil(x); else return x;
  }
};
struct Round {  // half to even, like np.round
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return m::rint(x); else return x;
  }
};
struct LogicalNot { template <class T> ND_FM bool operator()(T x) const { return !x; } };
struct IsNan { template <class T> ND_FM bool operator()(T x) const { return is_nan(x); } };
struct IsInf {
  template <class T> ND_FM bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return x == std::numeric_limits<T>::infinity() ||
                                                      x == -std::numeric_limits<T>::infinity();
    else return false;
  }
};
struct IsFinite {
  template <class T> ND_FM bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return x - x == T(0);  // false for inf and NaN
    else return true;
  }
};

// ---- binary --------------------------------------------------------------------------------
struct Add {
  template <class T> ND_FM T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a | b;
    else if constexpr (std::is_integral_v<T>) return wrap_add(a, b);
    else return a + b;
  }
};
struct Subtract {
  template <class T> ND_FM T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return wrap_sub(a, b);
    else return a - b;
  }
};
struct Multiply {
  template <class T> ND_FM T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a & b;
    else if constexpr (std::is_integral_v<T>) return wrap_mul(a, b);
    else return a * b;
  }
};
struct Divide { template <class T> ND_FM T operator()(T a, T b) const { return a / b; } };

// fmod of float32 operands through float64, exact (as fmod always is) while |a| < 2^29 |b|.
// The float64 quotient truncates to the true one: when a/b is not an integer n it is at least
// ulp(b)/|b| >= 2^-24 away from one, and rounding moves it by under 2^29 * 2^-53 = 2^-24. Then
// q (at most 29 bits) times b is exact in float64, and so is a - q b (below |b| in magnitude).
// fmod_f32_rare: outside that range, b == 0, inf, NaN (the caller takes libm's fmod).
ND_HD bool fmod_f32_rare(float a, float b) { return !(m::fabs(a) < 0x1p29f * m::fabs(b)); }
ND_HD float fmod_f32_common(float a, float b) {
  const double A = a, B = b;
  const double r = A - m::trunc(A / B) * B;
  return static_cast<float>(m::copysign(r, A));  // a zero takes a's sign, as fmod's
}

// NumPy's npy_divmod for floats: remainder takes the divisor's sign, the quotient is floored
// and snapped so that a == q*b + r holds as closely as floats allow; b == 0 gives a/b and NaN.
// kCommon: the vectorisable form for operands fmod_f32_rare does not flag (float32 only).
template <class T, bool kCommon = false>
ND_HD T float_divmod(T a, T b, T* mod_out) {
  T mod;
  if constexpr (kCommon) {
    mod = fmod_f32_common(a, b);
  } else {
    mod = m::fmod(a, b);
    if (b == T(0)) {
      *mod_out = mod;
      return a / b;
    }
  }
  T div = (a - mod) / b;
  if (mod != T(0)) {
    if ((b < T(0)) != (mod < T(0))) {
      mod += b;
      div -= T(1);
    }
  } else {
    mod = m::copysign(T(0), b);
  }
  T floordiv;
  if (div != T(0)) {
    floordiv = m::floor(div);
    if (div - floordiv > T(0.5)) floordiv += T(1);
  } else {
    floordiv = m::copysign(T(0), a / b);
  }
  *mod_out = mod;
  return floordiv;
}
struct FloorDivide {
  static constexpr int kCost = 16;
  template <class T> ND_FM T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return int_floor_div(a, b);
    else { T r; return float_divmod(a, b, &r); }
  }
  template <class T> static T by(const FixedDivisor<T>& d, T a) { return d.floor_div(a); }
  ND_FM static bool rare(float a, float b) { return fmod_f32_rare(a, b); }  // see RareSplit
  ND_FM static float common(float a, float b) { float r; return float_divmod<float, true>(a, b, &r); }
};
struct Mod {  // np.remainder / np.mod: the result has the divisor's sign
  static constexpr int kCost = 16;
  template <class T> ND_FM T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return int_mod(a, b);
    else { T r; float_divmod(a, b, &r); return r; }
  }
  template <class T> static T by(const FixedDivisor<T>& d, T a) { return d.mod(a); }
  ND_FM static bool rare(float a, float b) { return fmod_f32_rare(a, b); }  // see RareSplit
  ND_FM static float common(float a, float b) { float r; float_divmod<float, true>(a, b, &r); return r; }
};
// Integer power by squaring, wrapping on overflow. Negative exponents (which NumPy rejects for
// array exponents at run time) give the truncated result: 1 for a == 1, +-1 for a == -1, else 0.
template <class T>
ND_HD T int_pow(T a, T e) {
  if constexpr (std::is_signed_v<T>)
    if (e < 0) return a == 1 ? T(1) : a == -1 ? ((e & 1) ? T(-1) : T(1)) : T(0);
  T r = 1;
  while (e) {
    if (e & 1) r = Multiply{}(r, a);
    a = Multiply{}(a, a);
    e >>= 1;
  }
  return r;
}
// float32: fast_math's pow for a positive normal base and a finite exponent, libm's pow for the
// special cases (a RareSplit, so the CPU loops vectorise the common pairs); float64: libm.
struct Power {
  static constexpr int kCost = 32;
  template <class T> ND_FM T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return int_pow(a, b);
    else if constexpr (std::is_same_v<T, float>) return pow_f32_rare(a, b) ? m::pow(a, b) : pow_f32_common(a, b);
    else return m::pow(a, b);
  }
  ND_FM static bool rare(float a, float b) { return pow_f32_rare(a, b); }  // see RareSplit
  ND_FM static float common(float a, float b) { return pow_f32_common(a, b); }
};
// maximum/minimum propagate NaN (either side); fmax/fmin ignore a NaN when the other is a number.
// Ties (+0 vs -0) give the second operand, as NumPy's SIMD loops do.
// `|` rather than `||`: no short-circuit branch, so the loops vectorise (a select per lane).
struct Maximum {
  template <class T> ND_FM T operator()(T a, T b) const { return ((a > b) | is_nan(a)) ? a : b; }
};
struct Minimum {
  template <class T> ND_FM T operator()(T a, T b) const { return ((a < b) | is_nan(a)) ? a : b; }
};
struct Fmax {
  template <class T> ND_FM T operator()(T a, T b) const { return ((a > b) | is_nan(b)) ? a : b; }
};
struct Fmin {
  template <class T> ND_FM T operator()(T a, T b) const { return ((a < b) | is_nan(b)) ? a : b; }
};
struct Equal { template <class T> ND_FM bool operator()(T a, T b) const { return a == b; } };
struct NotEqual { template <class T> ND_FM bool operator()(T a, T b) const { return a != b; } };
struct Less { template <class T> ND_FM bool operator()(T a, T b) const { return a < b; } };
struct LessEqual { template <class T> ND_FM bool operator()(T a, T b) const { return a <= b; } };
struct Greater { template <class T> ND_FM bool operator()(T a, T b) const { return a > b; } };
struct GreaterEqual { template <class T> ND_FM bool operator()(T a, T b) const { return a >= b; } };
// `&` and `|` of bools, not `&&` / `||`: no branch, so the loops vectorise.
struct LogicalAnd { template <class T> ND_FM bool operator()(T a, T b) const { return bool(a) & bool(b); } };
struct LogicalOr { template <class T> ND_FM bool operator()(T a, T b) const { return bool(a) | bool(b); } };
struct LogicalXor { template <class T> ND_FM bool operator()(T a, T b) const { return !a != !b; } };

// Bitwise ops (op classes bitwise / shift: bool and integers only). On bool, & | ^ ~ are the
// logical ops, as NumPy's. Shifts are NumPy's: a count below 0 or at least the width shifts every
// bit out (0, or -1 for a negative number shifted right); narrow integers compute in int32 /
// int64 and wrap, which gives the narrow type's own result for every count.
struct BitwiseAnd { template <class T> ND_FM T operator()(T a, T b) const { return static_cast<T>(a & b); } };
struct BitwiseOr { template <class T> ND_FM T operator()(T a, T b) const { return static_cast<T>(a | b); } };
struct BitwiseXor { template <class T> ND_FM T operator()(T a, T b) const { return static_cast<T>(a ^ b); } };
struct Invert {
  template <class T> ND_FM T operator()(T x) const {
    if constexpr (std::is_same_v<T, bool>) return !x;
    else return static_cast<T>(~x);
  }
};
template <class T>
ND_FM bool shifts_out(T b) {
  if constexpr (std::is_signed_v<T>) return b < 0 || b >= T(8 * sizeof(T));
  else return b >= T(8 * sizeof(T));
}
struct LeftShift {
  template <class T> ND_FM T operator()(T a, T b) const {
    using U = std::make_unsigned_t<T>;  // (shifting the unsigned bits: no overflow)
    return shifts_out(b) ? T(0) : static_cast<T>(static_cast<U>(a) << b);
  }
};
struct RightShift {
  template <class T> ND_FM T operator()(T a, T b) const {
    if (shifts_out(b)) {
      if constexpr (std::is_signed_v<T>) return a < 0 ? T(-1) : T(0);
      else return T(0);
    }
    return static_cast<T>(a >> b);  // arithmetic for signed types (C++20)
  }
};

// ---- ternary -------------------------------------------------------------------------------
struct Where {  // where(cond, a, b): cond is read as bool (op class `select` in op_list.hpp)
  template <class T> ND_FM T operator()(bool c, T a, T b) const { return c ? a : b; }
};
// np.clip(x, lo, hi) == minimum(maximum(x, lo), hi), bit for bit (ties give the bound, a NaN x
// wins over a NaN lo over a NaN hi), spelt as plain selects: GCC vectorises this form and not the
// composition.
struct Clip {
  template <class T> ND_FM T operator()(T x, T lo, T hi) const {
    T r = x > lo ? x : lo;
    r = r < hi ? r : hi;
    r = is_nan(lo) ? lo : r;
    return is_nan(x) ? x : r;
  }
};

}  // namespace nd::kern
