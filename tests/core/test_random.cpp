// nd::random (issue 21): every Philox counter's 128 bits give four float32 / two float64 values
// (kernels/random_draw.hpp). The same bits on every device, the stream advanced by whole
// counters, odd sizes, and the distributions (moments, chi-square, Kolmogorov-Smirnov) with
// fixed seeds; the float32 sin/cos and Box-Muller against float64 references.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "philox.hpp"
#include "random_draw.hpp"
#include "support/device_test.hpp"

using namespace nd;

class Random : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(Random);

namespace {

using Draw = std::function<Array(int64_t, Device)>;
struct NamedDraw {
  const char* name;
  Draw draw;
};
const std::vector<NamedDraw>& draws() {
  static const std::vector<NamedDraw> d = {
      {"rand f32", [](int64_t n, Device v) { return random::rand({n}, float32, v); }},
      {"rand f64", [](int64_t n, Device v) { return random::rand({n}, float64, v); }},
      {"randn f32", [](int64_t n, Device v) { return random::randn({n}, float32, v); }},
      {"randn f64", [](int64_t n, Device v) { return random::randn({n}, float64, v); }},
      {"uniform f32", [](int64_t n, Device v) { return random::uniform(-2, 3, {n}, float32, v); }},
      {"uniform f64", [](int64_t n, Device v) { return random::uniform(-2, 3, {n}, float64, v); }},
      {"normal f32", [](int64_t n, Device v) { return random::normal(1.5, 0.25, {n}, float32, v); }},
      {"normal f64", [](int64_t n, Device v) { return random::normal(1.5, 0.25, {n}, float64, v); }},
      {"integers i32", [](int64_t n, Device v) { return random::integers(-7, 100, {n}, int32, v); }},
      {"integers i64", [](int64_t n, Device v) { return random::integers(-7, 100, {n}, int64, v); }},
  };
  return d;
}

std::vector<double> values(const Array& a) { return a.astype(float64).to_vector<double>(); }

// Standard normal CDF.
double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Chi-square of z against N(0, 1) over 14 bins of width 0.5 on [-3, 3] plus the two tails.
double chi_square_normal(const std::vector<double>& z) {
  std::vector<double> edges = {-INFINITY};
  for (double e = -3; e <= 3.0001; e += 0.5) edges.push_back(e);
  edges.push_back(INFINITY);
  std::vector<int64_t> count(edges.size() - 1, 0);
  for (double v : z) count[std::upper_bound(edges.begin(), edges.end(), v) - edges.begin() - 1]++;
  double chi = 0;
  for (size_t b = 0; b < count.size(); ++b) {
    const double expect = z.size() * (phi(edges[b + 1]) - phi(edges[b]));
    chi += (count[b] - expect) * (count[b] - expect) / expect;
  }
  return chi;
}

// Kolmogorov-Smirnov distance of u from U[0, 1).
double ks_uniform(std::vector<double> u) {
  std::sort(u.begin(), u.end());
  double dmax = 0;
  const double n = static_cast<double>(u.size());
  for (size_t i = 0; i < u.size(); ++i)
    dmax = std::max({dmax, std::abs((i + 1) / n - u[i]), std::abs(u[i] - i / n)});
  return dmax;
}

}  // namespace

TEST_P(Random, SameBitsOnEveryDeviceAtOddSizes) {
  for (const NamedDraw& d : draws()) {
    for (int64_t n : {0, 1, 2, 3, 5, 7, 17, 1000, 12289}) {
      SCOPED_TRACE(std::string(d.name) + " n=" + std::to_string(n));
      random::seed(1234);
      const Array a = d.draw(n, device());
      random::seed(1234);
      const Array b = d.draw(n, Device::cpu());
      ASSERT_EQ(a.size(), n);
      // Bitwise: float64 holds every float32 / int value exactly, and -0.0 == 0.0 is also
      // pinned by comparing signbit.
      const std::vector<double> va = values(a), vb = values(b);
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_EQ(va[i], vb[i]) << "at " << i;
        ASSERT_EQ(std::signbit(va[i]), std::signbit(vb[i])) << "at " << i;
      }
    }
  }
}

// A draw of n is the prefix of a draw of n + k from the same position, and each draw takes
// ceil(n / per) counters: four float32 values per counter, two float64 / integer values.
TEST_P(Random, StreamAdvancesByWholeCounters) {
  for (const NamedDraw& d : draws()) {
    SCOPED_TRACE(d.name);
    const bool four = std::string(d.name).find("f32") != std::string::npos;
    const int64_t per = four ? 4 : 2;
    random::seed(99);
    const std::vector<double> a = values(d.draw(5, device()));
    const std::vector<double> b = values(d.draw(3, device()));
    random::seed(99);
    const std::vector<double> all = values(d.draw(40, device()));
    const int64_t skip = (5 + per - 1) / per * per;  // the second draw starts at a fresh counter
    for (int i = 0; i < 5; ++i) EXPECT_EQ(a[i], all[i]) << i;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(b[i], all[skip + i]) << i;
  }
}

