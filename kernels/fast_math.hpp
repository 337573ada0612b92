// ndgpu's own float32 math: straight-line float32 arithmetic with explicit fused multiply-adds,
// so that CPU loops vectorise (8 lanes per AVX2 register, 16 per AVX-512; no libm call, no
// branch) and CUDA runs the very same IEEE operations. Bitwise-equal results everywhere: + - * /
// are never contracted (-ffp-contract=off, --fmad=false) and fmaf rounds once on every backend.
// The one float32 exp of the project: the elementwise ops and both softmax kernels call exp_f32.
// Accuracy, checked by tests/ops/test_fast_math.cpp against float64 libm over a dense sweep of
// float32 inputs (every exponent, subnormals, both signs) plus special values, in ULP from the
// correctly rounded result: exp, log, expm1, log1p, log2, log10, sin, cos, pow at most 1;
// sigmoid and tanh at most 2; tan at most 3. sin / cos / tan reduce every finite float exactly
// (Cody-Waite below 2^17, a table-free Payne-Hanek in double above). float64 stays on libm (kernels/ops.hpp).
#pragma once
#include <cstdint>
#include <cstring>

#include "common.hpp"

// The functions below are inlined into the CPU loops whatever their size (a call would stop the
// loop vectorising: GCC declined to inline expm1_f32 into tanh's loop).
#if defined(__CUDACC__) || !defined(__GNUC__)
#define ND_FM ND_HD
#else
#define ND_FM inline __attribute__((always_inline))
#endif

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

ND_HD double fma64(double a, double b, double c) {  // the same for double (pow's internals)
#if defined(__CUDA_ARCH__)
  return ::fma(a, b, c);
#else
  return __builtin_fma(a, b, c);
#endif
}

// c ? a : b on the bits. With ?: GCC may sink an expensive arm's arithmetic into a branch (it
// could trap, so it is not speculated back) and the loop no longer vectorises.
ND_FM float select_bits(bool c, float a, float b) {
  const uint32_t m = 0u - static_cast<uint32_t>(c);
  return bits_as<float>((bits_as<uint32_t>(a) & m) | (bits_as<uint32_t>(b) & ~m));
}

// The reduction of exp, expm1 and tanh: x = n ln2 + r with |r| <= ln2/2 (for |x| < 2^22 ln2):
// r - n*ln2_hi is exact under fma, so r carries one rounding. Returns r; t = x / ln2 + 1.5 2^23
// holds n in its low mantissa bits (t's bits << 23 is n << 23, the shifter's bits shift out).
ND_FM float exp_reduce(float x, float& t) {
  const float shifter = 0x1.8p23f;  // adding it rounds to an integer held in the low mantissa bits
  t = fma32(x, 0x1.715476p+0f, shifter);
  const float n = t - shifter;
  const float r = fma32(-n, 0x1.62e430p-1f, x);  // ln2_hi = ln2 rounded to float
  return fma32(-n, -0x1.05c610p-29f, r);         // ln2_lo = ln2 - ln2_hi
}
// e^r = 1 + r + r^2 P(r) for |r| <= ln2/2, P of degree 4, minimax for relative error (2^-28.3);
// in [0.70, 1.42].
ND_FM float exp_poly(float r) {
  float p = 0x1.6a2404p-10f;
  p = fma32(p, r, 0x1.123a00p-7f);
  p = fma32(p, r, 0x1.5558f2p-5f);
  p = fma32(p, r, 0x1.555492p-3f);
  p = fma32(p, r, 0x1.fffffcp-2f);
  return 1.0f + fma32(p, r * r, r);
}
// expm1(r) = r + r^2 q(r) for |r| <= ln2/2, q the Taylor series to r^6/8! (relative truncation
// error 2^-30).
ND_FM float expm1_poly(float r) {
  float q = 0x1.a01a02p-16f;             // 1/8!
  q = fma32(q, r, 0x1.a01a02p-13f);      // 1/7!
  q = fma32(q, r, 0x1.6c16c2p-10f);      // 1/6!
  q = fma32(q, r, 0x1.111112p-7f);       // 1/5!
  q = fma32(q, r, 0x1.555556p-5f);       // 1/4!
  q = fma32(q, r, 0x1.555556p-3f);       // 1/3!
  q = fma32(q, r, 0.5f);
  return fma32(r * r, q, r);
}

