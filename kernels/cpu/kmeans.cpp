// CPU k-means step (KMeansStepDesc, backend.hpp): the assignment and the cluster sums in one
// pass over x. Unfused, a step wrote cdist's (n, k) distances, reduced them with argmin, and
// multiplied a one-hot (k, n) matrix by x, whose BLAS packed all of x again on every step.
// Each row, while it is in L1: the nearest centroid by |c|^2 - 2 x.c (|x|^2 is the same for every
// centroid; kR rows by kC centroids per sweep), then the row added in float64 to that cluster's
// partial sums. The rows are cut into a fixed number of parts (by n, k and d, never by the thread
// count), each summed in row order and the parts added in order: the same bits on any number of
// threads. A second pass over x by column blocks kept that too, but strided half-rows defeat the
// hardware prefetcher (it took twice the first pass); and even this one pass waited on memory
// until its first sweep of a row pair prefetched the rows kAhead further on (10 steps on
// 10000 x 768, k = 8: 37 -> 30 ms).
#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/parallel.hpp"
#include "cpu/simd.hpp"
#include "nn_ops.hpp"

namespace nd::cpu {
namespace {

constexpr int kC = 4;                            // centroids per sweep of the rows
constexpr int kR = 2;                            // rows per sweep
constexpr int64_t kAhead = 8;                    // rows prefetched ahead

template <class T>
ND_SIMD_CLONES void assign_rows(const KMeansStepDesc& s, const double* cnorm, int64_t i0, int64_t i1,
                                double* sums) {
  using V = std::conditional_t<sizeof(T) == 4, simd::v8f, simd::v4d>;  // one AVX2 register
  constexpr int W = sizeof(V) / sizeof(T);
  const T* x = static_cast<const T*>(s.x);
  const T* c = static_cast<const T*>(s.centroids);
  const int64_t d = s.d, k = s.k;
  auto load = [](const T* p) __attribute__((always_inline)) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  // kR rows x kC centroids per sweep: 6 loads feed 8 multiply-adds (one row at a time: 5 for 4).
  for (int64_t i = i0; i < i1; i += kR) {
    const T* xr[kR];
    for (int r = 0; r < kR; ++r) xr[r] = x + std::min(i + r, i1 - 1) * d;  // past i1: ignored
    int64_t best[kR] = {};
    double best_score[kR];
    std::fill(best_score, best_score + kR, std::numeric_limits<double>::infinity());
    for (int64_t c0 = 0; c0 < k; c0 += kC) {
      const T* cq[kC];
      for (int q = 0; q < kC; ++q) cq[q] = c + std::min(c0 + q, k - 1) * d;  // past k: ignored
      V acc[kR][kC] = {};
      int64_t j = 0;
      for (; j + W <= d; j += W) {
        V xv[kR];
        for (int r = 0; r < kR; ++r) xv[r] = load(xr[r] + j);
        if (c0 == 0)
          for (int r = 0; r < kR; ++r) __builtin_prefetch(xr[r] + j + kAhead * d);
        for (int q = 0; q < kC; ++q) {
          const V cv = load(cq[q] + j);
          for (int r = 0; r < kR; ++r) acc[r][q] += xv[r] * cv;
        }
      }
      const int m = static_cast<int>(std::min<int64_t>(kC, k - c0));
      for (int r = 0; r < kR; ++r)
        for (int q = 0; q < m; ++q) {
          double dot = 0;
          for (int l = 0; l < W; ++l) dot += acc[r][q][l];
          for (int64_t t = j; t < d; ++t) dot += static_cast<double>(xr[r][t]) * cq[q][t];
          const double score = cnorm[c0 + q] - 2 * dot;
          if (score < best_score[r]) {  // strict: ties keep the lower index; NaN never wins
            best_score[r] = score;
            best[r] = c0 + q;
          }
        }
    }
    for (int r = 0; r < kR && i + r < i1; ++r) {
      s.labels[i + r] = best[r];
      double* sum = sums + best[r] * d;
      for (int64_t j = 0; j < d; ++j) sum[j] += static_cast<double>(xr[r][j]);
    }
  }
}

// Rows [i0, i1) of 16-bit float x: widened (exactly) kHalfRows at a time into a buffer that stays
// in cache, and assigned as float32 rows -- the same arithmetic in the same order, so the same
// bits as over x converted as a whole, at half its memory traffic.
constexpr int64_t kHalfRows = 64;  // even: rows pair up as they do in one run
void assign_half_rows(const KMeansStepDesc& s, const double* cnorm, int64_t i0, int64_t i1,
                      double* sums) {
  const Opmath<float> half = opmath_of<float>(s.x_dtype);
  const int64_t bytes = s.d * dtype_size(s.x_dtype);
  std::vector<float> buf(static_cast<size_t>(kHalfRows * s.d));
  for (int64_t r0 = i0; r0 < i1; r0 += kHalfRows) {
    const int64_t rows = std::min(kHalfRows, i1 - r0);
    for (int64_t i = 0; i < rows; ++i)
      half.widen(buf.data() + i * s.d, static_cast<const char*>(s.x) + (r0 + i) * bytes, s.d);
    KMeansStepDesc part = s;
    part.x = buf.data();
    part.x_dtype = DType::float32;
    part.labels = s.labels + r0;
    assign_rows<float>(part, cnorm, 0, rows, sums);
  }
}

template <class T>
void step(const KMeansStepDesc& s) {
  const T* c = static_cast<const T*>(s.centroids);
  const int64_t kd = s.k * s.d;
  std::vector<double> cnorm(static_cast<size_t>(s.k), 0.0);
  for (int64_t q = 0; q < s.k; ++q)
    for (int64_t j = 0; j < s.d; ++j) cnorm[q] += static_cast<double>(c[q * s.d + j]) * c[q * s.d + j];
  // The shared order (kern::kmeans_parts); part 0 sums straight into s.sums.
  const int64_t parts = kern::kmeans_parts(s.n, s.k, s.d);
  std::vector<double> extra(static_cast<size_t>((parts - 1) * kd));
  parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      double* sums = p == 0 ? s.sums : extra.data() + (p - 1) * kd;
      std::fill(sums, sums + kd, 0.0);
      const int64_t i0 = p * s.n / parts, i1 = (p + 1) * s.n / parts;
      if (s.x_dtype == s.dtype) assign_rows<T>(s, cnorm.data(), i0, i1, sums);
      else assign_half_rows(s, cnorm.data(), i0, i1, sums);
    }
  });
  for (int64_t p = 1; p < parts; ++p)
    for (int64_t q = 0; q < kd; ++q) s.sums[q] += extra[(p - 1) * kd + q];
}

}  // namespace

bool kmeans_step(const KMeansStepDesc& s) {
  if (s.x_dtype != s.dtype && !(s.dtype == DType::float32 && is_half(s.x_dtype))) return false;
  if (s.dtype == DType::float32) step<float>(s);
  else if (s.dtype == DType::float64) step<double>(s);
  else return false;
  return true;
}

}  // namespace nd::cpu
