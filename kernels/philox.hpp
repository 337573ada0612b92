// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3") and the mapping
// from its words to each distribution, written once for both backends. Element i of a draw uses
// counter (stream offset + i), so results do not depend on how the work is split. Only integer
// ops and IEEE + - * / sqrt are used (no libm), so CPU and CUDA produce identical bits.
#pragma once
#include <math.h>

#include <cstdint>

#include "common.hpp"

namespace nd::kern {

struct Philox4 {
  uint32_t v[4];
};

ND_HD uint32_t mulhilo32(uint32_t a, uint32_t b, uint32_t* hi) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  return static_cast<uint32_t>(p);
}

ND_HD Philox4 philox4x32_10(uint64_t counter, uint64_t seed) {
  uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32);
  uint32_t c2 = 0, c3 = 0;
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    uint32_t hi0, hi1;
    uint32_t lo0 = mulhilo32(0xD2511F53u, c0, &hi0);
    uint32_t lo1 = mulhilo32(0xCD9E8D57u, c2, &hi1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

// Uniform in [0, 1): 24 bits for float, 53 for double.
ND_HD float uniform_f32(uint32_t w) { return static_cast<float>(w >> 8) * (1.0f / 16777216.0f); }
ND_HD double uniform_f64(uint32_t w0, uint32_t w1) {
  uint64_t bits = (static_cast<uint64_t>(w0) << 21) ^ (w1 >> 11);
  return static_cast<double>(bits & ((uint64_t(1) << 53) - 1)) * (1.0 / 9007199254740992.0);
}

// ln(x) for x in (0, 1], by exponent extraction and an atanh series (double, |err| < 1e-15).
ND_HD double det_log(double x) {
  int e = 0;
  while (x < 0.70710678118654752) { x *= 2.0; --e; }  // x in [1/sqrt2, sqrt2)
  double s = (x - 1.0) / (x + 1.0), s2 = s * s, term = s, sum = 0.0;
  for (int k = 1; k < 40; k += 2) {
    sum = sum + term / k;
    term = term * s2;
  }
  return 2.0 * sum + e * 0.69314718055994530942;
}

// cos(2*pi*u) for u in [0, 1), by reduction to the first octant and Taylor series.
ND_HD double det_cos_2pi(double u) {
  double t = u - static_cast<double>(static_cast<int64_t>(u));  // [0,1)
  if (t > 0.5) t = 1.0 - t;                                       // cos symmetric
  double sign = 1.0;
  if (t > 0.25) { t = 0.5 - t; sign = -1.0; }                     // cos(pi - a) = -cos a
  const double a = t * 6.283185307179586477;                      // [0, pi/2]
  const double a2 = a * a;
  double term = 1.0, sum = 0.0;
  for (int k = 0; k < 13; ++k) {  // pi/2 ^ 26 / 26! is far below double eps
    sum = sum + term;
    term = -term * a2 / ((2 * k + 1) * (2 * k + 2));
  }
  return sign * sum;
}

// One standard normal from two uniforms (Box-Muller, cosine branch); u0 in (0, 1].
ND_HD double box_muller(double u0, double u1) {
  double r2 = -2.0 * det_log(u0);
  return (r2 > 0 ? sqrt(r2) : 0.0) * det_cos_2pi(u1);
}

}  // namespace nd::kern
