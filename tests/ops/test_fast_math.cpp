// The documented ULP bounds of ndgpu's own float32 math (kernels/fast_math.hpp: exp, log, sigmoid,
// expm1, tanh, log1p, log2, log10, sin, cos, tan, pow),
// swept over ~4.2 million float32 bit patterns covering every exponent, both signs, subnormals,
// +-inf and NaN, against float64 libm rounded to float32 (the correctly rounded answer); and the
// same bits whichever code path ran them (CPU SIMD clone, CPU strided loop, CUDA).
#include <cmath>
#include <cstring>

#include "fast_math.hpp"
#include "ops.hpp"

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

// The bounds stated in kernels/fast_math.hpp. sin / cos / tan: the sweep has every exponent, so
// the large-argument reduction runs on arguments up to 3.4e38; powers of two and their neighbours
// (every exponent, both signs) are added, where 2/pi's bits far below the point decide the result.
TEST_P(FastMath, ExpmTanhLogsTrigWithinStatedUlp) {
  std::vector<float> x = sweep();
  for (int e = -149; e <= 127; ++e)
    for (float m : {1.0f, 1.0000001f, 0.99999994f, 1.5707964f, 1.2732395f})
      for (float sg : {1.0f, -1.0f}) x.push_back(sg * std::ldexp(m, e));
  const nd::Array a = nd::array(x, {static_cast<int64_t>(x.size())}, nd::float32, device());
  struct Case {
    const char* name;
    nd::Array (*op)(const nd::Array&);
    double (*ref)(double);
    int bound;
  };
  const Case cases[] = {
      {"expm1", [](const nd::Array& v) { return nd::expm1(v); }, [](double v) { return std::expm1(v); }, 1},
      {"tanh", [](const nd::Array& v) { return nd::tanh(v); }, [](double v) { return std::tanh(v); }, 2},
      {"log1p", [](const nd::Array& v) { return nd::log1p(v); }, [](double v) { return std::log1p(v); }, 1},
      {"log2", [](const nd::Array& v) { return nd::log2(v); }, [](double v) { return std::log2(v); }, 1},
      {"log10", [](const nd::Array& v) { return nd::log10(v); }, [](double v) { return std::log10(v); }, 1},
      {"sin", [](const nd::Array& v) { return nd::sin(v); }, [](double v) { return std::sin(v); }, 1},
      {"cos", [](const nd::Array& v) { return nd::cos(v); }, [](double v) { return std::cos(v); }, 1},
      {"tan", [](const nd::Array& v) { return nd::tan(v); }, [](double v) { return std::tan(v); }, 3},
  };
  for (const Case& c : cases) {
    std::string worst;
    EXPECT_LE(max_ulp(x, c.op(a).to_vector<float>(), c.ref, worst), c.bound) << c.name << ": " << worst;
  }
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
                        {"sigmoid", [](const nd::Array& v) { return nd::sigmoid(v); }, nd::kern::sigmoid_f32},
                        {"expm1", [](const nd::Array& v) { return nd::expm1(v); }, nd::kern::expm1_f32},
                        {"tanh", [](const nd::Array& v) { return nd::tanh(v); }, nd::kern::tanh_f32},
                        {"log1p", [](const nd::Array& v) { return nd::log1p(v); }, nd::kern::log1p_f32},
                        {"log2", [](const nd::Array& v) { return nd::log2(v); }, nd::kern::log2_f32},
                        {"log10", [](const nd::Array& v) { return nd::log10(v); }, nd::kern::log10_f32},
                        {"sin", [](const nd::Array& v) { return nd::sin(v); }, nd::kern::sin_f32},
                        {"cos", [](const nd::Array& v) { return nd::cos(v); }, nd::kern::cos_f32},
                        {"tan", [](const nd::Array& v) { return nd::tan(v); }, nd::kern::tan_f32}};
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