// e^x. x is clamped to [-104, 89] (e^-104 rounds to 0, e^89 overflows), then reduced and its
// polynomial taken as above. 2^n is applied in two halves so that every factor is a normal
// float: overflow gives +inf and underflow rounds once into the subnormals.
ND_FM float exp_f32(float x) {
  // The clamps on x's bits (one integer min each; a float select costs a compare and a blend):
  // unsigned, -inf and x < -104 become -104; signed, +inf and x > 89 become 89. NaN becomes one
  // of the two and is returned below.
  uint32_t xb = bits_as<uint32_t>(x);
  xb = xb < 0xc2d00000u ? xb : 0xc2d00000u;  // -104
  const int32_t xi = static_cast<int32_t>(xb) < 0x42b20000 ? static_cast<int32_t>(xb) : 0x42b20000;  // 89
  float t;
  const float y = exp_poly(exp_reduce(bits_as<float>(xi), t));
  // n in [-150, 128] from t's low bits.
  // n1 = floor(n / 2) goes into y's exponent field (y * 2^n1 is a normal float), n2 = n - n1 in
  // [-75, 64] is a normal factor: the one multiply rounds once, overflowing or into subnormals.
  const uint32_t n_hi = bits_as<uint32_t>(t) << 23;
  const uint32_t n1_hi = static_cast<uint32_t>(static_cast<int32_t>(n_hi) >> 1) & 0xff800000u;
  const float y1 = bits_as<float>(bits_as<uint32_t>(y) + n1_hi);
  const float s2 = bits_as<float>(n_hi - n1_hi + 0x3f800000u);
  const float res = y1 * s2;
  return x != x ? x : res;
}

// exp_f32 for |x| < 86.5 (!exp_rare(x)): no clamps, no NaN test, and 2^n (n in [-125, 125]) added
// into y's exponent field in one integer add, since y 2^n is then a normal float; the same bits
// as exp_f32, whose two-step scaling is exact there. The CPU loops run it on blocks of such x
// (RareSplit, kernels/ops.hpp).
ND_FM bool exp_rare(float x) { return !((bits_as<uint32_t>(x) & 0x7fffffffu) < 0x42ad0000u); }  // 86.5
ND_FM float exp_f32_common(float x) {
  float t;
  const float y = exp_poly(exp_reduce(x, t));
  return bits_as<float>(bits_as<uint32_t>(y) + (bits_as<uint32_t>(t) << 23));
}

// 1 / (1 + e^-x), evaluated as 1 / (1 + e^-|x|) for x >= 0 and e^x / (1 + e^x) for x < 0: the
// exponential never overflows, the tails saturate to exactly 1 and reach the subnormals towards 0.
ND_FM float sigmoid_f32(float x) {
  const float e = exp_f32(-bits_as<float>(bits_as<uint32_t>(x) & 0x7fffffffu));
  const float res = (x < 0.0f ? e : 1.0f) / (1.0f + e);
  return x != x ? x : res;
}

// The core shared by the float32 logarithms: log1p(f) = f + f^2 q(f) for f in
// [sqrt(1/2) - 1, sqrt(2) - 1], P of degree 7, minimax (relative error of log1p(f): 2^-27.3).
ND_FM float log1p_core_q(float f) {
  float p = -0x1.38c1a4p-4f;
  p = fma32(p, f, 0x1.05649cp-3f);
  p = fma32(p, f, -0x1.0d875ep-3f);
  p = fma32(p, f, 0x1.22d90ap-3f);
  p = fma32(p, f, -0x1.5471f6p-3f);
  p = fma32(p, f, 0x1.99a012p-3f);
  p = fma32(p, f, -0x1.000228p-2f);
  p = fma32(p, f, 0x1.555554p-2f);
  return fma32(p, f, -0.5f);
}

// Splits a positive normal x into 2^(k + bias - 0x7f) m with m in [lo, 2 lo) (lo's bits; sqrt(1/2)
// unless said): returns f = m - 1, exact by Sterbenz for lo in [1/2, 1]. A bias above 0x7f undoes
// a scaling of x by 2^(bias - 0x7f) (the subnormals, scaled by 2^23).
ND_FM float log_split(float x, int32_t& k, int32_t bias = 0x7f, uint32_t lo = 0x3f3504f3u) {
  uint32_t ix = bits_as<uint32_t>(x) + (0x3f800000u - lo);
  k = static_cast<int32_t>(ix >> 23) - bias;
  ix = (ix & 0x007fffffu) + lo;
  return bits_as<float>(ix) - 1.0f;
}

