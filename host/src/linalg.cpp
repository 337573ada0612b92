// matmul / dot / outer: validation with NumPy's messages, dtype promotion, then one GemmDesc.
// Transposed operands map to BLAS transpose flags; layouts BLAS cannot take (non-unit inner
// stride, negative or zero strides) are made contiguous first; k == 0 writes zeros.
#include "ndgpu/linalg.hpp"
#include "ndgpu/ops.hpp"

#include <atomic>

#include "detail.hpp"
#include "linalg_detail.hpp"

namespace nd {
namespace {

std::atomic<MatmulPrecision> g_precision{MatmulPrecision::highest};

const char* kSig = "(n?,k),(k,m?)->(n?,m?)";

// A matrix operand as BLAS wants it: row-major (no transpose) or its transpose, or neither.
struct MatLayout {
  bool ok = false, trans = false;
  int64_t ld = 0;
};
MatLayout blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  if (rows == 1) rs = std::max<int64_t>(cols, 1);  // strides of size-1 axes never matter
  if (cols == 1) cs = 1;
  if (rows == 1 && cols == 1) return {true, false, 1};
  if (cs == 1 && rs >= std::max<int64_t>(cols, 1)) return {true, false, rs};
  if (rs == 1 && cs >= std::max<int64_t>(rows, 1)) return {true, true, cs};
  return {};
}

void check_same_device(const Array& a, const Array& b, const char* what) {
  if (a.device() != b.device())
    throw ValueError(std::string(what) + ": expected all arrays on the same device, got " +
                     a.device().str() + " and " + b.device().str());
}

// out (batch..., n, m) = a2 (batch..., n, k) @ b2 (batch..., k, m); a2/b2 already broadcast.
void gemm_into(const Array& out, Array a2, Array b2, double alpha = 1) {
  const int nd = out.ndim();
  const int64_t n = out.shape()[nd - 2], m = out.shape()[nd - 1], k = a2.shape()[nd - 1];
  if (out.size() == 0) return;
  if (k == 0) {
    detail::fill(out, detail::scalar_of(0, out.dtype()));
    return;
  }
  auto layout = [&](Array& x, int64_t rows, int64_t cols) {
    MatLayout l = blas_layout(rows, cols, x.strides()[nd - 2], x.strides()[nd - 1]);
    bool neg_batch = false;
    for (int d = 0; d < nd - 2; ++d) neg_batch |= x.strides()[d] < 0;
    if (!l.ok || neg_batch) {  // BLAS cannot read it: one contiguous copy (broadcast axes stay 0)
      Shape shp = x.shape();
      x = x.copy();
      l = blas_layout(rows, cols, x.strides()[nd - 2], x.strides()[nd - 1]);
      (void)shp;
    }
    return l;
  };
  const MatLayout la = layout(a2, n, k), lb = layout(b2, k, m);
  GemmDesc g;
  g.dtype = out.dtype();
  g.ab_dtype = a2.dtype();
  g.m = n;
  g.n = m;
  g.k = k;
  g.trans_a = la.trans;
  g.trans_b = lb.trans;
  g.lda = la.ld;
  g.ldb = lb.ld;
  g.ldc = m;
  g.alpha = alpha;
  g.a = a2.data_ptr();
  g.b = b2.data_ptr();
  g.c = out.data_ptr();
  g.allow_tf32 = g_precision.load() == MatmulPrecision::high;
  Operand oa, ob, oc;
  for (int d = 0; d < nd - 2; ++d) {
    oa.strides[d] = a2.strides()[d];
    ob.strides[d] = b2.strides()[d];
    oc.strides[d] = out.strides()[d];
  }
  g.batch = detail::coalesce(Shape(out.shape().begin(), out.shape().end() - 2), {&oa, &ob, &oc});
  // One big product instead of a batch: B shared by every entry and A's rows evenly spaced.
  if (g.batch.ndim == 1 && ob.strides[0] == 0 && !la.trans && oa.strides[0] == n * la.ld) {
    g.m = n * g.batch.shape[0];
    g.batch.ndim = 0;
  }
  for (int d = 0; d < g.batch.ndim; ++d) {
    g.batch_stride[0][d] = oa.strides[d];
    g.batch_stride[1][d] = ob.strides[d];
    g.batch_stride[2][d] = oc.strides[d];
  }
  detail::backend(out.device()).gemm(g);
}

}  // namespace

void set_matmul_precision(MatmulPrecision p) { g_precision.store(p); }
MatmulPrecision matmul_precision() { return g_precision.load(); }

Array matmul(const Array& a, const Array& b) { return detail::matmul_scaled(a, b, 1.0); }

Array detail::matmul_scaled(const Array& a, const Array& b, double alpha) {
  return detail::rounded(matmul_opmath(a, b, alpha), promote_types(a.dtype(), b.dtype()));
}

