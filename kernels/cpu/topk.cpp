// CPU top-k along an axis. Small k: one streaming pass keeping the k best in a sorted buffer,
// with a 16-lane pre-filter against the current k-th value (most elements are rejected without
// branching); large k: nth_element + sort on indices. Both follow kern::topk_before, the total
// order both backends share, so results are identical everywhere.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/parallel.hpp"
#include "cpu/simd.hpp"
#include "nn_ops.hpp"

namespace nd::cpu {
namespace {

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
              bool split) {
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
    for (int64_t r = r0; r < r1; ++r) {
      int64_t rem = r, off = 0;
      for (int dim = nd - 1; dim >= 0; --dim) {
        off += (rem % d.outer.shape[dim]) * d.in.strides[dim];
        rem /= d.outer.shape[dim];
      }
      row_topk(static_cast<const T*>(d.in.data) + off, d.len, d.in_axis_stride, d.k, d.largest,
               static_cast<T*>(d.values) + r * d.k, d.indices + r * d.k, split);
    }
  });
}

}  // namespace

void topk(const TopkDesc& d) {
  if (d.k == 0 || d.outer.numel() == 0) return;
  ND_DISPATCH(d.in.dtype, T, run<T>(d));
}

}  // namespace nd::cpu
