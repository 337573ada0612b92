// attention (batched heads, causal) against NumPy, and k-means on well-separated clusters.
#include <cmath>
#include <set>

#include "nn/golden_nn.hpp"
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

using AttentionKMeans = NnGoldenTest;
ND_INSTANTIATE_DEVICE_TESTS(AttentionKMeans);

TEST_P(AttentionKMeans, AttentionMatchesNumPy) {
  EXPECT_GOLDEN(attention(g("at_q"), g("at_k"), g("at_v")), "at_out", 1e-5, 1e-5);
  EXPECT_GOLDEN(attention(g("at_q"), g("at_k"), g("at_v"), true), "at_causal", 1e-5, 1e-5);
  EXPECT_GOLDEN(attention(g("at_q", float64), g("at_k", float64), g("at_v", float64), true), "at_causal",
                1e-12, 1e-12);
  // Broadcast heads: one K/V shared by both query heads equals attending each head separately.
  Array out = attention(g("at_q"), g("at_k")[0], g("at_v")[0]);
  EXPECT_EQ(out.shape(), (Shape{2, 5, 4}));
  EXPECT_THROW(attention(g("at_q"), g("at_v"), g("at_v")), ValueError);
}

// softmax(q k^T / sqrt(d), causal mask) v, unfused, from public ops: the oracle for the fused
// CPU kernel (kernels/cpu/attention.cpp: 96 queries x 192 keys per tile).
Array unfused_attention(const Array& q, const Array& k, const Array& v, bool causal) {
  const int64_t sq = q.shape()[q.ndim() - 2], sk = k.shape()[k.ndim() - 2];
  Array scores = matmul(q, k.swapaxes(-1, -2)) * (1.0 / std::sqrt(double(q.shape().back())));
  if (causal) {  // key j > query i
    const Array later = arange(sk, int64, q.device()).reshape({1, sk}) >
                        arange(sq, int64, q.device()).reshape({sq, 1});
    scores = where(later, -INFINITY, scores);
  }
  return matmul(softmax(scores, -1), v);
}

::testing::AssertionResult matches_unfused(const Array& q, const Array& k, const Array& v, bool causal) {
  const Array want = unfused_attention(q, k, v, causal);
  return array_near(attention(q, k, v, causal), want.astype(float64).to_vector<double>(), want.shape(),
                    1e-5, 1e-5);
}

TEST_P(AttentionKMeans, AttentionEqualsTheUnfusedReferenceAcrossTileEdges) {
  if (!device().is_cpu()) GTEST_SKIP() << "CUDA has no fused kernel yet: this would compare the unfused path with itself";
  random::seed(21);
  // Sequence lengths around the 96 x 192 tile, query and key lengths unequal both ways, d and
  // dv not multiples of 16.
  const int64_t sizes[][4] = {{1, 1, 8, 8}, {96, 192, 32, 32}, {200, 333, 40, 24}, {333, 200, 40, 17},
                              {97, 193, 128, 128}, {7, 500, 3, 5}};
  for (const auto& sz : sizes) {
    const int64_t sq = sz[0], sk = sz[1], d = sz[2], dv = sz[3];
    Array q = random::randn({2, 3, sq, d}, float32, device());
    Array k = random::randn({2, 3, sk, d}, float32, device());
    Array v = random::randn({2, 3, sk, dv}, float32, device());
    for (bool causal : {false, true}) EXPECT_TRUE(matches_unfused(q, k, v, causal)) << sq << "x" << sk << " causal " << causal;
  }
}

TEST_P(AttentionKMeans, AttentionTakesStridedAndBroadcastOperands) {
  if (!device().is_cpu()) GTEST_SKIP() << "CUDA has no fused kernel yet: this would compare the unfused path with itself";
  random::seed(22);
  const int64_t sq = 130, sk = 250, d = 24, dv = 20;
  Array q = random::randn({2, sq, 3, d}, float32, device()).swapaxes(1, 2);   // rows 3 d apart
  Array k = random::randn({3, sk, d}, float32, device());                      // batch axis broadcast
  Array v = random::randn({1, 3, dv, sk}, float32, device()).swapaxes(-1, -2);  // inner stride sk
  for (bool causal : {false, true}) EXPECT_TRUE(matches_unfused(q, k, v, causal)) << "causal " << causal;
  Array qr = random::randn({2, 3, sq, d}, float32, device())(all, all, slice(_, _, -1));  // reversed rows
  EXPECT_TRUE(matches_unfused(qr, k, v, true));
}

// A query whose scores are all -inf gets a NaN row (softmax of all -inf, as PyTorch); keys
// whose score is -inf get weight 0, even a whole tile of them before any finite score.
TEST_P(AttentionKMeans, AttentionInfiniteScoresMatchTheUnfusedSoftmax) {
  random::seed(23);
  const int64_t sq = 100, sk = 300, d = 16;
  std::vector<float> kv = random::randn({sk, d}, float32, Device::cpu()).to_vector<float>();
  for (int64_t j = 0; j < sk; ++j) kv[j * d] = std::fabs(kv[j * d]) + 0.5f;  // column 0 > 0
  for (int64_t j = 0; j < 200; ++j) kv[j * d + 1] = INFINITY;  // keys < 200: score +-inf by q[:, 1]'s sign
  std::vector<float> qv = random::randn({sq, d}, float32, Device::cpu()).to_vector<float>();
  qv[5 * d] = -INFINITY;  // query 5: every score -inf
  qv[0 * d + 1] = -2.0f;  // query 0: the first key tile all -inf (queries with q[1] > 0: NaN rows)
  for (int64_t c = 0; c < d; ++c) qv[70 * d + c] = c == 1 ? -1.0f : 0.0f;  // query 70 too
  Array k = array(kv, {sk, d}, float32, device());
  Array q = array(qv, {sq, d}, float32, device());
  Array v = random::randn({sk, 8}, float32, device());
  for (bool causal : {false, true}) EXPECT_TRUE(matches_unfused(q, k, v, causal)) << "causal " << causal;
  const std::vector<float> out = attention(q, k, v).to_vector<float>();
  EXPECT_TRUE(std::isnan(out[5 * 8]));
  EXPECT_TRUE(std::isfinite(out[70 * 8]));
  EXPECT_TRUE(std::isfinite(out[0]));
}