// log(x) = k ln2 + log1p(f), 1 + f = m in [sqrt(1/2), sqrt(2)) (exact: m - 1 by Sterbenz).
// log1p(f) = f - f^2/2 + f^3 P(f), P of degree 7, minimax for relative error (2^-27.3); no division.
// The sum is ordered so that the large terms k*ln2_hi and f are added last, each rounding once.
// log_core takes x already scaled into the normal floats, with the exponent bias that undoes the
// scaling; log_f32_common is log_f32 for a positive normal finite x (!log_rare(x)): the same
// operations without the subnormal scaling and the special-value selects, so the CPU loops run it
// on blocks with no rare element (RareSplit, kernels/ops.hpp) at ~40 % fewer instructions.
ND_FM float log_core(float xs, int32_t bias) {
  int32_t k;
  const float f = log_split(xs, k, bias);
  const float q = log1p_core_q(f);  // log1p(f) = f + f^2 q
  const float kf = static_cast<float>(k);
  const float small = fma32(f * f, q, kf * -0x1.05c610p-29f);
  return fma32(kf, 0x1.62e430p-1f, f + small);
}
// Not a positive normal finite float: zero, subnormal, negative, inf, NaN.
ND_FM bool log_rare(float x) { return bits_as<uint32_t>(x) - 0x00800000u >= 0x7f000000u; }
ND_FM float log_f32_common(float x) { return log_core(x, 0x7f); }
ND_FM float log_f32(float x) {
  const uint32_t raw = bits_as<uint32_t>(x);
  const bool subnormal = raw < 0x00800000u;  // includes +0 (handled below)
  const float xs = subnormal ? x * 0x1p23f : x;
  const float res = log_core(xs, subnormal ? 0x7f + 23 : 0x7f);
  const float inf = bits_as<float>(0x7f800000u);
  // Outside (0, inf): log(+-0) = -inf, log(negative) = NaN, +inf and NaN map to themselves.
  float special = x < 0.0f ? bits_as<float>(0x7fc00000u) : x;
  special = x == 0.0f ? -inf : special;
  return raw - 1u < 0x7f7fffffu ? res : special;
}


// ---- expm1, tanh, log1p, log2, log10 -------------------------------------------------------

// e^x - 1. x = n ln2 + r (exp_reduce), then
// e^x - 1 = 2^n expm1(r) + (2^n - 1), computed as 2 * fma(2^(n-1), p, 2^(n-1) - 1/2) (p itself for n = 0) so that
// 2^(n-1) is a normal float for every n in [-87, 128] (x clamped to [-60, 89]: expm1(-60) rounds
// to -1, 89 overflows); the *2 is exact or overflows to +inf. n = 0 gives p itself, so small x
// keep full relative accuracy (expm1_poly). +-0 and NaN are returned as they are.
ND_FM float expm1_f32(float x) {
  uint32_t xb = bits_as<uint32_t>(x);
  xb = xb < 0xc2700000u ? xb : 0xc2700000u;  // -60 (and -inf, and the negative NaNs)
  const int32_t xi = static_cast<int32_t>(xb) < 0x42b20000 ? static_cast<int32_t>(xb) : 0x42b20000;  // 89
  float t;
  const float p = expm1_poly(exp_reduce(bits_as<float>(xi), t));
  const float n = t - 0x1.8p23f;
  // 2^(n-1) from t's low bits (n - 1 in [-88, 127]: a normal float).
  const uint32_t n_hi = bits_as<uint32_t>(t) << 23;
  const float s = bits_as<float>(n_hi + (0x3f800000u - 0x00800000u));
  const float res = select_bits(n == 0.0f, p, 2.0f * fma32(s, p, s - 0.5f));
  return ((x != x) | (x == 0.0f)) ? x : res;
}

