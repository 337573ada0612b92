// host/-internal: the one elementwise engine every op goes through (issue 3's "one descriptor"):
// broadcast shape, dtype promotion, casts, overlap handling, then Backend::elementwise.
#pragma once
#include <initializer_list>
#include <string>

#include "backend.hpp"
#include "ndgpu/array.hpp"
#include "ndgpu/creation.hpp"
#include "op_list.hpp"

namespace nd::detail {

// One operand of an op: an array, or a C++ number (weakly typed: it never widens an array).
struct Arg {
  const Array* array = nullptr;
  Number number{0};
  Arg(const Array& a) : array(&a) {}
  Arg(Number n) : number(n) {}
};

// ---- broadcast.cpp ---------------------------------------------------------------------------
// NumPy's broadcast of `n` shapes (numbers count as shape ()). ValueError listing every shape.
Shape broadcast_shapes(const Arg* args, int n);
// The operand of `a` viewed at `shape` (right-aligned; stride 0 on broadcast axes).
Operand broadcast_operand(const Array& a, const Shape& shape);
// Do two views of the same storage touch a common byte? (conservative: by address range)
bool may_overlap(const Array& a, const Array& b);

// ---- promote.cpp -----------------------------------------------------------------------------
struct OpTypes {
  DType compute;  // what the kernel computes in (all value operands are cast to it)
  DType result;   // bool for comparisons / logical / predicates, else compute
  DType first;    // dtype the first operand is cast to (bool for where's cond and logical ops)
};
OpTypes op_types(kern::OpCode op, const Arg* args, int n);

// ---- elementwise.cpp -------------------------------------------------------------------------
// result = op(args...) in a fresh array.
Array elementwise(kern::OpCode op, std::initializer_list<Arg> args);
// out = op(out, arg) in place (compound assignment): same_kind casting, overlap-safe.
void elementwise_inplace(kern::OpCode op, const Array& out, Arg arg);

}  // namespace nd::detail
