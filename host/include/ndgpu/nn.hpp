// The tutorial's AI ops: softmax, normalisation, similarity, distances, top-k, nearest-neighbour
// search, attention and k-means. Integer inputs compute in float32 (the default float dtype).
#pragma once
#include <cstdint>
#include <utility>

#include "ndgpu/array.hpp"

namespace nd {

/// exp(x - max) / sum(exp(x - max)) along `axis`; an all -inf slice gives NaN (as PyTorch).
Array softmax(const Array& x, int axis = -1);
/// (x - max) - log(sum(exp(x - max))) along `axis`.
Array log_softmax(const Array& x, int axis = -1);
/// x / max(||x||_2, eps) along `axis` (torch.nn.functional.normalize); no overflow for huge x.
Array normalize(const Array& x, int axis = -1, double eps = 1e-12);
/// (x - mean) / sqrt(var + eps) along `axis`, population variance: with eps = 0 exactly NumPy's
/// (x - x.mean(axis, keepdims=True)) / x.std(axis, keepdims=True), in one fused pass.
Array standardize(const Array& x, int axis = -1, double eps = 0);

/// x.y / (max(|x|, eps) * max(|y|, eps)) clamped to [-1, 1]. Two vectors (d,) -> 0-d array;
/// (m, d) x (n, d) -> (m, n); (d,) x (n, d) -> (n,). Huge or tiny float32 vectors are safe.
Array cosine_similarity(const Array& a, const Array& b, double eps = 1e-8);
/// Euclidean distances between the rows of a (m, d) and b (n, d) -> (m, n) (scipy's cdist).
Array cdist(const Array& a, const Array& b);

/// The k largest (or smallest) entries along `axis` and their int64 indices, best first. Ties go
/// to the lower index; NaN ranks above every number. `sorted` is accepted for PyTorch
/// compatibility: the result is always in rank order, identically on every device.
std::pair<Array, Array> topk(const Array& x, int64_t k, int axis = -1, bool largest = true,
                             bool sorted = true);

/// How nearest() scores a corpus row against a query.
enum class Metric { cosine, dot, l2 };
/// What nearest() returns.
struct NearestResult {
  Array indices;  ///< int64 (q, k), or (k,) for a 1-D query
  Array scores;   ///< similarity (cosine, dot: best = largest) or euclidean distance (l2: smallest)
};
/// The k best corpus rows for each query row (the tutorial's find_nearest, batched). The
/// corpus (n, d) is only read. Ties go to the lower corpus index. Many queries are scored
/// against the corpus tile by tile (tile = max(2^21 / q, 2048) + 48 rows), keeping each tile's
/// k best: extra memory q * (tile + k * tiles) scores (8 MiB + the candidates up to 1024
/// queries), never the whole (q, n) matrix.
NearestResult nearest(const Array& queries, const Array& corpus, int64_t k,
                      Metric metric = Metric::cosine);

/// softmax(Q K^T / sqrt(d)) V over (..., S, d) with broadcast leading (head/batch) axes;
/// causal masks key j > query i (top-left aligned, as PyTorch's is_causal).
Array attention(const Array& q, const Array& k, const Array& v, bool causal = false);

/// The settings of kmeans().
struct KMeansOptions {
  int iters = 100;      ///< Lloyd steps at most (stops early when the labels stop changing)
  uint64_t seed = 0;    ///< k-means++ initialisation seed
};
/// What kmeans() returns.
struct KMeansResult {
  Array centroids;  ///< (k, d), float dtype of x
  Array labels;     ///< int64 (n,)
  int iterations = 0;  ///< Lloyd steps run
  double inertia = 0;  ///< sum of squared distances to the assigned centroid
};
/// k-means++ initialisation, then Lloyd iterations, on x's device.
KMeansResult kmeans(const Array& x, int64_t k, KMeansOptions options = {});

}  // namespace nd
