// softmax / log_softmax / normalize / standardize: NumPy golden values along both axes, the
// tutorial's batch normalisation and attention weights, shift invariance, -inf rows, NaN, huge and
// tiny rows, strided inputs and sizes around SIMD/warp edges.
#include <cmath>
#include <limits>

#include "nn/golden_nn.hpp"
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

using RowOps = NnGoldenTest;
ND_INSTANTIATE_DEVICE_TESTS(RowOps);

TEST_P(RowOps, SoftmaxMatchesNumPyAlongEitherAxis) {
  for (DType t : {float32, float64}) {
    const double tol = t == float32 ? 2e-6 : 1e-13;
    EXPECT_GOLDEN(softmax(g("sm_in", t), -1), "sm_last", tol, tol);
    EXPECT_GOLDEN(softmax(g("sm_in", t), 0), "sm_axis0", tol, tol);
    EXPECT_GOLDEN(log_softmax(g("sm_in", t), 1), "lsm_last", tol, 1e-5);
  }
}

TEST_P(RowOps, TutorialAttentionWeights) {
  Array keys = array({{1.0, 0.3, 0.1}, {0.5, 0.9, 0.4}, {0.2, 0.1, 0.8}}, float32, device());
  Array query = array({1.0, 0.5, 0.2}, float32, device());
  Array scores = dot(keys, query);
  EXPECT_GOLDEN(scores, "attn_scores", 1e-6, 1e-6);
  EXPECT_GOLDEN(softmax(scores), "attn_weights", 1e-6, 1e-7);
}

TEST_P(RowOps, SoftmaxIsShiftInvariantAndSafeForHugeLogits) {
  Array x = g("sm_in", float64);
  Array shifted = array(std::vector<double>(golden_nn("sm_in").values), {3, 37}, float64, device());
  std::vector<double> v = golden_nn("sm_in").values;
  for (double& e : v) e += 1000.0;  // exp(1000) overflows: only max-subtraction survives it
  Array big = array(v, {3, 37}, float32, device());
  EXPECT_GOLDEN(softmax(big), "sm_last", 2e-5, 2e-6);
  EXPECT_GOLDEN(softmax(shifted), "sm_last", 1e-13, 1e-13);
}

TEST_P(RowOps, AllMinusInfRowGivesNaNAndNaNPropagates) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::nanf("");
  Array x = array(std::vector<float>{-inf, -inf, -inf, 0.f, -inf, 1.f, nan, 2.f, 3.f}, {3, 3}, float32, device());
  std::vector<float> s = softmax(x).to_vector<float>();
  for (int j = 0; j < 3; ++j) EXPECT_TRUE(std::isnan(s[j]));
  EXPECT_FLOAT_EQ(s[3], 1.f / (1.f + std::exp(1.f)));
  EXPECT_EQ(s[4], 0.f);
  for (int j = 6; j < 9; ++j) EXPECT_TRUE(std::isnan(s[j]));
  EXPECT_EQ(log_softmax(x).to_vector<float>()[4], -inf);
}

TEST_P(RowOps, RowLengthsAroundVectorAndWarpEdges) {
  for (int64_t n : {1, 15, 16, 17, 31, 32, 33, 1023, 1024, 1025}) {
    std::vector<double> v(2 * n);
    for (int64_t i = 0; i < 2 * n; ++i) v[i] = std::sin(0.37 * i) * 5;
    Array x = array(v, {2, n}, float32, device());
    std::vector<float> s = softmax(x).to_vector<float>();
    for (int r = 0; r < 2; ++r) {
      double mx = -1e300, sum = 0;
      for (int64_t i = 0; i < n; ++i) mx = std::max(mx, static_cast<double>(static_cast<float>(v[r * n + i])));
      for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<float>(v[r * n + i]) - mx);
      for (int64_t i = 0; i < n; ++i) {
        const double e = std::exp(static_cast<float>(v[r * n + i]) - mx) / sum;
        ASSERT_NEAR(s[r * n + i], e, 2e-6 * e + 1e-9) << "n=" << n << " i=" << i;
      }
    }
  }
}