TEST_P(AttentionKMeans, KMeansFindsWellSeparatedClusters) {
  random::seed(11);
  const int64_t per = 50, k = 4, d = 3;
  const double centres[4][3] = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}, {0, 0, 10}};
  std::vector<double> pts = random::normal(0, 0.5, {k * per, d}, float64, Device::cpu()).to_vector<double>();
  for (int64_t c = 0; c < k; ++c)
    for (int64_t i = 0; i < per; ++i)
      for (int64_t j = 0; j < d; ++j) pts[(c * per + i) * d + j] += centres[c][j];
  Array x = array(pts, {k * per, d}, float32, device());
  KMeansResult km = kmeans(x, k, {.iters = 50, .seed = 0});
  EXPECT_EQ(km.centroids.shape(), (Shape{k, d}));
  std::vector<int64_t> labels = km.labels.to_vector<int64_t>();
  std::set<int64_t> seen;
  for (int64_t c = 0; c < k; ++c) {  // each true cluster maps to one label, all labels distinct
    for (int64_t i = 1; i < per; ++i) EXPECT_EQ(labels[c * per + i], labels[c * per]);
    seen.insert(labels[c * per]);
  }
  EXPECT_EQ(seen.size(), 4u);
  std::vector<float> cent = km.centroids.to_vector<float>();
  for (int64_t c = 0; c < k; ++c)
    for (int64_t j = 0; j < d; ++j) EXPECT_NEAR(cent[labels[c * per] * d + j], centres[c][j], 0.3);
  EXPECT_GT(km.iterations, 0);
  EXPECT_LT(km.inertia, k * per * d * 0.5);
  EXPECT_THROW(kmeans(x, 0), ValueError);
}

// One Lloyd step (the backend's fused step where it has one) against the step done by hand:
// iters = 0 returns the seeding's centroids with their assignment, iters = 1 the means of those
// clusters. d = 37 and k = 5 leave tails after the 8-lane and 4-centroid blocks.
// Every device's k-means step sums the clusters in the same order (kern::kmeans_parts: 3 parts
// of 900 rows here), so with the same labels the centroids are the CPU's bit for bit: float32,
// float64 and float16 rows, clusters well apart (no label can flip between the CPU's score and a
// device's distance).
TEST_P(AttentionKMeans, KMeansGivesTheCpusLabelsAndCentroidsBitForBit) {
  random::seed(13);
  const int64_t per = 300, k = 3, d = 20;
  std::vector<double> pts = random::normal(0, 0.3, {k * per, d}, float64, Device::cpu()).to_vector<double>();
  for (int64_t i = 0; i < k * per; ++i) pts[i * d + (i % k)] += 8.0;  // row i near centre i % k
  for (DType dt : {float32, float64, float16}) {
    const Array xc = array(pts, {k * per, d}, dt, Device::cpu());
    const KMeansResult want = kmeans(xc, k, {.iters = 20, .seed = 2});
    const KMeansResult got = kmeans(xc.to(device()), k, {.iters = 20, .seed = 2});
    EXPECT_EQ(got.labels.cpu().to_vector<int64_t>(), want.labels.to_vector<int64_t>()) << dtype_name(dt);
    EXPECT_EQ(got.centroids.cpu().astype(float64).to_vector<double>(), want.centroids.astype(float64).to_vector<double>())
        << dtype_name(dt);
    EXPECT_EQ(got.iterations, want.iterations) << dtype_name(dt);
    EXPECT_NEAR(got.inertia, want.inertia, 1e-5 * want.inertia) << dtype_name(dt);
  }
}

TEST_P(AttentionKMeans, KMeansStepMatchesTheMeansOfTheAssignedRows) {
  for (DType dt : {float32, float64}) {
    random::seed(5);
    const int64_t n = 300, d = 37, k = 5;
    Array x = random::normal(0, 1, {n, d}, dt, device());
    KMeansResult r0 = kmeans(x, k, {.iters = 0, .seed = 3});
    KMeansResult r1 = kmeans(x, k, {.iters = 1, .seed = 3});
    ASSERT_EQ(r1.iterations, 1);
    std::vector<double> xs = x.to_vector<double>(), c0 = r0.centroids.to_vector<double>();
    std::vector<int64_t> l0 = r0.labels.to_vector<int64_t>();
    std::vector<double> want(c0), sum(k * d, 0.0), count(k, 0.0);
    for (int64_t i = 0; i < n; ++i) {
      count[l0[i]] += 1;
      for (int64_t j = 0; j < d; ++j) sum[l0[i] * d + j] += xs[i * d + j];
    }
    for (int64_t c = 0; c < k; ++c)
      if (count[c] > 0)
        for (int64_t j = 0; j < d; ++j) want[c * d + j] = sum[c * d + j] / count[c];
    std::vector<double> got = r1.centroids.to_vector<double>();
    for (int64_t q = 0; q < k * d; ++q) EXPECT_NEAR(got[q], want[q], 1e-5) << dtype_name(dt) << " at " << q;
  }
}