TEST_P(Random, ShapesAndRanges) {
  random::seed(5);
  const Array u = random::rand({3, 5, 7}, float32, device());
  EXPECT_EQ(u.shape(), (Shape{3, 5, 7}));
  for (double v : values(u)) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  for (double v : values(random::uniform(-2, 3, {1001}, float64, device()))) {
    EXPECT_GE(v, -2.0);
    EXPECT_LT(v, 3.0);
  }
  for (double v : values(random::integers(-3, 4, {1001}, int32, device()))) {
    EXPECT_GE(v, -3);
    EXPECT_LT(v, 4);
    EXPECT_EQ(v, std::floor(v));
  }
  // float32 normals come from 24-bit uniforms: |z| <= sqrt(2 * 24 ln 2) = 5.77.
  for (double v : values(random::randn({4097}, float32, device()))) EXPECT_LE(std::abs(v), 5.78);
  EXPECT_EQ(random::randn({0}, float32, device()).size(), 0);
  EXPECT_EQ(random::randn({1}, float64, device()).size(), 1);
}

TEST_P(Random, NormalDistribution) {
  for (DType t : {float32, float64}) {
    SCOPED_TRACE(dtype_name(t));
    random::seed(2026);
    const std::vector<double> z = values(random::randn({100001}, t, device()));
    double mean = 0, sq = 0, lag = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      mean += z[i];
      sq += z[i] * z[i];
      if (i + 1 < z.size()) lag += z[i] * z[i + 1];
    }
    const double n = static_cast<double>(z.size());
    mean /= n;
    const double var = sq / n - mean * mean;
    EXPECT_NEAR(mean, 0.0, 0.015);          // 4.7 standard errors
    EXPECT_NEAR(var, 1.0, 0.02);            // std error of the variance: sqrt(2/n) = 0.0045
    EXPECT_NEAR(lag / n, 0.0, 0.015);       // the cosine / sine pair of one draw is uncorrelated
    EXPECT_LT(chi_square_normal(z), 40.0);  // 13 degrees of freedom: p < 1e-4 beyond 40
    // normal(mean, std) is mean + std * z.
    random::seed(2026);
    const std::vector<double> y = values(random::normal(10.0, 2.0, {1001}, t, device()));
    const double tol = t == float32 ? 1e-5 : 1e-12;
    for (size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(y[i], 10.0 + 2.0 * z[i], tol * 12) << i;
  }
}

TEST_P(Random, UniformAndIntegerDistributions) {
  for (DType t : {float32, float64}) {
    SCOPED_TRACE(dtype_name(t));
    random::seed(77);
    const std::vector<double> u = values(random::rand({100003}, t, device()));
    EXPECT_LT(ks_uniform(u), 1.63 / std::sqrt(100003.0));  // p = 0.01
  }
  random::seed(78);
  const std::vector<double> k = values(random::integers(0, 10, {100000}, int64, device()));
  std::vector<double> count(10, 0);
  for (double v : k) count[static_cast<int>(v)]++;
  double chi = 0;
  for (double c : count) chi += (c - 10000) * (c - 10000) / 10000;
  EXPECT_LT(chi, 30.0);  // 9 degrees of freedom
}

// The float32 sincos of 2 pi u (kernels/philox.hpp) over every 24-bit u (strided), against libm
// in float64: within 1.5e-7 absolute (|sin|, |cos| <= 1: a couple of float32 ULP).
TEST(RandomMath, SinCos2PiF32IsAccurate) {
  double worst = 0;
  for (int64_t k = 0; k < (int64_t(1) << 24); k += 7) {
    const float u = static_cast<float>(k) * (1.0f / 16777216.0f);
    float s, c;
    kern::sincos_2pi_f32(u, &s, &c);
    const double a = 2 * M_PI * static_cast<double>(u);
    worst = std::max({worst, std::abs(s - std::sin(a)), std::abs(c - std::cos(a))});
  }
  EXPECT_LT(worst, 1.5e-7);
}