// tanh(x) = sign(x) t / (t + 2), t = expm1(2|x|): no cancellation anywhere, so one formula holds
// from the subnormals (t = 2|x| exactly, the quotient |x|) to the saturation (|x| clamped to 9.5,
// where tanh rounds to 1). NaN and +-0 are returned as they are, +-inf give +-1.
// expm1 is expm1_f32's on the known range 2|x| in [0, 19]: n in [0, 28], so 2^n and (for n <= 24)
// 2^n - 1 are exact floats and t = fma(2^n, p, 2^n - 1) needs neither the halving nor the n = 0
// select (n = 0 gives p itself); no clamp, no NaN test (NaN's bits clamp to 9.5 above).
ND_FM float tanh_f32(float x) {
  const uint32_t xb = bits_as<uint32_t>(x);
  const uint32_t ab = xb & 0x7fffffffu;
  const float a = bits_as<float>(ab < 0x41180000u ? ab : 0x41180000u);  // min(|x|, 9.5)
  float tn;
  const float p = expm1_poly(exp_reduce(a + a, tn));
  const float s = bits_as<float>((bits_as<uint32_t>(tn) << 23) + 0x3f800000u);  // 2^n
  const float t = fma32(s, p, s - 1.0f);
  const float y = t / (t + 2.0f);
  const float res = bits_as<float>(bits_as<uint32_t>(y) | (xb & 0x80000000u));
  return x != x ? x : res;
}



// log(1 + x). u = 1 + x rounds; its error c = (1 + x) - u is exact (TwoSum). u = 2^k (1 + f),
// so 1 + x = 2^k (1 + f + d), d = c 2^-k, and log(1 + x) = k ln2 + log1p(f) + d / (1 + f) up to
// d^2 (d is below 2^-24 (1 + f)); 1 / (1 + f) is taken as 1 - f + f^2 (relative error f^3 on a
// term below half an ULP). For |x| < 2^-25, u = 1 and the result is d = x exactly.
ND_FM float log1p_f32(float x) {
  const float u = 1.0f + x;
  const float bb = u - 1.0f;
  const float c = (1.0f - (u - bb)) + (x - bb);  // TwoSum(1, x): exact error of u
  int32_t k;
  const float f = log_split(u, k);               // u >= 2^-24: a normal float
  const int32_t kc = k < 126 ? k : 126;
  const float d = c * bits_as<float>(static_cast<uint32_t>(0x7f - kc) << 23);  // c * 2^-k
  const float q = log1p_core_q(f);
  const float kf = static_cast<float>(k);
  const float corr = fma32(d, fma32(f, f, -f), d);  // d (1 - f + f^2)
  const float small = fma32(f * f, q, fma32(kf, -0x1.05c610p-29f, corr));
  const float res = fma32(kf, 0x1.62e430p-1f, f + small);
  // Outside (-1, inf): log1p(-1) = -inf, below -1 NaN, +inf and NaN themselves; +-0 kept.
  const float inf = bits_as<float>(0x7f800000u);
  float special = x < -1.0f ? bits_as<float>(0x7fc00000u) : x;
  special = x == -1.0f ? -inf : special;
  const bool regular = (x > -1.0f) & (x < inf) & (x != 0.0f);
  return regular ? res : special;
}

// Positive normal or subnormal x to (k, f) as in log_f32; the specials as log's.
ND_FM float log_special(float x) {
  const float inf = bits_as<float>(0x7f800000u);
  float special = x < 0.0f ? bits_as<float>(0x7fc00000u) : x;
  return x == 0.0f ? -inf : special;
}

// x = 2^k (1 + f) for log2 and log10: kf = k as a float, s = log1p(f) - f. Meaningful for a
// positive finite x (log_regular; else the result is log_special(x)). Floats only: with a bool
// member GCC no longer vectorised the loops that call it. log_parts_core takes x scaled as
// log_core does; the *_common forms are for a positive normal finite x (!log_rare(x)).
struct LogParts {
  float f, kf, s;
};
ND_FM bool log_regular(float x) { return bits_as<uint32_t>(x) - 1u < 0x7f7fffffu; }
ND_FM LogParts log_parts_core(float xs, int32_t bias) {
  int32_t k;
  const float f = log_split(xs, k, bias);
  return {f, static_cast<float>(k), f * f * log1p_core_q(f)};
}
ND_FM LogParts log_parts(float x) {
  const bool subnormal = bits_as<uint32_t>(x) < 0x00800000u;
  // as log_f32: selects GCC vectorises
  return log_parts_core(subnormal ? x * 0x1p23f : x, subnormal ? 0x7f + 23 : 0x7f);
}

