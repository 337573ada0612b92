// Dtype resolution for elementwise ops: category promotion (docs/design.md 4), weak C++ numbers,
// then the op class of kernels/op_list.hpp decides the compute and result dtypes.
#include "ops/elementwise.hpp"

namespace nd::detail {
namespace {

int category(DType t) { return is_bool(t) ? 0 : is_integer(t) ? 1 : 2; }

// Promotes the value operands: arrays by promote_types; a number only when its category is
// higher than every array's (then its category's default: int64 or float32).
DType value_dtype(const Arg* args, int n) {
  bool have_array = false;
  DType arrays = DType::bool_, numbers = DType::bool_;
  bool have_number = false;
  for (int k = 0; k < n; ++k) {
    if (args[k].array) {
      arrays = have_array ? promote_types(arrays, args[k].array->dtype()) : args[k].array->dtype();
      have_array = true;
    } else {
      const DType kind = args[k].number.kind;  // int64 and uint64 (above int64's range) give uint64
      numbers = !have_number ? kind
                : is_integer(numbers) && is_integer(kind) ? (numbers == DType::uint64 ? numbers : kind)
                                                          : promote_types(numbers, kind);
      have_number = true;
    }
  }
  if (!have_array) return numbers;
  if (have_number && category(numbers) > category(arrays)) return promote_types(arrays, numbers);
  return arrays;
}

[[noreturn]] void bool_not_supported(kern::OpCode op) {
  if (op == kern::OpCode::subtract)
    throw TypeError("numpy boolean subtract, the `-` operator, is not supported, use the "
                    "bitwise_xor, the `^` operator, or the logical_xor function instead.");
  throw TypeError("The numpy boolean negative, the `-` operator, is not supported, use the `~` "
                  "operator or the logical_not function instead.");
}

}  // namespace

OpTypes op_types(kern::OpCode op, const Arg* args, int n) {
  const kern::OpClass cls = kern::op_info(op).cls;
  using kern::OpClass;
  if (cls == OpClass::logical) return {DType::bool_, DType::bool_, DType::bool_};
  if (cls == OpClass::select) {
    const DType t = value_dtype(args + 1, n - 1);
    return {t, t, DType::bool_};
  }
  const DType p = value_dtype(args, n);
  DType compute = p;
  switch (cls) {
    case OpClass::any: case OpClass::compare: case OpClass::predicate: break;
    case OpClass::no_bool: if (is_bool(p)) bool_not_supported(op); break;
    case OpClass::numeric: if (is_bool(p)) compute = DType::int64; break;
    case OpClass::floating: if (!is_floating(p)) compute = DType::float32; break;
    case OpClass::rounding: if (is_bool(p)) compute = DType::float32; break;
    case OpClass::bitwise: case OpClass::shift:
      if (is_floating(p))
        throw TypeError(std::string("ufunc '") + kern::op_info(op).name +
                        "' not supported for the input types, and the inputs could not be safely coerced to any "
                        "supported types according to the casting rule ''safe''");
      if (cls == OpClass::shift && is_bool(p)) compute = DType::int8;
      break;
    case OpClass::logical: case OpClass::select: break;  // handled above
  }
  return {compute, kern::bool_result(cls) ? DType::bool_ : compute, compute};
}

}  // namespace nd::detail