TEST_P(RowOps, TutorialBatchNormalisation) {
  EXPECT_GOLDEN(standardize(g("bn_in"), 1), "bn_out", 1e-5, 2e-6);
  EXPECT_GOLDEN(standardize(g("bn_in", float64), 1), "bn_out", 1e-12, 1e-12);
  EXPECT_GOLDEN(standardize(g("bn_in"), 0), "bn_out_axis0", 1e-5, 2e-6);
  EXPECT_GOLDEN(standardize(g("ex1_in"), -1), "ex1_out", 1e-5, 2e-6);  // exercise 1
}

TEST_P(RowOps, StandardizeKeepsDigitsUnderALargeOffset) {
  std::vector<double> v = golden_nn("bn_in").values;
  for (double& e : v) e += 1e4;  // E[x^2] - E[x]^2 would lose every digit here in float32
  EXPECT_GOLDEN(standardize(array(v, {6, 8}, float32, device())), "bn_out", 2e-3, 2e-3);
}

TEST_P(RowOps, NormalizeRowsAndColumns) {
  EXPECT_GOLDEN(normalize(g("bn_in"), 1), "l2_out", 1e-6, 1e-7);
  EXPECT_GOLDEN(normalize(g("bn_in", float64).T(), 0).T(), "l2_out", 1e-13, 1e-14);  // strided axis
  Array tiny = array(std::vector<double>{3e-20, 4e-20}, {2}, float32, device());  // |x| < eps: x / eps
  EXPECT_NEAR(normalize(tiny).to_vector<float>()[1], 4e-8f, 1e-13);
  Array zero = zeros({2, 3}, float32, device());
  EXPECT_TRUE(array_equals<float>(normalize(zero), std::vector<float>(6, 0.f), {2, 3}));  // eps
}

TEST_P(RowOps, NormalizeHugeAndTinyVectors) {
  for (double scale : {1e30, 1e-30}) {
    Array x = array(std::vector<double>{3 * scale, 4 * scale}, {2}, float32, device());
    std::vector<float> n = normalize(x, -1, /*eps=*/0).to_vector<float>();  // squares underflow at 1e-30
    EXPECT_NEAR(n[0], 0.6f, 1e-6) << scale;
    EXPECT_NEAR(n[1], 0.8f, 1e-6) << scale;
  }
}

TEST_P(RowOps, IntegerInputsComputeInFloat32AndEmptyAxesStayEmpty) {
  Array s = softmax(array({1, 2, 3}, {}, device()));
  EXPECT_EQ(s.dtype(), float32);
  EXPECT_NEAR(s.to_vector<float>()[2], 0.66524096f, 1e-6);
  for (const Shape& shape : {Shape{3, 0}, Shape{0, 5}, Shape{0, 0}}) {  // empty rows, no rows
    const Array e = zeros(shape, float32, device());
    for (const Array& y : {softmax(e), log_softmax(e), normalize(e, -1), standardize(e, -1)}) {
      EXPECT_EQ(y.shape(), shape);
      EXPECT_EQ(y.dtype(), float32);
    }
  }
  EXPECT_THROW(softmax(zeros({3}, float32, device()), 1), AxisError);
}