// log2(x) = k + log1p(f) log2(e): log2(e) in two parts, the small terms summed first and
// k added last, so exact powers of two give k exactly.
ND_FM float log2_from(const LogParts& p) {
  const float t = fma32(p.s, 0x1.715476p+0f, p.f * 0x1.4ae0c0p-26f);  // s log2e + f log2e_lo
  return p.kf + fma32(p.f, 0x1.715476p+0f, t);
}
ND_FM float log2_f32_common(float x) { return log2_from(log_parts_core(x, 0x7f)); }
ND_FM float log2_f32(float x) {
  const float res = log2_from(log_parts(x));
  return log_regular(x) ? res : log_special(x);
}

// log10(x) = k log10(2) + log1p(f) log10(e), each constant in two parts.
ND_FM float log10_from(const LogParts& p) {
  float t = fma32(p.s, 0x1.bcb7b2p-2f, p.f * -0x1.5b235ep-27f);  // log10e_hi, log10e_lo
  t = fma32(p.kf, -0x1.ec10c0p-27f, t);                            // log10(2)_lo
  return fma32(p.kf, 0x1.344136p-2f, fma32(p.f, 0x1.bcb7b2p-2f, t));
}
ND_FM float log10_f32_common(float x) { return log10_from(log_parts_core(x, 0x7f)); }
ND_FM float log10_f32(float x) {
  const float res = log10_from(log_parts(x));
  return log_regular(x) ? res : log_special(x);
}

// ---- sin, cos, tan ---------------------------------------------------------------------------

ND_FM double rint64(double x) {
#if defined(__CUDA_ARCH__)
  return ::rint(x);
#else
  return __builtin_rint(x);
#endif
}

// One product of the exact large-argument reduction: p = x * c (exact: 24 x 24 bits) reduced
// mod 4 (exact), added into hi + lo by TwoSum (exact).
ND_FM void trig_acc(double xd, double c, double& hi, double& lo) {
  double p = xd * c;
  p -= 4.0 * rint64(p * 0.25);
  const double s = hi + p;
  const double bb = s - hi;
  lo += (hi - (s - bb)) + (p - bb);
  hi = s;
}

// x = n pi/2 + r, |r| <= pi/4 (+ a rounding): each reduction returns r, and n mod 4 in quad.
// |x| < 2^17 (trig_small): Cody-Waite in float, pi/2 in three parts, one fma per step.
ND_FM float trig_reduce_small(float x, uint32_t& quad) {
  const float shifter = 0x1.8p23f;
  const float t = fma32(x, 0x1.45f306p-1f, shifter);
  const float n = t - shifter;
  float r = fma32(-n, 0x1.921fb6p+0f, x);
  r = fma32(-n, -0x1.777a5cp-25f, r);
  r = fma32(-n, -0x1.ee59dap-50f, r);
  quad = bits_as<uint32_t>(t) & 3u;  // t holds 2^22 + n in its low bits: n mod 4
  return r;
}
// Every finite float: Payne-Hanek without a table, in double. 2/pi as 8 chunks of 24 bits (bits 1
// to 192); x times each chunk is exact, reduced mod 4 exactly and summed in double-double; the
// integer part is removed exactly, so the fraction x 2/pi - n keeps ~100 bits even after the
// deepest cancellation a float allows (29 bits below the point). Straight-line, but ~90 double
// operations: the CPU loops run it only for blocks holding such an argument (see trig_small).
ND_HD float trig_reduce_big(float x, uint32_t& quad) {
  const double xd = x - x == 0.0f ? x : 0.0;  // inf and NaN reduce 0 (the result is NaN anyway)
  double hi = 0.0, lo = 0.0;
  trig_acc(xd, 0x1.45f306p-1, hi, lo);
  trig_acc(xd, 0x1.b93910p-26, hi, lo);
  trig_acc(xd, 0x1.529fc0p-52, hi, lo);
  trig_acc(xd, 0x1.3abe88p-75, hi, lo);
  trig_acc(xd, 0x1.ea69bap-97, hi, lo);
  trig_acc(xd, 0x1.81b6c4p-121, hi, lo);
  trig_acc(xd, 0x1.2b3278p-145, hi, lo);
  trig_acc(xd, 0x1.0e4104p-170, hi, lo);
  const double nb = rint64(hi);  // |hi| <= 16
  const double f = (hi - nb) + lo;
  quad = static_cast<uint32_t>(static_cast<int32_t>(nb)) & 3u;
  return static_cast<float>(f * 0x1.921fb54442d18p+0);
}
// Does x need the large reduction (|x| >= 2^17, inf, NaN)?
ND_FM bool trig_big(float x) { return (bits_as<uint32_t>(x) & 0x7fffffffu) >= 0x48000000u; }

