// nd::linalg::norm: NumPy's vector norms (ord 0, 1, 2, inf, -inf) and the matrix norms that are
// reductions (Frobenius, 1, -1, inf, -inf), all built on the canonical-order reductions.
#include <cmath>

#include "detail.hpp"
#include "ndgpu/reductions.hpp"
#include "ops/reduce.hpp"

namespace nd::linalg {
namespace {

using kern::ReduceOp;

[[noreturn]] void improper() { throw ValueError("Improper number of dimensions to norm."); }

std::vector<int> axis_list(const Array& x, const Axes& axes) {
  std::vector<int> l;
  if (axes.is_all()) {
    for (int d = 0; d < x.ndim(); ++d) l.push_back(d);
    return l;
  }
  for (int a : axes.list()) l.push_back(normalize_axis(a, x.ndim()));
  if (l.size() == 2 && l[0] == l[1]) throw ValueError("Duplicate axes given.");
  return l;
}

Array vector_norm(const Array& x, double p, int axis, bool keepdims) {
  ReduceOp op;
  if (p == INFINITY) op = ReduceOp::norm_max;
  else if (p == -INFINITY) op = ReduceOp::norm_min;
  else if (p == 0) op = ReduceOp::count_nonzero;
  else if (p == 1) op = ReduceOp::norm_l1;
  else if (p == 2) op = ReduceOp::norm_l2;
  else throw ValueError("norm order " + std::to_string(p) + " is not supported (use 0, 1, 2, inf or -inf)");
  return detail::reduce(op, x, Axes(axis), keepdims, 0);
}

// NumPy's matrix norms over (row, col): 1 / -1 = max / min column abs-sum; inf / -inf rows.
Array matrix_norm(const Array& x, double p, int row, int col, bool keepdims) {
  const bool by_cols = p == 1 || p == -1;
  if (!(by_cols || p == INFINITY || p == -INFINITY))
    throw ValueError("matrix norm order " + std::to_string(p) +
                     " is not supported (use 1, -1, inf, -inf, or no ord for Frobenius)");
  const int sum_axis = by_cols ? row : col;
  int ext_axis = by_cols ? col : row;
  if (ext_axis > sum_axis) --ext_axis;
  Array s = detail::reduce(ReduceOp::norm_l1, x, Axes(sum_axis), false, 0);
  Array r = detail::reduce(p > 0 ? ReduceOp::max : ReduceOp::min, s, Axes(ext_axis), false, 0);
  if (!keepdims) return r;
  Shape shape = x.shape();
  shape[row] = shape[col] = 1;
  return r.reshape(shape);
}

}  // namespace

Array norm(const Array& x, Axes axes, bool keepdims) {
  detail::check_defined(x, "norm");
  const std::vector<int> l = axis_list(x, axes);
  if (!axes.is_all() && l.size() > 2) improper();
  return detail::reduce(ReduceOp::norm_l2, x, axes, keepdims, 0);
}

Array norm(const Array& x, Ord ord, Axes axes, bool keepdims) {
  detail::check_defined(x, "norm");
  const std::vector<int> l = axis_list(x, axes);
  if (l.size() == 1) return vector_norm(x, ord.p, l[0], keepdims);
  if (l.size() == 2) return matrix_norm(x, ord.p, l[0], l[1], keepdims);
  improper();
}

}  // namespace nd::linalg
