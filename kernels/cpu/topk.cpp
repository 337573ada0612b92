// CPU top-k along an axis. Small k over a row that fits in cache: a threshold no better than the
// row's k-th best from the best of 32 interleaved groups, then the few elements not worse than it,
// ordered exactly. Small k over longer rows: one streaming pass keeping the k best in a sorted
// buffer, with a vector pre-filter against the current k-th value. Large k: nth_element + sort on
// indices. All follow kern::topk_before, the total order both backends share, so results are
// identical everywhere.
#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu/cpu_backend.hpp"
#include "cpu/isa.hpp"
#include "cpu/parallel.hpp"
#include "cpu/simd.hpp"
#include "nn_ops.hpp"

namespace nd::cpu {
namespace {

// ---- small k over a row in cache: threshold, candidates, exact order ----
// Lane l of kGroups sees x[l], x[l + kGroups], ...; the best of each lane (NaN skipped) are
// kGroups distinct elements, so the k-th best of them, t, is no better than the row's k-th best
// value, and every element of the top k is not worse than t. Those candidates (NaN always among
// them) are a superset of the answer, typically k plus a few. Rows of 768 floats, k = 10: ~12
// candidates instead of ~200 offers into a sorted buffer.
constexpr int kGroups = 32;
constexpr int64_t kGroupedMaxBytes = 256 << 10;  // beyond, two passes would both miss the cache

template <class T>
ND_VINLINE void group_best(const T* x, int64_t n, bool largest, T* ext) {
  using L = std::numeric_limits<T>;
  const T worst = L::has_infinity ? (largest ? -L::infinity() : L::infinity()) : (largest ? L::lowest() : L::max());
  T e[kGroups];
  std::fill_n(e, kGroups, worst);
  const int64_t full = n / kGroups * kGroups;  // the tail is left to the candidate pass
  if (largest) {
    for (int64_t j = 0; j < full; j += kGroups)
      for (int l = 0; l < kGroups; ++l) e[l] = x[j + l] > e[l] ? x[j + l] : e[l];
  } else {
    for (int64_t j = 0; j < full; j += kGroups)
      for (int l = 0; l < kGroups; ++l) e[l] = x[j + l] < e[l] ? x[j + l] : e[l];
  }
  std::copy(e, e + kGroups, ext);
}
ND_SIMD_CLONES void group_best_f32(const float* x, int64_t n, bool largest, float* ext) {
  group_best(x, n, largest, ext);
}

// Appends to out[c..] the index of every x[j], j in [j, n), not worse than t (NaN included);
// returns the new count.
template <class T>
int64_t collect_scalar(const T* x, int64_t j, int64_t n, T t, bool largest, int64_t* out, int64_t c) {
  if (largest)
    for (; j < n; ++j) out[c] = j, c += !(x[j] < t);
  else
    for (; j < n; ++j) out[c] = j, c += !(x[j] > t);
  return c;
}
template <class T>
int64_t collect_candidates(const T* x, int64_t n, T t, bool largest, int64_t* out) {
  return collect_scalar(x, 0, n, t, largest, out, 0);
}
#if defined(__x86_64__)
// 16 compares to a bit mask, then one store per set bit (the unordered predicates keep NaN).
template <int kPredicate>
__attribute__((target("avx2,bmi"))) int64_t collect_avx2(const float* x, int64_t n, float t, int64_t* out) {
  const __m256 tv = _mm256_set1_ps(t);
  int64_t c = 0, j = 0;
  for (; j + 16 <= n; j += 16) {
    unsigned m = static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + j), tv, kPredicate))) |
                 static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + j + 8), tv, kPredicate))) << 8;
    for (; m; m &= m - 1) out[c++] = j + __builtin_ctz(m);
  }
  return collect_scalar(x, j, n, t, kPredicate == _CMP_NLT_UQ, out, c);
}
template <>
int64_t collect_candidates<float>(const float* x, int64_t n, float t, bool largest, int64_t* out) {
  if (cpu_isa() == Isa::generic) return collect_scalar(x, 0, n, t, largest, out, 0);
  return largest ? collect_avx2<_CMP_NLT_UQ>(x, n, t, out) : collect_avx2<_CMP_NGT_UQ>(x, n, t, out);
}
#endif

struct Scratch {  // per chunk of rows
  std::vector<int64_t> cand;
  std::vector<char> row;  // a strided row gathered contiguous
};