// pow (float32): every base of a thinned sweep (every exponent, both signs, subnormals, inf, NaN)
// against exponents of every kind (small and large, integral and not, both signs, +-0, +-inf,
// NaN) and the classic edge pairs: within 1 ULP of float64 pow rounded to float32, NaN where it
// is NaN, and the same bits from the contiguous loop, a strided loop and the scalar functor.
// Also bases just off 1 with exponents large enough to overflow or underflow.
TEST_P(FastMath, PowWithinOneUlpAndTheSameBitsOnEveryPath) {
  const std::vector<float> bases = sweep();
  const float ys[] = {2.5f, -1.5f, 0.5f, 3.0f, 1.0f / 3, 10.0f, -7.25f, 100.0f, 1e-3f, -0.01f, 0.0f, -0.0f,
                      1.0f, 2.0f, -1.0f, 37.7f, -120.3f, 0x1p-20f, 1e20f, INFINITY, -INFINITY, NAN};
  std::vector<float> x, y;
  uint32_t s = 1;
  for (size_t i = 0; i < bases.size(); i += 3) {
    s = s * 1664525u + 1013904223u;
    x.push_back(std::isnan(bases[i]) ? NAN : bases[i]);  // no signalling NaN: powf(sNaN, 0) is NaN
    // Half the pairs take a listed exponent, half a random one in (-40, 40).
    y.push_back(i % 2 ? ys[(i / 2) % (sizeof ys / sizeof ys[0])] : (static_cast<float>(s >> 8) / 16777216.0f - 0.5f) * 80.0f);
  }
  const float edge[] = {0.0f, -0.0f, 1.0f, -1.0f, -2.0f, 2.0f, 0.5f, 1e-40f, -1e-40f, INFINITY, -INFINITY, NAN, 0x1.fffffep127f};
  for (float a : edge)
    for (float b : ys) x.push_back(a), y.push_back(b);
  // Bases within 2000 ULP of 1 (and those scaled by powers of two) with exponents that carry x^y
  // across float's range: there log2(x) must keep its relative accuracy, not only an absolute one.
  for (int d = -2000; d <= 2000; d += 7) {
    s = s * 1664525u + 1013904223u;
    const float b = 1.0f + static_cast<float>(d) * 0x1p-24f;
    const float a = d % 3 == 0 ? std::ldexp(b, d % 61) : b;
    const double l = std::log2(static_cast<double>(a)), t = (static_cast<double>(s >> 8) / 16777216.0 - 0.6) * 240.0;
    x.push_back(a);
    y.push_back(l != 0.0 ? static_cast<float>(t / l) : 1e20f);
  }
  const int64_t n = static_cast<int64_t>(x.size());
  const nd::Array A = nd::array(x, {n}, nd::float32, device()), B = nd::array(y, {n}, nd::float32, device());
  const std::vector<float> got = nd::power(A, B).to_vector<float>();
  const std::vector<float> every2 = nd::power(A["::2"], B["::2"]).to_vector<float>();
  int64_t worst = 0, nan_mismatch = 0, path_mismatch = 0;
  std::string where;
  for (int64_t i = 0; i < n; ++i) {
    const float want = static_cast<float>(std::pow(static_cast<double>(x[i]), static_cast<double>(y[i])));
    const uint32_t scalar = nd::kern::bits_as<uint32_t>(nd::kern::Power{}(x[i], y[i]));
    path_mismatch += nd::kern::bits_as<uint32_t>(got[i]) != scalar;
    if (i % 2 == 0) path_mismatch += nd::kern::bits_as<uint32_t>(every2[i / 2]) != scalar;
    if (std::isnan(want) || std::isnan(got[i])) {
      nan_mismatch += std::isnan(want) != std::isnan(got[i]);
      continue;
    }
    const int64_t d = golden::ulp_distance(got[i], want);
    if (d > worst) {
      worst = d;
      where = std::to_string(x[i]) + " ^ " + std::to_string(y[i]) + ": got " + std::to_string(got[i]) + " want " + std::to_string(want);
    }
  }
  EXPECT_LE(worst, 1) << where;
  EXPECT_EQ(nan_mismatch, 0);
  EXPECT_EQ(path_mismatch, 0);
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

// Edge values of the newer functions exactly (IEEE / C99 Annex F, as NumPy gives them): signed
// zeros kept where the function is odd, the limits at +-inf, NaN for NaN and outside the domain,
// subnormals returned unchanged where f(x) ~ x.
TEST_P(FastMath, NewerFunctionsSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float sub = 1e-40f, big = 3.4e38f;
  const std::vector<float> xs = {0.0f, -0.0f, inf, -inf, nan, sub, -sub, -1.0f, -2.0f, big, -big, 1.0f};
  const nd::Array x = nd::array(xs, nd::float32, device());
  auto bits = [](float v) { return nd::kern::bits_as<uint32_t>(v); };
  // want: exact (bitwise, any NaN for NaN) where given as a number, else (`R`) within the stated
  // bound of the correctly rounded f(x).
  const float R = 12345.0f;
  struct Case {
    const char* name;
    nd::Array (*op)(const nd::Array&);
    double (*ref)(double);
    int bound;
    std::vector<float> want;
  };
  const Case cases[] = {
      {"expm1", [](const nd::Array& v) { return nd::expm1(v); }, [](double v) { return std::expm1(v); }, 1,
       {0.0f, -0.0f, inf, -1.0f, nan, sub, -sub, R, R, inf, -1.0f, R}},
      {"tanh", [](const nd::Array& v) { return nd::tanh(v); }, [](double v) { return std::tanh(v); }, 2,
       {0.0f, -0.0f, 1.0f, -1.0f, nan, sub, -sub, R, R, 1.0f, -1.0f, R}},
      {"log1p", [](const nd::Array& v) { return nd::log1p(v); }, [](double v) { return std::log1p(v); }, 1,
       {0.0f, -0.0f, inf, nan, nan, sub, -sub, -inf, nan, R, nan, R}},
      {"log2", [](const nd::Array& v) { return nd::log2(v); }, [](double v) { return std::log2(v); }, 1,
       {-inf, -inf, inf, nan, nan, R, nan, nan, nan, R, nan, 0.0f}},
      {"log10", [](const nd::Array& v) { return nd::log10(v); }, [](double v) { return std::log10(v); }, 1,
       {-inf, -inf, inf, nan, nan, R, nan, nan, nan, R, nan, 0.0f}},
      {"sin", [](const nd::Array& v) { return nd::sin(v); }, [](double v) { return std::sin(v); }, 1,
       {0.0f, -0.0f, nan, nan, nan, sub, -sub, R, R, R, R, R}},
      {"cos", [](const nd::Array& v) { return nd::cos(v); }, [](double v) { return std::cos(v); }, 1,
       {1.0f, 1.0f, nan, nan, nan, 1.0f, 1.0f, R, R, R, R, R}},
      {"tan", [](const nd::Array& v) { return nd::tan(v); }, [](double v) { return std::tan(v); }, 3,
       {0.0f, -0.0f, nan, nan, nan, sub, -sub, R, R, R, R, R}},
  };
  for (const Case& c : cases) {
    const std::vector<float> got = c.op(x).to_vector<float>();
    for (size_t i = 0; i < xs.size(); ++i) {
      const float w = c.want[i];
      if (w == R) {
        const float cr = static_cast<float>(c.ref(static_cast<double>(xs[i])));
        EXPECT_LE(golden::ulp_distance(got[i], cr), c.bound) << c.name << "(" << xs[i] << ") = " << got[i] << ", want ~" << cr;
      } else {
        EXPECT_TRUE(std::isnan(w) ? std::isnan(got[i]) : bits(got[i]) == bits(w))
            << c.name << "(" << xs[i] << ") = " << got[i] << ", want " << w;
      }
    }
  }
  // Exact values: powers of two for log2, powers of ten for log10, tanh saturating to exactly 1.
  const nd::Array p = nd::array<float>({0.25f, 1024.0f, 0x1p-149f, 0x1p127f, 10.0f, 1000.0f, 100000.0f, 9.0f, -9.5f},
                                       nd::float32, device());
  const std::vector<float> l2 = nd::log2(p).to_vector<float>(), l10 = nd::log10(p).to_vector<float>(),
                           th = nd::tanh(p).to_vector<float>();
  EXPECT_EQ(l2[0], -2.0f);
  EXPECT_EQ(l2[1], 10.0f);
  EXPECT_EQ(l2[2], -149.0f);
  EXPECT_EQ(l2[3], 127.0f);
  EXPECT_EQ(l10[4], 1.0f);
  EXPECT_EQ(l10[5], 3.0f);
  EXPECT_EQ(l10[6], 5.0f);
  EXPECT_EQ(th[7], 1.0f);
  EXPECT_EQ(th[8], -1.0f);
}

ND_INSTANTIATE_DEVICE_TESTS(FastMath);
