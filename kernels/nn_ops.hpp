// The search ops' shared math, written once for both backends: metric codes, the top-k total
// order, and the cosine finalisation (the row ops are in row_ops.hpp). Backends own only loops
// and launches.
#pragma once
#include <cstdint>

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
