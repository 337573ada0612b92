// The conversions of opmath_convert.hpp. float16 <-> float32 uses F16C (on every AVX2 CPU):
// vcvtps2ph rounds to nearest even and quiets a NaN keeping its top payload bits, as
// nd::Float16's conversion does, and vcvtph2ps is exact, 8 values per instruction where the
// scalar conversion is a branchy bit shuffle. bfloat16 is integer arithmetic on the float's bits,
// which the compiler vectorises in the AVX-512 / AVX2 clones, as it does the integer widenings;
// narrowing to it takes AVX512_BF16's instruction where the CPU has it.
#include "cpu/opmath_convert.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "common.hpp"
#include "cpu/isa.hpp"
#include "cpu/simd.hpp"

namespace nd::cpu {
namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ND_F16C 1
// Elements a widening loop prefetches ahead: 16-bit loads keep half a float32 loop's misses in
// flight, too few for one core to stream from memory at its speed.
constexpr int64_t kAhead = 1024;
bool cpu_has_f16c() {
  static const bool has = cpu_isa() != Isa::generic && __builtin_cpu_supports("f16c");
  return has;
}
__attribute__((target("avx2,f16c"))) void narrow_f16c(Float16* o, const float* a, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(a + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i) o[i] = Float16(a[i]);
}
__attribute__((target("avx2,f16c"))) void widen_f16c(float* o, const Float16* a, int64_t n) {
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __builtin_prefetch(a + i + kAhead);
    for (int k = 0; k < 32; k += 8)
      _mm256_storeu_ps(o + i + k, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i + k))));
  }
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(o + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i))));
  for (; i < n; ++i) o[i] = a[i];
}
// The same with 16 values per instruction where the CPU has AVX-512 (vcvtph2ps / vcvtps2ph zmm).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12: _mm512_undefined_ps in the intrinsics
__attribute__((target("avx512f"))) void widen_f16_512(float* o, const Float16* a, int64_t n) {
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __builtin_prefetch(a + i + kAhead);
    for (int k = 0; k < 32; k += 16)
      _mm512_storeu_ps(o + i + k, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i + k))));
  }
  widen_f16c(o + i, a + i, n - i);
}
__attribute__((target("avx512f"))) void narrow_f16_512(Float16* o, const float* a, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + i), _mm512_cvtps_ph(_mm512_loadu_ps(a + i), _MM_FROUND_TO_NEAREST_INT));
  narrow_f16c(o + i, a + i, n - i);
}
#pragma GCC diagnostic pop
#endif

ND_SIMD_CLONES void widen_bf16(float* o, const BFloat16* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) o[i] = a[i];
}
ND_SIMD_CLONES void narrow_bf16(BFloat16* o, const float* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) o[i] = BFloat16(a[i]);
}

#if ND_F16C
// float32 -> bfloat16 by AVX512_BF16's vcvtne2ps2bf16, 32 values per instruction: it rounds to
// nearest even and quiets a NaN exactly as nd::BFloat16 does, but flushes zero-exponent inputs
// (subnormals) to zero, so a block holding one takes the scalar-formula loop (the same bits for
// every float32 pattern, checked exhaustively). 2.2x the compiler's loop on an L1-resident row.
bool cpu_has_avx512bf16() {
  static const bool has = cpu_isa() == Isa::avx512 && __builtin_cpu_supports("avx512bf16");
  return has;
}
__attribute__((target("avx512f,avx512bw,avx512bf16"))) void narrow_bf16_512(BFloat16* o, const float* a, int64_t n) {
  const __m512i exponent = _mm512_set1_epi32(0x7f800000);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 lo = _mm512_loadu_ps(a + i), hi = _mm512_loadu_ps(a + i + 16);
    if (_mm512_testn_epi32_mask(_mm512_castps_si512(lo), exponent) |
        _mm512_testn_epi32_mask(_mm512_castps_si512(hi), exponent)) {
      narrow_bf16(o + i, a + i, 32);
      continue;
    }
    _mm512_storeu_si512(o + i, reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(hi, lo)));
  }
  narrow_bf16(o + i, a + i, n - i);
}
#endif

