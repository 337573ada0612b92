// CPU pairwise scores out[i,j] = metric(x_i, y_j) (cosine_similarity, cdist, nearest, kmeans):
// a fused, register-tiled kernel -- rows of the smaller set stay in L1 while rows of the larger
// set stream past -- with AVX-512 or AVX2 FMA, whichever the CPU has (pairwise_tile.inc); float16
// and bfloat16 rows are widened to float32 as the tiles load them. Cosine norms are computed
// once per row in float64-safe form; pairs whose norms leave the safe float32 range are redone
// in float64, so huge or tiny vectors neither overflow nor underflow.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/isa.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/parallel.hpp"
#include "cpu/simd.hpp"
#include "nn_ops.hpp"

namespace nd::cpu {
namespace {

using kern::PairMetric;

// The job after host-side role assignment: `a` rows are the small tiled set, `b` rows stream.
struct Job {
  bool diff;  // euclidean: sum (a - b)^2; else the dot product
  int64_t na, nb, d;
  const float* a;
  int64_t as;
  const void* b;  // float, Float16 or BFloat16 rows (the tiles' B)
  int64_t bs;
};

// ---- the register tiles, one per ISA (pairwise_tile.inc), compiled for it whatever the build
// flags and chosen at run time ------------------------------------------------------------------
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,fma"))), apply_to = function)
#else
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positives in _mm512_reduce_add_ps
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
#endif
namespace avx512 {
inline __m512 load(const float* p) { return _mm512_loadu_ps(p); }
inline __m512 load(const Float16* p) {
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
inline __m512 load(const BFloat16* p) {  // the bits to the float's top half
  const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}
inline __m512 load_tail(const float* p, int n) {
  return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), p);
}
template <class H>
inline __m512 load_tail(const H* p, int n) {  // n < 16 values, the rest zero
  H t[16] = {};
  std::memcpy(t, p, n * sizeof(H));
  return load(t);
}
// Sum of squares of x[0, k) in float32 lanes, k = d rounded down to 32 (the rest is the caller's).
template <class B>
float sumsq_lanes(const B* x, int64_t d, int64_t& k) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  for (k = 0; k + 32 <= d; k += 32) {
    const __m512 v0 = load(x + k), v1 = load(x + k + 16);
    s0 = _mm512_fmadd_ps(v0, v0, s0);
    s1 = _mm512_fmadd_ps(v1, v1, s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}
// 8 a rows x 3 b rows = 24 accumulators (+ 3 loads + 1 temp of 32 zmm); leftover a rows (and
// the 1-query GEMV case) use 1 x 8, still 8 independent FMA chains.
#define ND_V __m512
#define ND_LANES 16
#define ND_ZERO() _mm512_setzero_ps()
#define ND_LOAD(p) _mm512_loadu_ps(p)
#define ND_LOAD_TAIL(p, n) load_tail(p, n)
#define ND_SUB(a, b) _mm512_sub_ps(a, b)
#define ND_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define ND_HSUM(v) _mm512_reduce_add_ps(v)
#define ND_TX 8
#define ND_TY 3
#define ND_TY1 8
#include "cpu/pairwise_tile.inc"
#undef ND_V
#undef ND_LANES
#undef ND_ZERO
#undef ND_LOAD
#undef ND_LOAD_TAIL
#undef ND_SUB
#undef ND_FMA
#undef ND_HSUM
#undef ND_TX
#undef ND_TY
#undef ND_TY1
}  // namespace avx512
#if defined(__clang__)
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#endif
namespace avx2 {
inline __m256 load(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load(const Float16* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
inline __m256 load(const BFloat16* p) {
  const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
inline __m256 load_tail(const float* p, int n) {  // n < 8 floats, the rest zero
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane));
}
template <class H>
inline __m256 load_tail(const H* p, int n) {
  H t[8] = {};
  std::memcpy(t, p, n * sizeof(H));
  return load(t);
}
inline float hsum(__m256 v) {  // a fixed tree: halves, then pairs
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
template <class B>
float sumsq_lanes(const B* x, int64_t d, int64_t& k) {
  __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  for (k = 0; k + 32 <= d; k += 32)
    for (int c = 0; c < 4; ++c) {
      const __m256 v = load(x + k + 8 * c);
      s[c] = _mm256_fmadd_ps(v, v, s[c]);
    }
  return hsum(_mm256_add_ps(_mm256_add_ps(s[0], s[2]), _mm256_add_ps(s[1], s[3])));
}
// 16 ymm registers: 4 a rows x 3 b rows = 12 accumulators + 3 loads + 1; leftover rows 1 x 4.
#define ND_V __m256
#define ND_LANES 8
#define ND_ZERO() _mm256_setzero_ps()
#define ND_LOAD(p) _mm256_loadu_ps(p)
#define ND_LOAD_TAIL(p, n) load_tail(p, n)
#define ND_SUB(a, b) _mm256_sub_ps(a, b)
#define ND_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define ND_HSUM(v) hsum(v)
#define ND_TX 4
#define ND_TY 3
#define ND_TY1 4
#include "cpu/pairwise_tile.inc"
#undef ND_V
#undef ND_LANES
#undef ND_ZERO
#undef ND_LOAD
#undef ND_LOAD_TAIL
#undef ND_SUB
#undef ND_FMA
#undef ND_HSUM
#undef ND_TX
#undef ND_TY
#undef ND_TY1
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- portable fallback: one pair at a time with 16-lane vectors ------------------------------
ND_SIMD_CLONES float pair_generic(const float* a, const float* b, int64_t d, bool diff) {
  using namespace simd;
  v16f acc{};
  int64_t k = 0;
  for (; k + 16 <= d; k += 16) {
    const v16f t = diff ? load(a + k) - load(b + k) : load(a + k);
    acc += diff ? t * t : t * load(b + k);
  }
  float s = hsum(acc);
  for (; k < d; ++k) s += diff ? (a[k] - b[k]) * (a[k] - b[k]) : a[k] * b[k];
  return s;
}

void block_generic(const Job& j, int64_t b0, int64_t b1, float* out, int64_t out_as, int64_t out_bs) {
  const float* b = static_cast<const float*>(j.b);
  for (int64_t bi = b0; bi < b1; ++bi)
    for (int64_t ai = 0; ai < j.na; ++ai)
      out[ai * out_as + bi * out_bs] = pair_generic(j.a + ai * j.as, b + bi * j.bs, j.d, j.diff);
}

// Norms, and the float64 redo for pairs outside the float32-safe range.
//
// |x| of a float32 or 16-bit row, the same arithmetic for both (so a 16-bit row's norm is that of
// its widened row) and for the tiled and streamed sets (so cosine(x, x) is symmetric): float32
// lanes, redone in float64 where the sum could have overflowed or lost digits to underflow.
template <class B>
double row_norm(const B* x, int64_t d, Isa isa) {
  int64_t k = 0;
  double s = 0;
  if (isa == Isa::avx512) s = avx512::sumsq_lanes(x, d, k);
  else if (isa == Isa::avx2) s = avx2::sumsq_lanes(x, d, k);
  for (; k < d; ++k) s += static_cast<double>(static_cast<float>(x[k])) * static_cast<float>(x[k]);
  if (!(s < 1e30 && (s > 1e-30 || s == 0))) {
    s = 0;
    for (k = 0; k < d; ++k) s += static_cast<double>(static_cast<float>(x[k])) * static_cast<float>(x[k]);
  }
  return std::sqrt(s);
}
template <class B>
double pair_f64(const float* a, const B* b, int64_t d, bool diff) {
  double s = 0;
  for (int64_t k = 0; k < d; ++k) {
    const double bk = static_cast<float>(b[k]);
    const double t = diff ? a[k] - bk : a[k] * bk;
    s += diff ? t * t : t;
  }
  return s;
}
bool safe_norm(double n) { return n >= 1e-15 && n <= 1e15; }

// n rows of a float32 or 16-bit float operand as float32 rows: float32 rows in place, 16-bit
// ones widened (exactly) into buf. Returns the first row; *stride gets the row stride.
const float* rows_f32(const void* base, DType t, int64_t row_stride, int64_t n, int64_t d,
                      std::vector<float>& buf, int64_t* stride) {
  if (t == DType::float32) {
    *stride = row_stride;
    return static_cast<const float*>(base);
  }
  const Opmath<float> half = opmath_of<float>(t);
  const int64_t bytes = row_stride * dtype_size(t);
  buf.resize(static_cast<size_t>(n * d));
  for (int64_t i = 0; i < n; ++i)
    half.widen(buf.data() + i * d, static_cast<const char*>(base) + i * bytes, d);
  *stride = d;
  return buf.data();
}

// float32 math over float32 or 16-bit float rows. The tiled set is widened once; the streamed
// set's 16-bit rows are widened as the tiles load them (AVX-512 / AVX2), so a 16-bit corpus costs
// half the memory traffic of a float32 one and is never converted; the portable loops widen a
// block at a time. Widening is exact: the scores are the widened rows' float32 scores.
template <class B>
void pairwise_rows(const PairwiseDesc& p, Job j, bool swap) {
  const auto metric = static_cast<PairMetric>(p.metric);
  auto* out = static_cast<float*>(p.out);
  const int64_t out_as = swap ? 1 : p.n, out_bs = swap ? p.n : 1;
  const Isa isa = cpu_isa();
  std::vector<double> na, nb;
  if (metric == PairMetric::cosine) {
    na.resize(j.na);
    nb.resize(j.nb);
    for (int64_t i = 0; i < j.na; ++i) na[i] = row_norm(j.a + i * j.as, j.d, isa);
  }
  const bool fused = isa != Isa::generic;  // else 16-bit rows are widened a block at a time
  constexpr int64_t kBlock = 63;  // streamed rows per chunk (3 x 21): 189 KiB at d = 768, in L2
  const int64_t nblocks = (j.nb + kBlock - 1) / kBlock;
  const int64_t work_per_block = kBlock * std::max<int64_t>(j.na * j.d, 1);
  parallel_for(nblocks, std::max<int64_t>(1, (1 << 17) / work_per_block), [&](int64_t c0, int64_t c1) {
    constexpr int64_t kAhead = 8;  // rows
    std::vector<float> buf;  // the portable loops' widened block
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t b0 = c * kBlock, b1 = std::min(j.nb, b0 + kBlock);
      Job jb = j;  // this block's rows, from 0
      jb.nb = b1 - b0;
      jb.b = static_cast<const B*>(j.b) + b0 * j.bs;
      if (!fused && !std::is_same_v<B, float>)
        jb.b = rows_f32(jb.b, dtype_v<B>, j.bs, jb.nb, j.d, buf, &jb.bs);
      // A pair redone in float64 from the rows as stored.
      auto redo = [&](int64_t ai, int64_t bi, bool diff) {
        const float* a = j.a + ai * j.as;
        return fused ? pair_f64(a, static_cast<const B*>(jb.b) + bi * jb.bs, j.d, diff)
                     : pair_f64(a, static_cast<const float*>(jb.b) + bi * jb.bs, j.d, diff);
      };
      float* o = out + b0 * out_bs;
      if (metric == PairMetric::cosine)  // also brings the block into cache for the tiles
        for (int64_t bi = 0; bi < jb.nb; ++bi) {
          if (fused) {  // one core's misses in flight: too few alone
            const char* next = reinterpret_cast<const char*>(static_cast<const B*>(jb.b) + (bi + kAhead) * jb.bs);
            for (int64_t at = 0; at < j.d * int64_t(sizeof(B)); at += 64) __builtin_prefetch(next + at);
            nb[b0 + bi] = row_norm(static_cast<const B*>(jb.b) + bi * jb.bs, j.d, isa);
          } else {
            nb[b0 + bi] = row_norm(static_cast<const float*>(jb.b) + bi * jb.bs, j.d, isa);
          }
        }
      if (!fused) block_generic(jb, 0, jb.nb, o, out_as, out_bs);
      else if (isa == Isa::avx512) avx512::block<B>(jb, 0, jb.nb, o, out_as, out_bs);
      else avx2::block<B>(jb, 0, jb.nb, o, out_as, out_bs);
      for (int64_t bi = 0; bi < jb.nb; ++bi)
        for (int64_t ai = 0; ai < j.na; ++ai) {
          float& r = o[ai * out_as + bi * out_bs];
          if (metric == PairMetric::cosine) {
            double dot = r;
            if (!safe_norm(na[ai]) || !safe_norm(nb[b0 + bi])) dot = redo(ai, bi, false);
            r = static_cast<float>(kern::cosine_finish(dot, na[ai], nb[b0 + bi], p.eps));
          } else if (metric == PairMetric::euclidean) {
            double s = r;
            if (!std::isfinite(s) || (s < 1e-30 && s != 0)) s = redo(ai, bi, true);
            r = static_cast<float>(std::sqrt(s));
          }
        }
    }
  });
}

void pairwise_f32(const PairwiseDesc& p) {
  // The larger set streams (and is split across cores); the smaller one is tiled in L1.
  const bool swap = p.m > p.n;
  const DType tiled_t = swap ? p.y_dtype : p.x_dtype, streamed_t = swap ? p.x_dtype : p.y_dtype;
  Job j{static_cast<PairMetric>(p.metric) == PairMetric::euclidean, swap ? p.n : p.m, swap ? p.m : p.n,
        p.d, nullptr, 0, swap ? p.x : p.y, swap ? p.x_row_stride : p.y_row_stride};
  std::vector<float> tiled;
  j.a = rows_f32(swap ? p.y : p.x, tiled_t, swap ? p.y_row_stride : p.x_row_stride, j.na, j.d, tiled, &j.as);
  if (streamed_t == DType::float16) pairwise_rows<Float16>(p, j, swap);
  else if (streamed_t == DType::bfloat16) pairwise_rows<BFloat16>(p, j, swap);
  else pairwise_rows<float>(p, j, swap);
}

void pairwise_f64(const PairwiseDesc& p) {
  const auto metric = static_cast<PairMetric>(p.metric);
  const auto* x = static_cast<const double*>(p.x);
  const auto* y = static_cast<const double*>(p.y);
  auto* out = static_cast<double*>(p.out);
  auto norm = [&](const double* v) {  // scaled: no overflow or underflow
    double scale = 0, s = 0;
    for (int64_t k = 0; k < p.d; ++k) scale = std::max(scale, std::fabs(v[k]));
    if (!(scale > 0) || !std::isfinite(scale)) return scale;
    for (int64_t k = 0; k < p.d; ++k) s += (v[k] / scale) * (v[k] / scale);
    return scale * std::sqrt(s);
  };
  parallel_for(p.m * p.n, 64, [&](int64_t e0, int64_t e1) {
    for (int64_t e = e0; e < e1; ++e) {
      const int64_t i = e / p.n, jj = e % p.n;
      const double* a = x + i * p.x_row_stride;
      const double* b = y + jj * p.y_row_stride;
      double s = 0;
      if (metric == PairMetric::euclidean) {
        for (int64_t k = 0; k < p.d; ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
        s = std::sqrt(s);
      } else if (metric == PairMetric::dot) {
        for (int64_t k = 0; k < p.d; ++k) s += a[k] * b[k];
      } else {
        const double na = norm(a), nb = norm(b);
        const double sa = std::max(na, p.eps), sb = std::max(nb, p.eps);
        for (int64_t k = 0; k < p.d; ++k) s += (a[k] / sa) * (b[k] / sb);  // pre-scaled: no overflow
        s = kern::cosine_finish(s, 1, 1, 0);
      }
      out[e] = s;
    }
  });
}

}  // namespace

void pairwise(const PairwiseDesc& p) {
  if (p.m == 0 || p.n == 0) return;
  if (p.d == 0) {  // empty vectors: dot 0, distance 0, cosine 0 / eps^2 = 0
    const int64_t total = p.m * p.n;
    ND_DISPATCH_FLOAT(p.dtype, T, "pairwise", std::fill_n(static_cast<T*>(p.out), total, T(0)));
    return;
  }
  ND_DISPATCH_FLOAT(p.dtype, T, "pairwise", if constexpr (std::is_same_v<T, float>) pairwise_f32(p);
                                            else pairwise_f64(p));
}

}  // namespace nd::cpu
