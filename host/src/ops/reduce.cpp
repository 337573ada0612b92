// Reductions, host side: axis checks, output shape and dtype, the empty-axis rules, and the
// ReduceDesc (reduced axes merged into one strided axis, kept axes sorted and coalesced).
#include <algorithm>
#include <vector>

#include "ops/reduce.hpp"

#include "detail.hpp"
#include "ndgpu/reductions.hpp"

namespace nd {
namespace {

using kern::ReduceOp;

const char* empty_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::max: return "maximum";
    case ReduceOp::min:
    case ReduceOp::norm_min: return "minimum";
    default: return nullptr;
  }
}

// The public dtype: float math on integers gives float32 (docs/design.md 4).
DType public_dtype(ReduceOp op, DType in) {
  const DType k = reduce_kernel_out_dtype(op, in);
  const bool float_math = op == ReduceOp::mean || op == ReduceOp::var || op == ReduceOp::std ||
                          op == ReduceOp::norm_l1 || op == ReduceOp::norm_l2 ||
                          op == ReduceOp::norm_max || op == ReduceOp::norm_min ||
                          op == ReduceOp::count_nonzero;
  return float_math && !is_floating(in) ? DType::float32 : k;
}

// Value for an empty reduced axis, or throws NumPy's error.
double empty_value(ReduceOp op) {
  switch (op) {
    case ReduceOp::prod:
    case ReduceOp::all: return 1;
    case ReduceOp::mean:
    case ReduceOp::var:
    case ReduceOp::std: return std::numeric_limits<double>::quiet_NaN();
    case ReduceOp::argmax: throw ValueError("attempt to get argmax of an empty sequence");
    case ReduceOp::argmin: throw ValueError("attempt to get argmin of an empty sequence");
    case ReduceOp::max:
    case ReduceOp::min:
    case ReduceOp::norm_min:
      throw ValueError(std::string("zero-size array to reduction operation ") + empty_name(op) +
                       " which has no identity");
    default: return 0;  // sum, any, norms (ord=inf uses initial=0 like NumPy)
  }
}

// red[d]: is axis d reduced? NumPy's errors for out-of-range and repeated axes.
void reduced_mask(const Array& x, const Axes& axes, bool* red) {
  std::fill(red, red + x.ndim(), axes.is_all());
  if (axes.is_all()) return;
  for (int a : axes.list()) {
    const int ax = normalize_axis(a, x.ndim());
    if (red[ax]) throw ValueError("duplicate value in 'axis'");
    red[ax] = true;
  }
}

}  // namespace

namespace detail {

Array reduce(ReduceOp op, const Array& x_in, const Axes& axes, bool keepdims, int64_t ddof) {
  check_defined(x_in, "reduce");
  // A 16-bit float accumulates in float32 in the canonical order and a float result rounds
  // once; a narrow integer's max / min come back to its type, its sums are int64 (uint64 for the
  // unsigned ones: the int64 sum's bits, modulo 2^64 as NumPy's). A backend that
  // takes_opmath(Opmath::reduce) widens a 16-bit float's tiles as it reads them; for others, x
  // is widened here.
  const DType math = opmath_dtype(x_in.dtype());
  const bool widened_here = math != x_in.dtype() &&
                            !(is_half(x_in.dtype()) && backend(x_in.device()).takes_opmath(Opmath::reduce));
  if (widened_here)
    return detail::rounded(reduce(op, x_in.astype(math), axes, keepdims, ddof), public_dtype(op, x_in.dtype()));
  const int nd = x_in.ndim();
  bool red[kMaxNdim];
  reduced_mask(x_in, axes, red);
  Shape out_shape;
  out_shape.reserve(static_cast<size_t>(std::count(red, red + nd, false)));  // none: no heap
  int64_t n = 1;
  int out_pos[kMaxNdim];  // x_in's kept axis d -> its axis in out
  for (int d = 0; d < nd; ++d) {
    if (red[d]) n *= x_in.shape()[d];
    else {
      out_pos[d] = static_cast<int>(out_shape.size());
      out_shape.push_back(x_in.shape()[d]);
    }
  }
  const DType kdt = reduce_kernel_out_dtype(op, math);
  const DType pdt = public_dtype(op, x_in.dtype());
  Array out = new_array(std::move(out_shape), kdt, x_in.device());
  if (n == 0) {
    const double v = empty_value(op);  // may throw, before anything is written
    fill(out, scalar_of(v, kdt));
  } else if (out.size() > 0) {
    // Merge the reduced axes into one strided axis; copy when they do not merge.
    Array x = x_in;
    int rdims[kMaxNdim], kdims[kMaxNdim], orig[kMaxNdim];  // orig: x's axis -> x_in's axis
    int nr = 0, nk = 0;
    for (int d = 0; d < nd; ++d) {
      orig[d] = d;
      if (x.shape()[d] != 1) (red[d] ? rdims[nr++] : kdims[nk++]) = d;
    }
    // The reduced axes go in memory order (decreasing |stride|, ties in C order): a transposed
    // array then merges into one axis and is read in one pass with no copy. That order is the one
    // reduce_order.hpp fixes the bits of, on every backend; like NumPy, the sum of x.T may differ
    // in its last bits from the sum of a C-ordered copy of it.
    sort_axes_by_stride(rdims, nr, x.strides().data());
    bool merges = true;
    for (int i = 1; i < nr; ++i)
      merges = merges && x.strides()[rdims[i - 1]] == x.strides()[rdims[i]] * x.shape()[rdims[i]];
    if (!merges) {  // reduced axes last, contiguous, in the same order
      std::vector<int> perm;
      for (int d = 0; d < nd; ++d) if (!red[d]) perm.push_back(d);
      const int kept = static_cast<int>(perm.size());
      for (int d = 0; d < nd; ++d) if (red[d] && x.shape()[d] == 1) perm.push_back(d);
      perm.insert(perm.end(), rdims, rdims + nr);
      x = x.transpose(perm).copy();
      std::copy(perm.begin(), perm.end(), orig);
      nr = nk = 0;
      for (int d = 0; d < nd; ++d)
        if (x.shape()[d] != 1) (d >= kept ? rdims[nr++] : kdims[nk++]) = d;
    }
    ReduceDesc desc;
    desc.op = static_cast<uint16_t>(op);
    desc.n = n;
    desc.in_stride = nr == 0 ? 0 : x.strides()[rdims[nr - 1]];
    desc.ddof = ddof;
    // Kept axes by decreasing |input stride| (a unit-stride kept axis last), then coalesced.
    sort_axes_by_stride(kdims, nk, x.strides().data());
    int64_t kshape[kMaxNdim];
    desc.in = operand(x);
    desc.out = operand(out);
    for (int i = 0; i < nk; ++i) {
      kshape[i] = x.shape()[kdims[i]];
      desc.in.strides[i] = x.strides()[kdims[i]];
      desc.out.strides[i] = out.strides()[out_pos[orig[kdims[i]]]];
    }
    desc.outer = coalesce(kshape, nk, {&desc.in, &desc.out});
    backend(x.device()).reduce(desc);
  }
  if (pdt != kdt) out = out.astype(pdt);
  if (!keepdims) return out;
  Shape keep_shape(x_in.shape());
  for (int d = 0; d < nd; ++d)
    if (red[d]) keep_shape[d] = 1;
  return out.reshape(keep_shape);
}

}  // namespace detail