// The float64 log and sincos of the float64 normals (kernels/philox.hpp) against libm.
TEST(RandomMath, LogAndSinCosF64AreAccurate) {
  double wl = 0, ws = 0;
  for (int64_t k = 1; k <= 300000; ++k) {
    double x = std::fmod(k * 0.000123456789, 1.0) + 1e-300;
    if (k % 3 == 0) x = std::ldexp(x, -static_cast<int>(k % 60));
    wl = std::max(wl, std::abs(kern::log_f64(x) - std::log(x)) / std::max(1.0, std::abs(std::log(x))));
    const double u = std::fmod(k * 0.0000033218281828, 1.0);
    double s, c;
    kern::sincos_2pi_f64(u, &s, &c);
    ws = std::max({ws, std::abs(s - std::sin(2 * M_PI * u)), std::abs(c - std::cos(2 * M_PI * u))});
  }
  EXPECT_LT(wl, 1e-15);
  EXPECT_LT(ws, 2e-15);
  EXPECT_EQ(kern::log_f64(1.0), 0.0);
}

// Box-Muller in float32 against the same two uniforms in float64.
TEST(RandomMath, BoxMullerF32MatchesFloat64) {
  double worst = 0;
  for (uint64_t j = 0; j < 200000; ++j) {
    const kern::Philox4 r = kern::philox4x32_10(j, 42);
    float z0, z1;
    kern::box_muller_f32(r.v[0], r.v[1], &z0, &z1);
    const double u0 = ((r.v[0] >> 8) + 1.0) / 16777216.0, u1 = (r.v[1] >> 8) / 16777216.0;
    const double rad = std::sqrt(-2 * std::log(u0));
    worst = std::max({worst, std::abs(z0 - rad * std::cos(2 * M_PI * u1)) / std::max(1.0, rad),
                      std::abs(z1 - rad * std::sin(2 * M_PI * u1)) / std::max(1.0, rad)});
  }
  EXPECT_LT(worst, 1e-6);
}

// Philox4x32-10 itself: the Random123 known-answer vector (counter 0, key 0).
TEST(RandomMath, PhiloxKnownAnswer) {
  const kern::Philox4 r = kern::philox4x32_10(0, 0);
  EXPECT_EQ(r.v[0], 0x6627e8d5u);
  EXPECT_EQ(r.v[1], 0xe169c58du);
  EXPECT_EQ(r.v[2], 0xbc57ac4cu);
  EXPECT_EQ(r.v[3], 0x9b00dbd8u);
  uint32_t w[4][8];
  kern::philox4x32_10_lanes<8>(5, 77, w);
  for (int l = 0; l < 8; ++l) {
    const kern::Philox4 s = kern::philox4x32_10(5 + l, 77);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(w[k][l], s.v[k]);
  }
}

// The CPU's vectorised loops (16 counters per step, hand-written AVX2 Philox where the CPU has it)
// against the per-counter functions CUDA runs (kernels/random_draw.hpp), without a GPU.
TEST(RandomMath, CpuLoopsMatchPerCounterFunctions) {
  struct Case {
    RandomDist dist;
    DType t;
    double a, b;
  };
  for (const Case& c : {Case{RandomDist::uniform, float32, 0, 1}, Case{RandomDist::uniform, float64, 0, 1},
                        Case{RandomDist::normal, float32, 0, 1}, Case{RandomDist::normal, float64, 0, 1},
                        Case{RandomDist::uniform, float32, -2, 3}, Case{RandomDist::normal, float64, 1.5, 0.25}}) {
    for (int64_t n : {1, 7, 63, 65, 70001}) {
      SCOPED_TRACE(std::string(dtype_name(c.t)) + " n=" + std::to_string(n));
      random::seed(31337);
      const Array got = c.dist == RandomDist::uniform ? random::uniform(c.a, c.b, {n}, c.t, Device::cpu())
                                                      : random::normal(c.a, c.b, {n}, c.t, Device::cpu());
      const std::vector<double> v = got.astype(float64).to_vector<double>();
      RandomDesc d;
      d.dist = c.dist;
      d.seed = 31337;
      d.counter = 0;
      d.n = n;
      d.out.dtype = c.t;
      d.a = c.a;
      d.b = c.b;
      const int per = kern::values_per_counter(c.dist, c.t);
      for (int64_t j = 0; j * per < n; ++j) {
        double want[4];
        if (c.t == float32) {
          float f[4];
          kern::random_counter<float>(d, static_cast<uint64_t>(j), f);
          for (int s = 0; s < 4; ++s) want[s] = f[s];
        } else {
          kern::random_counter<double>(d, static_cast<uint64_t>(j), want);
        }
        for (int s = 0; s < per && j * per + s < n; ++s) ASSERT_EQ(v[j * per + s], want[s]) << j * per + s;
      }
    }
  }
}
