// Elementwise math with NumPy's names and broadcasting: operators, free functions, comparisons,
// compound assignment through views. Dtypes follow docs/design.md 4: promotion by category
// (bool < integer < floating, wider wins within one), float32 for float math on integers, and
// C++ numbers never widen an array (f32 * 2.0 stays float32; int32 + 2 stays int32).
#pragma once
#include "ndgpu/array.hpp"
#include "ndgpu/creation.hpp"

namespace nd {

/// An operand that is an array or a C++ number (for where / clip).
class ArrayOrScalar {
 public:
  ArrayOrScalar(const Array& a) : array_(&a) {}  ///< an array operand (only referenced)
  ArrayOrScalar(Number n) : number_(n) {}         ///< a number operand
  /// A C++ number operand.
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  ArrayOrScalar(T v) : number_(v) {}
  const Array* array() const { return array_; }      ///< the array, or nullptr for a number
  const Number& number() const { return number_; }   ///< the number when array() is nullptr

 private:
  const Array* array_ = nullptr;
  Number number_{0};
};

// ---- unary ---------------------------------------------------------------------------------
// In float32 the math functions are ndgpu's own (kernels/fast_math.hpp: vectorised on the CPU,
// bitwise equal on CPU and CUDA), within the ULP bound given on each line of the correctly
// rounded result (tests/ops/test_fast_math.cpp); float64 calls the platform's math (glibc / CUDA).
Array negative(const Array& x);   ///< -x; bool: TypeError, as NumPy
Array absolute(const Array& x);   ///< |x|; abs(INT_MIN) == INT_MIN, as NumPy
Array abs(const Array& x);        ///< the same as absolute
Array sign(const Array& x);       ///< -1, 0 or 1 (NaN for NaN)
Array square(const Array& x);     ///< x * x
Array sqrt(const Array& x);       ///< square root; integers give float32
Array exp(const Array& x);        ///< e^x; float32: <= 1 ULP from the correctly rounded result
Array log(const Array& x);        ///< natural logarithm; float32: <= 1 ULP
Array log2(const Array& x);       ///< base-2 logarithm; float32: <= 1 ULP
Array log10(const Array& x);      ///< base-10 logarithm; float32: <= 1 ULP
Array log1p(const Array& x);      ///< log(1 + x), accurate near 0; float32: <= 1 ULP
Array expm1(const Array& x);      ///< exp(x) - 1, accurate near 0; float32: <= 1 ULP
Array sin(const Array& x);        ///< sine; float32: <= 1 ULP
Array cos(const Array& x);        ///< cosine; float32: <= 1 ULP
Array tan(const Array& x);        ///< tangent; float32: <= 3 ULP
Array tanh(const Array& x);       ///< hyperbolic tangent; float32: <= 2 ULP
Array sigmoid(const Array& x);    ///< 1 / (1 + exp(-x)) (scipy.special.expit); float32: <= 2 ULP
Array floor(const Array& x);      ///< round down; integers stay integers (NumPy 2)
Array ceil(const Array& x);       ///< round up; integers stay integers (NumPy 2)
Array round(const Array& x);      ///< round half to even; integers stay integers
Array logical_not(const Array& x); ///< x == 0, as bool
Array isnan(const Array& x);      ///< x is NaN, as bool
Array isinf(const Array& x);      ///< x is +-inf, as bool
Array isfinite(const Array& x);   ///< x is neither NaN nor inf, as bool
Array invert(const Array& x);     ///< ~x: bitwise NOT of integers, logical NOT of bool; floats: TypeError
Array bitwise_not(const Array& x);  ///< the same as invert

// ---- binary: array op array, array op number, number op array -------------------------------
#define ND_DECLARE_BINARY(name)                  \
  Array name(const Array& a, const Array& b);    \
  Array name(const Array& a, Number b);          \
  Array name(Number a, const Array& b);
/// @{ a + b (bool: logical or).
ND_DECLARE_BINARY(add)
/// @}
/// @{ a - b (bool: TypeError, as NumPy).
ND_DECLARE_BINARY(subtract)
/// @}
/// @{ a * b (bool: logical and).
ND_DECLARE_BINARY(multiply)
/// @}
/// @{ a / b, true division: integers give float32.
ND_DECLARE_BINARY(divide)
/// @}
/// @{ The same as divide.
ND_DECLARE_BINARY(true_divide)
/// @}
/// @{ a // b, Python's floor semantics; integer x // 0 == 0.
ND_DECLARE_BINARY(floor_divide)
/// @}
/// @{ a % b, the result has the divisor's sign; integer x % 0 == 0.
ND_DECLARE_BINARY(mod)
/// @}
/// @{ The same as mod.
ND_DECLARE_BINARY(remainder)
/// @}
/// @{ a ** b; integer ** negative integer scalar: ValueError.
ND_DECLARE_BINARY(power)
/// @}
/// @{ The same as power.
ND_DECLARE_BINARY(pow)
/// @}
/// @{ The larger of a and b; NaN-propagating.
ND_DECLARE_BINARY(maximum)
/// @}
/// @{ The smaller of a and b; NaN-propagating.
ND_DECLARE_BINARY(minimum)
/// @}
/// @{ The larger of a and b; NaN-ignoring.
ND_DECLARE_BINARY(fmax)
/// @}
/// @{ The smaller of a and b; NaN-ignoring.
ND_DECLARE_BINARY(fmin)
/// @}
/// @{ a == b, as bool.
ND_DECLARE_BINARY(equal)
/// @}
/// @{ a != b, as bool.
ND_DECLARE_BINARY(not_equal)
/// @}
/// @{ a < b, as bool.
ND_DECLARE_BINARY(less)
/// @}
/// @{ a <= b, as bool.
ND_DECLARE_BINARY(less_equal)
/// @}
/// @{ a > b, as bool.
ND_DECLARE_BINARY(greater)
/// @}
/// @{ a >= b, as bool.
ND_DECLARE_BINARY(greater_equal)
/// @}
/// @{ a and b (non-zero is true), as bool.
ND_DECLARE_BINARY(logical_and)
/// @}
/// @{ a or b (non-zero is true), as bool.
ND_DECLARE_BINARY(logical_or)
/// @}
/// @{ Exactly one of a and b is non-zero, as bool.
ND_DECLARE_BINARY(logical_xor)
/// @}
/// @{ a & b on integers and bool (bool: logical and); floats: TypeError, as NumPy.
ND_DECLARE_BINARY(bitwise_and)
/// @}
/// @{ a | b on integers and bool (bool: logical or); floats: TypeError.
ND_DECLARE_BINARY(bitwise_or)
/// @}
/// @{ a ^ b on integers and bool (bool: logical xor); floats: TypeError.
ND_DECLARE_BINARY(bitwise_xor)
/// @}
/// @{ a << b on integers; a count below 0 or at least the width gives 0 (NumPy's rule).
ND_DECLARE_BINARY(left_shift)
/// @}
/// @{ a >> b on integers, arithmetic for signed types; a count below 0 or at least the width
/// gives 0, or -1 for a negative a.
ND_DECLARE_BINARY(right_shift)
/// @}
#undef ND_DECLARE_BINARY

// ---- ternary -------------------------------------------------------------------------------
/// where(cond, a, b): a where cond is true, else b (cond is cast to bool).
Array where(const Array& cond, ArrayOrScalar a, ArrayOrScalar b);
/// clip(x, lo, hi) == minimum(maximum(x, lo), hi), NaN propagates.
Array clip(const Array& x, ArrayOrScalar lo, ArrayOrScalar hi);

// ---- operators -----------------------------------------------------------------------------
#define ND_DECLARE_OPERATOR(op, name)                                                       \
  inline Array operator op(const Array& a, const Array& b) { return name(a, b); }            \
  inline Array operator op(const Array& a, Number b) { return name(a, b); }                  \
  inline Array operator op(Number a, const Array& b) { return name(a, b); }
/// @{ a + b: add; either side may be a C++ number.
ND_DECLARE_OPERATOR(+, add)
/// @}
/// @{ a - b: subtract; either side may be a C++ number.
ND_DECLARE_OPERATOR(-, subtract)
/// @}
/// @{ a * b: multiply; either side may be a C++ number.
ND_DECLARE_OPERATOR(*, multiply)
/// @}
/// @{ a / b: divide (true division); either side may be a C++ number.
ND_DECLARE_OPERATOR(/, divide)
/// @}
/// @{ a % b: mod; either side may be a C++ number.
ND_DECLARE_OPERATOR(%, mod)
/// @}
/// @{ a == b: equal (bool); either side may be a C++ number.
ND_DECLARE_OPERATOR(==, equal)
/// @}
/// @{ a != b: not_equal (bool); either side may be a C++ number.
ND_DECLARE_OPERATOR(!=, not_equal)
/// @}
/// @{ a < b: less (bool); either side may be a C++ number.
ND_DECLARE_OPERATOR(<, less)
/// @}
/// @{ a <= b: less_equal (bool); either side may be a C++ number.
ND_DECLARE_OPERATOR(<=, less_equal)
/// @}
/// @{ a > b: greater (bool); either side may be a C++ number.
ND_DECLARE_OPERATOR(>, greater)
/// @}
/// @{ a >= b: greater_equal (bool); either side may be a C++ number.
ND_DECLARE_OPERATOR(>=, greater_equal)
/// @}
/// @{ a & b: bitwise_and; either side may be a C++ number.
ND_DECLARE_OPERATOR(&, bitwise_and)
/// @}
/// @{ a | b: bitwise_or; either side may be a C++ number.
ND_DECLARE_OPERATOR(|, bitwise_or)
/// @}
/// @{ a ^ b: bitwise_xor; either side may be a C++ number.
ND_DECLARE_OPERATOR(^, bitwise_xor)
/// @}
/// @{ a << b: left_shift; either side may be a C++ number (std::ostream << a still prints).
ND_DECLARE_OPERATOR(<<, left_shift)
/// @}
/// @{ a >> b: right_shift; either side may be a C++ number.
ND_DECLARE_OPERATOR(>>, right_shift)
/// @}
#undef ND_DECLARE_OPERATOR
inline Array operator~(const Array& a) { return invert(a); }       ///< ~a: invert
inline Array operator-(const Array& a) { return negative(a); }     ///< -a: negative
inline Array operator+(const Array& a) { return a.copy(); }  ///< np.positive: a new array
inline Array operator!(const Array& a) { return logical_not(a); }  ///< !a: logical_not

// Compound assignment writes into `a` itself (through views: m(nd::all, 1) += 1), as NumPy's
// out= with casting='same_kind': int_array += 1.5 is a TypeError. Inputs overlapping `a`
// behave as if copied first. Returns `a`.
#define ND_DECLARE_COMPOUND(op, name)                    \
  const Array& operator op(const Array& a, const Array& b); \
  const Array& operator op(const Array& a, Number b);
/// @{ a += b, written into a (see above).
ND_DECLARE_COMPOUND(+=, add)
/// @}
/// @{ a -= b, written into a (see above).
ND_DECLARE_COMPOUND(-=, subtract)
/// @}
/// @{ a *= b, written into a (see above).
ND_DECLARE_COMPOUND(*=, multiply)
/// @}
/// @{ a /= b, written into a (see above).
ND_DECLARE_COMPOUND(/=, divide)
/// @}
/// @{ a %= b, written into a (see above).
ND_DECLARE_COMPOUND(%=, mod)
/// @}
/// @{ a &= b, written into a (see above).
ND_DECLARE_COMPOUND(&=, bitwise_and)
/// @}
/// @{ a |= b, written into a (see above).
ND_DECLARE_COMPOUND(|=, bitwise_or)
/// @}
/// @{ a ^= b, written into a (see above).
ND_DECLARE_COMPOUND(^=, bitwise_xor)
/// @}
/// @{ a <<= b, written into a (see above).
ND_DECLARE_COMPOUND(<<=, left_shift)
/// @}
/// @{ a >>= b, written into a (see above).
ND_DECLARE_COMPOUND(>>=, right_shift)
/// @}
#undef ND_DECLARE_COMPOUND

}  // namespace nd