Array detail::matmul_opmath(const Array& a_in, const Array& b_in, double alpha) {
  detail::check_defined(a_in, "matmul");
  detail::check_defined(b_in, "matmul");
  for (int i = 0; i < 2; ++i) {
    const Array& x = i ? b_in : a_in;
    if (x.ndim() == 0)
      throw ValueError("matmul: Input operand " + std::to_string(i) +
                       " does not have enough dimensions (has 0, gufunc core with signature " + kSig +
                       " requires 1)");
  }
  check_same_device(a_in, b_in, "matmul");
  const DType dt = promote_types(a_in.dtype(), b_in.dtype());
  // float32 (int32, int64) products and sums; uint64's in int64, whose products and sums modulo
  // 2^64 are the same bits (a ring: the sign only matters to order). A backend that
  // takes_opmath(Opmath::matmul) reads 16-bit float operands as stored; others get them widened.
  const DType math = dt == uint64 ? int64 : opmath_dtype(dt);
  const DType ab = is_half(dt) && backend(a_in.device()).takes_opmath(Opmath::matmul) ? dt : math;
  Array a = a_in.dtype() == ab ? a_in : a_in.astype(ab);
  Array b = b_in.dtype() == ab ? b_in : b_in.astype(ab);
  const bool a1 = a.ndim() == 1, b1 = b.ndim() == 1;
  if (a1) a = a.reshape({1, a.shape()[0]});
  if (b1) b = b.reshape({b.shape()[0], 1});
  const int64_t n = a.shape()[a.ndim() - 2], k = a.shape()[a.ndim() - 1];
  const int64_t kb = b.shape()[b.ndim() - 2], m = b.shape()[b.ndim() - 1];
  if (k != kb)
    throw ValueError(std::string("matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                                 "gufunc signature ") + kSig + " (size " + std::to_string(kb) +
                     " is different from " + std::to_string(k) + ")");
  // Broadcast the batch axes.
  const int ba = a.ndim() - 2, bb = b.ndim() - 2, nb = std::max(ba, bb);
  Shape batch(nb);
  bool ok = true;
  for (int d = 0; d < nb; ++d) {
    const int64_t x = d - (nb - ba) >= 0 ? a.shape()[d - (nb - ba)] : 1;
    const int64_t y = d - (nb - bb) >= 0 ? b.shape()[d - (nb - bb)] : 1;
    if (x != y && x != 1 && y != 1) ok = false;
    batch[d] = x == 1 ? y : x;
  }
  if (!ok) {
    auto remap = [](const Array& x) {
      std::string s = shape_str(x.shape()) + "->(";
      for (int d = 0; d < x.ndim() - 2; ++d) s += std::to_string(x.shape()[d]) + ",";
      return s + "newaxis,newaxis)";
    };
    throw ValueError("operands could not be broadcast together with remapped shapes "
                     "[original->remapped]: " + remap(a) + " " + remap(b) +
                     "  and requested shape " + shape_str({n, m}));
  }
  Shape full = batch;
  full.push_back(n);
  full.push_back(m);
  Array out = detail::new_array(full, math, a.device());
  Shape sa = batch, sb = batch;
  sa.insert(sa.end(), {n, k});
  sb.insert(sb.end(), {k, m});
  gemm_into(out, a.broadcast_to(sa), b.broadcast_to(sb), alpha);
  Shape result = batch;
  if (!a1) result.push_back(n);
  if (!b1) result.push_back(m);
  return out.reshape(result);
}

Array outer(const Array& a, const Array& b) {
  detail::check_defined(a, "outer");
  detail::check_defined(b, "outer");
  check_same_device(a, b, "outer");
  // NumPy's definition: a.ravel()[:, None] * b.ravel()[None, :] (a broadcast multiply, not a
  // k = 1 GEMM, which zero-filled the result first and ran 4x slower).
  return multiply(a.reshape({a.size(), 1}), b.reshape({1, b.size()}));
}

Array dot(const Array& a, const Array& b) {
  detail::check_defined(a, "dot");
  detail::check_defined(b, "dot");
  check_same_device(a, b, "dot");
  if (a.ndim() == 0 || b.ndim() == 0) {  // a scalar multiplies: a k = 1 product
    const Array& s = a.ndim() == 0 ? a : b;
    const Array& v = a.ndim() == 0 ? b : a;
    return matmul(s.reshape({1, 1}), v.reshape({1, v.size()})).reshape(v.shape());
  }
  const int64_t ka = a.shape().back();
  const int bax = b.ndim() == 1 ? 0 : b.ndim() - 2;
  const int64_t kb = b.shape()[bax];
  if (ka != kb)
    throw ValueError("shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                     " not aligned: " + std::to_string(ka) + " (dim " + std::to_string(a.ndim() - 1) +
                     ") != " + std::to_string(kb) + " (dim " + std::to_string(bax) + ")");
  if (b.ndim() <= 2) return matmul(a, b);  // N-D . 1-D and N-D . 2-D are matmul's cases
  // N-D . M-D: (A, k) @ (k, B*m) after moving b's contraction axis to the front.
  std::vector<int> perm{bax};
  for (int d = 0; d < b.ndim(); ++d)
    if (d != bax) perm.push_back(d);
  Array a2 = a.reshape({-1, ka});
  Array b2 = b.transpose(perm).reshape({kb, -1});
  Shape shape(a.shape().begin(), a.shape().end() - 1);
  for (int d = 0; d < b.ndim(); ++d)
    if (d != bax) shape.push_back(b.shape()[d]);
  return matmul(a2, b2).reshape(shape);
}

}  // namespace nd