// The k-th best of the group bests (no NaN among them): the worst of those that fewer than k
// others beat. 32 x 32 vector compares; nth_element's branchy partitions cost more than the rest
// of the row.
template <class T>
T kth_best(const T* e, int64_t k, bool largest) {
  int32_t beaten[kGroups] = {};
  for (int j = 0; j < kGroups; ++j)
    for (int i = 0; i < kGroups; ++i) beaten[i] += largest ? e[j] > e[i] : e[j] < e[i];
  T t = e[0];  // start from the best of all (beaten by none), then take the worst of the k
  for (int i = 1; i < kGroups; ++i) t = largest ? (e[i] > t ? e[i] : t) : (e[i] < t ? e[i] : t);
  for (int i = 0; i < kGroups; ++i)
    if (beaten[i] < k) t = largest ? (e[i] < t ? e[i] : t) : (e[i] > t ? e[i] : t);
  return t;
}

template <class T>
void grouped_topk(const T* x, int64_t n, int64_t k, bool largest, T* vals, int64_t* idx, Scratch& s) {
  T ext[kGroups];
  if constexpr (std::is_same_v<T, float>) group_best_f32(x, n, largest, ext);
  else group_best(x, n, largest, ext);
  if (s.cand.size() < static_cast<size_t>(n)) s.cand.resize(n);
  int64_t* cand = s.cand.data();
  const int64_t count = collect_candidates<T>(x, n, kth_best(ext, k, largest), largest, cand);
  auto before = [&](int64_t a, int64_t b) { return kern::topk_before(x[a], a, x[b], b, largest); };
  if (count <= 4 * kGroups) {  // the usual few: insertion sort, in index order so far
    for (int64_t q = 1; q < count; ++q) {
      const int64_t c = cand[q];
      int64_t p = q;
      for (; p > 0 && before(c, cand[p - 1]); --p) cand[p] = cand[p - 1];
      cand[p] = c;
    }
  } else {
    std::partial_sort(cand, cand + k, cand + count, before);  // count >= k: see above
  }
  for (int64_t q = 0; q < k; ++q) {
    idx[q] = cand[q];
    vals[q] = x[cand[q]];
  }
}

constexpr int64_t kStreamMaxK = 128;

template <class T>
struct Best {  // the k best seen so far, best first
  std::vector<T> v;
  std::vector<int64_t> i;
  int64_t k;
  bool largest;
  Best(int64_t k_, bool lg) : k(k_), largest(lg) {
    v.reserve(k + 1);
    i.reserve(k + 1);
  }
  bool full() const { return static_cast<int64_t>(v.size()) == k; }
  void offer(T x, int64_t ix) {
    if (full() && !kern::topk_before<T>(x, ix, v.back(), i.back(), largest)) return;
    int64_t pos = static_cast<int64_t>(v.size());
    if (full()) --pos;
    else { v.push_back(x); i.push_back(ix); }
    while (pos > 0 && kern::topk_before<T>(x, ix, v[pos - 1], i[pos - 1], largest)) {
      v[pos] = v[pos - 1];
      i[pos] = i[pos - 1];
      --pos;
    }
    v[pos] = x;
    i[pos] = ix;
  }
};

// The first 128-element block at or after j (in steps of 128) holding an element that might
// beat threshold t; the block past the last full one when none does. Uses only vector min/max and
// adds (mask-free, so every ISA level vectorises it); a NaN anywhere makes the sum NaN and sends
// the block to the exact check.
constexpr int64_t kScanBlock = 128;
ND_SIMD_CLONES int64_t skip_rejected(const float* x, int64_t j, int64_t n, float thr, bool largest) {
  using namespace simd;
  if (thr != thr) return largest ? j + (n - j) / kScanBlock * kScanBlock : j;  // NaN threshold
  for (; j + kScanBlock <= n; j += kScanBlock) {  // 8-lane vectors: see v8f in simd.hpp
    v8f ext[2] = {load8(x + j), load8(x + j + 8)}, sum[2] = {ext[0], ext[1]};
    for (int q = 1; q < kScanBlock / 16; ++q)
      for (int h = 0; h < 2; ++h) {
        const v8f v = load8(x + j + 16 * q + 8 * h);
        ext[h] = largest ? (v > ext[h] ? v : ext[h]) : (v < ext[h] ? v : ext[h]);
        sum[h] += v;
      }
    const v8f e = largest ? (ext[0] > ext[1] ? ext[0] : ext[1]) : (ext[0] < ext[1] ? ext[0] : ext[1]);
    const v8f sm = sum[0] + sum[1];
    int32_t hit = 0;
    for (int l = 0; l < 8; ++l) hit |= (largest ? e[l] > thr : e[l] < thr) | (sm[l] != sm[l]);
    if (hit) return j;
  }
  return j;
}

