// CPU pairwise scores out[i,j] = metric(x_i, y_j) (cosine_similarity, cdist, nearest, kmeans):
// a fused, register-tiled kernel -- 6 rows of the smaller set stay in L1 while 4 rows of the
// larger set stream past -- with AVX-512 FMA when the CPU has it. Cosine norms are computed
// once per row in float64-safe form; pairs whose norms leave the safe float32 range are redone
// in float64, so huge or tiny vectors neither overflow nor underflow.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/parallel.hpp"
#include "cpu/simd.hpp"
#include "nn_ops.hpp"

namespace nd::cpu {
namespace {

using kern::PairMetric;
// Register tiles: 8 `a` rows x 3 `b` rows = 24 accumulators (+ 3 loads + 1 temp of 32 zmm);
// leftover `a` rows (and the 1-query GEMV case) use 1 x 8, still 8 independent FMA chains.
constexpr int kTileX = 8, kTileY = 3;

// The job after host-side role assignment: `a` rows are the small tiled set, `b` rows stream.
struct Job {
  bool diff;  // euclidean: sum (a - b)^2; else the dot product
  int64_t na, nb, d;
  const float* a;
  int64_t as;
  const float* b;
  int64_t bs;
};

// ---- AVX-512 tile (compiled for avx512f + fma whatever the build flags) -----------------------
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,fma"))), apply_to = function)
#else
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in _mm512_reduce_add_ps
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
#endif

template <bool kDiff, int TX, int TY>
void tile_avx512(const float* const* ar, const float* const* br, int64_t d, float* res, int64_t res_as,
                 int64_t res_bs, int nx, int ny) {
  __m512 acc[TX][TY];
  for (int q = 0; q < TX; ++q)
    for (int r = 0; r < TY; ++r) acc[q][r] = _mm512_setzero_ps();
  auto step = [&](auto load) {
    __m512 bv[TY];
    for (int r = 0; r < TY; ++r) bv[r] = load(br[r]);
    for (int q = 0; q < TX; ++q) {
      const __m512 av = load(ar[q]);
      for (int r = 0; r < TY; ++r) {
        if constexpr (kDiff) {
          const __m512 t = _mm512_sub_ps(av, bv[r]);
          acc[q][r] = _mm512_fmadd_ps(t, t, acc[q][r]);
        } else {
          acc[q][r] = _mm512_fmadd_ps(av, bv[r], acc[q][r]);
        }
      }
    }
  };
  int64_t k = 0;
  for (; k + 16 <= d; k += 16) step([k](const float* p) { return _mm512_loadu_ps(p + k); });
  if (k < d) {
    const __mmask16 m = static_cast<__mmask16>((1u << (d - k)) - 1);
    step([k, m](const float* p) { return _mm512_maskz_loadu_ps(m, p + k); });
  }
  for (int q = 0; q < nx; ++q)  // a fixed shuffle tree per accumulator (deterministic)
    for (int r = 0; r < ny; ++r) res[q * res_as + r * res_bs] = _mm512_reduce_add_ps(acc[q][r]);
}

// All `a` rows against `b` rows [b0, b1): out[ai * out_as + bi * out_bs].
template <int TX, int TY>
void sweep_avx512(const Job& j, int64_t a0, int64_t a1, int64_t b0, int64_t b1, float* out,
                  int64_t out_as, int64_t out_bs) {
  const float* ar[TX];
  const float* br[TY];
  for (; a0 < a1; a0 += TX) {
    const int nx = static_cast<int>(std::min<int64_t>(TX, a1 - a0));
    for (int q = 0; q < TX; ++q) ar[q] = j.a + std::min<int64_t>(a0 + q, a1 - 1) * j.as;  // pad
    for (int64_t bb = b0; bb < b1; bb += TY) {
      const int ny = static_cast<int>(std::min<int64_t>(TY, b1 - bb));
      for (int r = 0; r < TY; ++r) br[r] = j.b + std::min<int64_t>(bb + r, b1 - 1) * j.bs;
      float* res = out + a0 * out_as + bb * out_bs;
      if (j.diff) tile_avx512<true, TX, TY>(ar, br, j.d, res, out_as, out_bs, nx, ny);
      else tile_avx512<false, TX, TY>(ar, br, j.d, res, out_as, out_bs, nx, ny);
    }
  }
}

void block_avx512(const Job& j, int64_t b0, int64_t b1, float* out, int64_t out_as, int64_t out_bs) {
  const int64_t full = j.na / kTileX * kTileX;
  sweep_avx512<kTileX, kTileY>(j, 0, full, b0, b1, out, out_as, out_bs);
  sweep_avx512<1, 8>(j, full, j.na, b0, b1, out, out_as, out_bs);
}

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
  for (int64_t bi = b0; bi < b1; ++bi)
    for (int64_t ai = 0; ai < j.na; ++ai)
      out[ai * out_as + bi * out_bs] = pair_generic(j.a + ai * j.as, j.b + bi * j.bs, j.d, j.diff);
}

// Norms, and the float64 redo for pairs outside the float32-safe range.
double row_norm(const float* x, int64_t d) { return std::sqrt(simd::sumsq_f32(x, d)); }
double pair_f64(const float* a, const float* b, int64_t d, bool diff) {
  double s = 0;
  for (int64_t k = 0; k < d; ++k) {
    const double t = diff ? static_cast<double>(a[k]) - b[k] : static_cast<double>(a[k]) * b[k];
    s += diff ? t * t : t;
  }
  return s;
}
bool safe_norm(double n) { return n >= 1e-15 && n <= 1e15; }

void pairwise_f32(const PairwiseDesc& p) {
  const auto metric = static_cast<PairMetric>(p.metric);
  const auto* x = static_cast<const float*>(p.x);
  const auto* y = static_cast<const float*>(p.y);
  auto* out = static_cast<float*>(p.out);
  // The larger set streams (and is split across cores); the smaller one is tiled in L1.
  const bool swap = p.m > p.n;
  Job j{metric == PairMetric::euclidean, swap ? p.n : p.m, swap ? p.m : p.n, p.d,
        swap ? y : x, swap ? p.y_row_stride : p.x_row_stride,
        swap ? x : y, swap ? p.x_row_stride : p.y_row_stride};
  const int64_t out_as = swap ? 1 : p.n, out_bs = swap ? p.n : 1;
  std::vector<double> na, nb;
  if (metric == PairMetric::cosine) {
    na.resize(j.na);
    nb.resize(j.nb);
    for (int64_t i = 0; i < j.na; ++i) na[i] = row_norm(j.a + i * j.as, j.d);
  }
  static const bool has_avx512 = __builtin_cpu_supports("avx512f");
  constexpr int64_t kBlock = 63;  // streamed rows per chunk (3 x 21): 189 KiB at d = 768, in L2
  const int64_t nblocks = (j.nb + kBlock - 1) / kBlock;
  const int64_t work_per_block = kBlock * std::max<int64_t>(j.na * j.d, 1);
  parallel_for(nblocks, std::max<int64_t>(1, (1 << 17) / work_per_block), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t b0 = c * kBlock, b1 = std::min(j.nb, b0 + kBlock);
      if (metric == PairMetric::cosine)  // also brings the block into cache for the tiles
        for (int64_t bi = b0; bi < b1; ++bi) nb[bi] = row_norm(j.b + bi * j.bs, j.d);
      if (has_avx512) {
        block_avx512(j, b0, b1, out, out_as, out_bs);
      } else {
        block_generic(j, b0, b1, out, out_as, out_bs);
      }
      for (int64_t bi = b0; bi < b1; ++bi)
        for (int64_t ai = 0; ai < j.na; ++ai) {
          float& o = out[ai * out_as + bi * out_bs];
          if (metric == PairMetric::cosine) {
            double dot = o;
            if (!safe_norm(na[ai]) || !safe_norm(nb[bi]))
              dot = pair_f64(j.a + ai * j.as, j.b + bi * j.bs, j.d, false);
            o = static_cast<float>(kern::cosine_finish(dot, na[ai], nb[bi], p.eps));
          } else if (metric == PairMetric::euclidean) {
            double s = o;
            if (!std::isfinite(s) || (s < 1e-30 && s != 0))
              s = pair_f64(j.a + ai * j.as, j.b + bi * j.bs, j.d, true);
            o = static_cast<float>(std::sqrt(s));
          }
        }
    }
  });
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
    if (p.dtype == DType::float32) std::fill_n(static_cast<float*>(p.out), total, 0.0f);
    else std::fill_n(static_cast<double*>(p.out), total, 0.0);
    return;
  }
  if (p.dtype == DType::float32) pairwise_f32(p);
  else pairwise_f64(p);
}

}  // namespace nd::cpu
