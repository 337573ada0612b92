// Similarity and search: cosine_similarity, cdist, nearest and kmeans, all built on one fused
// backend primitive (pairwise scores) plus top-k; k-means keeps the O(n k d) work on the device.
#include <algorithm>
#include <cmath>
#include <random>

#include "detail.hpp"
#include "linalg_detail.hpp"
#include "ndgpu/linalg.hpp"
#include "ndgpu/nn.hpp"
#include "ndgpu/ops.hpp"
#include "ndgpu/reductions.hpp"
#include "nn_ops.hpp"

namespace nd {
namespace {

using kern::PairMetric;

// out (m, n) = metric(a_i, b_j) for a (m, d), b (n, d) of float dtypes with one opmath type, in
// that type. A backend that takes_opmath(Opmath::search) reads 16-bit float rows as they are (a
// corpus is never converted as a whole); for any other, they are widened here.
Array pairwise(Array a, Array b, PairMetric metric, double eps) {
  Backend& be = detail::backend(a.device());
  if (!be.takes_opmath(Opmath::search)) {
    a = detail::computing(a);
    b = detail::computing(b);
  }
  const int64_t d = a.shape()[1];
  auto rows_ok = [d](const Array& x) {
    return (d <= 1 || x.strides()[1] == 1) && x.strides()[0] >= 0;
  };
  if (!rows_ok(a)) a = a.copy();
  if (!rows_ok(b)) b = b.copy();
  Array out = detail::new_array({a.shape()[0], b.shape()[0]}, opmath_dtype(a.dtype()), a.device());
  if (out.size() == 0) return out;
  PairwiseDesc p;
  p.metric = static_cast<uint16_t>(metric);
  p.dtype = out.dtype();
  p.x_dtype = a.dtype();
  p.y_dtype = b.dtype();
  p.m = a.shape()[0];
  p.n = b.shape()[0];
  p.d = d;
  p.x = d ? a.data_ptr() : nullptr;
  p.y = d ? b.data_ptr() : nullptr;
  p.out = out.data_ptr();
  p.x_row_stride = a.strides()[0];
  p.y_row_stride = b.strides()[0];
  p.eps = eps;
  be.pairwise(p);
  return out;
}

// Common float dtype and device checks for a pair of inputs.
std::pair<Array, Array> float_pair(const Array& a, const Array& b, const char* name) {
  detail::check_defined(a, name);
  detail::check_defined(b, name);
  if (a.device() != b.device())
    throw ValueError(std::string(name) + ": expected all arrays on the same device, got " +
                     a.device().str() + " and " + b.device().str());
  DType t = promote_types(a.dtype(), b.dtype());
  if (!is_floating(t)) t = float32;
  return {a.dtype() == t ? a : a.astype(t), b.dtype() == t ? b : b.astype(t)};
}

void check_features(const Array& a, const Array& b, const char* name) {
  const int64_t da = a.shape().back(), db = b.shape().back();
  if (da != db)
    throw ValueError(std::string(name) + ": shapes " + shape_str(a.shape()) + " and " +
                     shape_str(b.shape()) + " not aligned: " + std::to_string(da) + " (dim " +
                     std::to_string(a.ndim() - 1) + ") != " + std::to_string(db) + " (dim " +
                     std::to_string(b.ndim() - 1) + ")");
}

}  // namespace

Array cosine_similarity(const Array& a_in, const Array& b_in, double eps) {
  auto [a, b] = float_pair(a_in, b_in, "cosine_similarity");
  if (a.ndim() < 1 || a.ndim() > 2 || b.ndim() < 1 || b.ndim() > 2)
    throw ValueError("cosine_similarity: expected vectors (d,) or matrices (n, d), got shapes " +
                     shape_str(a.shape()) + " and " + shape_str(b.shape()));
  check_features(a, b, "cosine_similarity");
  Array s = detail::rounded(pairwise(a.ndim() == 1 ? a.reshape({1, -1}) : a,
                                     b.ndim() == 1 ? b.reshape({1, -1}) : b, PairMetric::cosine, eps),
                            a.dtype());  // a 16-bit float's scores rounded once
  if (a.ndim() == 1 && b.ndim() == 1) return s.reshape({});
  if (a.ndim() == 1) return s.reshape({b.shape()[0]});
  if (b.ndim() == 1) return s.reshape({a.shape()[0]});
  return s;
}

Array cdist(const Array& a_in, const Array& b_in) {
  auto [a, b] = float_pair(a_in, b_in, "cdist");
  if (a.ndim() != 2) throw ValueError("cdist: XA must be a 2-dimensional array.");
  if (b.ndim() != 2) throw ValueError("cdist: XB must be a 2-dimensional array.");
  if (a.shape()[1] != b.shape()[1])
    throw ValueError("cdist: XA and XB must have the same number of columns (i.e. feature dimension.)");
  return detail::rounded(pairwise(a, b, PairMetric::euclidean, 0), a.dtype());
}

NearestResult nearest(const Array& q_in, const Array& c_in, int64_t k, Metric metric) {
  auto [q, c] = float_pair(q_in, c_in, "nearest");
  if (c.ndim() != 2)
    throw ValueError("nearest: the corpus must be a (n, d) array, got shape " + shape_str(c.shape()));
  if (q.ndim() < 1 || q.ndim() > 2)
    throw ValueError("nearest: queries must be (d,) or (q, d), got shape " + shape_str(q.shape()));
  check_features(q, c, "nearest");
  if (k < 0 || k > c.shape()[0])
    throw ValueError("nearest: k = " + std::to_string(k) + " is out of range for a corpus of " +
                     std::to_string(c.shape()[0]) + " rows");
  const PairMetric pm = metric == Metric::cosine ? PairMetric::cosine
                        : metric == Metric::dot  ? PairMetric::dot
                                                 : PairMetric::euclidean;
  const bool largest = metric != Metric::l2;
  const Array q2 = q.ndim() == 1 ? q.reshape({1, -1}) : q;
  const int64_t nq = q2.shape()[0], n = c.shape()[0];
  // Many queries: queries in blocks of at most kQueryBlock, the corpus in tiles of about
  // kScoreBudget scores per block; each tile's k best are merged into the block's running k best.
  // Memory: one tile of scores and the running k best, never the (q, n) matrix (4096 queries over
  // 1e6 rows: 9 MiB of scores instead of 15 GiB; 1e5 queries over 2000 rows: 8 MiB, not 800 MB). Exact: scores do not depend on the tiling, and
  // the running best (earlier, lower corpus indices) comes first in each merge, so ties still go
  // to the lower corpus index. (+ 48: rows of 2^k floats would put every query's scores in the
  // same cache sets.)
  constexpr int64_t kScoreBudget = int64_t(1) << 21, kQueryBlock = 1024;
  const int64_t qb = std::min<int64_t>(nq, kQueryBlock);
  const int64_t tile = std::max({kScoreBudget / std::max<int64_t>(qb, 1), int64_t(2048), 4 * k}) + 48;
  if (nq > 1 && k > 0 && (n > tile || nq > qb)) {
    std::vector<Array> idx_blocks, val_blocks;
    for (int64_t q0 = 0; q0 < nq; q0 += qb) {
      const Array qs = q2(slice(q0, std::min(nq, q0 + qb)));
      const Array rows = arange(qs.shape()[0], int64, q2.device()).reshape({qs.shape()[0], 1});
      Array best, at_best;
      for (int64_t t0 = 0; t0 < n; t0 += tile) {
        const int64_t t1 = std::min(n, t0 + tile);
        auto [v, i] = topk(pairwise(qs, c(slice(t0, t1)), pm, 1e-8), std::min(k, t1 - t0), -1, largest);
        i = i + t0;
        if (t0 == 0) {
          best = v, at_best = i;
          continue;
        }
        auto [merged, at] = topk(concatenate({best, v}, 1), k, -1, largest);
        at_best = concatenate({at_best, i}, 1).index({Index(rows), Index(at)});
        best = merged;
      }
      val_blocks.push_back(best);
      idx_blocks.push_back(at_best);
    }
    return {concatenate(idx_blocks, 0), detail::rounded(concatenate(val_blocks, 0), q.dtype())};
  }
  auto [vals, idx] = topk(pairwise(q2, c, pm, 1e-8), k, -1, largest);
  vals = detail::rounded(vals, q.dtype());  // a 16-bit float's scores: ranked in float32, rounded once
  if (q.ndim() == 1) return {idx.reshape({k}), vals.reshape({k})};
  return {idx, vals};
}

KMeansResult kmeans(const Array& x_in, int64_t k, KMeansOptions opt) {
  detail::check_defined(x_in, "kmeans");
  if (x_in.ndim() != 2) throw ValueError("kmeans: x must be a (n, d) array, got shape " + shape_str(x_in.shape()));
  // 16-bit float rows: Lloyd steps in float32 (the centroids' dtype), centroids rounded once.
  // Where the backend reads such rows as they are, x is never converted as a whole.
  if (is_half(x_in.dtype()) && !detail::backend(x_in.device()).takes_opmath(Opmath::search)) {
    KMeansResult r = kmeans(detail::computing(x_in), k, opt);
    r.centroids = detail::rounded(r.centroids, x_in.dtype());
    return r;
  }
  Array x = is_floating(x_in.dtype()) ? x_in : x_in.astype(float32);
  const DType math = opmath_dtype(x.dtype());  // of the centroids and distances
  const int64_t n = x.shape()[0], d = x.shape()[1];
  if (k < 1 || k > n)
    throw ValueError("kmeans: n_samples=" + std::to_string(n) + " should be >= n_clusters=" +
                     std::to_string(k) + " (and n_clusters >= 1)");
  std::mt19937_64 rng(opt.seed);
  auto row = [&](int64_t i) { return x[i].to_vector<double>(); };

  // k-means++: each next centre drawn with probability proportional to D(x)^2.
  std::vector<double> cent;
  std::vector<double> d2(n, INFINITY);
  int64_t pick = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  for (int64_t c = 0; c < k; ++c) {
    std::vector<double> r = row(pick);
    cent.insert(cent.end(), r.begin(), r.end());
    if (c + 1 == k) break;
    Array dist = pairwise(x, array(r, {1, d}, math, x.device()), PairMetric::euclidean, 0);
    std::vector<double> dv = dist.to_vector<double>();
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
      d2[i] = std::min(d2[i], dv[i] * dv[i]);
      total += d2[i];
    }
    if (!(total > 0)) {
      pick = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
      continue;
    }
    double u = std::uniform_real_distribution<double>(0, total)(rng), acc = 0;
    pick = n - 1;
    for (int64_t i = 0; i < n; ++i) {
      acc += d2[i];
      if (acc > u && d2[i] > 0) {
        pick = i;
        break;
      }
    }
  }

