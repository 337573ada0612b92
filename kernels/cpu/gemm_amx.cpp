// bfloat16 matrix products on AMX tiles (docs/blas.md, "bfloat16 on AMX"). One instruction
// multiplies a 16 x 32 tile of A by a 32 x 16 tile of B, stored as 16 rows of k pairs ("VNNI"
// order), into a 16 x 16 float32 tile of C: every product exact, the sums in float32. C comes in
// blocks of 32 x 32 (two tiles of A, two of B, four accumulators) over the whole k. B is packed
// once per product (pairs of k rows interleaved, k padded to 32 with zeros), A per block of 32
// rows; blocks of rows are spread over the pool.
#include "cpu/gemm_amx.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common.hpp"
#include "cpu/isa.hpp"
#include "cpu/loops.hpp"
#include "cpu/parallel.hpp"
#include "cpu/scratch.hpp"
#include "cpu/tile_stage.hpp"

// GCC on x86-64 Linux (target attributes; the tile state is granted by a Linux system call).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define ND_AMX 1
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace nd::cpu {

#if ND_AMX
namespace {

constexpr int64_t kBlock = 32;  // rows and columns of C per block: 2 x 2 tiles
constexpr int64_t kPanel = 16;  // columns of B per packed panel (one tile)
constexpr int64_t kKStep = 32;  // k per tile product

#define ND_AMX_TARGET __attribute__((target("amx-tile,amx-bf16,avx2")))

bool amx_usable() {
  static const bool ok = [] {
    if (cpu_isa() != Isa::avx512) return false;  // NDGPU_CPU_ISA=avx2 / generic: not taken
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool tile = d & (1u << 24), bf16 = d & (1u << 22);
    // Linux (5.16+) lends a process the tile registers' state on request:
    // arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA).
    constexpr long kReqXcompPerm = 0x1023, kXtileData = 18;
    return tile && bf16 && syscall(SYS_arch_prctl, kReqXcompPerm, kXtileData) == 0;
  }();
  return ok;
}

struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

// A stored bfloat16 matrix read as op(X): element (i, k).
struct Stored {
  const uint16_t* p;
  int64_t ld;
  bool trans;
  uint16_t at(int64_t i, int64_t k) const { return trans ? p[k * ld + i] : p[i * ld + k]; }
};

// Panel q of op(B) (columns 16q ..): kp rows of 16 (k pair) words, word c = B(2kp, j) | B(2kp + 1, j) << 16
// for j = 16q + c; zeros past k and n.
ND_AMX_TARGET void pack_b_panel(uint32_t* dst, const Stored& b, int64_t q, int64_t n, int64_t k, int64_t kp_count) {
  const int64_t j0 = q * kPanel, cols = std::min(kPanel, n - j0);
  if (!b.trans && cols == kPanel) {  // two rows of 16 contiguous values, interleaved
    for (int64_t kp = 0; kp < kp_count; ++kp) {
      const int64_t k0 = 2 * kp;
      const __m256i zero = _mm256_setzero_si256();
      const __m256i even = k0 < k ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.p + k0 * b.ld + j0)) : zero;
      const __m256i odd =
          k0 + 1 < k ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.p + (k0 + 1) * b.ld + j0)) : zero;
      // unpack interleaves within 128-bit halves: lo = columns 0-3 | 8-11, hi = 4-7 | 12-15.
      const __m256i lo = _mm256_unpacklo_epi16(even, odd), hi = _mm256_unpackhi_epi16(even, odd);
      __m256i* out = reinterpret_cast<__m256i*>(dst + kp * kPanel);
      _mm256_storeu_si256(out, _mm256_permute2x128_si256(lo, hi, 0x20));
      _mm256_storeu_si256(out + 1, _mm256_permute2x128_si256(lo, hi, 0x31));
    }
    return;
  }
  int64_t kp_done = 0;
  if (b.trans && cols == kPanel) {
    // Stored (n, k): a column's k pairs are adjacent 4-byte words, so 16 columns x 16 pairs is a
    // 16 x 16 transpose of words.
    for (; 2 * (kp_done + 16) <= k; kp_done += 16)
      transpose16x16(reinterpret_cast<const char*>(b.p + j0 * b.ld + 2 * kp_done), b.ld * 2,
                     reinterpret_cast<char*>(dst + kp_done * kPanel), kPanel * 4);
  }
  for (int64_t kp = kp_done; kp < kp_count; ++kp)
    for (int64_t c = 0; c < kPanel; ++c) {
      const int64_t j = j0 + c, k0 = 2 * kp;
      const uint32_t lo = c < cols && k0 < k ? b.at(k0, j) : 0, hi = c < cols && k0 + 1 < k ? b.at(k0 + 1, j) : 0;
      dst[kp * kPanel + c] = lo | hi << 16;
    }
}

