// The search ops' shared math, written once for both backends: metric codes, the top-k total
// order, and the cosine finalisation (the row ops are in row_ops.hpp). Backends own only loops
// and launches.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "common.hpp"

namespace nd::kern {

// PairwiseDesc::metric codes.
enum class PairMetric : uint16_t {
  dot,        // x . y
  cosine,     // x . y / (max(|x|, eps) * max(|y|, eps)), clamped to [-1, 1]
  euclidean,  // sqrt(sum (x - y)^2)
};

// Top-k order: `a` (at index ia) ranks before `b` (at ib). Largest: NaN first, then larger
// values; smallest: smaller values, NaN last. Equal values: the lower index first. A total order,
// so every correct selection algorithm picks the same elements in the same order on every backend.
template <class T>
ND_HD bool topk_before(T a, int64_t ia, T b, int64_t ib, bool largest) {
  const bool na = a != a, nb = b != b;
  if (na || nb) {
    if (na && nb) return ia < ib;
    return largest ? na : nb;  // NaN ranks highest: first when largest, last when smallest
  }
  if (a != b) return largest ? a > b : a < b;
  return ia < ib;
}

// The top-k rank key of a value: an unsigned integer of the value's width that is smaller
// exactly when the value ranks before another in topk_before's order, and equal for values that
// tie there (+0 and -0; any two NaNs). So the order "key, then index" is topk_before's order,
// and a radix select or sort on keys picks what every other backend picks.
template <class T>
using TopkKey = std::conditional_t<(sizeof(T) > 4), uint64_t, uint32_t>;
template <class T>
ND_HD TopkKey<T> topk_key(T v, bool largest) {
  using K = TopkKey<T>;
  constexpr int kBits = 8 * sizeof(T);
  constexpr K kTop = K(1) << (kBits - 1), kAll = kBits == 8 * sizeof(K) ? ~K(0) : (K(1) << kBits) - 1;
  K up;  // ascending with v
  if constexpr (std::is_same_v<T, bool>) {
    up = v ? 1 : 0;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (v != v) return largest ? K(0) : kAll;  // NaN highest: first when largest, last when smallest
    if (v == 0) v = 0;                         // -0 ties with +0
    std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t> b;
    memcpy(&b, &v, sizeof b);
    up = (b & kTop) ? ~K(b) & kAll : K(b) | kTop;
  } else if constexpr (std::is_signed_v<T>) {
    up = (K(v) & kAll) ^ kTop;
  } else {
    up = K(v);
  }
  return largest ? ~up & kAll : up;
}

// A k-means step's cluster sums (KMeansStepDesc) are added in this order on every backend: the
// rows cut into kmeans_parts(n, k, d) parts (by the shape only, never by the thread count), part
// p = rows [p n / parts, (p + 1) n / parts) summed in row order from 0 in float64, and the parts
// added in order. Parts of at least 256 rows, at most 16, their sums at most 64 MiB.
ND_HD int64_t kmeans_parts(int64_t n, int64_t k, int64_t d) {
  if (k * d == 0) return 1;
  int64_t p = n / 256;
  const int64_t cap = (int64_t(64) << 20) / (k * d * 8);
  if (cap < p) p = cap;
  return p < 1 ? 1 : p > 16 ? 16 : p;
}

// x.y / (max(|x|,eps) * max(|y|,eps)) given the dot and the two norms, clamped to [-1, 1]. When
// the inputs came pre-scaled by 1/max(norm, eps) pass norms of 1.
ND_HD double cosine_finish(double dot, double norm_x, double norm_y, double eps) {
  const double nx = norm_x > eps ? norm_x : eps, ny = norm_y > eps ? norm_y : eps;
  double c = (dot / nx) / ny;  // two divisions: the product nx * ny could overflow or underflow
  if (c > 1) c = 1;
  if (c < -1) c = -1;
  return c;
}

}  // namespace nd::kern