// sin(r) = r + r^3 S(r^2) (minimax, relative 2^-37 on |r| <= 0.8), cos(r) = 1 - r^2/2 + r^4 C(r^2)
// (2^-32.7).
ND_FM float sin_poly(float r) {
  const float z = r * r;
  float s = 0x1.6c9dc8p-19f;
  s = fma32(s, z, -0x1.a00ea0p-13f);
  s = fma32(s, z, 0x1.111108p-7f);
  s = fma32(s, z, -0x1.555556p-3f);
  return fma32(r * z, s, r);
}
ND_FM float cos_poly(float r) {
  const float z = r * r;
  float c = 0x1.99ab04p-16f;
  c = fma32(c, z, -0x1.6c0b52p-10f);
  c = fma32(c, z, 0x1.555548p-5f);
  return fma32(z * z, c, fma32(-0.5f * r, r, 1.0f));
}

// sin, cos, tan from the reduced r and the quadrant: +-sin_poly or +-cos_poly (tan: their
// quotient). +-0 kept (sin, tan), inf and NaN give NaN. The *_small forms hold for
// !trig_big(x) and are what the CPU loops vectorise; sin_f32 / cos_f32 / tan_f32 pick the
// reduction per element (a branch: CUDA runs it as is, CPU loops only on blocks with a big x).
ND_FM float sin_finish(float x, float r, uint32_t q) {
  const float y = select_bits(q & 1u, cos_poly(r), sin_poly(r));
  const float res = bits_as<float>(bits_as<uint32_t>(y) ^ ((q & 2u) << 30));
  const float special = x - x;  // 0 for finite, NaN for inf and NaN
  return select_bits(special != 0.0f, special, select_bits(x == 0.0f, x, res));
}
ND_FM float tan_finish(float x, float r, uint32_t q) {
  const float s = sin_poly(r), c = cos_poly(r);
  const bool odd = q & 1u;  // tan = s / c on even quadrants, -c / s on odd ones
  const float res = select_bits(odd, -c, s) / select_bits(odd, s, c);
  const float special = x - x;
  return select_bits(special != 0.0f, special, select_bits(x == 0.0f, x, res));
}
ND_FM float sin_f32_small(float x) {
  uint32_t q;
  const float r = trig_reduce_small(x, q);
  return sin_finish(x, r, q);
}
ND_FM float cos_f32_small(float x) {  // cos(x) = sin(x + pi/2): quadrant + 1, never -0
  uint32_t q;
  const float r = trig_reduce_small(x, q);
  return sin_finish(1.0f, r, q + 1u) + (x - x);
}
ND_FM float tan_f32_small(float x) {
  uint32_t q;
  const float r = trig_reduce_small(x, q);
  return tan_finish(x, r, q);
}
ND_HD float sin_f32(float x) {
  if (!trig_big(x)) return sin_f32_small(x);
  uint32_t q;
  const float r = trig_reduce_big(x, q);
  return sin_finish(x, r, q);
}
ND_HD float cos_f32(float x) {
  if (!trig_big(x)) return cos_f32_small(x);
  uint32_t q;
  const float r = trig_reduce_big(x, q);
  return sin_finish(1.0f, r, q + 1u) + (x - x);
}
ND_HD float tan_f32(float x) {
  if (!trig_big(x)) return tan_f32_small(x);
  uint32_t q;
  const float r = trig_reduce_big(x, q);
  return tan_finish(x, r, q);
}

// ---- pow ------------------------------------------------------------------------------------

// The pairs pow_f32_common does not take: x not a positive normal float, or y not finite. Their
// results are IEEE's special cases (signs, 0, inf, NaN, 1), which every powf gives exactly.
ND_FM bool pow_f32_rare(float x, float y) {
  const bool y_finite = (bits_as<uint32_t>(y) & 0x7fffffffu) < 0x7f800000u;
  return !(x >= 0x1p-126f && x <= 0x1.fffffep127f) | !y_finite;
}