namespace {

// The four row ops in float64 on the host: the oracle for the edge-length test below.
std::vector<double> row_reference(const std::string& op, const std::vector<double>& x, double eps) {
  const size_t n = x.size();
  std::vector<double> y(n);
  double mx = -INFINITY, sum = 0, ss = 0, mean = 0, var = 0;
  for (double v : x) mx = std::max(mx, v), mean += v / static_cast<double>(n);
  for (double v : x) sum += std::exp(v - mx), ss += v * v, var += (v - mean) * (v - mean) / static_cast<double>(n);
  for (size_t i = 0; i < n; ++i) {
    if (op == "softmax") y[i] = std::exp(x[i] - mx) / sum;
    else if (op == "log_softmax") y[i] = (x[i] - mx) - std::log(sum);
    else if (op == "normalize") y[i] = x[i] / std::max(std::sqrt(ss), eps);
    else y[i] = (x[i] - mean) / std::sqrt(var + eps);
  }
  return y;
}

Array row_op(const std::string& op, const Array& x, int axis) {
  if (op == "softmax") return softmax(x, axis);
  if (op == "log_softmax") return log_softmax(x, axis);
  if (op == "normalize") return normalize(x, axis);
  return standardize(x, axis);
}

}  // namespace

// Every row op at the lengths where warp, block and vector edges fall, on three layouts (rows
// contiguous, rows down the columns of a transposed array, rows read backwards), with a NaN row
// and a +inf row, against the float64 host reference; float32 to a few ULP, float64 to 1e-12.
TEST_P(RowOps, EveryRowOpAtWarpAndBlockEdgesOnEveryLayout) {
  for (int64_t n : {1, 31, 32, 33, 127, 128, 129, 1023, 1024, 1025, 4097, 100000}) {
    for (DType t : {float32, float64}) {
      if (n == 100000 && t == float64) continue;  // one dtype is enough at the longest length
      constexpr int64_t kRows = 4;
      std::vector<double> v(kRows * n);
      for (int64_t i = 0; i < kRows * n; ++i) {
        const double e = 4 * std::sin(0.37 * static_cast<double>(i % n) + static_cast<double>(i / n));
        v[i] = t == float32 ? static_cast<float>(e) : e;
      }
      v[2 * n + n / 2] = NAN;  // row 2 holds a NaN: every output of it is NaN
      v[3 * n + n / 3] = INFINITY;  // row 3 a +inf: NaN, or 0 and NaN (normalize)
      const Array x = array(v, {kRows, n}, t, device());
      std::vector<double> vt(kRows * n);  // the same rows as the columns of an (n, kRows) array
      for (int64_t r = 0; r < kRows; ++r)
        for (int64_t i = 0; i < n; ++i) vt[i * kRows + r] = v[r * n + i];
      const Array xt = array(vt, {n, kRows}, t, device());
      const Array xr = array(v, {kRows, n}, t, device())(all, slice(_, _, -1));  // rows reversed
      for (const std::string op : {"softmax", "log_softmax", "normalize", "standardize"}) {
        SCOPED_TRACE(op + " n=" + std::to_string(n) + " " + std::string(dtype_name(t)));
        const std::vector<double> got = row_op(op, x, -1).astype(float64).to_vector<double>();
        const std::vector<double> got_t = row_op(op, xt, 0).T().astype(float64).to_vector<double>();
        const std::vector<double> got_r = row_op(op, xr, -1)(all, slice(_, _, -1)).astype(float64).to_vector<double>();
        const double rel = t == float32 ? 8e-6 : 1e-12, abs = t == float32 ? 2e-5 : 1e-12;
        for (int64_t r = 0; r < kRows; ++r) {
          const std::vector<double> row(v.begin() + r * n, v.begin() + (r + 1) * n);
          const std::vector<double> want = row_reference(op, row, op == "normalize" ? 1e-12 : 0.0);
          int64_t wrong = 0;
          for (int64_t i = 0; i < n; ++i) {
            const double w = want[i];
            for (const std::vector<double>* g : {&got, &got_t, &got_r}) {
              const double y = (*g)[r * n + i];
              const bool ok = std::isnan(w) ? std::isnan(y) : std::abs(y - w) <= abs + rel * std::abs(w);
              if (!ok && wrong++ < 3) ADD_FAILURE() << "row " << r << " i " << i << ": " << y << " want " << w;
            }
          }
          EXPECT_EQ(wrong, 0) << "row " << r;
        }
      }
    }
  }
}
