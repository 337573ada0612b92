// power(array, scalar): NumPy 2.x's fast paths for a scalar exponent (2 -> square, 0.5 -> sqrt,
// -1 -> reciprocal, 1 -> copy, 0 -> ones) and nothing else, against NumPy 2.4's own results
// (np.power(x, e) with a Python scalar e), including the inputs where those paths differ from
// pow (sqrt(-inf) is NaN, sqrt(-0) is -0), and integer dtypes keeping integer power semantics.
#include <cmath>
#include <cstring>
#include <limits>

#include "support/device_test.hpp"

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

::testing::AssertionResult same_floats(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "size " << got.size();
  for (size_t i = 0; i < got.size(); ++i) {
    const bool ok = std::isnan(want[i]) ? std::isnan(got[i]) : std::memcmp(&got[i], &want[i], 4) == 0;
    if (!ok) return ::testing::AssertionFailure() << "[" << i << "] got " << got[i] << " want " << want[i];
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

using PowerScalar = DeviceTest;

TEST_P(PowerScalar, Float32MatchesNumPy) {
  const std::vector<float> xs = {-kInf, -0.0f, 0.0f, kNaN, -4.0f, kInf, 1e-45f, 2.5f, -3.0f, 3e38f, 0.1f};
  const nd::Array x = nd::array(xs, nd::float32, device());
  struct Case {
    double e;
    std::vector<float> want;  // np.power(x, e), NumPy 2.4
  };
  const Case cases[] = {
      {2, {kInf, 0.0f, 0.0f, kNaN, 16.0f, kInf, 0.0f, 6.25f, 9.0f, kInf, 0.010000000707805157f}},
      {0.5, {kNaN, -0.0f, 0.0f, kNaN, kNaN, kInf, 3.743392066509216e-23f, 1.5811388492584229f, kNaN,
             1.7320507716308828e+19f, 0.3162277638912201f}},
      {-1, {-0.0f, -kInf, kInf, kNaN, -0.25f, 0.0f, kInf, 0.4000000059604645f, -0.3333333432674408f,
            3.333333116818801e-39f, 10.0f}},
      {1, xs},
      {0, std::vector<float>(xs.size(), 1.0f)},  // NaN ** 0 is 1
      // Not fast paths: pow's results (x**-0.5 of -0 is +inf, not 1/sqrt(-0) = -inf).
      {3, {-kInf, -0.0f, 0.0f, kNaN, -64.0f, kInf, 0.0f, 15.625f, -27.0f, kInf, 0.0010000000474974513f}},
      {-0.5, {0.0f, kInf, kInf, kNaN, kNaN, 0.0f, 2.671373844909537e+22f, 0.6324555277824402f, kNaN,
              5.773502894474484e-20f, 3.1622776985168457f}},
  };
  for (const Case& c : cases) {
    const nd::Array got = c.e == std::floor(c.e) ? nd::power(x, static_cast<int64_t>(c.e)) : nd::power(x, c.e);
    ASSERT_EQ(got.dtype(), nd::float32);
    EXPECT_TRUE(same_floats(got.to_vector<float>(), c.want)) << "exponent " << c.e;
    EXPECT_TRUE(same_floats(nd::power(x, c.e).to_vector<float>(), c.want)) << "float exponent " << c.e;
  }
  // The exponent is read as float32, as NumPy's loop reads it: 0.5 + 1e-12 is 0.5.
  EXPECT_TRUE(same_floats(nd::power(x, 0.5 + 1e-12).to_vector<float>(), cases[1].want));
  // A new array for ** 1, not a view of x.
  const nd::Array one = nd::power(x, 1);
  one += 6.0;
  EXPECT_TRUE(same_floats(x.to_vector<float>(), xs));
}

// Over a sweep of non-negative floats, the fast paths give the correctly rounded x*x, sqrt(x),
// 1/x (NumPy's fast path: IEEE operations; libm's powf is only faithful, up to 0.82 ULP, and not
// even that in the subnormals: glibc's powf(x, 2) differs from x*x there), x and 1.
TEST_P(PowerScalar, FastPathsAreCorrectlyRoundedOnASweep) {
  std::vector<float> xs;
  for (uint32_t bits = 0; bits < 0x7f800000u; bits += 0x10001u) {
    float f;
    std::memcpy(&f, &bits, 4);
    xs.push_back(f);
  }
  xs.push_back(kInf);
  const nd::Array x = nd::array(xs, nd::float32, device());
  std::vector<float> sq, sqrt, rec;
  for (float v : xs) {  // float64 results rounded once more: innocuous (53 >= 2*24+2), x*x exact
    const double d = v;
    sq.push_back(static_cast<float>(d * d));
    sqrt.push_back(static_cast<float>(std::sqrt(d)));
    rec.push_back(static_cast<float>(1.0 / d));
  }
  EXPECT_TRUE(same_floats(nd::power(x, 2).to_vector<float>(), sq));
  EXPECT_TRUE(same_floats(nd::power(x, 0.5).to_vector<float>(), sqrt));
  EXPECT_TRUE(same_floats(nd::power(x, -1.0).to_vector<float>(), rec));
  EXPECT_TRUE(same_floats(nd::power(x, 1.0).to_vector<float>(), xs));
  EXPECT_TRUE(same_floats(nd::power(x, 0.0).to_vector<float>(), std::vector<float>(xs.size(), 1.0f)));
  const nd::Array x64 = x.astype(nd::float64);
  const std::vector<double> d = x64.to_vector<double>();
  const std::vector<double> sq64 = nd::power(x64, 2).to_vector<double>(), sqrt64 = nd::power(x64, 0.5).to_vector<double>(),
                            rec64 = nd::power(x64, -1).to_vector<double>();
  int64_t bad = 0;
  for (size_t k = 0; k < d.size(); ++k)
    bad += sq64[k] != d[k] * d[k] || sqrt64[k] != std::sqrt(d[k]) || rec64[k] != 1.0 / d[k];
  EXPECT_EQ(bad, 0);
}

TEST_P(PowerScalar, IntegersKeepIntegerPower) {
  const nd::Array i = nd::array<int32_t>({0, 1, -2, 3, 2147483647, -2147483647 - 1, 46341}, nd::int32, device());
  auto ints = [](const nd::Array& a) {
    EXPECT_EQ(a.dtype(), nd::int32);
    return a.to_vector<int32_t>();
  };
  EXPECT_EQ(ints(nd::power(i, 2)), (std::vector<int32_t>{0, 1, 4, 9, 1, 0, -2147479015}));  // wraps
  EXPECT_EQ(ints(nd::power(i, 1)), i.to_vector<int32_t>());
  EXPECT_EQ(ints(nd::power(i, 0)), std::vector<int32_t>(7, 1));
  EXPECT_EQ(ints(nd::power(i, 3)), (std::vector<int32_t>{0, 1, -8, 27, 2147483647, 0, -1932785795}));
  EXPECT_THROW(nd::power(i, -1), nd::ValueError);
  // A float exponent makes a float result (float32 here: the default float of docs/design.md 4).
  const nd::Array h = nd::power(i, 0.5);
  EXPECT_EQ(h.dtype(), nd::float32);
  EXPECT_EQ(h.to_vector<float>()[3], std::sqrt(3.0f));
  EXPECT_EQ(nd::power(i, -1.0).to_vector<float>()[2], -0.5f);
  const nd::Array b = nd::array<bool>({true, false}, nd::bool_, device());
  EXPECT_EQ(nd::power(b, 0).dtype(), nd::int64);
  EXPECT_EQ(nd::power(b, 0).to_vector<int64_t>(), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(nd::power(b, 1).to_vector<int64_t>(), (std::vector<int64_t>{1, 0}));
}

ND_INSTANTIATE_DEVICE_TESTS(PowerScalar);