  // Lloyd steps: the backend's fused step (assignment and cluster sums, KMeansStepDesc), or the
  // fused distance kernel + argmin (a reduction) and a one-hot matmul for the sums. The final
  // assignment's top-1 gives the distances too, with the same ties (the lower index).
  KMeansResult res;
  std::vector<int64_t> labels, prev;
  std::vector<double> best, sums;
  const Array xc = x.contiguous();
  auto centroids = [&] { return array(cent, {k, d}, math, x.device()); };
  auto distances = [&] { return pairwise(xc, centroids(), PairMetric::euclidean, 0); };
  auto assign = [&] {
    auto [vals, idx] = topk(distances(), 1, -1, /*largest=*/false);
    labels = idx.to_vector<int64_t>();
    best = vals.to_vector<double>();
  };
  auto fused_step = [&] {
    const Array c = centroids();
    const Array lab = detail::new_array({n}, int64, x.device());
    const Array sum = detail::new_array({k, d}, float64, x.device());
    KMeansStepDesc desc;
    desc.dtype = math;
    desc.x_dtype = x.dtype();
    desc.n = n, desc.d = d, desc.k = k;
    desc.x = xc.data_ptr();
    desc.centroids = c.data_ptr();
    desc.labels = static_cast<int64_t*>(lab.data_ptr());
    desc.sums = static_cast<double*>(sum.data_ptr());
    if (!detail::backend(x.device()).kmeans_step(desc)) return false;
    labels = lab.to_vector<int64_t>();
    sums = sum.to_vector<double>();
    return true;
  };
  const Array cluster_ids = arange(k, int64, x.device()).reshape({k, 1});
  for (int it = 0; it < opt.iters; ++it) {
    sums.clear();
    Array on_device;  // the labels where the backend made them
    if (!fused_step()) {
      on_device = argmin(distances(), 1);
      labels = on_device.to_vector<int64_t>();
    }
    if (labels == prev) break;
    std::vector<double> count(k, 0.0);
    for (int64_t i = 0; i < n; ++i) count[labels[i]] += 1;
    if (sums.empty()) {
      // The (k, n) one-hot matrix made where the labels are (no host copy to upload each step);
      // 0 / 1 are exact in x's dtype: a 16-bit x is read as stored where the backend can.
      const Array onehot = equal(cluster_ids, on_device.reshape({1, n})).astype(x.dtype());
      sums = detail::matmul_opmath(onehot, xc).to_vector<double>();
    }
    for (int64_t c = 0; c < k; ++c)
      if (count[c] > 0)  // an empty cluster keeps its centre
        for (int64_t j = 0; j < d; ++j) cent[c * d + j] = sums[c * d + j] / count[c];
    prev = labels;
    res.iterations = it + 1;
  }
  assign();
  res.centroids = detail::rounded(centroids(), x.dtype());
  res.labels = array(labels, {n}, int64, x.device());
  for (double b : best) res.inertia += b * b;
  return res;
}

}  // namespace nd
