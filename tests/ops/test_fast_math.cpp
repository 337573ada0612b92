// The documented ULP bounds of ndgpu's own float32 exp / log / sigmoid (kernels/fast_math.hpp),
// swept over ~4.2 million float32 bit patterns covering every exponent, both signs, subnormals,
// +-inf and NaN, against float64 libm rounded to float32 (the correctly rounded answer); and the
// same bits whichever code path ran them (CPU SIMD clone, CPU strided loop, CUDA).
#include <cmath>
#include <cstring>

#include "fast_math.hpp"

#include "support/device_test.hpp"
#include "support/golden_text.hpp"

namespace {

std::vector<float> sweep() {
  std::vector<float> x;
  for (uint64_t bits = 0; bits < (1ull << 32); bits += 1021) {  // prime step: varied low bits
    const uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, 4);
    x.push_back(f);
  }
  return x;
}

// Largest ULP distance of got from reference(x) over the sweep; NaN must match NaN.
template <class Ref>
int64_t max_ulp(const std::vector<float>& x, const std::vector<float>& got, Ref reference,
                std::string& worst) {
  int64_t max = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const float want = static_cast<float>(reference(static_cast<double>(x[i])));
    if (std::isnan(want) || std::isnan(got[i])) {
      if (std::isnan(want) != std::isnan(got[i])) return std::numeric_limits<int64_t>::max();
      continue;
    }
    const int64_t d = golden::ulp_distance(got[i], want);
    if (d > max) {
      max = d;
      worst = "x=" + std::to_string(x[i]) + " got " + std::to_string(got[i]) + " want " +
              std::to_string(want);
    }
  }
  return max;
}

}  // namespace

using FastMath = DeviceTest;

TEST_P(FastMath, ExpLogWithinOneUlpSigmoidWithinTwoUlp) {
  const std::vector<float> x = sweep();
  ASSERT_GT(x.size(), 4000000u);
  const nd::Array a = nd::array(x, {static_cast<int64_t>(x.size())}, nd::float32, device());
  std::string worst;
  EXPECT_LE(max_ulp(x, nd::exp(a).to_vector<float>(), [](double v) { return std::exp(v); }, worst), 1)
      << "exp: " << worst;
  EXPECT_LE(max_ulp(x, nd::log(a).to_vector<float>(), [](double v) { return std::log(v); }, worst), 1)
      << "log: " << worst;
  EXPECT_LE(max_ulp(x, nd::sigmoid(a).to_vector<float>(),
                    [](double v) { return 1.0 / (1.0 + std::exp(-v)); }, worst), 2)
      << "sigmoid: " << worst;
}

// The backend's result (on the CPU: the contiguous loop runs the AVX-512 / AVX2 / baseline clone
// picked for this machine) equals, bit for bit, a scalar call of the same kern:: function in this
// test file, compiled for baseline x86-64 without FMA units (fmaf is a libm call here), and the
// strided loop (not multiversioned). A clone that contracted or reassociated would differ.
TEST_P(FastMath, SameBitsOnEveryCodePath) {
  const int64_t n = static_cast<int64_t>(sweep().size());
  const nd::Array a = nd::array(sweep(), {n}, nd::float32, device());
  const std::vector<float> x = a.to_vector<float>();  // the stored inputs (signalling NaNs are quieted)
  const nd::Array strided = a["::2"];
  struct Case {
    const char* name;
    nd::Array (*op)(const nd::Array&);
    float (*scalar)(float);
  };
  const Case cases[] = {{"exp", [](const nd::Array& v) { return nd::exp(v); }, nd::kern::exp_f32},
                        {"log", [](const nd::Array& v) { return nd::log(v); }, nd::kern::log_f32},
                        {"sigmoid", [](const nd::Array& v) { return nd::sigmoid(v); }, nd::kern::sigmoid_f32}};
  for (const Case& c : cases) {
    const std::vector<float> contig = c.op(a).to_vector<float>(), every2 = c.op(strided).to_vector<float>();
    int64_t mismatches = 0;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t want = nd::kern::bits_as<uint32_t>(c.scalar(x[i]));
      mismatches += nd::kern::bits_as<uint32_t>(contig[i]) != want;
      if (i % 2 == 0) mismatches += nd::kern::bits_as<uint32_t>(every2[i / 2]) != want;
    }
    EXPECT_EQ(mismatches, 0) << c.name;
  }
}

// Edge values exactly: the results NumPy gives (and IEEE defines).
TEST_P(FastMath, ExpLogSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const nd::Array x = nd::array<float>({0.0f, -0.0f, 1.0f, inf, -inf, 88.72f, 88.73f, -103.9f, -103.0f, -104.0f},
                                       nd::float32, device());
  std::vector<float> e = nd::exp(x).to_vector<float>();
  EXPECT_EQ(e[0], 1.0f);
  EXPECT_EQ(e[1], 1.0f);
  EXPECT_EQ(e[2], 2.7182817f);
  EXPECT_EQ(e[3], inf);
  EXPECT_EQ(e[4], 0.0f);
  EXPECT_TRUE(std::isfinite(e[5]));
  EXPECT_EQ(e[6], inf);
  EXPECT_GT(e[7], 0.0f);  // a subnormal, not flushed
  EXPECT_EQ(e[8], 1e-45f);  // rounds to the smallest subnormal
  EXPECT_EQ(e[9], 0.0f);    // below half of it
  std::vector<float> l = nd::log(x).to_vector<float>();
  EXPECT_EQ(l[0], -inf);
  EXPECT_EQ(l[1], -inf);
  EXPECT_EQ(l[2], 0.0f);
  EXPECT_EQ(l[3], inf);
  EXPECT_TRUE(std::isnan(l[4]));
}

ND_INSTANTIATE_DEVICE_TESTS(FastMath);
