// float32 exp, log and sigmoid written as straight-line double arithmetic, so that CPU loops
// vectorise (no libm call, no branch) and CUDA runs the very same operations (bitwise-equal
// results). Accuracy, checked by tests/ops/test_fast_math.cpp against float64 libm over a dense
// sweep of float32 inputs: at most 1 ULP from the correctly rounded result, subnormals included.
#pragma once
#include <cstdint>
#include <cstring>

#include "common.hpp"

namespace nd::kern {

template <class To, class From>
ND_HD To bits_as(From x) {
  static_assert(sizeof(To) == sizeof(From));
  To y;
  memcpy(&y, &x, sizeof(To));
  return y;
}

// e^x for float32 work, in double: x = n ln2 + r with |r| <= ln2/2; the degree-8 Taylor
// polynomial of e^r has relative error < 2.5e-10 (0.004 ULP of float32). x is clamped to
// [-200, 200] (e^+-200 is far outside float32 yet inside double), so 2^n is always a normal double.
ND_HD double exp_core(double xd) {
  xd = xd < -200.0 ? -200.0 : xd;
  xd = xd > 200.0 ? 200.0 : xd;
  const double shifter = 0x1.8p52;  // adding it rounds to an integer held in the low mantissa bits
  const double t = xd * 1.4426950408889634 + shifter;
  const double n = t - shifter;
  const double r = xd - n * 0.6931471805599453;  // error <= 1e-14: far below float32's needs
  double p = 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^n from n's two's-complement bits in t's mantissa: (n + 1023) << 52 wraps the rest away.
  const uint64_t scale_bits = (bits_as<uint64_t>(t) + 1023) << 52;
  return p * bits_as<double>(scale_bits);
}

// Overflow, underflow and subnormal rounding all happen in the one final double -> float cast.
ND_HD float exp_f32(float x) {
  const float res = static_cast<float>(exp_core(x));
  return x != x ? x : res;
}

// 1 / (1 + e^-x) in double, rounded once: <= 1 ULP, subnormal tails included.
ND_HD float sigmoid_f32(float x) {
  const float res = static_cast<float>(1.0 / (1.0 + exp_core(-static_cast<double>(x))));
  return x != x ? x : res;
}

// log(x) = k ln2 + log(m), m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s), s = (m-1)/(m+1),
// |s| <= 0.172, series to s^11 (relative error < 1e-10).
ND_HD float log_f32(float x) {
  const uint32_t raw = bits_as<uint32_t>(x);
  const bool subnormal = raw < 0x00800000u;  // includes +0 (handled below)
  const float xs = subnormal ? x * 0x1p23f : x;
  uint32_t ix = bits_as<uint32_t>(xs) + (0x3f800000u - 0x3f3504f3u);
  const int32_t k = static_cast<int32_t>(ix >> 23) - 0x7f - (subnormal ? 23 : 0);
  ix = (ix & 0x007fffffu) + 0x3f3504f3u;
  const double f = static_cast<double>(bits_as<float>(ix)) - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s;
  double q = 1.0 / 11;
  q = q * z + 1.0 / 9;
  q = q * z + 1.0 / 7;
  q = q * z + 1.0 / 5;
  q = q * z + 1.0 / 3;
  const double log_m = 2.0 * s + 2.0 * s * (z * q);
  float res = static_cast<float>(static_cast<double>(k) * 0.6931471805599453 + log_m);
  const float inf = bits_as<float>(0x7f800000u);
  res = x == 0.0f ? -inf : res;
  res = x == inf ? inf : res;
  res = x < 0.0f ? bits_as<float>(0x7fc00000u) : res;
  return x != x ? x : res;
}

}  // namespace nd::kern
