// cosine_similarity, cdist and nearest: the tutorial's 0.9840, exercise 2 (euclidean_distance,
// cosine_similarity, find_nearest), huge/tiny float32 vectors, clamping, and the corpus staying
// untouched.
#include <cmath>
#include <string>
#include <utility>

#include "nn/golden_nn.hpp"
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

using Similarity = NnGoldenTest;
ND_INSTANTIATE_DEVICE_TESTS(Similarity);

TEST_P(Similarity, TutorialCosineIs0Point9840) {
  Array a = array({0.2, 0.5, 0.8}, float32, device());
  Array b = array({0.3, 0.6, 0.7}, float32, device());
  Array s = cosine_similarity(a, b);
  EXPECT_EQ(s.ndim(), 0);
  EXPECT_GOLDEN(s, "tutorial_cos", 1e-6, 0);
  EXPECT_NEAR(s.item<float>(), 0.9840, 5e-5);
  Array a64 = array({0.2, 0.5, 0.8}, float64, device()), b64 = array({0.3, 0.6, 0.7}, float64, device());
  EXPECT_GOLDEN(cosine_similarity(a64, b64), "tutorial_cos", 1e-15, 0);
}

TEST_P(Similarity, ExerciseTwo) {
  Array u = g("ex2_u"), v = g("ex2_v");
  // euclidean_distance(u, v) == cdist of the two rows.
  EXPECT_GOLDEN(cdist(u.reshape({1, 4}), v.reshape({1, 4})).reshape({}), "ex2_dist", 1e-6, 1e-6);
  EXPECT_GOLDEN(cosine_similarity(u, v), "ex2_cos", 1e-6, 1e-7);
  EXPECT_GOLDEN(cosine_similarity(g("ex2_vectors"), u), "ex2_sims", 1e-6, 1e-7);  // (n,d) x (d,)
  auto [idx, scores] = nearest(u, g("ex2_vectors"), 1);                               // find_nearest
  EXPECT_EQ(idx.item<int64_t>(), static_cast<int64_t>(golden_nn("ex2_nearest").values[0]));
}

TEST_P(Similarity, MatrixCosineAndCdist) {
  EXPECT_GOLDEN(cosine_similarity(g("cd_p"), g("cd_q")), "cos_pq", 1e-6, 1e-6);
  EXPECT_GOLDEN(cdist(g("cd_p"), g("cd_q")), "cd_pq", 1e-6, 1e-6);
  EXPECT_GOLDEN(cdist(g("cd_p", float64), g("cd_q", float64)), "cd_pq", 1e-13, 1e-13);
  EXPECT_GOLDEN(cosine_similarity(g("cd_p", float64), g("cd_q", float64)), "cos_pq", 1e-13, 1e-13);
  // Transposed / strided rows give the same values.
  EXPECT_GOLDEN(cdist(g("cd_p").T().copy().T(), g("cd_q")), "cd_pq", 1e-6, 1e-6);
}

TEST_P(Similarity, HugeAndTinyFloat32VectorsNeitherOverflowNorUnderflow) {
  for (double scale : {1e30, 1e19, 1e-19, 1e-30}) {
    std::vector<double> a{0.2 * scale, 0.5 * scale, 0.8 * scale}, b{0.3 * scale, 0.6 * scale, 0.7 * scale};
    const float c = cosine_similarity(array(a, {3}, float32, device()), array(b, {3}, float32, device())).item<float>();
    // Norms below eps = 1e-8 are clamped to eps, exactly as the formula says.
    const double na = std::sqrt(0.93) * scale, nb = std::sqrt(0.94) * scale;
    const double expect = 0.92 * scale * scale / std::max(na, 1e-8) / std::max(nb, 1e-8);
    EXPECT_NEAR(c, expect, 1e-6 * std::fabs(expect) + 1e-30) << "scale " << scale;
  }
}