// Streams x[0..n) (stride s, global index base + j) into `best`.
template <class T>
void stream(const T* x, int64_t n, int64_t s, int64_t base, Best<T>& best) {
  int64_t j = 0;
  if constexpr (std::is_same_v<T, float>) {
    if (s == 1) {
      using namespace simd;
      for (; j < n && !best.full(); ++j) best.offer(x[j], base + j);
      while (j + kScanBlock <= n) {
        j = skip_rejected(x, j, n, best.v.back(), best.largest);
        if (j + kScanBlock > n) break;
        // The block holds a candidate: mark every element not below the threshold (NaN too) in
        // one vectorised pass, then offer only those (offer re-checks against the tighter one).
        const float thr = best.v.back();
        uint8_t cand[kScanBlock];
        for (int64_t l = 0; l < kScanBlock; ++l)
          cand[l] = best.largest ? !(x[j + l] <= thr) : !(x[j + l] >= thr);
        for (int64_t l = 0; l < kScanBlock; ++l)
          if (cand[l]) best.offer(x[j + l], base + j + l);
        j += kScanBlock;
      }
    }
  }
  for (; j < n; ++j) best.offer(x[j * s], base + j);
}

template <class T>
void row_topk(const T* x, int64_t n, int64_t s, int64_t k, bool largest, T* vals, int64_t* idx,
              bool split, Scratch& scratch) {
  if (k <= kGroups && n >= 4 * kGroups && n * int64_t(sizeof(T)) <= kGroupedMaxBytes) {
    if (s != 1) {  // gather the row: both passes then run on contiguous memory
      if (scratch.row.size() < n * sizeof(T)) scratch.row.resize(n * sizeof(T));
      T* row = reinterpret_cast<T*>(scratch.row.data());
      for (int64_t j = 0; j < n; ++j) row[j] = x[j * s];
      x = row;
    }
    grouped_topk(x, n, k, largest, vals, idx, scratch);
    return;
  }
  if (k <= kStreamMaxK && k * 4 <= n) {
    std::vector<Best<T>> parts;
    const int64_t chunks = split ? num_threads() : 1;
    parts.reserve(chunks);
    for (int64_t c = 0; c < chunks; ++c) parts.emplace_back(k, largest);
    parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
        const int64_t b = n * c / chunks, e = n * (c + 1) / chunks;
        stream(x + b * s, e - b, s, b, parts[c]);
      }
    });
    Best<T>& best = parts[0];  // merge: the exact order makes the union's top-k the answer
    for (int64_t c = 1; c < chunks; ++c)
      for (size_t q = 0; q < parts[c].v.size(); ++q) best.offer(parts[c].v[q], parts[c].i[q]);
    std::copy(best.v.begin(), best.v.end(), vals);
    std::copy(best.i.begin(), best.i.end(), idx);
    return;
  }
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto before = [&](int64_t a, int64_t b) { return kern::topk_before(x[a * s], a, x[b * s], b, largest); };
  if (k < n) std::nth_element(order.begin(), order.begin() + k, order.end(), before);
  std::sort(order.begin(), order.begin() + k, before);
  for (int64_t q = 0; q < k; ++q) {
    idx[q] = order[q];
    vals[q] = x[order[q] * s];
  }
}

template <class T>
void run(const TopkDesc& d) {
  const int64_t rows = d.outer.numel();
  const int nd = d.outer.ndim;
  // One huge row is split across cores; below ~1M elements a fork-join costs more than it saves.
  const bool split = rows == 1 && d.len >= (1 << 20);
  parallel_for(rows, std::max<int64_t>(1, (1 << 15) / d.len), [&](int64_t r0, int64_t r1) {
    Scratch scratch;
    for (int64_t r = r0; r < r1; ++r) {
      int64_t rem = r, off = 0;
      for (int dim = nd - 1; dim >= 0; --dim) {
        off += (rem % d.outer.shape[dim]) * d.in.strides[dim];
        rem /= d.outer.shape[dim];
      }
      row_topk(static_cast<const T*>(d.in.data) + off, d.len, d.in_axis_stride, d.k, d.largest,
               static_cast<T*>(d.values) + r * d.k, d.indices + r * d.k, split, scratch);
    }
  });
}

}  // namespace

void topk(const TopkDesc& d) {
  if (d.k == 0 || d.outer.numel() == 0) return;
  ND_DISPATCH(d.in.dtype, T, run<T>(d));
}

}  // namespace nd::cpu
