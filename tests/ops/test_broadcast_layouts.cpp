// Broadcasting and memory layouts: random-shape property tests against a naive reference,
// strided / negative-stride / stride-0 operands, size-0 and 0-d arrays.
#include <cstring>
#include <limits>
#include <random>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

namespace {

// Naive reference: out[idx] = a[idx broadcast] + 10 * b[idx broadcast], computed on the host.
std::vector<double> reference(const std::vector<double>& a, const nd::Shape& sa,
                              const std::vector<double>& b, const nd::Shape& sb, const nd::Shape& so) {
  auto numel = [](const nd::Shape& s) { int64_t n = 1; for (auto d : s) n *= d; return n; };
  std::vector<double> out(numel(so));
  for (int64_t i = 0; i < numel(so); ++i) {
    int64_t rem = i, ia = 0, ib = 0, ma = 1, mb = 1;
    for (int d = static_cast<int>(so.size()) - 1; d >= 0; --d) {
      const int64_t idx = rem % so[d];
      rem /= so[d];
      const int da = d - static_cast<int>(so.size() - sa.size());
      const int db = d - static_cast<int>(so.size() - sb.size());
      if (da >= 0) { ia += (sa[da] == 1 ? 0 : idx) * ma; ma *= sa[da]; }
      if (db >= 0) { ib += (sb[db] == 1 ? 0 : idx) * mb; mb *= sb[db]; }
    }
    out[i] = a[ia] + 10 * b[ib];
  }
  return out;
}

std::vector<double> iota(int64_t n, double start) {
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = start + static_cast<double>(i);
  return v;
}

}  // namespace

using BroadcastLayouts = DeviceTest;

TEST_P(BroadcastLayouts, RandomShapesMatchTheReferenceRuleBothWays) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    const int nd_out = static_cast<int>(rng() % 5);
    nd::Shape so(nd_out);
    for (auto& d : so) d = static_cast<int64_t>(rng() % 4);  // 0..3: size-0 and size-1 axes too
    auto derive = [&] {  // a shape broadcastable to `so`: drop leading dims, set some to 1
      nd::Shape s(so.begin() + rng() % (so.size() + 1), so.end());
      for (auto& d : s) if (rng() % 3 == 0) d = 1;
      return s;
    };
    const nd::Shape sa = derive(), sb = derive();
    nd::Shape expect_shape(std::max(sa.size(), sb.size()));
    for (size_t d = 0; d < expect_shape.size(); ++d) {
      const int64_t x = d + sa.size() >= expect_shape.size() ? sa[d + sa.size() - expect_shape.size()] : 1;
      const int64_t y = d + sb.size() >= expect_shape.size() ? sb[d + sb.size() - expect_shape.size()] : 1;
      expect_shape[d] = x == 1 ? y : x;
    }
    int64_t na = 1, nb = 1;
    for (auto d : sa) na *= d;
    for (auto d : sb) nb *= d;
    const auto va = iota(na, 1), vb = iota(nb, 100);
    const nd::Array a = nd::array(va, sa, nd::float64, device());
    const nd::Array b = nd::array(vb, sb, nd::float64, device());
    SCOPED_TRACE(nd::shape_str(sa) + " + " + nd::shape_str(sb));
    const auto want = reference(va, sa, vb, sb, expect_shape);
    EXPECT_TRUE(array_near(a + b * 10.0, want, expect_shape, 0, 0));
    EXPECT_EQ((b + a).shape(), (a + b).shape());  // broadcast(a,b) == broadcast(b,a)
    // (a + b) equals (broadcast_to(a) + broadcast_to(b)).
    EXPECT_TRUE(array_near(a.broadcast_to(expect_shape) + (b * 10.0).broadcast_to(expect_shape), want,
                           expect_shape, 0, 0));
  }
}

TEST_P(BroadcastLayouts, NegativeStepAndStridedOperands) {
  const nd::Array x = nd::arange(0, 12, 1, nd::float32, device()).reshape({3, 4});
  // reversed rows, every other column, transposed
  EXPECT_TRUE(array_equals<float>(x(nd::slice(nd::_, nd::_, -1), nd::slice(nd::_, nd::_, 2)) * 2.0f, {16, 20, 8, 12, 0, 4}, {3, 2}));
  EXPECT_TRUE(array_equals<float>(x.T() - x.T()(nd::slice(nd::_, nd::_, -1)), {-3, -3, -3, -1, -1, -1, 1, 1, 1, 3, 3, 3},
                                  {4, 3}));
  EXPECT_TRUE(array_equals<float>(nd::sqrt(x(nd::all, nd::slice(nd::_, nd::_, -3))), {1.7320508f, 0, 2.6457512f, 2, 3.3166249f, 2.828427f},
                                  {3, 2}));
  // A stride-0 view from broadcast_to as an input, and a column slice (non-contiguous).
  const nd::Array row = nd::array<float>({1, 2, 3, 4}, nd::float32, device()).broadcast_to({3, 4});
  EXPECT_TRUE(array_equals<float>(x + row, {1, 3, 5, 7, 5, 7, 9, 11, 9, 11, 13, 15}, {3, 4}));
  EXPECT_TRUE(array_equals<float>(x(nd::all, 1) + x(nd::all, 2), {3, 11, 19}, {3}));
}