Array sum(const Array& x, Axes axes, bool keepdims) { return detail::reduce(ReduceOp::sum, x, axes, keepdims, 0); }
Array prod(const Array& x, Axes axes, bool keepdims) { return detail::reduce(ReduceOp::prod, x, axes, keepdims, 0); }
Array mean(const Array& x, Axes axes, bool keepdims) { return detail::reduce(ReduceOp::mean, x, axes, keepdims, 0); }
Array var(const Array& x, Axes axes, bool keepdims, int64_t ddof) { return detail::reduce(ReduceOp::var, x, axes, keepdims, ddof); }
Array std(const Array& x, Axes axes, bool keepdims, int64_t ddof) { return detail::reduce(ReduceOp::std, x, axes, keepdims, ddof); }
Array max(const Array& x, Axes axes, bool keepdims) { return detail::reduce(ReduceOp::max, x, axes, keepdims, 0); }
Array min(const Array& x, Axes axes, bool keepdims) { return detail::reduce(ReduceOp::min, x, axes, keepdims, 0); }
Array amax(const Array& x, Axes axes, bool keepdims) { return max(x, axes, keepdims); }
Array amin(const Array& x, Axes axes, bool keepdims) { return min(x, axes, keepdims); }
Array any(const Array& x, Axes axes, bool keepdims) { return detail::reduce(ReduceOp::any, x, axes, keepdims, 0); }
Array AllTag::operator()(const Array& x, Axes axes, bool keepdims) const {
  return detail::reduce(ReduceOp::all, x, axes, keepdims, 0);
}

namespace {
// argmax/argmin: axis=None means the index into the flattened array.
Array arg_reduce(ReduceOp op, const Array& x, std::optional<int> axis, bool keepdims) {
  detail::check_defined(x, "argmax");
  if (axis) return detail::reduce(op, x, Axes(*axis), keepdims, 0);
  Array r = detail::reduce(op, x.ndim() == 1 ? x : x.ravel(), Axes(), false, 0);
  return keepdims ? r.reshape(Shape(x.ndim(), 1)) : r;
}
}  // namespace

Array argmax(const Array& x, std::optional<int> axis, bool keepdims) { return arg_reduce(ReduceOp::argmax, x, axis, keepdims); }
Array argmin(const Array& x, std::optional<int> axis, bool keepdims) { return arg_reduce(ReduceOp::argmin, x, axis, keepdims); }

Array Array::sum(Axes axes, bool keepdims) const { return nd::sum(*this, axes, keepdims); }
Array Array::prod(Axes axes, bool keepdims) const { return nd::prod(*this, axes, keepdims); }
Array Array::mean(Axes axes, bool keepdims) const { return nd::mean(*this, axes, keepdims); }
Array Array::var(Axes axes, bool keepdims, int64_t ddof) const { return nd::var(*this, axes, keepdims, ddof); }
Array Array::std(Axes axes, bool keepdims, int64_t ddof) const { return nd::std(*this, axes, keepdims, ddof); }
Array Array::max(Axes axes, bool keepdims) const { return nd::max(*this, axes, keepdims); }
Array Array::min(Axes axes, bool keepdims) const { return nd::min(*this, axes, keepdims); }
Array Array::argmax(std::optional<int> axis, bool keepdims) const { return nd::argmax(*this, axis, keepdims); }
Array Array::argmin(std::optional<int> axis, bool keepdims) const { return nd::argmin(*this, axis, keepdims); }
Array Array::any(Axes axes, bool keepdims) const { return nd::any(*this, axes, keepdims); }
Array Array::all(Axes axes, bool keepdims) const { return nd::all(*this, axes, keepdims); }

}  // namespace nd
