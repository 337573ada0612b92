// The FMA micro-kernels of the CPU products that are not BLAS calls (today the fused attention,
// kernels/cpu/attention.cpp): kRows rows of A, each element broadcast, against a panel of kLanes
// columns read p-major (a packed panel, or kLanes columns of row-major rows). One per ISA, each
// compiled for it whatever the build flags; callers check the CPU first (cpu/isa.hpp).
//   avx2:   6 x 16 = 12 ymm accumulators + 2 panel loads + 1 broadcast (of 16 ymm)
//   avx512: 6 x 32 = 12 zmm accumulators + 2 panel loads + 1 broadcast (of 32 zmm): twice the
//           lanes per FMA; 8 loads per 12 FMAs as on AVX2
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace nd::cpu::panel {

constexpr int kRows = 6;  // rows per micro-kernel call, both ISAs

// Runs fn.template operator()<R>() for R = rows (1..kRows): a block's remainder rows.
template <class Fn>
inline void with_rows(int rows, Fn&& fn) {
  switch (rows) {
    case 6: fn.template operator()<6>(); break;
    case 5: fn.template operator()<5>(); break;
    case 4: fn.template operator()<4>(); break;
    case 3: fn.template operator()<3>(); break;
    case 2: fn.template operator()<2>(); break;
    default: fn.template operator()<1>(); break;
  }
}

// Both kernels: out[r * ld_out + c] (+)= sum_p a[r * a_row + p * a_step] * panel[p * ld_panel + c]
// for r < R and c < cols (kLanes unless kFull is false), p < depth. kAccumulate adds to out.

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
namespace avx2 {

constexpr int kLanes = 16;  // two ymm

inline __m256 tail_mask(int lanes) {  // the first `lanes` (< 8) lanes
  return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
}

template <int R, bool kAccumulate, bool kFull>
inline void rows_times_panel(const float* a, int64_t a_row, int64_t a_step, const float* panel, int64_t ld_panel,
                             int64_t depth, float* out, int64_t ld_out, int cols = kLanes) {
  const __m256 m0 = tail_mask(cols), m1 = tail_mask(cols - 8);
  auto load = [&](const float* p, int half) {
    if constexpr (kFull) return _mm256_loadu_ps(p + 8 * half);
    else return _mm256_maskload_ps(p + 8 * half, _mm256_castps_si256(half ? m1 : m0));
  };
  __m256 acc[R][2];
#pragma GCC unroll 6  // acc stays in registers only when fully unrolled
  for (int r = 0; r < R; ++r) {
    acc[r][0] = kAccumulate ? load(out + r * ld_out, 0) : _mm256_setzero_ps();
    acc[r][1] = kAccumulate ? load(out + r * ld_out, 1) : _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < depth; ++p) {
    const __m256 b0 = load(panel + p * ld_panel, 0), b1 = load(panel + p * ld_panel, 1);
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      const __m256 x = _mm256_broadcast_ss(a + r * a_row + p * a_step);
      acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    if constexpr (kFull) {
      _mm256_storeu_ps(out + r * ld_out, acc[r][0]);
      _mm256_storeu_ps(out + r * ld_out + 8, acc[r][1]);
    } else {
      _mm256_maskstore_ps(out + r * ld_out, _mm256_castps_si256(m0), acc[r][0]);
      _mm256_maskstore_ps(out + r * ld_out + 8, _mm256_castps_si256(m1), acc[r][1]);
    }
  }
}

}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx512f,fma"))), apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
#endif
namespace avx512 {

constexpr int kLanes = 32;  // two zmm

inline __mmask16 tail_mask(int lanes) {  // the first `lanes` lanes (none below 0, all from 16)
  return lanes <= 0 ? __mmask16(0) : lanes >= 16 ? __mmask16(0xffff) : __mmask16((1u << lanes) - 1);
}

template <int R, bool kAccumulate, bool kFull>
inline void rows_times_panel(const float* a, int64_t a_row, int64_t a_step, const float* panel, int64_t ld_panel,
                             int64_t depth, float* out, int64_t ld_out, int cols = kLanes) {
  const __mmask16 m0 = tail_mask(cols), m1 = tail_mask(cols - 16);
  auto load = [&](const float* p, int half) {
    if constexpr (kFull) return _mm512_loadu_ps(p + 16 * half);
    else return _mm512_maskz_loadu_ps(half ? m1 : m0, p + 16 * half);
  };
  __m512 acc[R][2];
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    acc[r][0] = kAccumulate ? load(out + r * ld_out, 0) : _mm512_setzero_ps();
    acc[r][1] = kAccumulate ? load(out + r * ld_out, 1) : _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < depth; ++p) {
    const __m512 b0 = load(panel + p * ld_panel, 0), b1 = load(panel + p * ld_panel, 1);
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      const __m512 x = _mm512_set1_ps(a[r * a_row + p * a_step]);
      acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    if constexpr (kFull) {
      _mm512_storeu_ps(out + r * ld_out, acc[r][0]);
      _mm512_storeu_ps(out + r * ld_out + 16, acc[r][1]);
    } else {
      _mm512_mask_storeu_ps(out + r * ld_out, m0, acc[r][0]);
      _mm512_mask_storeu_ps(out + r * ld_out + 16, m1, acc[r][1]);
    }
  }
}

}  // namespace avx512
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

}  // namespace nd::cpu::panel
