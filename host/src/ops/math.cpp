// The public elementwise functions and operators: each is one call into the shared engine
// (host/src/ops/elementwise.cpp) with its op code from kernels/op_list.hpp.
#include "detail.hpp"
#include "ndgpu/ops.hpp"
#include "ops/elementwise.hpp"

namespace nd {

using kern::OpCode;

#define ND_DEFINE_UNARY(fn, code) \
  Array fn(const Array& x) { return detail::elementwise(OpCode::code, {x}); }
ND_DEFINE_UNARY(negative, negative)
ND_DEFINE_UNARY(absolute, absolute)
ND_DEFINE_UNARY(abs, absolute)
ND_DEFINE_UNARY(sign, sign)
ND_DEFINE_UNARY(square, square)
ND_DEFINE_UNARY(sqrt, sqrt)
ND_DEFINE_UNARY(exp, exp)
ND_DEFINE_UNARY(log, log)
ND_DEFINE_UNARY(log2, log2)
ND_DEFINE_UNARY(log10, log10)
ND_DEFINE_UNARY(log1p, log1p)
ND_DEFINE_UNARY(expm1, expm1)
ND_DEFINE_UNARY(sin, sin)
ND_DEFINE_UNARY(cos, cos)
ND_DEFINE_UNARY(tan, tan)
ND_DEFINE_UNARY(tanh, tanh)
ND_DEFINE_UNARY(sigmoid, sigmoid)
ND_DEFINE_UNARY(floor, floor)
ND_DEFINE_UNARY(ceil, ceil)
ND_DEFINE_UNARY(round, round)
ND_DEFINE_UNARY(logical_not, logical_not)
ND_DEFINE_UNARY(isnan, isnan)
ND_DEFINE_UNARY(isinf, isinf)
ND_DEFINE_UNARY(isfinite, isfinite)
ND_DEFINE_UNARY(invert, invert)
ND_DEFINE_UNARY(bitwise_not, invert)
#undef ND_DEFINE_UNARY

#define ND_DEFINE_BINARY(fn, code)                                                           \
  Array fn(const Array& a, const Array& b) { return detail::elementwise(OpCode::code, {a, b}); } \
  Array fn(const Array& a, Number b) { return detail::elementwise(OpCode::code, {a, b}); }       \
  Array fn(Number a, const Array& b) { return detail::elementwise(OpCode::code, {a, b}); }
ND_DEFINE_BINARY(add, add)
ND_DEFINE_BINARY(subtract, subtract)
ND_DEFINE_BINARY(multiply, multiply)
ND_DEFINE_BINARY(divide, divide)
ND_DEFINE_BINARY(true_divide, divide)
ND_DEFINE_BINARY(floor_divide, floor_divide)
ND_DEFINE_BINARY(mod, mod)
ND_DEFINE_BINARY(remainder, mod)
ND_DEFINE_BINARY(maximum, maximum)
ND_DEFINE_BINARY(minimum, minimum)
ND_DEFINE_BINARY(fmax, fmax)
ND_DEFINE_BINARY(fmin, fmin)
ND_DEFINE_BINARY(equal, equal)
ND_DEFINE_BINARY(not_equal, not_equal)
ND_DEFINE_BINARY(less, less)
ND_DEFINE_BINARY(less_equal, less_equal)
ND_DEFINE_BINARY(greater, greater)
ND_DEFINE_BINARY(greater_equal, greater_equal)
ND_DEFINE_BINARY(logical_and, logical_and)
ND_DEFINE_BINARY(logical_or, logical_or)
ND_DEFINE_BINARY(logical_xor, logical_xor)
ND_DEFINE_BINARY(bitwise_and, bitwise_and)
ND_DEFINE_BINARY(bitwise_or, bitwise_or)
ND_DEFINE_BINARY(bitwise_xor, bitwise_xor)
ND_DEFINE_BINARY(left_shift, left_shift)
ND_DEFINE_BINARY(right_shift, right_shift)
#undef ND_DEFINE_BINARY

// power: NumPy's fast paths for a scalar exponent, exactly its set (NumPy 2.x float power loop
// with a stride-0 exponent: 2 -> x*x, 0.5 -> sqrt(x), -1 -> 1/x, 1 -> x, 0 -> 1; so x**0.5 of -0
// is -0 and of -inf is NaN, as sqrt, where pow would give +0 and +inf), compared after rounding
// the exponent to the compute dtype as NumPy's loop reads it. Exponents 3 or -0.5 stay on pow:
// x*x*x and 1/sqrt(x) round twice and would differ from NumPy. Integer dtypes: 2, 1 and 0 give
// int_pow's own results (wrapping square, x, 1) on a faster path; negative exponents are refused.
Array power(const Array& a, const Array& b) { return detail::elementwise(OpCode::power, {a, b}); }
Array power(Number a, const Array& b) { return detail::elementwise(OpCode::power, {a, b}); }
Array power(const Array& a, Number b) {
  detail::check_defined(a, "power");
  const detail::Arg args[2] = {detail::Arg(a), detail::Arg(b)};
  const detail::OpTypes t = detail::op_types(OpCode::power, args, 2);
  double e = b.kind == DType::float32 ? b.f : static_cast<double>(b.i);
  if (is_integer(t.compute) && b.i < 0)
    throw ValueError("Integers to negative integer powers are not allowed.");
  if (t.compute == DType::float32) e = static_cast<float>(e);
  const Array x = a.dtype() == t.compute ? a : a.astype(t.compute);
  if (e == 2.0) return detail::elementwise(OpCode::square, {x});
  if (e == 1.0) return a.dtype() == t.compute ? a.copy() : x;  // a new array, as NumPy
  if (e == 0.0) return ones_like(x);
  if (is_floating(t.compute)) {
    if (e == 0.5) return detail::elementwise(OpCode::sqrt, {x});
    if (e == -1.0) return detail::elementwise(OpCode::divide, {Number(1.0), x});
  }
  return detail::elementwise(OpCode::power, {x, b});
}
Array pow(const Array& a, const Array& b) { return power(a, b); }
Array pow(const Array& a, Number b) { return power(a, b); }
Array pow(Number a, const Array& b) { return power(a, b); }

static detail::Arg to_arg(const ArrayOrScalar& v) {
  return v.array() ? detail::Arg(*v.array()) : detail::Arg(v.number());
}
Array where(const Array& cond, ArrayOrScalar a, ArrayOrScalar b) {
  return detail::elementwise(OpCode::where, {cond, to_arg(a), to_arg(b)});
}
Array clip(const Array& x, ArrayOrScalar lo, ArrayOrScalar hi) {
  return detail::elementwise(OpCode::clip, {x, to_arg(lo), to_arg(hi)});
}

#define ND_DEFINE_COMPOUND(op, code)                                 \
  const Array& operator op(const Array& a, const Array& b) {         \
    detail::elementwise_inplace(OpCode::code, a, b);                 \
    return a;                                                        \
  }                                                                  \
  const Array& operator op(const Array& a, Number b) {               \
    detail::elementwise_inplace(OpCode::code, a, b);                 \
    return a;                                                        \
  }
ND_DEFINE_COMPOUND(+=, add)
ND_DEFINE_COMPOUND(-=, subtract)
ND_DEFINE_COMPOUND(*=, multiply)
ND_DEFINE_COMPOUND(/=, divide)
ND_DEFINE_COMPOUND(%=, mod)
ND_DEFINE_COMPOUND(&=, bitwise_and)
ND_DEFINE_COMPOUND(|=, bitwise_or)
ND_DEFINE_COMPOUND(^=, bitwise_xor)
ND_DEFINE_COMPOUND(<<=, left_shift)
ND_DEFINE_COMPOUND(>>=, right_shift)
#undef ND_DEFINE_COMPOUND

}  // namespace nd
