// float32 mod / remainder / floor_divide: the CPU's vectorised path (fmod through float64,
// kernels/ops.hpp fmod_f32_common) must give the bits of NumPy's npy_divmod on libm's fmod --
// the scalar functor, the oracle here -- for every operand pair: all exponents and signs, zeros,
// subnormals, inf, NaN, quotients within an ULP of an integer, and |a / b| past 2^29.
#include <cmath>
#include <cstring>
#include <random>

#include "ops.hpp"

#include "support/device_test.hpp"

namespace {

uint32_t bits_of(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}
float from_bits(uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}

void operand_pairs(std::vector<float>& a, std::vector<float>& b) {
  std::mt19937 rng(5);
  for (int i = 0; i < 200000; ++i) {  // any bit patterns: every exponent, NaN and inf included
    a.push_back(from_bits(rng()));
    b.push_back(from_bits(rng()));
  }
  std::uniform_real_distribution<float> u(-100.0f, 100.0f);
  for (int i = 0; i < 200000; ++i) {  // quotients near integers: a = k b, nudged by an ULP
    const float bb = u(rng), k = static_cast<float>(static_cast<int>(rng() % 2000001) - 1000000);
    const float aa = k * bb;
    a.push_back(i % 3 == 0 ? aa : std::nextafter(aa, i % 3 == 1 ? INFINITY : -INFINITY));
    b.push_back(bb);
  }
  const float specials[] = {0.0f, -0.0f, 1.0f, -1.0f, 3.0f, 0.5f, 1e-45f, -1e-40f, 1e38f, -3e38f,
                            INFINITY, -INFINITY, NAN, 7.0f, 536870912.0f, 536870911.0f};
  for (float x : specials)
    for (float y : specials) a.push_back(x), b.push_back(y);
}

}  // namespace

using FloatDivmod = DeviceTest;

TEST_P(FloatDivmod, MatchesNumPysDivmodOnLibmFmodBitForBit) {
  std::vector<float> a, b;
  operand_pairs(a, b);
  const int64_t n = static_cast<int64_t>(a.size());
  const nd::Array A = nd::array(a, {n}, nd::float32, device()), B = nd::array(b, {n}, nd::float32, device());
  const std::vector<float> mod = nd::mod(A, B).to_vector<float>(), fdiv = nd::floor_divide(A, B).to_vector<float>();
  const std::vector<float> mod_t = nd::mod(A.reshape({n / 8, 8}).T(), B.reshape({n / 8, 8}).T()).T().reshape({n}).to_vector<float>();
  int bad = 0;
  for (int64_t i = 0; i < n && bad < 10; ++i) {
    const float want_mod = nd::kern::Mod{}(a[i], b[i]), want_div = nd::kern::FloorDivide{}(a[i], b[i]);
    const bool nan_mod = std::isnan(want_mod), nan_div = std::isnan(want_div);
    const bool ok = (nan_mod ? std::isnan(mod[i]) : bits_of(mod[i]) == bits_of(want_mod)) &&
                    (nan_mod ? std::isnan(mod_t[i]) : bits_of(mod_t[i]) == bits_of(want_mod)) &&
                    (nan_div ? std::isnan(fdiv[i]) : bits_of(fdiv[i]) == bits_of(want_div));
    if (!ok) {
      ++bad;
      ADD_FAILURE() << "a=" << a[i] << " b=" << b[i] << ": mod " << mod[i] << " (strided " << mod_t[i]
                    << ") want " << want_mod << ", floor_divide " << fdiv[i] << " want " << want_div;
    }
  }
  // A scalar divisor takes the vector-scalar loop.
  const std::vector<float> mod7 = nd::mod(A, 7.0f).to_vector<float>();
  for (int64_t i = 0; i < n; ++i) {
    const float want = nd::kern::Mod{}(a[i], 7.0f);
    ASSERT_TRUE(std::isnan(want) ? std::isnan(mod7[i]) : bits_of(mod7[i]) == bits_of(want)) << a[i];
  }
}

ND_INSTANTIATE_DEVICE_TESTS(FloatDivmod);