// Rows [i0, i0 + 32) of op(A) in tile order (zeros past m and k): for each step of 32 k, the
// tile of rows 0-15, then that of rows 16-31, each 16 rows of 32 values (1 KiB, contiguous: the
// tile loads stream like B's).
void pack_a_block(uint16_t* dst, const Stored& a, int64_t i0, int64_t m, int64_t k, int64_t kpad) {
  if (a.trans && i0 + kBlock <= m && k % kKStep == 0) {
    // Stored (k, m): each 16 x 16 quarter of a tile is a transpose of 2-byte values.
    for (int64_t k0 = 0; k0 < kpad; k0 += kKStep)
      for (int half = 0; half < 2; ++half)
        for (int q = 0; q < 2; ++q)
          transpose16x16_2(reinterpret_cast<const char*>(a.p + (k0 + 16 * q) * a.ld + i0 + 16 * half), a.ld * 2,
                           reinterpret_cast<char*>(dst + (k0 / kKStep * 2 + half) * 16 * kKStep + 16 * q), kKStep * 2);
    return;
  }
  for (int64_t r = 0; r < kBlock; ++r) {
    const int64_t i = i0 + r;
    uint16_t* row = dst + (r / 16) * 16 * kKStep + (r % 16) * kKStep;  // tile (step 0, r / 16), row r % 16
    for (int64_t k0 = 0; k0 < kpad; k0 += kKStep, row += 2 * 16 * kKStep) {
      const int64_t len = i < m ? std::clamp<int64_t>(k - k0, 0, kKStep) : 0;
      if (!a.trans) std::memcpy(row, a.p + i * a.ld + k0, len * sizeof(uint16_t));
      else
        for (int64_t c = 0; c < len; ++c) row[c] = a.p[(k0 + c) * a.ld + i];
      std::memset(row + len, 0, (kKStep - len) * sizeof(uint16_t));
    }
  }
}