TEST_P(Similarity, ResultsAreClampedAndSymmetric) {
  Array x = random::rand({17, 33}, float32, device());
  Array self = cosine_similarity(x, x);
  std::vector<float> s = self.to_vector<float>(), t = cosine_similarity(x, x).T().copy().to_vector<float>();
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_LE(s[i], 1.f);
    EXPECT_GE(s[i], -1.f);
    EXPECT_NEAR(s[i], t[i], 1e-6);
  }
  for (int i = 0; i < 17; ++i) EXPECT_NEAR(s[i * 17 + i], 1.f, 1e-6);
  // cos(x, 3x) == 1 (clamped), zero vector gives 0.
  Array v = array({1.0, 2.0, 3.0}, float32, device()), v3 = array({3.0, 6.0, 9.0}, float32, device());
  EXPECT_LE(cosine_similarity(v, v3).item<float>(), 1.f);
  EXPECT_NEAR(cosine_similarity(v, v3).item<float>(), 1.f, 1e-7);
  EXPECT_EQ(cosine_similarity(v, zeros({3}, float32, device())).item<float>(), 0.f);
}

TEST_P(Similarity, NearestIsBatchedAndLeavesTheCorpusAlone) {
  random::seed(7);
  Array corpus = random::randn({300, 40}, float32, device());
  std::vector<float> before = corpus.to_vector<float>();
  Array queries = corpus(slice(10, 14));  // rows 10..13 are their own best match
  for (Metric m : {Metric::cosine, Metric::l2}) {
    auto [idx, scores] = nearest(queries, corpus, 5, m);
    EXPECT_EQ(idx.shape(), (Shape{4, 5}));
    std::vector<int64_t> ix = idx.to_vector<int64_t>();
    for (int q = 0; q < 4; ++q) EXPECT_EQ(ix[q * 5], 10 + q);
    std::vector<float> sc = scores.to_vector<float>();
    for (int q = 0; q < 4; ++q)
      for (int j = 1; j < 5; ++j)
        if (m == Metric::l2) EXPECT_LE(sc[q * 5 + j - 1], sc[q * 5 + j]);
        else EXPECT_GE(sc[q * 5 + j - 1], sc[q * 5 + j]);
  }
  auto [idx_dot, s_dot] = nearest(queries, corpus, 3, Metric::dot);
  EXPECT_EQ(s_dot.shape(), (Shape{4, 3}));
  EXPECT_EQ(corpus.to_vector<float>(), before);
}

// 1024 queries score the corpus in tiles of 2^21 / 1024 + 48 = 2096 rows (nn.hpp): the result
// must be exactly one top-k over all rows, ties across tile edges going to the lower index.
TEST_P(Similarity, BatchedNearestEqualsOneTopkOverAllRowsAcrossTileEdges) {
#if NDGPU_CUDA_EMULATION  // the tiling is host code, the same for every device; 5 minutes here
  if (device().is_cuda()) GTEST_SKIP() << "too slow on the SIMT emulator";
#endif
  random::seed(3);
  const int64_t n = 4500, d = 4, nq = 1024;  // 3 tiles: [0, 2096), [2096, 4192), [4192, 4500)
  Array corpus = random::randn({n, d}, float32, device());
  for (int64_t dup : {2095, 2096, 4191, 4192, 4499}) corpus[dup].assign(corpus[17]);  // exact ties
  Array queries = random::randn({nq, d}, float32, device());
  queries[0].assign(corpus[17]);
  queries[1].assign(corpus[2096] * 2.0);
  for (Metric m : {Metric::cosine, Metric::dot, Metric::l2}) {
    // The same pairwise scores as nearest's: bit for bit (dot has no public all-pairs form).
    const Array all = m == Metric::cosine ? cosine_similarity(queries, corpus)
                      : m == Metric::l2   ? cdist(queries, corpus)
                                          : Array();
    for (int64_t k : {1, 50}) {
      auto [idx, scores] = nearest(queries, corpus, k, m);
      EXPECT_EQ(idx.shape(), (Shape{nq, k}));
      if (m != Metric::dot) {
        auto [want_scores, want_idx] = topk(all, k, -1, m != Metric::l2);
        EXPECT_EQ(idx.to_vector<int64_t>(), want_idx.to_vector<int64_t>()) << int(m) << " k=" << k;
        EXPECT_EQ(scores.to_vector<float>(), want_scores.to_vector<float>()) << int(m) << " k=" << k;
      } else {  // one query at a time instead
        for (int64_t r : {0, 1, 1023}) {
          auto [one_idx, one_scores] = nearest(queries[r], corpus, k, m);
          EXPECT_EQ(idx[r].to_vector<int64_t>(), one_idx.to_vector<int64_t>()) << "query " << r;
          EXPECT_EQ(scores[r].to_vector<float>(), one_scores.to_vector<float>()) << "query " << r;
        }
      }
      if (m == Metric::cosine && k >= 7) {  // the tied rows, in index order, across three tiles
        const std::vector<int64_t> got = idx.to_vector<int64_t>();
        EXPECT_EQ(std::vector<int64_t>(got.begin(), got.begin() + 6),
                  (std::vector<int64_t>{17, 2095, 2096, 4191, 4192, 4499}));
        EXPECT_EQ(std::vector<int64_t>(got.begin() + k, got.begin() + k + 6),
                  (std::vector<int64_t>{17, 2095, 2096, 4191, 4192, 4499}));
      }
    }
  }
}