template <class S, class M>
ND_SIMD_CLONES void widen_int(M* o, const void* in, int64_t n) {
  const S* a = static_cast<const S*>(in);
  for (int64_t i = 0; i < n; ++i) o[i] = static_cast<M>(a[i]);
}
template <class S, class M>
ND_SIMD_CLONES void narrow_int(void* out, const M* a, int64_t n) {
  S* o = static_cast<S*>(out);
  for (int64_t i = 0; i < n; ++i) o[i] = static_cast<S>(a[i]);  // the low bits
}

// Converts the elements before `o` reaches a cache line one by one (the scalar conversions give
// the same bits), then the rest by `vec`, whose vector stores then fill whole lines: a store
// split across two lines costs two, and float16 add on unaligned buffers ran 1.3x slower.
template <class O, class I, class Vec>
void line_aligned(O* o, const I* a, int64_t n, Vec vec) {
  const auto mis = static_cast<int64_t>(reinterpret_cast<uintptr_t>(o) & 63);
  const int64_t head = std::min<int64_t>(n, ((64 - mis) & 63) / static_cast<int64_t>(sizeof(O)));
  for (int64_t i = 0; i < head; ++i) o[i] = O(a[i]);
  vec(o + head, a + head, n - head);
}

template <class S>
void widen_half(float* o, const void* in, int64_t n) { widen(o, static_cast<const S*>(in), n); }
template <class S>
void narrow_half(void* out, const float* a, int64_t n) { narrow(static_cast<S*>(out), a, n); }

}  // namespace

template <class M>
Opmath<M> opmath_of(DType t) {
  Opmath<M> c;
  ND_DISPATCH_STORAGE(t, S, {
    if constexpr (std::is_same_v<kern::opmath_t<S>, M> && !std::is_same_v<S, M>) {
      c.dtype = t;
      if constexpr (is_half_v<S>) {
        c.widen = &widen_half<S>;
        c.narrow = &narrow_half<S>;
      } else {
        c.widen = &widen_int<S, M>;
        c.narrow = &narrow_int<S, M>;
      }
    }
  });
  if (!c.widen) kern::no_kernel("opmath conversion", t);
  return c;
}
template Opmath<float> opmath_of<float>(DType);
template Opmath<int32_t> opmath_of<int32_t>(DType);
template Opmath<int64_t> opmath_of<int64_t>(DType);

void widen(float* o, const Float16* a, int64_t n) {
  line_aligned(o, a, n, [](float* o, const Float16* a, int64_t n) {
#if ND_F16C
    if (cpu_isa() == Isa::avx512) return widen_f16_512(o, a, n);  // AVX-512 CPUs have F16C
    if (cpu_has_f16c()) return widen_f16c(o, a, n);
#endif
    for (int64_t i = 0; i < n; ++i) o[i] = a[i];
  });
}
void narrow(Float16* o, const float* a, int64_t n) {
  line_aligned(o, a, n, [](Float16* o, const float* a, int64_t n) {
#if ND_F16C
    if (cpu_isa() == Isa::avx512) return narrow_f16_512(o, a, n);
    if (cpu_has_f16c()) return narrow_f16c(o, a, n);
#endif
    for (int64_t i = 0; i < n; ++i) o[i] = Float16(a[i]);
  });
}
void widen(float* o, const BFloat16* a, int64_t n) { line_aligned(o, a, n, widen_bf16); }
void narrow(BFloat16* o, const float* a, int64_t n) {
  line_aligned(o, a, n, [](BFloat16* o, const float* a, int64_t n) {
#if ND_F16C
    if (cpu_has_avx512bf16()) return narrow_bf16_512(o, a, n);
#endif
    narrow_bf16(o, a, n);
  });
}

}  // namespace nd::cpu