// Blocks of rows [rb0, rb1) of one product: C = alpha op(A) op(B), bp the packed panels (an even
// number of them), kpad k rounded up to 32.
ND_AMX_TARGET void row_blocks(int64_t rb0, int64_t rb1, const Stored& a, const uint32_t* bp, float* c, int64_t ldc,
                              int64_t m, int64_t n, int64_t k, int64_t kpad, float alpha) {
  TileConfig cfg;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  _tile_loadconfig(&cfg);
  // Up to 2 MiB of the chunk's blocks of A packed at a time; then each pair of B panels (k x 32)
  // meets every one of them in turn, so the pair stays in L1/L2 while the blocks stream past it
  // (the other order, or k in chunks, measured 5-25 % slower).
  Scratch<uint16_t> a_scratch;
  const int64_t block_words = kBlock * kpad, group = std::max<int64_t>(1, (int64_t{1} << 20) / block_words);
  uint16_t* ap = a_scratch.get(std::min(group, rb1 - rb0) * block_words);
  alignas(64) float cb[kBlock * kBlock];
  const int64_t panels = (n + kPanel - 1) / kPanel, pairs = (panels + 1) / 2, panel_words = kpad / 2 * kPanel;
  const int64_t c_stride = kBlock * sizeof(float);
  for (int64_t g0 = rb0; g0 < rb1; g0 += group) {
    const int64_t g1 = std::min(rb1, g0 + group);
    for (int64_t rb = g0; rb < g1; ++rb) pack_a_block(ap + (rb - g0) * block_words, a, rb * kBlock, m, k, kpad);
    for (int64_t p = 0; p < pairs; ++p) {
      const uint32_t* b0 = bp + 2 * p * panel_words;
      const uint32_t* b1 = b0 + panel_words;
      const int64_t j0 = p * kBlock, cols = std::min(kBlock, n - j0);
      for (int64_t rb = g0; rb < g1; ++rb) {
        const uint16_t* ab = ap + (rb - g0) * block_words;
        _tile_zero(0);
        _tile_zero(1);
        _tile_zero(2);
        _tile_zero(3);
        for (int64_t kk = 0; kk < kpad; kk += kKStep) {
          // Each load right after the last product that reads its tile's old value (tiles are not
          // renamed), so loads overlap the products.
          const uint16_t* at = ab + kk * 2 * 16;  // this step's two A tiles
          _tile_loadd(4, at, 64);
          _tile_loadd(6, b0 + kk / 2 * kPanel, 64);
          _tile_dpbf16ps(0, 4, 6);
          _tile_loadd(7, b1 + kk / 2 * kPanel, 64);
          _tile_dpbf16ps(1, 4, 7);
          _tile_loadd(5, at + 16 * kKStep, 64);
          _tile_dpbf16ps(2, 5, 6);
          _tile_dpbf16ps(3, 5, 7);
        }
        _tile_stored(0, cb, c_stride);
        _tile_stored(1, cb + 16, c_stride);
        _tile_stored(2, cb + 16 * kBlock, c_stride);
        _tile_stored(3, cb + 16 * kBlock + 16, c_stride);
        const int64_t i0 = rb * kBlock, rows = std::min(kBlock, m - i0);
        for (int64_t r = 0; r < rows; ++r) {
          float* out = c + (i0 + r) * ldc + j0;
          for (int64_t j = 0; j < cols; ++j) out[j] = alpha * cb[r * kBlock + j];
        }
      }
    }
  }
  _tile_release();
}

}  // namespace

bool amx_bf16_available() { return amx_usable(); }

bool amx_bf16_gemm(const GemmDesc& d) {
  // Packing B costs about what 64 rows of A multiply with it: smaller products keep the float32 path.
  if (d.ab_dtype != DType::bfloat16 || d.m < 64 || d.n < kBlock || d.k < kKStep || !amx_usable()) return false;
  const int64_t m = d.m, n = d.n, k = d.k, kpad = (k + kKStep - 1) / kKStep * kKStep;
  const int64_t panels = (n + kPanel - 1) / kPanel, panels_even = panels + (panels & 1);
  const int64_t panel_words = kpad / 2 * kPanel, row_blocks_count = (m + kBlock - 1) / kBlock;
  Scratch<uint32_t> b_scratch;
  uint32_t* bp = b_scratch.get(panels_even * panel_words);
  if (panels_even != panels) std::memset(bp + panels * panel_words, 0, panel_words * sizeof(uint32_t));
  const float alpha = static_cast<float>(d.alpha);
  for (int64_t e = 0; e < d.batch.numel(); ++e) {
    int64_t off[3];
    point_offsets(d.batch, d.batch_stride, e, off);
    const Stored a{static_cast<const uint16_t*>(d.a) + off[0], d.lda, d.trans_a};
    const Stored b{static_cast<const uint16_t*>(d.b) + off[1], d.ldb, d.trans_b};
    float* c = static_cast<float*>(d.c) + off[2];
    parallel_for(panels, 8, [&](int64_t q0, int64_t q1) {
      for (int64_t q = q0; q < q1; ++q) pack_b_panel(bp + q * panel_words, b, q, n, k, kpad / 2);
    });
    parallel_for(row_blocks_count, 1, [&](int64_t r0, int64_t r1) { row_blocks(r0, r1, a, bp, c, d.ldc, m, n, k, kpad, alpha); });
  }
  return true;
}

#else

bool amx_bf16_gemm(const GemmDesc&) { return false; }
bool amx_bf16_available() { return false; }

#endif

}  // namespace nd::cpu