// nearest against NumPy's brute force (float64 scores, stable argsort): 40 queries at once (the
// score tiles) and some alone (the few-row kernel), every metric; query 0 ties three rows.
TEST_P(Similarity, NearestMatchesNumPysBruteForce) {
  const Array corpus = g("nn_corpus"), queries = g("nn_queries");
  for (auto [m, name] : {std::pair{Metric::cosine, "cosine"}, {Metric::dot, "dot"}, {Metric::l2, "l2"}}) {
    const std::string idx_name = std::string("nn_") + name + "_idx", val_name = std::string("nn_") + name + "_val";
    const std::vector<double>& want = golden_nn(idx_name).values;
    auto [idx, scores] = nearest(queries, corpus, 7, m);
    EXPECT_EQ(idx.astype(float64).to_vector<double>(), want) << name;
    EXPECT_GOLDEN(scores, val_name.c_str(), 2e-5, 1e-5);
    for (int64_t r : {0, 5, 39}) {
      auto [one, one_scores] = nearest(queries[r], corpus, 7, m);
      EXPECT_EQ(one.astype(float64).to_vector<double>(), std::vector<double>(want.begin() + r * 7, want.begin() + r * 7 + 7))
          << name << " query " << r;
      EXPECT_EQ(one_scores.to_vector<float>(), scores[r].to_vector<float>()) << name << " query " << r;
    }
  }
  EXPECT_EQ(std::vector<double>(golden_nn("nn_cosine_idx").values.begin(), golden_nn("nn_cosine_idx").values.begin() + 3),
            (std::vector<double>{17, 150, 299}));
}

