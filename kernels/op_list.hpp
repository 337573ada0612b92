// The elementwise op tables (X-macros): one row per op, read by the host API, both backends'
// dispatch switches and the tests. Columns: public name, functor (kernels/ops.hpp), dtype class,
// float32 ULP bound CPU vs CUDA (0 = bitwise equal: same IEEE operations or same shared code).
#pragma once
#include <cstdint>
#include <type_traits>

#include "ops.hpp"

// Dtype classes (how host/src/ops/promote.cpp picks the compute and result dtypes):
//   any       every dtype, bool included (+ is "or", * is "and")
//   no_bool   numeric; bool operands are a TypeError (NumPy's boolean subtract / negative)
//   numeric   numeric; bool operands compute as int64
//   floating  float32/float64; integers and bool compute as float32 (docs/design.md 4)
//   rounding  numeric; identity on integers; bool computes as float32
//   compare   every dtype, bool result
//   logical   operands as bool, bool result
//   predicate every dtype, bool result (isnan, ...)
//   select    where(cond, a, b): cond as bool, a and b promoted
//   bitwise   bool and integers (bool: the logical op); floats are a TypeError
//   shift     integers; bool computes as int8 (NumPy's loop for it); floats are a TypeError
#define ND_OP_CLASSES(X) X(any) X(no_bool) X(numeric) X(floating) X(rounding) X(compare) \
  X(logical) X(predicate) X(select) X(bitwise) X(shift)

#define ND_UNARY_OPS(X)              \
  X(negative, Negative, no_bool, 0)  \
  X(absolute, Abs, numeric, 0)       \
  X(sign, Sign, numeric, 0)          \
  X(square, Square, numeric, 0)      \
  X(sqrt, Sqrt, floating, 0)         \
  X(exp, Exp, floating, 0)           \
  X(log, Log, floating, 0)           \
  X(log2, Log2, floating, 0)         \
  X(log10, Log10, floating, 0)       \
  X(log1p, Log1p, floating, 0)       \
  X(expm1, Expm1, floating, 0)       \
  X(sin, Sin, floating, 0)           \
  X(cos, Cos, floating, 0)           \
  X(tan, Tan, floating, 0)           \
  X(tanh, Tanh, floating, 0)         \
  X(sigmoid, Sigmoid, floating, 0)   \
  X(floor, Floor, rounding, 0)       \
  X(ceil, Ceil, rounding, 0)         \
  X(round, Round, rounding, 0)       \
  X(logical_not, LogicalNot, logical, 0) \
  X(isnan, IsNan, predicate, 0)      \
  X(isinf, IsInf, predicate, 0)      \
  X(isfinite, IsFinite, predicate, 0)    \
  X(invert, Invert, bitwise, 0)

#define ND_BINARY_OPS(X)                     \
  X(add, Add, any, 0)                        \
  X(subtract, Subtract, no_bool, 0)          \
  X(multiply, Multiply, any, 0)              \
  X(divide, Divide, floating, 0)             \
  X(floor_divide, FloorDivide, numeric, 0)   \
  X(mod, Mod, numeric, 0)                    \
  X(power, Power, numeric, 2)                \
  X(maximum, Maximum, any, 0)                \
  X(minimum, Minimum, any, 0)                \
  X(fmax, Fmax, any, 0)                      \
  X(fmin, Fmin, any, 0)                      \
  X(equal, Equal, compare, 0)                \
  X(not_equal, NotEqual, compare, 0)         \
  X(less, Less, compare, 0)                  \
  X(less_equal, LessEqual, compare, 0)       \
  X(greater, Greater, compare, 0)            \
  X(greater_equal, GreaterEqual, compare, 0) \
  X(logical_and, LogicalAnd, logical, 0)     \
  X(logical_or, LogicalOr, logical, 0)       \
  X(logical_xor, LogicalXor, logical, 0)     \
  X(bitwise_and, BitwiseAnd, bitwise, 0)     \
  X(bitwise_or, BitwiseOr, bitwise, 0)       \
  X(bitwise_xor, BitwiseXor, bitwise, 0)     \
  X(left_shift, LeftShift, shift, 0)         \
  X(right_shift, RightShift, shift, 0)

#define ND_TERNARY_OPS(X)   \
  X(where, Where, select, 0) \
  X(clip, Clip, numeric, 0)

namespace nd::kern {

enum class OpClass : uint8_t {
#define ND_X(c) c,
  ND_OP_CLASSES(ND_X)
#undef ND_X
};

// One code space for all arities: the uint16 carried by ElementwiseDesc::op.
enum class OpCode : uint16_t {
#define ND_X(name, F, cls, ulp) name,
  ND_UNARY_OPS(ND_X) ND_BINARY_OPS(ND_X) ND_TERNARY_OPS(ND_X)
#undef ND_X
  count_
};

struct OpInfo {
  const char* name;
  int arity;
  OpClass cls;
  int ulp_f32;  // CPU vs CUDA bound for float32
};

inline constexpr OpInfo kOpInfo[] = {
#define ND_X1(name, F, cls, ulp) {#name, 1, OpClass::cls, ulp},
#define ND_X2(name, F, cls, ulp) {#name, 2, OpClass::cls, ulp},
#define ND_X3(name, F, cls, ulp) {#name, 3, OpClass::cls, ulp},
    ND_UNARY_OPS(ND_X1) ND_BINARY_OPS(ND_X2) ND_TERNARY_OPS(ND_X3)
#undef ND_X1
#undef ND_X2
#undef ND_X3
};
static_assert(sizeof(kOpInfo) / sizeof(kOpInfo[0]) == static_cast<size_t>(OpCode::count_));

constexpr const OpInfo& op_info(OpCode op) { return kOpInfo[static_cast<int>(op)]; }

// Does the class produce bool results regardless of the compute dtype?
constexpr bool bool_result(OpClass c) {
  return c == OpClass::compare || c == OpClass::logical || c == OpClass::predicate;
}

// Which compute dtypes a class is instantiated for by the backends (host/ never sends others).
template <OpClass C, class T>
constexpr bool class_supports() {
  constexpr bool is_bool = std::is_same_v<T, bool>;
  switch (C) {
    case OpClass::any: case OpClass::compare: case OpClass::predicate: case OpClass::select:
      return true;
    case OpClass::no_bool: case OpClass::numeric: case OpClass::rounding: return !is_bool;
    case OpClass::floating: return std::is_floating_point_v<T>;
    case OpClass::logical: return is_bool;
    case OpClass::bitwise: return std::is_integral_v<T>;
    case OpClass::shift: return std::is_integral_v<T> && !is_bool;
  }
  return false;
}
// The element type an op of class C writes when it computes in T.
template <OpClass C, class T>
using ResultT = std::conditional_t<bool_result(C), bool, T>;

}  // namespace nd::kern
