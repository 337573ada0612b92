// Staging a transposed operand's tile for the tiled walk (loops.hpp for_each_tile): a tile of
// kTileRows x kTileCols elements copied into a row-major L1 buffer, reading the operand along its
// own contiguous direction, by 16 x 16 register transposes where the element size has one.
#pragma once
#include <cstdint>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu/isa.hpp"

namespace nd::cpu {

constexpr int64_t kTileRows = 16, kTileCols = 64;

// dst[r * kTileCols + c] = src[r * so + c * si] (bytes) for r < rows, c < n; E is a type of the
// element's size.
template <class E>
void stage_in(E* dst, const char* src, int64_t rows, int64_t n, int64_t so, int64_t si) {
  for (int64_t c = 0; c < n; ++c)
    for (int64_t r = 0; r < rows; ++r) dst[r * kTileCols + c] = *reinterpret_cast<const E*>(src + r * so + c * si);
}
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push  // GCC 12: _mm512_undefined_epi32 inside the intrinsics
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// A 16 x 16 block of 4-byte elements transposed: sixteen 64-byte loads src + i * src_stride,
// three rounds of unpacks and lane shuffles in registers, sixteen stores dst + j * dst_stride.
__attribute__((target("avx512f"))) inline void transpose16x16(const char* src, int64_t src_stride, char* dst, int64_t dst_stride) {
  __m512i v[16], t[16];
  for (int i = 0; i < 16; ++i) v[i] = _mm512_loadu_si512(src + i * src_stride);
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_epi32(v[i], v[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi32(v[i], v[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    v[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
    v[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
    v[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
    v[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_i32x4(v[i], v[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_i32x4(v[i], v[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_i32x4(v[i + 8], v[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_i32x4(v[i + 8], v[i + 12], 0xdd);
  }
  for (int i = 0; i < 4; ++i) {
    v[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
    v[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
    v[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
    v[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xdd);
  }
  for (int j = 0; j < 16; ++j) _mm512_storeu_si512(dst + j * dst_stride, v[j]);
}
// The same for 2-byte elements in AVX2 registers (16 x 16 = 16 ymm) and 1-byte ones in SSE2
// registers (16 x 16 = 16 xmm): four rounds of unpacks (the last a lane swap for ymm); each
// output register holds one row, in order.
__attribute__((target("avx2"))) inline void transpose16x16_2(const char* src, int64_t src_stride, char* dst, int64_t dst_stride) {
  __m256i v[16], t[16];
  for (int i = 0; i < 16; ++i) v[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i * src_stride));
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm256_unpacklo_epi16(v[i], v[i + 1]);
    t[i + 1] = _mm256_unpackhi_epi16(v[i], v[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    v[i] = _mm256_unpacklo_epi32(t[i], t[i + 2]);
    v[i + 1] = _mm256_unpackhi_epi32(t[i], t[i + 2]);
    v[i + 2] = _mm256_unpacklo_epi32(t[i + 1], t[i + 3]);
    v[i + 3] = _mm256_unpackhi_epi32(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 16; i += 8)
    for (int k = 0; k < 4; ++k) {
      t[i + 2 * k] = _mm256_unpacklo_epi64(v[i + k], v[i + k + 4]);
      t[i + 2 * k + 1] = _mm256_unpackhi_epi64(v[i + k], v[i + k + 4]);
    }
  for (int k = 0; k < 8; ++k) {
    v[k] = _mm256_permute2x128_si256(t[k], t[k + 8], 0x20);
    v[k + 8] = _mm256_permute2x128_si256(t[k], t[k + 8], 0x31);
  }
  for (int j = 0; j < 16; ++j) _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + j * dst_stride), v[j]);
}
inline void transpose16x16_1(const char* src, int64_t src_stride, char* dst, int64_t dst_stride) {
  __m128i v[16], t[16];
  for (int i = 0; i < 16; ++i) v[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i * src_stride));
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm_unpacklo_epi8(v[i], v[i + 1]);
    t[i + 1] = _mm_unpackhi_epi8(v[i], v[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    v[i] = _mm_unpacklo_epi16(t[i], t[i + 2]);
    v[i + 1] = _mm_unpackhi_epi16(t[i], t[i + 2]);
    v[i + 2] = _mm_unpacklo_epi16(t[i + 1], t[i + 3]);
    v[i + 3] = _mm_unpackhi_epi16(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 16; i += 8)
    for (int k = 0; k < 4; ++k) {
      t[i + 2 * k] = _mm_unpacklo_epi32(v[i + k], v[i + k + 4]);
      t[i + 2 * k + 1] = _mm_unpackhi_epi32(v[i + k], v[i + k + 4]);
    }
  for (int k = 0; k < 8; ++k) {
    v[2 * k] = _mm_unpacklo_epi64(t[k], t[k + 8]);
    v[2 * k + 1] = _mm_unpackhi_epi64(t[k], t[k + 8]);
  }
  for (int j = 0; j < 16; ++j) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + j * dst_stride), v[j]);
}
// stage_in by such blocks: whole 16-row tiles of an operand contiguous down its columns (so =
// the element size); the other tiles by the scalar copy.
template <class E, class Transpose>
void stage_blocks(E* buf, const char* p, int64_t rows, int64_t n, int64_t so, int64_t si, Transpose transpose) {
  if (rows != 16 || so != static_cast<int64_t>(sizeof(E)) || n % 16) return stage_in(buf, p, rows, n, so, si);
  for (int64_t c = 0; c < n; c += 16) transpose(p + c * si, si, reinterpret_cast<char*>(buf + c), kTileCols * sizeof(E));
}
#pragma GCC diagnostic pop
#endif

// Whether an operand of this element size is staged: where a vector transpose exists (8-byte
// elements even by the scalar copy; the scalar copy lost to the body's own strided loop for the
// smaller ones). NDGPU_CPU_ISA=generic turns the staging of them off, avx2 that of 4-byte ones.
inline bool staged_size(int64_t esize) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  if (esize == 4) return cpu_isa() == Isa::avx512;
  if (esize < 4) return cpu_isa() != Isa::generic;
#endif
  return esize == 8;
}
inline void stage(void* buf, const char* p, int64_t esize, int64_t rows, int64_t n, int64_t so, int64_t si) {
  if (esize == 8) return stage_in(static_cast<uint64_t*>(buf), p, rows, n, so, si);
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  if (esize == 4) return stage_blocks(static_cast<uint32_t*>(buf), p, rows, n, so, si, transpose16x16);
  if (esize == 2) return stage_blocks(static_cast<uint16_t*>(buf), p, rows, n, so, si, transpose16x16_2);
  stage_blocks(static_cast<uint8_t*>(buf), p, rows, n, so, si, transpose16x16_1);
#endif
}

}  // namespace nd::cpu