// x^y = 2^(y log2 x) in double for x a positive normal float and y finite. x = 2^k 2^h (1 + u)
// with h in {0, 1/2} and u in [2^-1/4 - 1, 2^1/4 - 1]; log2(1 + u) = u P(u), P of degree 9 (no
// division: a double division per element was a third of the time). t = y (k + h + u P(u)),
// clamped to [-200, 200] (past float's range either way); 2^t = 2^n E(g) with n = rint(t),
// g = t - n in [-1/2, 1/2], E of degree 7. P and E are near-minimax for relative error (2^-37.8
// and 2^-34.5; scripts/fit_pow_poly.py fits them). |log2(1 + u)| <= 1/4 <= |k + h + log2(1 + u)|
// unless k + h = 0, so |y u P(u)| <= |t| and t's error stays below 2^-30: the double is within
// 2^-29.5 of x^y and its rounding to float is the correctly rounded result or its neighbour: at
// most 1 ULP (tests/ops/test_fast_math.cpp); overflow to inf and underflow into the subnormals
// round once. Polynomials in Estrin's form (a Horner chain's latency left the loop at a quarter of
// its throughput) with explicit fma64 (rounds once everywhere), no contraction: the same bits on
// CPU and CUDA. The clamp works on t's bits (as exp_f32's): with ?: GCC specialised the
// polynomials for the clamped lanes and ran out of registers.
ND_FM float pow_f32_common(float x, float y) {
  // x = 2^k (1 + f), 1 + f in [2^-1/4, 2^3/4) (log_split with another boundary), then 1 + f = 2^h (1 + u): h = 0 and u = f exactly up to
  // 2^1/4, so log2 keeps its relative accuracy near x = 1 and is exact for powers of two (x = 1,
  // y = 1e20 gives 1), h = 1/2 above. One select each (two boundaries made GCC spill).
  int32_t k;
  const float f = log_split(x, k, 0x7f, 0x3f5744fdu);  // lo = 2^-1/4
  const float kf = static_cast<float>(k);
  const bool up = f > 0x1.837f04p-3f;  // 2^1/4 - 1 rounded down
  const double c = up ? 0x1.6a09e667f3bcdp-1 : 1.0;  // 2^-1/2
  const double h = up ? 0.5 : 0.0;
  const double u = fma64(1.0 + static_cast<double>(f), c, -1.0);
  const double u2 = u * u, u4 = u2 * u2;
  const double a01 = fma64(-0x1.7154765093e46p-1, u, 0x1.71547652bce94p+0);
  const double a23 = fma64(-0x1.71547f106205bp-2, u, 0x1.ec709d45c632dp-2);
  const double a45 = fma64(-0x1.ec6759eae157ap-3, u, 0x1.27774fe6548dep-2);
  const double a67 = fma64(-0x1.7307487566da0p-3, u, 0x1.a5a9114439584p-3);
  const double a89 = fma64(-0x1.13fe703d61b2ap-3, u, 0x1.5a86bb04297ccp-3);
  const double a07 = fma64(fma64(a67, u2, a45), u4, fma64(a23, u2, a01));
  const double log2u = u * fma64(a89, u4 * u4, a07);  // log2(1 + u)
  const double t0 = static_cast<double>(y) * (static_cast<double>(kf) + h + log2u);
  uint64_t tb = bits_as<uint64_t>(t0);
  tb = tb < 0xc069000000000000ull ? tb : 0xc069000000000000ull;  // max(t, -200)
  const int64_t ti = static_cast<int64_t>(tb);
  const double t = bits_as<double>(ti < 0x4069000000000000ll ? ti : 0x4069000000000000ll);  // min(t, 200)
  // n = rint(t) by the shifter (t + 1.5 2^52 rounds to an integer held in the low mantissa bits),
  // and 2^n from those bits: integer vector ops only (double -> int64 has no AVX2 instruction).
  const double shifted = t + 0x1.8p52;
  const double n = shifted - 0x1.8p52;
  const double g = t - n, g2 = g * g, g4 = g2 * g2;
  const double e01 = fma64(0x1.62e42ff1162fap-1, g, 0x1.ffffffffabbbdp-1);
  const double e23 = fma64(0x1.c6b08aaf2223ep-5, g, 0x1.ebfbe0a4bf0fap-3);
  const double e45 = fma64(0x1.5d8a7093ea54cp-10, g, 0x1.3b29dc4050b2cp-7);
  const double e67 = fma64(0x1.fe1777dc7544bp-17, g, 0x1.446a20483ef22p-13);
  const double e = fma64(fma64(e67, g2, e45), g4, fma64(e23, g2, e01));
  const double scale = bits_as<double>((bits_as<uint64_t>(shifted) + 1023) << 52);
  return static_cast<float>(e * scale);
}

}  // namespace nd::kern
