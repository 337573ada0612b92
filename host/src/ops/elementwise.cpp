// The elementwise engine: validates, resolves dtypes, broadcasts, casts mismatched operands once,
// passes the first C++ number by value, handles outputs that overlap inputs, and hands one
// ElementwiseDesc to the device's backend.
#include "ops/elementwise.hpp"

#include "detail.hpp"

namespace nd::detail {
namespace {

int category(DType t) { return is_bool(t) ? 0 : is_integer(t) ? 1 : 2; }

Device common_device(const Arg* args, int n, const char* what) {
  const Array* first = nullptr;
  for (int k = 0; k < n; ++k) {
    if (!args[k].array) continue;
    check_defined(*args[k].array, what);
    if (!first) first = args[k].array;
    else if (args[k].array->device() != first->device())
      throw DeviceError(std::string(what) + ": operands are on different devices: " +
                        first->device().str() + " and " + args[k].array->device().str());
  }
  return first ? first->device() : default_device();
}

// A C++ integer that does not fit an integer computation: other ops refuse it as NumPy 2 does;
// comparisons answer exactly, in int64 (a narrower type's values and the number both fit), or
// for uint64 in float64 (only a negative number is out of its range, and every uint64 stays >= 0
// as a double; a uint64 number above int64's range against a signed type is refused).
void fit_numbers(kern::OpCode op, const Arg* args, int n, OpTypes& t) {
  if (!is_integer(t.compute)) return;
  for (int k = 0; k < n; ++k) {
    if (args[k].array) continue;
    const Number& v = args[k].number;
    const bool big = v.kind == DType::uint64;
    if (v.kind != DType::int64 && !big) continue;
    if (big ? t.compute == DType::uint64 : holds(t.compute, v.i)) continue;
    if (kern::op_info(op).cls != kern::OpClass::compare || big)
      throw ValueError("Python integer " + (big ? std::to_string(static_cast<uint64_t>(v.i)) : std::to_string(v.i)) +
                       " out of bounds for " + std::string(dtype_name(t.compute)));
    t.compute = t.first = t.compute == DType::uint64 ? DType::float64 : DType::int64;
  }
}

// Fills the descriptor and launches: `out` already has the broadcast shape and result dtype.
void run_kernel(kern::OpCode op, const Array& out, const Arg* args, int n, const OpTypes& t) {
  ElementwiseDesc d;
  d.op = static_cast<uint16_t>(op);
  d.nin = n;
  auto want = [&](int k) { return k == 0 ? t.first : t.compute; };
  auto by_value = [&](int k) {  // the first C++ number: no device memory, no broadcast
    const Number& v = args[k].number;
    d.scalar_mask |= static_cast<uint8_t>(1u << k);
    // (a uint64 above int64's range reaches a float computation through its double)
    d.scalar = Scalar{v.kind == DType::uint64 && is_floating(want(k)) ? DType::float64 : v.kind, v.f, v.i};
    d.in[k].dtype = want(k);
  };
  // The common case first: every array contiguous, of out's shape and the dtype it computes in,
  // and at most one number. Then the iteration is one flat axis, without the broadcast plan.
  bool flat = out.is_contiguous();
  for (int k = 0, numbers = 0; k < n && flat; ++k) {
    const Array* a = args[k].array;
    flat = a ? a->dtype() == want(k) && a->is_contiguous() && a->shape() == out.shape() : ++numbers == 1;
  }
  if (flat) {
    d.iter.ndim = 1;
    d.iter.shape[0] = out.size();
    d.out = {out.data_ptr(), out.dtype(), {1}};
    for (int k = 0; k < n; ++k) {
      if (const Array* a = args[k].array) d.in[k] = {a->data_ptr(), a->dtype(), {1}};
      else by_value(k);
    }
    backend(out.device()).elementwise(d);
    return;
  }
  d.out = operand(out);
  Array keep[3];  // casts and extra scalars live until the kernel is enqueued
  bool scalar_taken = false;
  for (int k = 0; k < n; ++k) {
    if (const Array* a = args[k].array) {
      if (a->dtype() != want(k)) {
        keep[k] = a->astype(want(k));
        a = &keep[k];
      }
      d.in[k] = broadcast_operand(*a, out.shape());
    } else if (!scalar_taken) {
      scalar_taken = true;
      by_value(k);
    } else {  // a second number (where(c, 1, 0), clip(x, 0, 1)): a 0-d array, stride 0
      keep[k] = full({}, args[k].number, want(k), out.device());
      d.in[k] = broadcast_operand(keep[k], out.shape());
    }
  }
  switch (n) {
    case 1: d.iter = coalesce_any_order(out.shape(), {&d.out, &d.in[0]}); break;
    case 2: d.iter = coalesce_any_order(out.shape(), {&d.out, &d.in[0], &d.in[1]}); break;
    default: d.iter = coalesce_any_order(out.shape(), {&d.out, &d.in[0], &d.in[1], &d.in[2]}); break;
  }
  backend(out.device()).elementwise(d);
}

// As run_kernel, for every dtype: a 16-bit float computes in its opmath dtype (float32) and the
// result rounds once into `out` (PyTorch's rule), a narrow integer in int32 / int64 and the
// result wraps (docs/design.md 4): in the backend's own loops where it has them (the CPU), else
// around its native kernels.
void run(kern::OpCode op, const Array& out, const Arg* args, int n, const OpTypes& t) {
  if (out.size() == 0) return;
  const DType math = opmath_dtype(t.compute);
  if (math == t.compute || backend(out.device()).takes_opmath(Opmath::elementwise))
    return run_kernel(op, out, args, n, t);
  // An operand of another dtype takes the compute dtype first (int32 -> float16 rounds), as the
  // converting loops see it, and then widens.
  Array keep[3];
  Arg in[3] = {args[0], args[n > 1 ? 1 : 0], args[n > 2 ? 2 : 0]};
  for (int k = 0; k < n; ++k) {
    const DType want = k == 0 ? t.first : t.compute;
    if (args[k].array && args[k].array->dtype() != want) in[k] = Arg(keep[k] = args[k].array->astype(want));
  }
  OpTypes m = t;
  m.compute = math;
  if (t.first == t.compute) m.first = math;
  if (t.result != t.compute) return run_kernel(op, out, in, n, m);  // bool results
  m.result = math;
  Array wide = new_array_like(out.shape(), math, out.device(), out);
  run_kernel(op, wide, in, n, m);
  copy_into(out, wide);
}

// Does `in`, broadcast to out's shape, read exactly the element each output position writes?
bool same_elements(const Array& in, const Array& out) {
  if (in.data_ptr() != out.data_ptr()) return false;
  const Operand op = broadcast_operand(in, out.shape());
  for (int d = 0; d < out.ndim(); ++d)
    if (out.shape()[d] != 1 && op.strides[d] != out.strides()[d]) return false;
  return true;
}

}  // namespace

Array elementwise(kern::OpCode op, std::initializer_list<Arg> list) {
  const Arg* args = list.begin();
  const int n = static_cast<int>(list.size());
  const Device dev = common_device(args, n, kern::op_info(op).name);
  OpTypes t = op_types(op, args, n);
  fit_numbers(op, args, n, t);
  Shape shape = broadcast_shapes(args, n);
  // The result takes the memory order of the first array operand of the result's shape
  // (NumPy's order='K'): exp(x.T) is then one contiguous pass, as in NumPy and PyTorch.
  const Array* like = nullptr;
  for (int k = 0; k < n && !like; ++k)
    if (args[k].array && args[k].array->shape() == shape) like = args[k].array;
  Array out = like ? new_array_like(std::move(shape), t.result, dev, *like)
                   : new_array(std::move(shape), t.result, dev);
  run(op, out, args, n, t);
  return out;
}

void elementwise_inplace(kern::OpCode op, const Array& out, Arg arg) {
  const char* name = kern::op_info(op).name;
  Arg args[2] = {Arg(out), arg};
  const Device dev = common_device(args, 2, name);
  if (out.is_readonly()) throw ValueError("output array is read-only");
  OpTypes t = op_types(op, args, 2);
  fit_numbers(op, args, 2, t);
  const Shape shape = broadcast_shapes(args, 2);
  if (shape != out.shape())
    throw ValueError("non-broadcastable output operand with shape " + shape_str(out.shape()) +
                     " doesn't match the broadcast shape " + shape_str(shape));
  if (category(t.result) > category(out.dtype()))
    throw TypeError(std::string("Cannot cast ufunc '") + name + "' output from dtype('" +
                    std::string(dtype_name(t.result)) + "') to dtype('" +
                    std::string(dtype_name(out.dtype())) + "') with casting rule 'same_kind'");
  // An input overlapping the output (other than element-for-element) is read as a copy.
  Array rhs_copy;
  if (arg.array && may_overlap(*arg.array, out) && !same_elements(*arg.array, out)) {
    rhs_copy = arg.array->copy();
    args[1] = Arg(rhs_copy);
  }
  if (t.result == out.dtype()) {
    run(op, out, args, 2, t);
  } else {  // compute in the promoted dtype, then cast into `out` (same_kind checked above)
    Array tmp = new_array_like(shape, t.result, dev, out);
    run(op, tmp, args, 2, t);
    copy_into(out, tmp);
  }
}

}  // namespace nd::detail
