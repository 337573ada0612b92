// The pinned rules: empty axes, NaN, ties, keepdims, axis errors (class + message), dtypes,
// accuracy along a non-contiguous axis, and var's resistance to a large offset.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"
#include "support/expect_error.hpp"

namespace {

class ReduceRules : public DeviceTest {};

TEST_P(ReduceRules, EmptyAxisGivesIdentityNanOrNumPysError) {
  nd::Array e = nd::zeros({0, 3}, nd::float32, device());
  EXPECT_TRUE(array_equals<float>(e.sum(0), {0, 0, 0}, {3}));
  EXPECT_TRUE(array_equals<float>(e.prod(0), {1, 1, 1}, {3}));
  EXPECT_TRUE(array_equals<bool>(e.any(0), {false, false, false}, {3}));
  EXPECT_TRUE(array_equals<bool>(e.all(0), {true, true, true}, {3}));
  EXPECT_TRUE(std::isnan(e.mean().item<float>()));
  EXPECT_TRUE(array_equals<float>(e.var(0), {NAN, NAN, NAN}, {3}));
  EXPECT_TRUE(array_equals<float>(e.max(1), {}, {0}));  // 3 elements per output, no outputs
  EXPECT_TRUE(array_equals<float>(nd::linalg::norm(e, nd::linalg::Ord{INFINITY}, 0), {0, 0, 0}, {3}));
  expect_error_matching<nd::ValueError>([&] { e.max(0); },
                               "^zero-size array to reduction operation maximum which has no identity$");
  expect_error_matching<nd::ValueError>([&] { e.min(); },
                               "^zero-size array to reduction operation minimum which has no identity$");
  expect_error_matching<nd::ValueError>([&] { nd::zeros({0, 0}, nd::float32, device()).max(0); }, "maximum");
  expect_error_matching<nd::ValueError>([&] { e.argmax(0); }, "^attempt to get argmax of an empty sequence$");
  expect_error_matching<nd::ValueError>([&] { e.argmin(); }, "^attempt to get argmin of an empty sequence$");
  EXPECT_TRUE(array_equals<int64_t>(e.argmax(1), {}, {0}));
  EXPECT_TRUE(array_equals<int64_t>(nd::zeros({0}, nd::int32, device()).sum(), {0}, {}));
}

TEST_P(ReduceRules, AxisErrorsByClassAndMessage) {
  nd::Array x = nd::ones({2, 3}, nd::float32, device());
  expect_error_matching<nd::AxisError>([&] { x.sum(2); }, "^axis 2 is out of bounds for array of dimension 2$");
  expect_error_matching<nd::AxisError>([&] { x.mean(-3); }, "^axis -3 is out of bounds for array of dimension 2$");
  expect_error_matching<nd::AxisError>([&] { x.argmax(5); }, "^axis 5 is out of bounds");
  expect_error_matching<nd::ValueError>([&] { x.sum({0, -2}); }, "^duplicate value in 'axis'$");
  expect_error_matching<nd::ValueError>([&] { nd::linalg::norm(x, {0, 0}); }, "^Duplicate axes given.$");
  expect_error_matching<nd::ValueError>([&] { nd::linalg::norm(nd::ones({2, 2, 2}), nd::linalg::Ord{1}); },
                               "^Improper number of dimensions to norm.$");
  expect_error_matching<nd::ValueError>([&] { nd::Array().sum(); }, "undefined");
}

TEST_P(ReduceRules, NanPropagatesAndArgsReturnTheFirstExtremum) {
  nd::Array x = nd::array<float>({{3, NAN, 5, NAN}, {2, 7, 7, 1}, {-1, -1, -1, -1}}, {}, device());
  EXPECT_TRUE(array_equals<float>(x.max(1), {NAN, 7, -1}, {3}));
  EXPECT_TRUE(array_equals<float>(x.min(1), {NAN, 1, -1}, {3}));
  EXPECT_TRUE(array_equals<int64_t>(x.argmax(1), {1, 1, 0}, {3}));
  EXPECT_TRUE(array_equals<int64_t>(x.argmin(1), {1, 3, 0}, {3}));
  EXPECT_TRUE(array_equals<int64_t>(x.argmax(), {1}, {}));
  // Ties across tiles and lanes: the first index wins at every size.
  for (int64_t n : {1, 31, 32, 33, 1023, 1024, 1025, 5000}) {
    nd::Array c = nd::full({n}, 2.5, nd::float32, device());
    EXPECT_EQ(c.argmax().item<int64_t>(), 0) << n;
    EXPECT_EQ(c.argmin().item<int64_t>(), 0) << n;
    EXPECT_EQ(c.var().item<float>(), 0.0f) << n;
    EXPECT_EQ(c.mean().item<float>(), 2.5f) << n;
  }
}

TEST_P(ReduceRules, KeepdimsBroadcastsBackAndDtypesFollowTheRules) {
  nd::Array x = nd::arange(12, nd::float32, device()).reshape({3, 4});
  nd::Array m = x.mean(1, true);
  EXPECT_EQ(m.shape(), (nd::Shape{3, 1}));
  EXPECT_TRUE(array_equals<float>(m, {1.5, 5.5, 9.5}, {3, 1}));
  EXPECT_EQ(x.sum({0, 1}, true).shape(), (nd::Shape{1, 1}));
  EXPECT_EQ(x.argmax(0, true).shape(), (nd::Shape{1, 4}));
  EXPECT_EQ(x.argmax(std::nullopt, true).shape(), (nd::Shape{1, 1}));
  EXPECT_TRUE(array_equals<float>(x.sum(std::vector<int>{}), x.to_vector<float>(), {3, 4}));  // axis=()
  nd::Array i = nd::arange(6, nd::int32, device()).reshape({2, 3});
  EXPECT_EQ(i.sum().dtype(), nd::int64);
  EXPECT_EQ(i.prod(1).dtype(), nd::int64);
  EXPECT_EQ(i.max().dtype(), nd::int32);
  EXPECT_EQ(i.mean().dtype(), nd::float32);  // documented: float math on integers is float32
  EXPECT_EQ(i.std(0).dtype(), nd::float32);
  EXPECT_EQ(nd::ones({3}, nd::bool_, device()).sum().item<int64_t>(), 3);
  EXPECT_TRUE(array_equals<float>(i.mean(1), {1, 4}, {2}));
  nd::Array big = nd::full({3}, int64_t{1} << 62, nd::int64, device());
  EXPECT_EQ(big.sum().item<int64_t>(), int64_t{1} << 62 | int64_t(1) << 63);  // wraps like NumPy
}

TEST_P(ReduceRules, VarStdDdofAndFreeFunctions) {
  nd::Array x = nd::array<float>({{1, 2, 3, 4}, {2, 4, 6, 8}}, {}, device());
  EXPECT_TRUE(array_near(nd::var(x, 1, false, 1), {5.0 / 3, 20.0 / 3}, {2}, 1e-6, 0));
  EXPECT_TRUE(array_near(x.std(1, true), {std::sqrt(1.25), std::sqrt(5.0)}, {2, 1}, 1e-6, 0));
  EXPECT_TRUE(array_equals<float>(x.var(1, false, 4), {INFINITY, INFINITY}, {2}));
  EXPECT_TRUE(array_equals<float>(nd::var(nd::ones({2}, nd::float32, device()), {}, false, 2), {NAN}, {}));
  EXPECT_TRUE(array_equals<float>(nd::sum(x, 0), {3, 6, 9, 12}, {4}));
  EXPECT_TRUE(array_equals<float>(nd::max(x), {8}, {}));
  EXPECT_TRUE(array_equals<bool>(nd::all(x, 1), {true, true}, {2}));
  EXPECT_TRUE(array_equals<bool>(nd::any(nd::zeros({2, 2}, nd::float32, device())), {false}, {}));
}

// NumPy's float32 sum down a non-contiguous axis is sequential; ours meets the bound anyway.
TEST_P(ReduceRules, AccuracyBoundHoldsAlongANonContiguousAxis) {
  nd::random::seed(3);
  const int64_t n = 1 << 17;
  nd::Array x = nd::random::uniform(0.5, 1.5, {n, 4}, nd::float32, device());
  nd::Array got = x.sum(0).astype(nd::float64);
  nd::Array oracle = x.astype(nd::float64).sum(0);
  nd::Array abs_sum = x.astype(nd::float64).sum(0);
  const double eps = 1.1920929e-07, bound_factor = 4 * 17 * eps;
  std::vector<double> g = got.to_vector<double>(), o = oracle.to_vector<double>(), a = abs_sum.to_vector<double>();
  for (int c = 0; c < 4; ++c) {
    EXPECT_LE(std::fabs(g[c] - o[c]), bound_factor * a[c]) << c;
    EXPECT_LE(std::fabs(g[c] - o[c]), 1e-6 * o[c]) << c;  // in practice far tighter
  }
}

TEST_P(ReduceRules, VarianceIgnoresALargeOffset) {
  nd::random::seed(11);
  nd::Array x = nd::random::normal(0.0, 1.0, {4, 3000}, nd::float32, device());
  std::vector<double> v = x.astype(nd::float64).to_vector<double>();  // x + 1e4, rounded once
  for (double& e : v) e += 1e4;
  nd::Array xs = nd::array(v, {4, 3000}, nd::float64, nd::Device::cpu()).astype(nd::float32).to(device());
  std::vector<float> a = x.var(1).to_vector<float>(), b = xs.var(1).to_vector<float>();
  std::vector<double> exact = xs.astype(nd::float64).var(1).to_vector<double>();
  for (int r = 0; r < 4; ++r) {
    EXPECT_NEAR(b[r], exact[r], 1e-3 * exact[r]) << r;  // the naive E[x^2]-E[x]^2 is off by 100%
    EXPECT_NEAR(a[r], b[r], 0.05 * a[r]) << r;          // x+1e4 rounds x to ~1e-3: var moves a little
  }
}

}  // namespace

