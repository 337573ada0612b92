// ndgpu's own float32 exp, log and sigmoid: straight-line float32 arithmetic with explicit fused
// multiply-adds, so that CPU loops vectorise 16 lanes per AVX-512 register (no libm call, no
// branch) and CUDA runs the very same IEEE operations. Bitwise-equal results everywhere: + - * /
// are never contracted (-ffp-contract=off, --fmad=false) and fmaf rounds once on every backend.
// The one float32 exp of the project: the elementwise ops and both softmax kernels call exp_f32.
// Accuracy, checked by tests/ops/test_fast_math.cpp against float64 libm over a dense sweep of
// float32 inputs: exp and log at most 1 ULP from the correctly rounded result, sigmoid at most 2
// ULP, subnormal inputs and results included.
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

// a * b + c rounded once. Inline vfmadd in CPU code compiled with FMA (the x86-64-v3/v4 clones);
// a libm call elsewhere (baseline clone, clang builds), still exact, so results never differ.
ND_HD float fma32(float a, float b, float c) {
#if defined(__CUDA_ARCH__)
  return ::fmaf(a, b, c);
#else
  return __builtin_fmaf(a, b, c);
#endif
}

// e^x. x is clamped to [-104, 89] (e^-104 rounds to 0, e^89 overflows), then x = n ln2 + r with
// |r| <= ln2/2: r - n*ln2_hi is exact under fma, so r carries one rounding. e^r = 1 + r + r^2 P(r),
// P of degree 4, minimax for relative error (2^-28.3). 2^n is applied in two halves so that every
// factor is a normal float: overflow gives +inf and underflow rounds once into the subnormals.
ND_HD float exp_f32(float x) {
  // The clamps on x's bits (one integer min each; a float select costs a compare and a blend):
  // unsigned, -inf and x < -104 become -104; signed, +inf and x > 89 become 89. NaN becomes one
  // of the two and is returned below.
  uint32_t xb = bits_as<uint32_t>(x);
  xb = xb < 0xc2d00000u ? xb : 0xc2d00000u;  // -104
  const int32_t xi = static_cast<int32_t>(xb) < 0x42b20000 ? static_cast<int32_t>(xb) : 0x42b20000;  // 89
  const float xc = bits_as<float>(xi);
  const float shifter = 0x1.8p23f;  // adding it rounds to an integer held in the low mantissa bits
  const float t = fma32(xc, 0x1.715476p+0f, shifter);  // x / ln2 + shifter
  const float n = t - shifter;
  float r = fma32(-n, 0x1.62e430p-1f, xc);  // ln2_hi = ln2 rounded to float
  r = fma32(-n, -0x1.05c610p-29f, r);       // ln2_lo = ln2 - ln2_hi
  float p = 0x1.6a2404p-10f;
  p = fma32(p, r, 0x1.123a00p-7f);
  p = fma32(p, r, 0x1.5558f2p-5f);
  p = fma32(p, r, 0x1.555492p-3f);
  p = fma32(p, r, 0x1.fffffcp-2f);
  const float y = 1.0f + fma32(p, r * r, r);  // in [0.70, 1.42]
  // n in [-150, 128] from t's low bits: t's bits << 23 is n << 23 (the shifter's bits shift out).
  // n1 = floor(n / 2) goes into y's exponent field (y * 2^n1 is a normal float), n2 = n - n1 in
  // [-75, 64] is a normal factor: the one multiply rounds once, overflowing or into subnormals.
  const uint32_t n_hi = bits_as<uint32_t>(t) << 23;
  const uint32_t n1_hi = static_cast<uint32_t>(static_cast<int32_t>(n_hi) >> 1) & 0xff800000u;
  const float y1 = bits_as<float>(bits_as<uint32_t>(y) + n1_hi);
  const float s2 = bits_as<float>(n_hi - n1_hi + 0x3f800000u);
  const float res = y1 * s2;
  return x != x ? x : res;
}

// 1 / (1 + e^-x), evaluated as 1 / (1 + e^-|x|) for x >= 0 and e^x / (1 + e^x) for x < 0: the
// exponential never overflows, the tails saturate to exactly 1 and reach the subnormals towards 0.
ND_HD float sigmoid_f32(float x) {
  const float e = exp_f32(-bits_as<float>(bits_as<uint32_t>(x) & 0x7fffffffu));
  const float res = (x < 0.0f ? e : 1.0f) / (1.0f + e);
  return x != x ? x : res;
}

// log(x) = k ln2 + log1p(f), 1 + f = m in [sqrt(1/2), sqrt(2)) (exact: m - 1 by Sterbenz).
// log1p(f) = f - f^2/2 + f^3 P(f), P of degree 7, minimax for relative error (2^-27.3); no division.
// The sum is ordered so that the large terms k*ln2_hi and f are added last, each rounding once.
ND_HD float log_f32(float x) {
  const uint32_t raw = bits_as<uint32_t>(x);
  const bool subnormal = raw < 0x00800000u;  // includes +0 (handled below)
  const float xs = subnormal ? x * 0x1p23f : x;
  const int32_t bias = subnormal ? 0x7f + 23 : 0x7f;
  uint32_t ix = bits_as<uint32_t>(xs) + (0x3f800000u - 0x3f3504f3u);
  const int32_t k = static_cast<int32_t>(ix >> 23) - bias;
  ix = (ix & 0x007fffffu) + 0x3f3504f3u;
  const float f = bits_as<float>(ix) - 1.0f;
  float p = -0x1.38c1a4p-4f;
  p = fma32(p, f, 0x1.05649cp-3f);
  p = fma32(p, f, -0x1.0d875ep-3f);
  p = fma32(p, f, 0x1.22d90ap-3f);
  p = fma32(p, f, -0x1.5471f6p-3f);
  p = fma32(p, f, 0x1.99a012p-3f);
  p = fma32(p, f, -0x1.000228p-2f);
  p = fma32(p, f, 0x1.555554p-2f);
  const float q = fma32(p, f, -0.5f);  // log1p(f) = f + f^2 q
  const float kf = static_cast<float>(k);
  const float small = fma32(f * f, q, kf * -0x1.05c610p-29f);
  float res = fma32(kf, 0x1.62e430p-1f, f + small);
  const float inf = bits_as<float>(0x7f800000u);
  // Outside (0, inf): log(+-0) = -inf, log(negative) = NaN, +inf and NaN map to themselves.
  float special = x < 0.0f ? bits_as<float>(0x7fc00000u) : x;
  special = x == 0.0f ? -inf : special;
  return raw - 1u < 0x7f7fffffu ? res : special;
}

}  // namespace nd::kern
