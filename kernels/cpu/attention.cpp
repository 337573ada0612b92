// CPU fused attention, the flash-attention scheme: out = softmax(scale q k^T) v without the
// (sq, sk) scores in memory. A task owns kQ queries of one batch entry: it packs them transposed
// (16 query lanes per panel, scale folded in), then walks the keys kK at a time --
//   scores^T tile (keys x queries) = K_block . Q^T        6 x 16 FMA micro-kernel (panel_kernel.hpp)
//   online softmax per query lane: running max m, sum l, O rescaled by e^(m_old - m_new)
//   O (queries x dv) += P . V_block                       the same shape, V rows as panels
// -- and writes O / l. Causal: key blocks past the task's last query are skipped and the
// diagonal block masked. Transposing the scores tile makes every softmax step a 16-lane vector
// op over queries and lets both products read K and V rows as they lie (no packing of K or V).
// float32 on CPUs with AVX2 and FMA; elsewhere attention() returns false and host/ runs the
// unfused matmul, softmax, matmul.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/loops.hpp"
#include "cpu/parallel.hpp"
#include "cpu/panel_kernel.hpp"
#include "fast_math.hpp"

namespace nd::cpu {
namespace {

constexpr int64_t kQ = 96;    // queries per task: 6 panels of 16 lanes
constexpr int64_t kK = 192;   // keys per step: 32 groups of 6 (scores^T tile 72 KiB, in L2)
using panel::kLanes;          // queries per panel
using panel::kRows;           // keys (or queries) per micro-kernel call
using panel::with_rows;

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

// One task's buffers, reused across the tasks a worker runs.
struct Scratch {
  std::vector<float> qt, st, o, m, l, alpha;
  Scratch(int64_t d, int64_t dv)
      : qt(kQ * d), st(kK * kQ), o(kQ * dv), m(kQ), l(kQ), alpha(kQ) {}
};

// Brings rows [0, n) of `cols` floats each (row stride ld) towards L2.
inline void prefetch_rows(const float* p, int64_t ld, int64_t n, int64_t cols) {
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < cols; c += 16) _mm_prefetch(reinterpret_cast<const char*>(p + r * ld + c), _MM_HINT_T1);
}

// mx = the running max m folded with rows [0, n) of 16 lanes (stride ld). A NaN score makes its
// lane's max NaN, as the unfused softmax's row max.
inline void running_max(const float* st, int64_t ld, int64_t n, const float* m, float* mx) {
  __m256 m0 = _mm256_loadu_ps(m), m1 = _mm256_loadu_ps(m + 8), nan0 = _mm256_setzero_ps(), nan1 = nan0;
  for (int64_t j = 0; j < n; ++j) {
    const __m256 r0 = _mm256_loadu_ps(st + j * ld), r1 = _mm256_loadu_ps(st + j * ld + 8);
    m0 = _mm256_max_ps(r0, m0);  // max_ps returns its second operand when either is NaN
    m1 = _mm256_max_ps(r1, m1);
    nan0 = _mm256_or_ps(nan0, _mm256_cmp_ps(r0, r0, _CMP_UNORD_Q));
    nan1 = _mm256_or_ps(nan1, _mm256_cmp_ps(r1, r1, _CMP_UNORD_Q));
  }
  _mm256_storeu_ps(mx, _mm256_or_ps(m0, nan0));  // all bits set: a NaN
  _mm256_storeu_ps(mx + 8, _mm256_or_ps(m1, nan1));
}

// Queries [i0, i0 + nq) of one batch entry.
void attend_block(const AttentionDesc& a, const float* q, const float* k, const float* v, float* out,
                  int64_t i0, int64_t nq, Scratch& s) {
  const int64_t d = a.d, dv = a.dv, panels = (nq + kLanes - 1) / kLanes, ldst = panels * kLanes;
  const float neg_inf = -std::numeric_limits<float>::infinity();
  // Q^T panels, scaled (padding lanes 0: their scores are 0 and never written out).
  std::fill(s.qt.begin(), s.qt.begin() + panels * d * kLanes, 0.0f);
  for (int64_t i = 0; i < nq; ++i)
    for (int64_t p = 0; p < d; ++p)
      s.qt[(i / kLanes) * d * kLanes + p * kLanes + i % kLanes] = q[(i0 + i) * a.q_ld + p] * static_cast<float>(a.scale);
  std::fill(s.o.begin(), s.o.begin() + nq * dv, 0.0f);
  std::fill(s.m.begin(), s.m.end(), neg_inf);
  std::fill(s.l.begin(), s.l.end(), 0.0f);
  const int64_t kend = a.causal ? std::min(a.sk, i0 + nq) : a.sk;
  for (int64_t j0 = 0; j0 < kend; j0 += kK) {
    const int64_t nk = std::min(kK, kend - j0);
    float* st = s.st.data();
    for (int64_t j = 0; j < nk; j += kRows) {
      with_rows(static_cast<int>(std::min<int64_t>(kRows, nk - j)), [&]<int R>() {
        for (int64_t pn = 0; pn < panels; ++pn)
          panel::rows_times_panel<R, false, true>(k + (j0 + j) * a.k_ld, a.k_ld, 1, s.qt.data() + pn * d * kLanes, kLanes, d,
                                                  st + j * ldst + pn * kLanes, ldst);
      });
      // While the scores take shape, fetch the V rows this step multiplies next and the K rows of
      // the same keys one step on, a slice per key group (not all at once: the fill buffers are few).
      prefetch_rows(v + (j0 + j) * a.v_ld, a.v_ld, std::min<int64_t>(kRows, nk - j), dv);
      if (j0 + kK + j < kend) prefetch_rows(k + (j0 + kK + j) * a.k_ld, a.k_ld, std::min<int64_t>(kRows, kend - j0 - kK - j), d);
    }
    if (a.causal && j0 + nk - 1 > i0)  // the diagonal block: key j0 + j > query i0 + i is masked
      for (int64_t j = 0; j < nk; ++j)
        for (int64_t i = 0; i < std::min(nq, j0 + j - i0); ++i) st[j * ldst + i] = neg_inf;
    // Online softmax, 16 query lanes at a time. A lane whose scores so far are all -inf uses 0 as
    // its max (e^(-inf - 0) = 0, never -inf - -inf = NaN); a NaN score makes the lane's max NaN,
    // and the row NaN, as the unfused softmax.
    for (int64_t pn = 0; pn < panels; ++pn) {
      float mx[kLanes], use[kLanes], sum[kLanes] = {};
      float* m = s.m.data() + pn * kLanes;
      running_max(st + pn * kLanes, ldst, nk, m, mx);
      for (int c = 0; c < kLanes; ++c) {
        use[c] = mx[c] == neg_inf ? 0.0f : mx[c];
        s.alpha[pn * kLanes + c] = kern::exp_f32(m[c] - use[c]);
        m[c] = mx[c];
      }
      for (int64_t j = 0; j < nk; ++j) {
        float* row = st + j * ldst + pn * kLanes;
        for (int c = 0; c < kLanes; ++c) {
          row[c] = kern::exp_f32(row[c] - use[c]);
          sum[c] += row[c];
        }
      }
      for (int c = 0; c < kLanes; ++c) s.l[pn * kLanes + c] = s.l[pn * kLanes + c] * s.alpha[pn * kLanes + c] + sum[c];
    }
    for (int64_t i = 0; i < nq; ++i)
      if (const float al = s.alpha[i]; al != 1.0f)
        for (int64_t c = 0; c < dv; ++c) s.o[i * dv + c] *= al;
    for (int64_t i = 0; i < nq; i += kRows)
      with_rows(static_cast<int>(std::min<int64_t>(kRows, nq - i)), [&]<int R>() {
        int64_t c = 0;
        for (; c + kLanes <= dv; c += kLanes)
          panel::rows_times_panel<R, true, true>(st + i, 1, ldst, v + j0 * a.v_ld + c, a.v_ld, nk, s.o.data() + i * dv + c, dv);
        if (c < dv)
          panel::rows_times_panel<R, true, false>(st + i, 1, ldst, v + j0 * a.v_ld + c, a.v_ld, nk, s.o.data() + i * dv + c,
                                                  dv, static_cast<int>(dv - c));
      });
  }
  for (int64_t i = 0; i < nq; ++i)
    for (int64_t c = 0; c < dv; ++c) out[(i0 + i) * a.out_ld + c] = s.o[i * dv + c] / s.l[i];
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

}  // namespace

bool attention(const AttentionDesc& a) {
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!has_avx2 || a.dtype != DType::float32) return false;
  const int64_t blocks = (a.sq + kQ - 1) / kQ, tasks = a.batch.numel() * blocks;
  // Tasks are claimed one at a time, the costliest first (causal: the last query blocks), so
  // the workers finish together whatever the mix.
  std::atomic<int64_t> next{0};
  parallel_for(std::min<int64_t>(tasks, num_threads()), 1, [&](int64_t, int64_t) {
    Scratch s(a.d, a.dv);
    for (int64_t t; (t = next.fetch_add(1)) < tasks;) {
      const int64_t entry = t % a.batch.numel(), block = blocks - 1 - t / a.batch.numel();
      int64_t off[4];
      point_offsets(a.batch, a.batch_stride, entry, off);
      const int64_t i0 = block * kQ;
      attend_block(a, static_cast<const float*>(a.q) + off[0], static_cast<const float*>(a.k) + off[1],
                   static_cast<const float*>(a.v) + off[2], static_cast<float*>(a.out) + off[3], i0,
                   std::min(kQ, a.sq - i0), s);
    }
  });
  return true;
}

}  // namespace nd::cpu