TEST_P(BroadcastLayouts, ZeroSizeAndZeroDim) {
  const nd::Array e = nd::zeros({0, 3}, nd::float32, device());
  const nd::Array r = e + nd::ones({3}, nd::float32, device());
  EXPECT_EQ(r.shape(), (nd::Shape{0, 3}));
  EXPECT_EQ(nd::exp(e).shape(), (nd::Shape{0, 3}));
  const nd::Array s = nd::scalar(2.0f, {}, device());
  EXPECT_TRUE(array_equals<float>(s * s, {4.0f}, {}));
  EXPECT_TRUE(array_equals<float>(s + nd::ones({2, 2}, nd::float32, device()), {3, 3, 3, 3}, {2, 2}));
  EXPECT_TRUE(array_equals<bool>(s > 1, {true}, {}));
}

// Large enough to take the multi-core path with every layout (contiguous, column broadcast,
// row broadcast, strided), checked against the host.
TEST_P(BroadcastLayouts, LargeArraysTakeTheParallelPaths) {
  const nd::Array x = nd::arange(0, 300000, 1, nd::float32, device()).reshape({1000, 300});
  const nd::Array col = nd::arange(0, 1000, 1, nd::float32, device()).reshape({1000, 1});
  const nd::Array row = nd::arange(0, 300, 1, nd::float32, device());
  std::vector<float> w1(300000), w2(300000), w3(150000);
  for (int i = 0; i < 1000; ++i)
    for (int j = 0; j < 300; ++j) {
      w1[i * 300 + j] = float(i * 300 + j) - float(i);
      w2[i * 300 + j] = float(i * 300 + j) * float(j);
      if (j % 2 == 0) w3[i * 150 + j / 2] = float(i * 300 + j) + 1.0f;
    }
  EXPECT_TRUE(array_equals<float>(x - col, w1, {1000, 300}));
  EXPECT_TRUE(array_equals<float>(x * row, w2, {1000, 300}));
  EXPECT_TRUE(array_equals<float>(x(nd::all, nd::slice(nd::_, nd::_, 2)) + 1.0f, w3, {1000, 150}));
}

// 2-D broadcasts (X + row, X * col, col - row, X > row) and a unary op over sliced rows (-X) at
// row lengths around the vector and warp edges, aligned and not (a column offset of 1), with
// reversed rows and in three dtypes: on CUDA these take the rows path, vector accesses where every
// row start allows them.
TEST_P(BroadcastLayouts, TwoDimensionalBroadcastsAtRowEdges) {
  for (const int64_t cols : {64, 65, 67, 127, 128, 129, 768, 1025}) {
    for (const int64_t rows : {1, 3, 70}) {
      for (const nd::DType dt : {nd::float32, nd::int64, nd::int8}) {
        const int64_t w = cols + 1;
        const nd::Array base = (nd::arange(0, rows * w, 1, nd::int64, device()) % 31).astype(dt).reshape({rows, w});
        const nd::Array rowv = (nd::arange(0, w, 1, nd::int64, device()) % 7).astype(dt);
        const nd::Array colv = (nd::arange(0, rows, 1, nd::int64, device()) % 4).astype(dt).reshape({rows, 1});
        const std::string what = std::to_string(rows) + "x" + std::to_string(cols) + " " + std::string(nd::dtype_name(dt));
        for (const int64_t off : {0, 1}) {
          for (const bool flip : {false, true}) {
            nd::Array x = base(nd::all, nd::slice(off, off + cols));
            if (flip) x = x(nd::slice(nd::_, nd::_, -1), nd::all);
            const nd::Array r = rowv(nd::slice(off, off + cols));
            const std::vector<int64_t> xv = x.astype(nd::int64).to_vector<int64_t>();
            const std::vector<int64_t> rv = r.astype(nd::int64).to_vector<int64_t>();
            const std::vector<int64_t> cv = colv.astype(nd::int64).to_vector<int64_t>();
            std::vector<int64_t> add(rows * cols), mul(rows * cols), sub(rows * cols);
            std::vector<bool> gt(rows * cols);
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j) {
                const int64_t k = i * cols + j;
                add[k] = xv[k] + rv[j];
                mul[k] = xv[k] * cv[i];
                sub[k] = cv[i] - rv[j];
                gt[k] = xv[k] > rv[j];
              }
            const std::string at = what + (off ? " offset" : "") + (flip ? " flipped" : "");
            EXPECT_EQ((x + r).astype(nd::int64).to_vector<int64_t>(), add) << at;
            EXPECT_EQ((x * colv).astype(nd::int64).to_vector<int64_t>(), mul) << at;
            EXPECT_EQ((colv - r).astype(nd::int64).to_vector<int64_t>(), sub) << at;
            const std::vector<bool> got_gt = (x > r).to_vector<bool>();
            EXPECT_EQ(got_gt, gt) << at;
            std::vector<int64_t> neg(xv.size());  // a unary op over the same rows
            for (size_t k = 0; k < xv.size(); ++k) neg[k] = -xv[k];
            EXPECT_EQ((-x).astype(nd::int64).to_vector<int64_t>(), neg) << at;
          }
        }
      }
    }
  }
}

