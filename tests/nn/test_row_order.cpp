// The row ops follow the row-op table (kernels/row_ops.hpp) and the canonical reduction order bit
// for bit on every device: each float32 row is checked against the table evaluated by the naive
// spec of support/reduce_spec.hpp, so CPU and CUDA agree with each other because both agree with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../../kernels/row_ops.hpp"
#include "ndgpu/ndgpu.hpp"
#include "support/device_test.hpp"
#include "support/reduce_spec.hpp"

namespace {

namespace row = nd::kern::row;

// One row through the table, every step written plainly: the prepass (on demand where the op says
// so), the statistic by the spec, finish and apply; `live` elements, the rest masked.
template <class Op>
std::vector<float> spec_row(const std::vector<float>& all, size_t live, double eps) {
  const std::vector<float> x(all.begin(), all.begin() + static_cast<int64_t>(live));
  auto prepass = [&] {
    float m = -INFINITY;
    for (float v : x) m = row::pre_max(m, row::pre_lift<Op>(v));
    return m;
  };
  auto statistic = [&](float p) {
    std::vector<float> terms;
    for (float v : x) terms.push_back(Op::term(v, p));
    if constexpr (Op::kMoments) return spec::ref_moments(terms);
    else return spec::ref_sum(terms);
  };
  float p;
  const row::Stat<Op, float> st = row::statistic_after_prepass<Op>(p, prepass, statistic);
  const row::Consts<float> c = Op::finish(p, st, static_cast<int64_t>(live), eps);
  std::vector<float> y(all.size(), Op::template masked<float>());
  for (size_t i = 0; i < live; ++i) y[i] = Op::apply(Op::kApplyToTerm ? Op::term(x[i], p) : x[i], c);
  return y;
}

// eps: normalize's default, and a layer norm's for standardize (whose default is 0).
double eps_of(nd::kern::RowOp op) { return op == nd::kern::RowOp::standardize ? 1e-5 : 1e-12; }

nd::Array run(nd::kern::RowOp op, const nd::Array& x, int axis) {
  switch (op) {
    case nd::kern::RowOp::softmax: return nd::softmax(x, axis);
    case nd::kern::RowOp::log_softmax: return nd::log_softmax(x, axis);
    case nd::kern::RowOp::normalize: return nd::normalize(x, axis, eps_of(op));
    case nd::kern::RowOp::standardize: return nd::standardize(x, axis, eps_of(op));
  }
  return {};
}

class RowOrder : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(RowOrder);

// Every row op, rows at warp, tile and block edges, contiguous, transposed and reversed, with a
// row of huge values, one of tiny ones and a NaN row: the same bits as the spec.
TEST_P(RowOrder, Float32RowsFollowTheTableBitForBit) {
  nd::random::seed(11);
  for (int64_t n : {1, 31, 32, 33, 255, 256, 257, 1023, 1024, 1025, 4097, 9000, 70001}) {
    nd::Array base = nd::random::normal(0.5, 3.0, {4, n});
    std::vector<float> v = base.to_vector<float>();
    for (int64_t i = 0; i < n; ++i) {
      v[i] *= 1e30f;       // row 0: squares overflow float32
      v[n + i] *= 1e-30f;  // row 1: squares underflow
    }
    v[3 * n + n / 2] = NAN;  // row 3: NaN
    const nd::Array x = nd::array(v, {4, n}, nd::float32, device());
    const nd::Array xt = nd::array(v, {4, n}, nd::float32).T().copy().to(device());
    const nd::Array xr = nd::array(v, {4, n}, nd::float32, device())(nd::all, nd::slice(nd::_, nd::_, -1));
#define ND_X(code, F)                                                                              \
  {                                                                                                \
    SCOPED_TRACE(std::string(#code) + " n=" + std::to_string(n));                                  \
    const nd::kern::RowOp op = nd::kern::RowOp::code;                                              \
    const std::vector<float> got = run(op, x, -1).to_vector<float>();                              \
    const std::vector<float> got_t = run(op, xt, 0).T().copy().to_vector<float>();                 \
    const std::vector<float> got_r = run(op, xr, -1)(nd::all, nd::slice(nd::_, nd::_, -1)).copy().to_vector<float>(); \
    int64_t wrong = 0;                                                                             \
    for (int64_t r = 0; r < 4; ++r) {                                                              \
      std::vector<float> rowv(v.begin() + r * n, v.begin() + (r + 1) * n);                         \
      const std::vector<float> want = spec_row<row::F>(rowv, n, eps_of(op));                    \
      std::vector<float> rev(rowv.rbegin(), rowv.rend());                                          \
      std::vector<float> want_r = spec_row<row::F>(rev, n, eps_of(op));                         \
      std::reverse(want_r.begin(), want_r.end());                                                  \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        const float a = got[r * n + i], b = got_t[r * n + i], c = got_r[r * n + i];                \
        if ((!spec::same_bits(a, want[i]) || !spec::same_bits(b, want[i]) ||                       \
             !spec::same_bits(c, want_r[i])) && wrong++ < 3)                                        \
          ADD_FAILURE() << "row " << r << " i " << i << ": " << a << " " << b << " " << c          \
                        << " want " << want[i] << " / " << want_r[i];                              \
      }                                                                                            \
    }                                                                                              \
    EXPECT_EQ(wrong, 0);                                                                           \
  }
    ND_ROW_OPS(ND_X)
#undef ND_X
  }
}

}  // namespace
