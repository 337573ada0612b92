// The 6 x 16 AVX2 FMA micro-kernel of the CPU products that are not BLAS calls (today the fused
// attention, kernels/cpu/attention.cpp): 6 rows broadcast against a panel of 16 columns
// packed p-major (panel[p * 16 + c]), 12 accumulators + 2 panel loads + 1 broadcast = 15 ymm.
// Compiled for AVX2+FMA whatever the build flags; callers check the CPU first.
#pragma once
#include <immintrin.h>

#include <cstdint>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

namespace nd::cpu::panel {

constexpr int kLanes = 16;  // panel columns: two ymm registers
constexpr int kRows = 6;    // rows per micro-kernel call

// out[r * ld_out + c] = sum_p rows[r * ld_rows + p] * panel[p * 16 + c] for r < R, c < 16.
template <int R>
inline void rows_dot_panel(const float* rows, int64_t ld_rows, const float* panel, int64_t d, float* out,
                           int64_t ld_out) {
  __m256 acc[R][2];
#pragma GCC unroll 6  // acc stays in registers only when fully unrolled
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int64_t p = 0; p < d; ++p) {
    const __m256 b0 = _mm256_loadu_ps(panel + p * kLanes), b1 = _mm256_loadu_ps(panel + p * kLanes + 8);
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      const __m256 a = _mm256_broadcast_ss(rows + r * ld_rows + p);
      acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    _mm256_storeu_ps(out + r * ld_out, acc[r][0]);
    _mm256_storeu_ps(out + r * ld_out + 8, acc[r][1]);
  }
}

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

}  // namespace nd::cpu::panel

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
