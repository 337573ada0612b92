// Elementwise math with NumPy's names and broadcasting: operators, free functions, comparisons,
// compound assignment through views. Dtypes follow docs/design.md 4: promotion by category
// (bool < integer < floating, wider wins within one), float32 for float math on integers, and
// C++ numbers never widen an array (f32 * 2.0 stays float32; int32 + 2 stays int32).
#pragma once
#include "ndgpu/array.hpp"
#include "ndgpu/creation.hpp"

namespace nd {

// An operand that is an array or a C++ number (for where / clip).
class ArrayOrScalar {
 public:
  ArrayOrScalar(const Array& a) : array_(&a) {}
  ArrayOrScalar(Number n) : number_(n) {}
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  ArrayOrScalar(T v) : number_(v) {}
  const Array* array() const { return array_; }
  const Number& number() const { return number_; }

 private:
  const Array* array_ = nullptr;
  Number number_{0};
};

// ---- unary ---------------------------------------------------------------------------------
// exp, log and sigmoid are ndgpu's own (bitwise equal on CPU and CUDA); log2, log10, log1p,
// expm1, sin, cos, tan and tanh call the platform's math (glibc / CUDA), float32 within 1 to 4 ULP
// of the correctly rounded result (the bound of each is in tests/golden/make_golden_ops.py).
Array negative(const Array& x);   // bool: TypeError, as NumPy
Array absolute(const Array& x);   // abs(INT_MIN) == INT_MIN, as NumPy
Array abs(const Array& x);
Array sign(const Array& x);
Array square(const Array& x);
Array sqrt(const Array& x);
Array exp(const Array& x);        // float32: <= 1 ULP from the correctly rounded result
Array log(const Array& x);        // float32: <= 1 ULP
Array log2(const Array& x);
Array log10(const Array& x);
Array log1p(const Array& x);
Array expm1(const Array& x);
Array sin(const Array& x);
Array cos(const Array& x);
Array tan(const Array& x);
Array tanh(const Array& x);
Array sigmoid(const Array& x);    // 1 / (1 + exp(-x)) (scipy.special.expit); float32: <= 2 ULP
Array floor(const Array& x);      // integers stay integers (NumPy 2)
Array ceil(const Array& x);
Array round(const Array& x);      // half to even
Array logical_not(const Array& x);
Array isnan(const Array& x);
Array isinf(const Array& x);
Array isfinite(const Array& x);

// ---- binary: array op array, array op number, number op array -------------------------------
#define ND_DECLARE_BINARY(name)                  \
  Array name(const Array& a, const Array& b);    \
  Array name(const Array& a, Number b);          \
  Array name(Number a, const Array& b);
ND_DECLARE_BINARY(add)
ND_DECLARE_BINARY(subtract)
ND_DECLARE_BINARY(multiply)
ND_DECLARE_BINARY(divide)         // true division: integers give float32
ND_DECLARE_BINARY(true_divide)
ND_DECLARE_BINARY(floor_divide)   // Python's floor semantics; integer x // 0 == 0
ND_DECLARE_BINARY(mod)            // result has the divisor's sign; integer x % 0 == 0
ND_DECLARE_BINARY(remainder)
ND_DECLARE_BINARY(power)          // integer ** negative integer scalar: ValueError
ND_DECLARE_BINARY(pow)
ND_DECLARE_BINARY(maximum)        // NaN-propagating
ND_DECLARE_BINARY(minimum)
ND_DECLARE_BINARY(fmax)           // NaN-ignoring
ND_DECLARE_BINARY(fmin)
ND_DECLARE_BINARY(equal)
ND_DECLARE_BINARY(not_equal)
ND_DECLARE_BINARY(less)
ND_DECLARE_BINARY(less_equal)
ND_DECLARE_BINARY(greater)
ND_DECLARE_BINARY(greater_equal)
ND_DECLARE_BINARY(logical_and)
ND_DECLARE_BINARY(logical_or)
ND_DECLARE_BINARY(logical_xor)
#undef ND_DECLARE_BINARY

// ---- ternary -------------------------------------------------------------------------------
// where(cond, a, b): a where cond is true, else b (cond is cast to bool).
Array where(const Array& cond, ArrayOrScalar a, ArrayOrScalar b);
// clip(x, lo, hi) == minimum(maximum(x, lo), hi), NaN propagates.
Array clip(const Array& x, ArrayOrScalar lo, ArrayOrScalar hi);

// ---- operators -----------------------------------------------------------------------------
#define ND_DECLARE_OPERATOR(op, name)                                                       \
  inline Array operator op(const Array& a, const Array& b) { return name(a, b); }            \
  inline Array operator op(const Array& a, Number b) { return name(a, b); }                  \
  inline Array operator op(Number a, const Array& b) { return name(a, b); }
ND_DECLARE_OPERATOR(+, add)
ND_DECLARE_OPERATOR(-, subtract)
ND_DECLARE_OPERATOR(*, multiply)
ND_DECLARE_OPERATOR(/, divide)
ND_DECLARE_OPERATOR(%, mod)
ND_DECLARE_OPERATOR(==, equal)
ND_DECLARE_OPERATOR(!=, not_equal)
ND_DECLARE_OPERATOR(<, less)
ND_DECLARE_OPERATOR(<=, less_equal)
ND_DECLARE_OPERATOR(>, greater)
ND_DECLARE_OPERATOR(>=, greater_equal)
#undef ND_DECLARE_OPERATOR
inline Array operator-(const Array& a) { return negative(a); }
inline Array operator+(const Array& a) { return a.copy(); }  // np.positive: a new array
inline Array operator!(const Array& a) { return logical_not(a); }

// Compound assignment writes into `a` itself (through views: m(nd::all, 1) += 1), as NumPy's
// out= with casting='same_kind': int_array += 1.5 is a TypeError. Inputs overlapping `a`
// behave as if copied first. Returns `a`.
#define ND_DECLARE_COMPOUND(op, name)                    \
  const Array& operator op(const Array& a, const Array& b); \
  const Array& operator op(const Array& a, Number b);
ND_DECLARE_COMPOUND(+=, add)
ND_DECLARE_COMPOUND(-=, subtract)
ND_DECLARE_COMPOUND(*=, multiply)
ND_DECLARE_COMPOUND(/=, divide)
ND_DECLARE_COMPOUND(%=, mod)
#undef ND_DECLARE_COMPOUND

}  // namespace nd