// Transposed and permuted operands take the tiled walk (loops.hpp for_each_tile) and the buffered
// blocks (elementwise_loops.hpp): every loop kind must give what the same op gives on the
// contiguous copy, bit for bit, at shapes that cross the tile and block edges (and 3-D planes).
TEST_P(BroadcastLayouts, TransposedOperandsEqualTheirContiguousCopies) {
  for (const nd::Shape& shape : {nd::Shape{37, 130}, nd::Shape{300, 700}, nd::Shape{3, 65, 17}}) {
    nd::random::seed(11);
    const nd::Array base = nd::random::rand(shape, nd::float32, device()) - 0.25f;
    std::vector<int> perm(shape.size());
    for (size_t k = 0; k < perm.size(); ++k) perm[k] = static_cast<int>(perm.size() - 1 - k);
    const nd::Array t = base.transpose(perm), c = t.copy(), y = c * 0.5f + 0.125f;
    ASSERT_FALSE(t.is_contiguous());
    auto same = [](const nd::Array& got, const nd::Array& want) {
      return got.shape() == want.shape() && got.to_vector<float>() == want.to_vector<float>();
    };
    EXPECT_TRUE(same(nd::exp(t), nd::exp(c)));
    EXPECT_TRUE(same(nd::sqrt(nd::absolute(t)), nd::sqrt(nd::absolute(c))));
    EXPECT_TRUE(same(t + y, c + y));
    EXPECT_TRUE(same(y - t, y - c));
    EXPECT_TRUE(same(nd::maximum(t, 0.1f), nd::maximum(c, 0.1f)));
    EXPECT_TRUE(same(nd::clip(t, 0.1f, 0.4f), nd::clip(c, 0.1f, 0.4f)));
    EXPECT_TRUE(same(nd::where(t > 0.2f, t, y), nd::where(c > 0.2f, c, y)));
    EXPECT_TRUE(same(t.astype(nd::float64).astype(nd::float32), c));
    EXPECT_EQ((t > 0.3f).to_vector<bool>(), (c > 0.3f).to_vector<bool>());
    EXPECT_EQ(t.astype(nd::int32).to_vector<int32_t>(), c.astype(nd::int32).to_vector<int32_t>());
    // A transposed output: compound assignment into a transposed view.
    nd::Array out = nd::zeros(c.shape(), nd::float32, device());
    nd::Array out_t = nd::zeros(base.shape(), nd::float32, device()).transpose(perm);
    out += c;
    out_t += t;
    EXPECT_TRUE(same(out_t, out));
    // Every element size (4- and 8-byte inputs are staged through transposing copies): a
    // transposed input beside a contiguous one, a transposed output with a contiguous input (the
    // walk follows the output's order), and a transposed input whose columns are not contiguous
    // either (a stepped slice of it).
    const nd::Array scaled = c * 100.0f;
    auto equal = [](const nd::Array& got, const nd::Array& want) {  // float64 holds every value
      return got.shape() == want.shape() && got.dtype() == want.dtype() &&
             got.astype(nd::float64).to_vector<double>() == want.astype(nd::float64).to_vector<double>();
    };
    for (nd::DType dt : {nd::float64, nd::int64, nd::int32, nd::int8, nd::float16}) {
      SCOPED_TRACE(nd::dtype_name(dt));
      const nd::Array cd = scaled.astype(dt), td = (t * 100.0f).astype(dt);
      ASSERT_FALSE(td.is_contiguous());
      EXPECT_TRUE(equal(td + cd, td.copy() + cd));
      EXPECT_TRUE(equal(cd - td, cd - td.copy()));
      nd::Array ot = nd::zeros(base.shape(), dt, device()).transpose(perm);
      ot += cd;
      EXPECT_TRUE(equal(ot, cd));
      nd::Array oc = nd::zeros(cd.shape(), dt, device());
      oc += td;
      EXPECT_TRUE(equal(oc, cd));
    }
    if (shape.size() == 2) {
      const nd::Array ts = t(nd::slice(0, t.shape()[0], 2), nd::all), cs = ts.copy();
      EXPECT_TRUE(same(ts + cs * 2.0f, cs + cs * 2.0f));
      EXPECT_TRUE(same(ts.astype(nd::float64).astype(nd::float32), cs));
    }
  }
}

