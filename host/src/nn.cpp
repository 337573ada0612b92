// Row ops (softmax, log_softmax, normalize, standardize), top-k and attention: validation,
// float promotion and output layout here; the fused row kernels live in kernels/.
#include "ndgpu/nn.hpp"

#include <algorithm>
#include <cmath>

#include "detail.hpp"
#include "linalg_detail.hpp"
#include "ndgpu/linalg.hpp"
#include "nn_ops.hpp"
#include "row_ops.hpp"

namespace nd {
namespace {

using kern::RowOp;

Array float_input(const Array& x) { return is_floating(x.dtype()) ? x : x.astype(float32); }

// Fills d.outer / strides of d.in, d.out for the row op along `ax` of x -> out.
void row_layout(const Array& x, const Array& out, int ax, RowDesc& d) {
  Shape outer;
  int k = 0;
  for (int dim = 0; dim < x.ndim(); ++dim) {
    if (dim == ax) continue;
    outer.push_back(x.shape()[dim]);
    d.in.strides[k] = x.strides()[dim];
    d.out.strides[k] = out.strides()[dim];
    ++k;
  }
  d.in.data = x.data_ptr();
  d.in.dtype = x.dtype();
  d.out.data = out.data_ptr();
  d.out.dtype = out.dtype();
  d.len = x.shape()[ax];
  d.in_axis_stride = x.strides()[ax];
  d.out_axis_stride = out.strides()[ax];
  d.outer = detail::coalesce(outer, {&d.in, &d.out});
}

Array row_op(RowOp op, const Array& x_in, int axis, double eps, const char* name) {
  detail::check_defined(x_in, name);
  if (is_half(x_in.dtype()) && !detail::backend(x_in.device()).takes_opmath(Opmath::rows))
    return detail::rounded(row_op(op, detail::computing(x_in), axis, eps, name), x_in.dtype());
  Array x = float_input(x_in);
  if (x.ndim() == 0) return row_op(op, x.reshape({1}), 0, eps, name).reshape({});
  const int ax = normalize_axis(axis, x.ndim());
  Array out = detail::new_array(x.shape(), x.dtype(), x.device());
  if (out.size() == 0) return out;
  RowDesc d;
  d.op = static_cast<uint16_t>(op);
  d.eps = eps;
  row_layout(x, out, ax, d);
  detail::backend(x.device()).rowwise(d);
  return out;
}

}  // namespace

Array softmax(const Array& x, int axis) { return row_op(RowOp::softmax, x, axis, 0, "softmax"); }
Array log_softmax(const Array& x, int axis) {
  return row_op(RowOp::log_softmax, x, axis, 0, "log_softmax");
}
Array normalize(const Array& x, int axis, double eps) {
  return row_op(RowOp::normalize, x, axis, eps, "normalize");
}
Array standardize(const Array& x, int axis, double eps) {
  return row_op(RowOp::standardize, x, axis, eps, "standardize");
}

std::pair<Array, Array> topk(const Array& x_in, int64_t k, int axis, bool largest, bool sorted) {
  detail::check_defined(x_in, "topk");
  if (detail::computes_wider(x_in.dtype())) {  // the values come back exactly
    auto [v, i] = topk(detail::computing(x_in), k, axis, largest, sorted);
    return {detail::rounded(v, x_in.dtype()), i};
  }
  Array x = x_in.ndim() == 0 ? x_in.reshape({1}) : x_in;
  const int ax = normalize_axis(axis, x.ndim());
  const int64_t n = x.shape()[ax];
  if (k < 0 || k > n)
    throw ValueError("topk: k = " + std::to_string(k) + " is out of range for axis " +
                     std::to_string(ax) + " of size " + std::to_string(n));
  // Results are produced as (outer..., k) and moved back to `axis`.
  Shape shape;
  TopkDesc d;
  int j = 0;
  for (int dim = 0; dim < x.ndim(); ++dim) {
    if (dim == ax) continue;
    shape.push_back(x.shape()[dim]);
    d.in.strides[j++] = x.strides()[dim];
  }
  const Shape outer = shape;
  shape.push_back(k);
  Array values = detail::new_array(shape, x.dtype(), x.device());
  Array indices = detail::new_array(shape, int64, x.device());
  if (values.size() > 0) {
    d.in.dtype = x.dtype();
    d.in.data = x.data_ptr();
    d.len = n;
    d.k = k;
    d.largest = largest;
    d.in_axis_stride = x.strides()[ax];
    d.values = values.data_ptr();
    d.indices = static_cast<int64_t*>(indices.data_ptr());
    d.outer = detail::coalesce(outer, {&d.in});
    detail::backend(x.device()).topk(d);
  }
  if (ax != x.ndim() - 1) {
    std::vector<int> perm;
    for (int dim = 0; dim < x.ndim() - 1; ++dim) {
      if (dim == ax) perm.push_back(x.ndim() - 1);
      perm.push_back(dim);
    }
    values = values.transpose(perm).copy();
    indices = indices.transpose(perm).copy();
  }
  if (x_in.ndim() == 0) return {values.reshape({k}), indices.reshape({k})};
  return {values, indices};
}

namespace {

// The backend's fused attention (no (S, S) scores in memory), or an undefined array where it has
// none or the operands do not fit it (mixed dtypes, empty axes, batch axes that do not
// broadcast: the unfused path below handles and reports those).
Array fused_attention(Array q, Array k, Array v, double scale, bool causal) {
  const int nd = std::max({q.ndim(), k.ndim(), v.ndim()});
  const int64_t sq = q.shape()[q.ndim() - 2], sk = k.shape()[k.ndim() - 2];
  const int64_t d = q.shape().back(), dv = v.shape().back();
  if (q.dtype() != k.dtype() || q.dtype() != v.dtype() || q.device() != k.device() ||
      q.device() != v.device() || sq == 0 || sk == 0 || d == 0 || dv == 0)
    return {};
  Shape batch(nd - 2, 1);
  for (const Array* x : {&q, &k, &v})
    for (int dim = 0; dim < x->ndim() - 2; ++dim) {
      int64_t& b = batch[nd - x->ndim() + dim];
      const int64_t e = x->shape()[dim];
      if (e != b && e != 1 && b != 1) return {};
      b = e == 1 ? b : e;
    }
  Shape out_shape = batch;
  out_shape.insert(out_shape.end(), {sq, dv});
  Array out = detail::new_array(out_shape, q.dtype(), q.device());
  AttentionDesc a;
  Operand ops[4];
  Array* xs[3] = {&q, &k, &v};
  for (int o = 0; o < 3; ++o) {
    Array& x = *xs[o];
    Shape full = batch;
    full.insert(full.end(), x.shape().end() - 2, x.shape().end());
    x = x.broadcast_to(full);
    if (x.strides()[nd - 1] != 1) x = x.copy();  // the kernel reads rows with unit stride
    for (int dim = 0; dim < nd - 2; ++dim) ops[o].strides[dim] = x.strides()[dim];
  }
  for (int dim = 0; dim < nd - 2; ++dim) ops[3].strides[dim] = out.strides()[dim];
  a.batch = detail::coalesce(batch, {&ops[0], &ops[1], &ops[2], &ops[3]});
  for (int o = 0; o < 4; ++o)
    for (int dim = 0; dim < a.batch.ndim; ++dim) a.batch_stride[o][dim] = ops[o].strides[dim];
  a.dtype = q.dtype();
  a.sq = sq, a.sk = sk, a.d = d, a.dv = dv;
  a.q = q.data_ptr(), a.k = k.data_ptr(), a.v = v.data_ptr(), a.out = out.data_ptr();
  a.q_ld = q.strides()[nd - 2], a.k_ld = k.strides()[nd - 2], a.v_ld = v.strides()[nd - 2];
  a.out_ld = dv;
  a.scale = scale;
  a.causal = causal;
  if (!detail::backend(out.device()).attention(a)) return {};
  return out;
}

}  // namespace

Array attention(const Array& q_in, const Array& k_in, const Array& v_in, bool causal) {
  for (const Array* a : {&q_in, &k_in, &v_in}) {
    detail::check_defined(*a, "attention");
    if (a->ndim() < 2)
      throw ValueError("attention: Q, K and V must be (..., S, d) arrays, got shape " +
                       shape_str(a->shape()));
  }
  const DType t = promote_types(promote_types(q_in.dtype(), k_in.dtype()), v_in.dtype());
  if (is_half(t))  // integers: float32 results (float_input)
    return detail::rounded(attention(q_in.astype(float32), k_in.astype(float32), v_in.astype(float32), causal), t);
  Array q = float_input(q_in), k = float_input(k_in), v = float_input(v_in);
  const int64_t d = q.shape().back();
  if (k.shape().back() != d)
    throw ValueError("attention: Q and K must have the same last dimension, got " +
                     shape_str(q.shape()) + " and " + shape_str(k.shape()));
  if (k.shape()[k.ndim() - 2] != v.shape()[v.ndim() - 2])
    throw ValueError("attention: K and V must have the same sequence length, got " +
                     shape_str(k.shape()) + " and " + shape_str(v.shape()));
  const double scale = d > 0 ? 1.0 / std::sqrt(static_cast<double>(d)) : 1.0;
  if (Array out = fused_attention(q, k, v, scale, causal); out.defined()) return out;
  // Unfused: scores = Q K^T / sqrt(d) (the transpose is a BLAS flag, the scale the GEMM's
  // alpha), softmax in place, then scores V.
  Array scores = detail::matmul_scaled(q, k.swapaxes(-1, -2), scale);
  if (scores.size() > 0 && scores.shape().back() > 0) {
    RowDesc rd;  // softmax in place over the scores (causal mask fused into the row kernel)
    rd.op = static_cast<uint16_t>(RowOp::softmax);
    row_layout(scores, scores, scores.ndim() - 1, rd);
    if (causal) {
      rd.causal_offset = 0;
      rd.causal_rows = scores.shape()[scores.ndim() - 2];
    }
    detail::backend(scores.device()).rowwise(rd);
  }
  return matmul(scores, v);
}

}  // namespace nd