// max, min, any and all visit a transposed array in memory order (no copy): the results must
// equal those of the contiguous copy, over every axis set, a NaN included.
TEST_P(ReduceRules, OrderFreeReductionsOfTransposedArraysEqualTheCopy) {
  nd::random::seed(21);
  nd::Array base = nd::random::rand({7, 90, 130}, nd::float32, device()) - 0.5f;
  const nd::Array t = base.transpose({2, 0, 1}), c = t.copy();
  for (const nd::Axes& ax : {nd::Axes{}, nd::Axes{0, 1}, nd::Axes{1, 2}, nd::Axes{0, 2}}) {
    EXPECT_EQ(nd::max(t, ax).to_vector<float>(), nd::max(c, ax).to_vector<float>());
    EXPECT_EQ(nd::min(t, ax).to_vector<float>(), nd::min(c, ax).to_vector<float>());
    EXPECT_EQ(nd::any(t > 0.49f, ax).to_vector<bool>(), nd::any(c > 0.49f, ax).to_vector<bool>());
    EXPECT_EQ(nd::all(t > -0.49f, ax).to_vector<bool>(), nd::all(c > -0.49f, ax).to_vector<bool>());
  }
  base(3, 40, 77).assign(std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(std::isnan(nd::max(base.transpose({2, 0, 1})).item<float>()));
  EXPECT_TRUE(std::isnan(nd::min(base.transpose({2, 0, 1})).item<float>()));
}

// argmax/argmin down the columns (the SoA lanes of the column kernel): ties and NaNs at random
// rows of a tall array (several tiles), against the first-extremum rule computed on the host.
// any/all answer from the first deciding element (the CPU stops scanning there): one deciding
// element anywhere in a long row or column -- first, inside a block, last, in the tail -- and NaN,
// which counts as true, must give the same answers as a plain loop.
TEST_P(ReduceRules, AnyAllFindOneDecidingElementAnywhere) {
  const int64_t n = 1000;
  for (int64_t at : {int64_t{0}, int64_t{255}, int64_t{256}, int64_t{700}, n - 1}) {
    for (float mark : {1.0f, NAN}) {
      SCOPED_TRACE(std::to_string(at) + " " + std::to_string(mark));
      std::vector<float> zeros(n * 3, 0.0f), ones(n * 3, 2.0f);
      zeros[1 * n + at] = mark;  // row 1 holds one nonzero
      ones[1 * n + at] = 0.0f;   // row 1 holds one zero
      const nd::Array z = nd::array(zeros, {3, n}).to(device()), o = nd::array(ones, {3, n}).to(device());
      EXPECT_TRUE(array_equals<bool>(z.any(1), {false, true, false}, {3}));
      EXPECT_TRUE(array_equals<bool>(o.all(1), {true, false, true}, {3}));
      EXPECT_TRUE(array_equals<bool>(z.T().any(0), {false, true, false}, {3}));  // columns
      EXPECT_TRUE(array_equals<bool>(o.T().copy().all(0), {true, false, true}, {3}));
      EXPECT_TRUE(array_equals<bool>(z.any(), {true}, {}));
      EXPECT_TRUE(array_equals<bool>(o.all(), {false}, {}));
      EXPECT_TRUE(array_equals<bool>(z[0].any(), {false}, {}));
      EXPECT_TRUE(array_equals<bool>(o[2].all(), {true}, {}));
    }
  }
}

TEST_P(ReduceRules, ColumnArgExtremaTakeTheFirstExtremumAcrossTiles) {
  const int64_t rows = 1100, cols = 300;
  std::vector<float> v(rows * cols);
  for (int64_t i = 0; i < rows * cols; ++i) v[i] = static_cast<float>((i * 7919) % 13);  // many ties
  for (int64_t c = 0; c < cols; c += 7) v[((c * 37) % rows) * cols + c] = std::numeric_limits<float>::quiet_NaN();
  const nd::Array x = nd::array(v, {rows, cols}, nd::float32, device());
  const auto amax = nd::argmax(x, 0).to_vector<int64_t>(), amin = nd::argmin(x, 0).to_vector<int64_t>();
  for (int64_t c = 0; c < cols; ++c) {
    int64_t best_max = 0, best_min = 0;
    for (int64_t r = 1; r < rows; ++r) {
      const float a = v[r * cols + c], bmax = v[best_max * cols + c], bmin = v[best_min * cols + c];
      if (!std::isnan(bmax) && (std::isnan(a) || a > bmax)) best_max = r;
      if (!std::isnan(bmin) && (std::isnan(a) || a < bmin)) best_min = r;
    }
    EXPECT_EQ(amax[c], best_max) << "column " << c;
    EXPECT_EQ(amin[c], best_min) << "column " << c;
  }
}

// The same rule along rows, which CUDA reduces order-free (each lane its best, then the lane
// tree): the transposed array's rows, and long 1-D rows that split into tile groups, with ties
// everywhere and the first NaN at a chosen place.
TEST_P(ReduceRules, RowArgExtremaTakeTheFirstExtremumAcrossGroups) {
  auto first_best = [](const std::vector<float>& v, bool is_max) {
    int64_t best = 0;
    for (int64_t i = 1; i < static_cast<int64_t>(v.size()); ++i) {
      const float a = v[i], b = v[best];
      if (!std::isnan(b) && (std::isnan(a) || (is_max ? a > b : a < b))) best = i;
    }
    return best;
  };
  for (int64_t n : {int64_t{300}, int64_t{70001}, int64_t{1} << 20}) {
    for (int64_t nan_at : {int64_t{-1}, n / 3, n - 1}) {
      SCOPED_TRACE(std::to_string(n) + " nan at " + std::to_string(nan_at));
      std::vector<float> v(n);
      for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>((i * 7919) % 13);
      if (nan_at >= 0) {
        v[nan_at] = std::numeric_limits<float>::quiet_NaN();
        v[n - 1 - (n - 1 - nan_at) / 2] = std::numeric_limits<float>::quiet_NaN();  // a later NaN too
      }
      const nd::Array x = nd::array(v, {n}, nd::float32, device());
      EXPECT_EQ(nd::argmax(x).item<int64_t>(), first_best(v, true));
      EXPECT_EQ(nd::argmin(x).item<int64_t>(), first_best(v, false));
      EXPECT_EQ(nd::argmax(x.astype(nd::float64)).item<int64_t>(), first_best(v, true));
    }
  }
  const int64_t rows = 7, cols = 3000;
  std::vector<float> v(rows * cols);
  for (int64_t i = 0; i < rows * cols; ++i) v[i] = static_cast<float>((i * 104729) % 17);
  const nd::Array x = nd::array(v, {rows, cols}, nd::float32, device());
  const auto amax = nd::argmax(x, 1).to_vector<int64_t>(), amin = nd::argmin(x(nd::all, nd::slice(nd::_, nd::_, -1)), 1).to_vector<int64_t>();
  for (int64_t r = 0; r < rows; ++r) {
    const std::vector<float> row(v.begin() + r * cols, v.begin() + (r + 1) * cols);
    const std::vector<float> rev(row.rbegin(), row.rend());
    EXPECT_EQ(amax[r], first_best(row, true)) << "row " << r;
    EXPECT_EQ(amin[r], first_best(rev, false)) << "reversed row " << r;
  }
}

ND_INSTANTIATE_DEVICE_TESTS(ReduceRules);
