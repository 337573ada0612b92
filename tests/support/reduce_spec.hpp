// The canonical order (kernels/reduce_order.hpp) written out a second time, naively, straight from
// its comment: the spec that every backend's reductions (tests/reduce/test_reduce_order.cpp) and
// row ops (tests/nn/test_row_order.cpp) must reproduce bit for bit.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "../../kernels/reduce_order.hpp"

namespace spec {
namespace ord = nd::kern::order;

// Level-by-level pairwise tree, odd last carried (spec step 4).
template <class S, class C>
S level_tree(std::vector<S> p, C combine) {
  while (p.size() > 1) {
    std::vector<S> q;
    for (size_t i = 0; i + 1 < p.size(); i += 2) q.push_back(combine(p[i], p[i + 1]));
    if (p.size() % 2) q.push_back(p.back());
    p = q;
  }
  return p[0];
}

// Spec steps 1-3 for one tile with every lane combined (empty lanes hold the identity).
template <class T, class Lift, class Combine>
T tile_fold(const std::vector<T>& x, size_t j0, T identity, Lift lift, Combine combine) {
  T lane[32];
  for (T& l : lane) l = identity;
  for (int m = 0; m < 8; ++m)
    for (int k = 0; k < 32; ++k)
      if (j0 + m * 32 + k < x.size()) lane[k] = combine(lane[k], lift(x[j0 + m * 32 + k]));
  for (int s = 16; s >= 1; s /= 2)
    for (int i = 0; i < s; ++i) lane[i] = combine(lane[i], lane[i + s]);
  return lane[0];
}
template <class T, class Lift>
T tile_sum(const std::vector<T>& x, size_t j0, Lift lift) {
  return tile_fold(x, j0, T(-0.0), lift, [](T a, T b) { return a + b; });
}

// max/min: the later operand wins only if strictly better or NaN (ties keep the earlier one).
template <class T>
T ref_extremum(const std::vector<T>& x, bool is_max) {
  auto combine = [is_max](T a, T b) { return ((is_max ? b > a : b < a) || std::isnan(b)) ? b : a; };
  const T identity = is_max ? -INFINITY : INFINITY;
  std::vector<T> tiles;
  for (size_t j0 = 0; j0 < x.size(); j0 += 256)
    tiles.push_back(tile_fold(x, j0, identity, [](T v) { return v; }, combine));
  return level_tree(tiles, combine);
}

template <class T>
T ref_sum(const std::vector<T>& x) {
  std::vector<T> tiles;
  for (size_t j0 = 0; j0 < x.size(); j0 += 256) tiles.push_back(tile_sum(x, j0, [](T v) { return v; }));
  return level_tree(tiles, [](T a, T b) { return a + b; });
}

template <class T>
ord::Moments<T> ref_moments(const std::vector<T>& x) {
  std::vector<ord::Moments<T>> tiles;
  for (size_t j0 = 0; j0 < x.size(); j0 += 256) {
    const int64_t cnt = std::min<int64_t>(256, x.size() - j0);
    const T mean = tile_sum(x, j0, [](T v) { return v; }) / static_cast<T>(cnt);
    const T m2 = tile_sum(x, j0, [&](T v) { const T d = v - mean; return d * d; });
    tiles.push_back({cnt, mean, m2});
  }
  return level_tree(tiles, [](auto a, auto b) { return ord::chan_combine(a, b); });
}

template <class T>
T ref_var(const std::vector<T>& x, int64_t ddof) {
  return ref_moments(x).m2 / static_cast<T>(std::max<int64_t>(static_cast<int64_t>(x.size()) - ddof, 0));
}

template <class T>
bool same_bits(T a, T b) {  // any NaN matches any NaN: sign and payload are not pinned
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

}  // namespace spec
