// Integer floor_divide / mod by a fixed divisor (kern::FixedDivisor, kern::UnsignedDivisor): the
// reciprocal multiply must give the hardware divide's results -- int_floor_div / int_mod, NumPy's
// floor semantics with b == 0 -> 0 and MIN // -1 -> MIN -- for every divisor kind (small, powers
// of two and their neighbours, MIN, MAX, negative) and numerator (both signs, the extremes), and
// x // s, x % s on every device must equal the same op with s broadcast as an array.
#include <limits>
#include <random>

#include "common.hpp"

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

namespace {

template <class T>
std::vector<T> edge_values(int randoms) {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {L::min(), T(L::min() + 1), L::max(), T(L::max() - 1), 0, 1, -1, 2, -2, 3, -3};
  for (int k = 1; k < L::digits; ++k) {
    const T p = T(T(1) << k);
    for (T x : {p, T(p - 1), T(p + 1), T(-p), T(-p + 1), T(-p - 1)}) v.push_back(x);
  }
  std::mt19937_64 rng(11);
  for (int i = 0; i < randoms; ++i) v.push_back(static_cast<T>(rng()));
  for (int i = 0; i < randoms; ++i) v.push_back(static_cast<T>(static_cast<int64_t>(rng() % 2001) - 1000));
  return v;
}

template <class T>
void expect_fixed_divisor_matches() {
  std::vector<T> divisors = edge_values<T>(200);
  for (int b = -300; b <= 300; ++b) divisors.push_back(static_cast<T>(b));
  const std::vector<T> numerators = edge_values<T>(1000);
  int bad = 0;
  for (T b : divisors) {
    const nd::kern::FixedDivisor<T> div(b);
    for (T a : numerators) {
      const T q = div.floor_div(a), r = div.mod(a);
      if ((q != nd::kern::int_floor_div(a, b) || r != nd::kern::int_mod(a, b)) && ++bad < 10)
        ADD_FAILURE() << a << " // " << b << ": " << q << " (want " << nd::kern::int_floor_div(a, b)
                      << "), % " << r << " (want " << nd::kern::int_mod(a, b) << ")";
    }
  }
  EXPECT_EQ(bad, 0);
}

}  // namespace

TEST(FixedDivisor, MatchesTheHardwareDivideForInt32AndInt64) {
  expect_fixed_divisor_matches<int32_t>();
  expect_fixed_divisor_matches<int64_t>();
}

// The unsigned divisor of random integers' ranges (up to 2^64 - 1).
TEST(FixedDivisor, UnsignedDivisionIsExactForEveryDivisor) {
  std::vector<uint64_t> divisors, numerators;
  for (int64_t x : edge_values<int64_t>(300)) divisors.push_back(static_cast<uint64_t>(x));
  for (int64_t x : edge_values<int64_t>(2000)) numerators.push_back(static_cast<uint64_t>(x));
  int bad = 0;
  for (uint64_t d : divisors) {
    if (d == 0) continue;
    const nd::kern::UnsignedDivisor<uint64_t> div(d);
    for (uint64_t n : numerators)
      if (div.divide(n) != n / d && ++bad < 10) ADD_FAILURE() << n << " / " << d << ": " << div.divide(n);
  }
  EXPECT_EQ(bad, 0);
}

using IntDivmod = DeviceTest;
ND_INSTANTIATE_DEVICE_TESTS(IntDivmod);

TEST_P(IntDivmod, ScalarDivisorGivesTheArrayDivisorsResults) {
  const std::vector<int64_t> xs = edge_values<int64_t>(500);
  const int64_t n = static_cast<int64_t>(xs.size());
  for (nd::DType t : {nd::int32, nd::int64}) {
    const nd::Array x = nd::array(xs, {n}, nd::int64, device()).astype(t);
    // 1-D and a (2, n/2) view whose rows the loops take one by one.
    for (int64_t s : {int64_t{7}, int64_t{-7}, int64_t{1}, int64_t{-1}, int64_t{0}, int64_t{64}, int64_t{-1000},
                      t == nd::int32 ? int64_t{std::numeric_limits<int32_t>::min()} : std::numeric_limits<int64_t>::min()}) {
      SCOPED_TRACE(std::string(nd::dtype_name(t)) + " by " + std::to_string(s));
      const nd::Array sa = nd::full({n}, s, t, device());
      EXPECT_EQ(nd::floor_divide(x, s).to_vector<int64_t>(), nd::floor_divide(x, sa).to_vector<int64_t>());
      EXPECT_EQ(nd::mod(x, s).to_vector<int64_t>(), nd::mod(x, sa).to_vector<int64_t>());
      const nd::Array xt = x(nd::slice(0, n / 2 * 2)).reshape({n / 2, 2}).T();
      const nd::Array st = sa(nd::slice(0, n / 2 * 2)).reshape({n / 2, 2}).T();
      EXPECT_EQ(nd::floor_divide(xt, s).to_vector<int64_t>(), nd::floor_divide(xt, st).to_vector<int64_t>());
    }
  }
}
