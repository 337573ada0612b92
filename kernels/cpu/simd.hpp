// Portable SIMD for the CPU row kernels: GCC/Clang vector extensions (16 x float32 = one AVX-512
// register, two AVX2 ones) plus the multiversioning attribute that compiles a hot function for
// AVX-512, AVX2 and baseline x86-64 and picks one at load time (no -march=native needed).
#pragma once
#include <cstdint>
#include <cstring>

#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments only cross always_inline helpers

// GCC only: clang rejects the 64-byte vector helpers in the baseline clone ("AVX vector return
// ... changes the ABI"), which broke every clang build (sanitizers, fuzzers).
#if defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) && !defined(NDGPU_NO_CLONES)
// The x86-64-v3/v4 levels include FMA, so kern::fma32 (fast_math.hpp) inlines as vfmadd there;
// -ffp-contract=off still keeps every other a * b + c unfused.
#define ND_SIMD_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ND_SIMD_CLONES
#endif
#define ND_VINLINE inline __attribute__((always_inline))
// For a lambda called inside an ND_SIMD_CLONES function: an out-of-line lambda is compiled once,
// for the baseline target (scripts/check_inlined.sh fails on one).
#define ND_CLONE_LAMBDA __attribute__((always_inline))

namespace nd::cpu::simd {

using v16f = float __attribute__((vector_size(64)));
using v16i = int32_t __attribute__((vector_size(64)));
constexpr int kLanes = 16;
// 32-byte vectors: one AVX2 register. Selects (a > b ? a : b) and long accumulations want these:
// GCC lowers a select on 64-byte vectors to scalar code with spills in the AVX2 clone.
using v8f = float __attribute__((vector_size(32)));
using v4d = double __attribute__((vector_size(32)));

ND_VINLINE v16f load(const float* p) {
  v16f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
ND_VINLINE void store(float* p, v16f v) { std::memcpy(p, &v, sizeof v); }
ND_VINLINE v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
ND_VINLINE v16f splat(float x) { return v16f{} + x; }

ND_VINLINE float hsum(v16f v) {
  float s = 0;  // fixed pairwise order over the lanes
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int l = 0; l < w; ++l) v[l] += v[l + w];
  s = v[0];
  return s;
}
// hsum of 16 lanes held as two 8-lane halves (lo, hi), in hsum's order: lo + hi, then halves
// within the vector.
ND_VINLINE float hsum(v8f lo, v8f hi) {
  v8f t = lo + hi;
  t = t + __builtin_shufflevector(t, t, 4, 5, 6, 7, 0, 1, 2, 3);
  t = t + __builtin_shufflevector(t, t, 2, 3, 0, 1, 6, 7, 4, 5);
  t = t + __builtin_shufflevector(t, t, 1, 0, 3, 2, 5, 4, 7, 6);
  return t[0];
}

}  // namespace nd::cpu::simd
