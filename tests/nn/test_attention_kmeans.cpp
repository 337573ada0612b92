// attention (batched heads, causal) against NumPy, and k-means on well-separated clusters.
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
