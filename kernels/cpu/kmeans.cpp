// CPU k-means step (KMeansStepDesc, backend.hpp): the assignment and the cluster sums in one
// pass over x. Unfused, a step wrote cdist's (n, k) distances, reduced them with argmin, and
// multiplied a one-hot (k, n) matrix by x, whose BLAS packed all of x again on every step.
// Each row, while it is in L1: the nearest centroid by |c|^2 - 2 x.c (|x|^2 is the same for every
// centroid; kC centroids per sweep of the row), then the row added in float64 to that cluster's
// partial sums. The rows are cut into a fixed number of parts (by n, k and d, never by the thread
// count), each summed in row order and the parts added in order: the same bits on any number of
// threads. (A second pass over x by column blocks kept that too, but strided half-rows defeat the
// hardware prefetcher: it took twice the first pass.)
#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/parallel.hpp"
#include "cpu/simd.hpp"

namespace nd::cpu {
namespace {

constexpr int kC = 4;                            // centroids per sweep of a row
constexpr int64_t kMaxParts = 16;                // row parts summed separately
constexpr int64_t kPartBytes = int64_t(64) << 20;  // at most this much for their sums

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
  for (int64_t i = i0; i < i1; ++i) {
    const T* xi = x + i * d;
    int64_t best = 0;
    double best_score = std::numeric_limits<double>::infinity();
    for (int64_t c0 = 0; c0 < k; c0 += kC) {
      const T* cq[kC];
      for (int q = 0; q < kC; ++q) cq[q] = c + std::min(c0 + q, k - 1) * d;  // past k: ignored
      V acc[kC][2] = {};  // two chains per centroid hide the add latency
      int64_t j = 0;
      for (; j + 2 * W <= d; j += 2 * W) {
        const V x0 = load(xi + j), x1 = load(xi + j + W);
        for (int q = 0; q < kC; ++q) {
          acc[q][0] += x0 * load(cq[q] + j);
          acc[q][1] += x1 * load(cq[q] + j + W);
        }
      }
      const int m = static_cast<int>(std::min<int64_t>(kC, k - c0));
      for (int q = 0; q < m; ++q) {
        const V a = acc[q][0] + acc[q][1];
        double dot = 0;
        for (int l = 0; l < W; ++l) dot += a[l];
        for (int64_t t = j; t < d; ++t) dot += static_cast<double>(xi[t]) * cq[q][t];
        const double score = cnorm[c0 + q] - 2 * dot;
        if (score < best_score) {  // strict: ties keep the lower index; NaN never wins
          best_score = score;
          best = c0 + q;
        }
      }
    }
    s.labels[i] = best;
    double* sum = sums + best * d;
    for (int64_t j = 0; j < d; ++j) sum[j] += static_cast<double>(xi[j]);
  }
}

template <class T>
void step(const KMeansStepDesc& s) {
  const T* c = static_cast<const T*>(s.centroids);
  const int64_t kd = s.k * s.d;
  std::vector<double> cnorm(static_cast<size_t>(s.k), 0.0);
  for (int64_t q = 0; q < s.k; ++q)
    for (int64_t j = 0; j < s.d; ++j) cnorm[q] += static_cast<double>(c[q * s.d + j]) * c[q * s.d + j];
  // Parts of at least 256 rows; part 0 sums straight into s.sums.
  const int64_t parts = std::clamp<int64_t>(std::min(s.n / 256, kPartBytes / (kd * 8)), 1, kMaxParts);
  std::vector<double> extra(static_cast<size_t>((parts - 1) * kd));
  parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      double* sums = p == 0 ? s.sums : extra.data() + (p - 1) * kd;
      std::fill(sums, sums + kd, 0.0);
      assign_rows<T>(s, cnorm.data(), p * s.n / parts, (p + 1) * s.n / parts, sums);
    }
  });
  for (int64_t p = 1; p < parts; ++p)
    for (int64_t q = 0; q < kd; ++q) s.sums[q] += extra[(p - 1) * kd + q];
}

}  // namespace

bool kmeans_step(const KMeansStepDesc& s) {
  if (s.dtype == DType::float32) step<float>(s);
  else if (s.dtype == DType::float64) step<double>(s);
  else return false;
  return true;
}

}  // namespace nd::cpu