// A query's scores have the same bits alone, in a few (<= 32: the corpus read once, a thread per
// corpus row) and in a batch (the 16 x 16 tiles), with either side the few one; features cross
// the kernels' chunks (16 and 32).
TEST_P(Similarity, FewAndManyRowsGiveTheSameBits) {
  random::seed(9);
  for (int64_t d : {1, 31, 70}) {
    const Array corpus = random::randn({300, d}, float32, device());
    const Array many = random::randn({40, d}, float32, device());
    const Array few = many(slice(0, 5));
    const std::vector<float> c5 = cdist(corpus, few).to_vector<float>();       // few on y
    const std::vector<float> c40 = cdist(corpus, many)(all, slice(0, 5)).contiguous().to_vector<float>();
    EXPECT_EQ(c5, c40) << "cdist d=" << d;
    const std::vector<float> s5 = cosine_similarity(few, corpus).to_vector<float>();  // few on x
    const std::vector<float> s40 = cosine_similarity(many, corpus)(slice(0, 5)).contiguous().to_vector<float>();
    EXPECT_EQ(s5, s40) << "cosine d=" << d;
    const std::vector<float> t5 = cosine_similarity(corpus, few).to_vector<float>();
    const std::vector<float> t40 = cosine_similarity(corpus, many)(all, slice(0, 5)).contiguous().to_vector<float>();
    EXPECT_EQ(t5, t40) << "cosine, few on y, d=" << d;
    auto [i1, v1] = nearest(many[3], corpus, 7, Metric::dot);
    auto [i40, v40] = nearest(many, corpus, 7, Metric::dot);
    EXPECT_EQ(i1.to_vector<int64_t>(), i40[3].to_vector<int64_t>()) << "dot d=" << d;
    EXPECT_EQ(v1.to_vector<float>(), v40[3].to_vector<float>()) << "dot d=" << d;
  }
}

// Many queries against a long corpus run in bounded memory: queries in blocks of 1024, the corpus
// in tiles of 2096 rows whose k best are merged into a running k best; the (2048, 24000) score
// matrix (197 MB) is never made. The bound (32 MiB, whatever the corpus length) covers a block's
// tile of scores (8.6 MB), the top-k workspaces and the running best. The same results as one
// query at a time.
TEST_P(Similarity, ManyQueriesOverALongCorpusRunInBoundedMemory) {
#if NDGPU_CUDA_EMULATION  // 8e8 multiply-adds
  if (device().is_cuda()) GTEST_SKIP() << "too slow on the SIMT emulator";
#endif
  random::seed(8);
  const int64_t n = 24000, d = 16, nq = 2048, k = 10;
  const Array corpus = random::randn({n, d}, float32, device());
  const Array queries = random::randn({nq, d}, float32, device());
  synchronize(device());
  const int64_t before = memory_stats(device()).allocated;
  reset_peak_memory_stats(device());
  auto [idx, scores] = nearest(queries, corpus, k, Metric::cosine);
  synchronize(device());
  const int64_t extra = memory_stats(device()).peak - before;
  RecordProperty("peak_bytes_beyond_the_inputs", std::to_string(extra));
  EXPECT_LE(extra, int64_t(32) << 20) << "peak beyond the inputs: " << extra << " bytes";
  EXPECT_GT(extra, 0);
  EXPECT_EQ(idx.shape(), (Shape{nq, k}));
  // Many queries over a short corpus (one tile): in blocks of queries too, the same answers.
  auto [idx_short, scores_short] = nearest(queries, corpus(slice(0, 1000)), k, Metric::cosine);
  auto [one_short, one_short_scores] = nearest(queries[2000], corpus(slice(0, 1000)), k, Metric::cosine);
  EXPECT_EQ(idx_short[2000].to_vector<int64_t>(), one_short.to_vector<int64_t>());
  EXPECT_EQ(scores_short[2000].to_vector<float>(), one_short_scores.to_vector<float>());
  for (int64_t r : {int64_t(0), int64_t(1500), nq - 1}) {
    auto [one_idx, one_scores] = nearest(queries[r], corpus, k, Metric::cosine);
    EXPECT_EQ(idx[r].to_vector<int64_t>(), one_idx.to_vector<int64_t>()) << "query " << r;
    EXPECT_EQ(scores[r].to_vector<float>(), one_scores.to_vector<float>()) << "query " << r;
  }
}

TEST_P(Similarity, ShapeErrors) {
  EXPECT_THROW(cosine_similarity(ones({3}, float32, device()), ones({4}, float32, device())), ValueError);
  EXPECT_THROW(cdist(ones({2, 3}, float32, device()), ones({2, 4}, float32, device())), ValueError);
  EXPECT_THROW(nearest(ones({3}, float32, device()), ones({2, 3}, float32, device()), 3), ValueError);
}