// Results keep the memory order of their first full-shape operand (NumPy's order='K'): the
// result of an op on a transposed array is transposed and dense; copy() is still C order.
TEST_P(BroadcastLayouts, ResultsKeepTheFirstOperandsMemoryOrder) {
  nd::random::seed(12);
  const nd::Array base = nd::random::rand({4, 5, 6}, nd::float32, device());
  const nd::Array t = base.transpose({2, 0, 1});  // shape (6, 4, 5), strides (1, 30, 6)
  const nd::Array c = t.copy();
  EXPECT_TRUE(c.is_contiguous());
  auto layout_of_t = [&](const nd::Array& r) {
    return r.shape() == t.shape() && r.strides() == t.strides();
  };
  EXPECT_TRUE(layout_of_t(nd::exp(t)));
  EXPECT_TRUE(layout_of_t(t + c));          // the first operand decides
  EXPECT_TRUE((c + t).is_contiguous());
  EXPECT_TRUE(layout_of_t(t > 0.5f));       // bool result, same layout
  EXPECT_TRUE(layout_of_t(t.astype(nd::float64)));
  EXPECT_TRUE(layout_of_t(nd::where(t > 0.5f, t, 0.0f)));
  EXPECT_TRUE(layout_of_t(t + c(0, nd::all, nd::all)));  // a broadcast second operand
  EXPECT_EQ(nd::exp(t).to_vector<float>(), nd::exp(c).to_vector<float>());
  EXPECT_EQ((t * 2.0f).reshape({120}).to_vector<float>(), (c * 2.0f).reshape({120}).to_vector<float>());
  EXPECT_EQ(nd::exp(t).T().to_vector<float>(), nd::exp(c).T().to_vector<float>());
  // A strided, non-dense operand: the result is dense, in the same axis order.
  const nd::Array s = base(nd::all, nd::slice(0, 5, 2), nd::all).transpose({2, 1, 0});
  const nd::Array r = nd::negative(s);
  EXPECT_EQ(r.strides(), (nd::Shape{1, 6, 18}));
  EXPECT_EQ(r.to_vector<float>(), nd::negative(s.copy()).to_vector<float>());
}

// clip is spelt as selects: it must equal minimum(maximum(x, lo), hi) bit for bit, NaN payload
// order and signed zeros included, on every dtype class.
TEST_P(BroadcastLayouts, ClipEqualsTheComposedMaximumMinimum) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> v = {nan, -0.0f, 0.0f, 1.0f, -2.5f, inf, -inf};
  std::vector<float> xs, los, his;
  for (float x : v)
    for (float lo : v)
      for (float hi : v) xs.push_back(x), los.push_back(lo), his.push_back(hi);
  const int64_t n = static_cast<int64_t>(xs.size());
  const nd::Array x = nd::array(xs, {n}, nd::float32, device()), lo = nd::array(los, {n}, nd::float32, device()),
                  hi = nd::array(his, {n}, nd::float32, device());
  const auto got = nd::clip(x, lo, hi).to_vector<float>(), want = nd::minimum(nd::maximum(x, lo), hi).to_vector<float>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    uint32_t g, w;
    std::memcpy(&g, &got[i], 4);
    std::memcpy(&w, &want[i], 4);
    EXPECT_EQ(g, w) << "clip(" << xs[i] << ", " << los[i] << ", " << his[i] << ")";
  }
  const nd::Array xi = nd::array<int64_t>({-5, 0, 3, 9}, nd::int64, device());
  EXPECT_TRUE(array_equals<int64_t>(nd::clip(xi, 0, 4), {0, 0, 3, 4}, {4}));
}

ND_INSTANTIATE_DEVICE_TESTS(BroadcastLayouts);
