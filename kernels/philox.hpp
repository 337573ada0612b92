// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3") and the mapping
// from its words to each distribution, written once for both backends (kernels/random_draw.hpp
// says which counter and words each element uses). Only integer ops, IEEE + - * / sqrt (never
// contracted into fmas: -ffp-contract=off, --fmad=false) and fast_math.hpp's fma-based log_f32
// are used (no libm), so CPU and CUDA produce identical bits.
#pragma once
#include <math.h>

#include <cstdint>
#include <cstring>

#include "common.hpp"
#include "fast_math.hpp"

namespace nd::kern {

// Keeps GCC from unrolling a lane loop before the vectorizer sees it (a fully unrolled lane loop
// stays scalar: 32 imul per round instead of 4 vpmuludq).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define ND_LANE_LOOP _Pragma("GCC unroll 1")
#else
#define ND_LANE_LOOP
#endif

struct Philox4 {
  uint32_t v[4];
};

ND_HD uint32_t mulhilo32(uint32_t a, uint32_t b, uint32_t* hi) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  return static_cast<uint32_t>(p);
}

// L counters (counter + l, l < L) at once: w[word][lane]. The lanes are independent, so CPU loops
// over them vectorise (the 32x32->64 multiplies become vpmuludq); CUDA runs L = 1.
template <int L>
ND_HD void philox4x32_10_lanes(uint64_t counter, uint64_t seed, uint32_t (&w)[4][L]) {
  uint32_t c0[L], c1[L], c2[L], c3[L];
  for (int l = 0; l < L; ++l) {
    const uint64_t c = counter + static_cast<uint64_t>(l);
    c0[l] = static_cast<uint32_t>(c);
    c1[l] = static_cast<uint32_t>(c >> 32);
    c2[l] = 0;
    c3[l] = 0;
  }
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    ND_LANE_LOOP
    for (int l = 0; l < L; ++l) {
      const uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c0[l];
      const uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c2[l];
      const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
      const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
      c1[l] = static_cast<uint32_t>(p1);
      c3[l] = static_cast<uint32_t>(p0);
      c0[l] = n0;
      c2[l] = n2;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  for (int l = 0; l < L; ++l) {
    w[0][l] = c0[l];
    w[1][l] = c1[l];
    w[2][l] = c2[l];
    w[3][l] = c3[l];
  }
}

ND_HD Philox4 philox4x32_10(uint64_t counter, uint64_t seed) {
  uint32_t w[4][1];
  philox4x32_10_lanes<1>(counter, seed, w);
  return {{w[0][0], w[1][0], w[2][0], w[3][0]}};
}

// Uniform in [0, 1): 24 bits for float, 53 for double.
// (Through int32: the same value, and the conversion vectorises.)
ND_HD float uniform_f32(uint32_t w) {
  return static_cast<float>(static_cast<int32_t>(w >> 8)) * (1.0f / 16777216.0f);
}
// The 53 bits are w0 * 2^21 + (w1 >> 11), summed exactly from two int32 halves (int32 -> double
// vectorises, uint64 -> double does not).
ND_HD double uniform_f64(uint32_t w0, uint32_t w1) {
  const int32_t hi = static_cast<int32_t>(w0 >> 1);                          // bits 22..52
  const int32_t lo = static_cast<int32_t>(((w0 & 1u) << 21) | (w1 >> 11));   // bits 0..21
  return (static_cast<double>(hi) * 4194304.0 + static_cast<double>(lo)) * (1.0 / 9007199254740992.0);
}

// ln(x) for normal x > 0 in float64, branch-free (so CPU loops vectorise): x = 2^k m with m in
// [sqrt(1/2), sqrt(2)) from the bits, ln m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^21/21) with
// s = (m - 1) / (m + 1), |s| <= 0.172 (the series' tail is below 1e-17 relative).
ND_HD double log_f64(double x) {
  uint64_t ix;
  memcpy(&ix, &x, sizeof ix);
  ix += 0x3ff0000000000000ull - 0x3fe6a09e667f3bcdull;  // k from the exponent of x / sqrt(1/2)
  const int32_t k = static_cast<int32_t>(ix >> 52) - 0x3ff;  // int32: conversions vectorise
  ix = (ix & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull;
  double m;
  memcpy(&m, &ix, sizeof m);
  const double s = (m - 1.0) / (m + 1.0), z = s * s;
  double p = 1.0 / 21;
  p = p * z + 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  const double kd = static_cast<double>(k);
  return kd * 0.693147180369123816490 + (2.0 * s + (2.0 * s * z * p + kd * 1.90821492927058770002e-10));
}

// sin(2 pi u) and cos(2 pi u) for u in [0, 1), float64, branch-free: 4u = q + f as in the float32
// version below, a = f pi/2 in [-pi/4, pi/4], Taylor series to a^17 / a^16 (tail < 1e-17).
ND_HD void sincos_2pi_f64(double u, double* s, double* c) {
  const double x = u * 4.0;
  const int32_t q = static_cast<int32_t>(x + 0.5);
  const double f = x - static_cast<double>(q);
  const double a = f * 1.57079632679489661923, z = a * a;
  double ps = -1.0 / 355687428096000.0;  // -1/17!
  ps = ps * z + 1.0 / 1307674368000.0;
  ps = ps * z - 1.0 / 6227020800.0;
  ps = ps * z + 1.0 / 39916800.0;
  ps = ps * z - 1.0 / 362880.0;
  ps = ps * z + 1.0 / 5040.0;
  ps = ps * z - 1.0 / 120.0;
  ps = ps * z + 1.0 / 6.0;
  const double sp = a - a * z * ps;
  double pc = 1.0 / 20922789888000.0;  // 1/16!
  pc = pc * z - 1.0 / 87178291200.0;
  pc = pc * z + 1.0 / 479001600.0;
  pc = pc * z - 1.0 / 3628800.0;
  pc = pc * z + 1.0 / 40320.0;
  pc = pc * z - 1.0 / 720.0;
  pc = pc * z + 1.0 / 24.0;
  const double cp = 1.0 - 0.5 * z + z * z * pc;
  const bool swap = (q & 1) != 0;
  const double sv = swap ? cp : sp, cv = swap ? sp : cp;
  *s = (q & 2) != 0 ? -sv : sv;
  *c = ((q + 1) & 2) != 0 ? -cv : cv;
}

// Two standard normals from two uniforms (Box-Muller, both branches) in float64; u0 in (0, 1],
// u1 in [0, 1).
ND_HD void box_muller(double u0, double u1, double* z0, double* z1) {
  const double r = sqrt(-2.0 * log_f64(u0));
  double sn, cs;
  sincos_2pi_f64(u1, &sn, &cs);
  *z0 = r * cs;
  *z1 = r * sn;
}

// sin(2 pi u) and cos(2 pi u) for u in [0, 1), float32, branch-free (selects only): 4u = q + f
// with q = round(4u) (the rounding of 4u + 0.5 can only move q where |f| is 1/2) and f exact,
// a = f pi/2 in about [-pi/4, pi/4], Cephes' minimax sinf/cosf polynomials there, then the
// quadrant q by a swap and two sign flips. Within a few ULP of sin/cos (tests/core/test_random.cpp).
ND_HD void sincos_2pi_f32(float u, float* s, float* c) {
  const float x = u * 4.0f;
  const int32_t q = static_cast<int32_t>(x + 0.5f);
  const float f = x - static_cast<float>(q);
  const float a = f * 1.57079632679489662f;
  const float z = a * a;
  const float sp = ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * a + a;
  const float cp =
      ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f) * z * z -
      0.5f * z + 1.0f;
  const bool swap = (q & 1) != 0;
  const float sv = swap ? cp : sp, cv = swap ? sp : cp;
  *s = (q & 2) != 0 ? -sv : sv;
  *c = ((q + 1) & 2) != 0 ? -cv : cv;
}

// Two standard normals from two words (Box-Muller in float32): u0 = (24 bits + 1) / 2^24 in
// (0, 1] (so |z| <= 5.77), u1 in [0, 1) from the second word.
ND_HD void box_muller_f32(uint32_t w0, uint32_t w1, float* z0, float* z1) {
  const float u0 = static_cast<float>(static_cast<int32_t>((w0 >> 8) + 1u)) * (1.0f / 16777216.0f);
  const float r = sqrtf(-2.0f * log_f32(u0));
  float s, c;
  sincos_2pi_f32(uniform_f32(w1), &s, &c);
  *z0 = r * c;
  *z1 = r * s;
}

}  // namespace nd::kern
