// The tutorial's sections 2 (array operations) and 4 (broadcasting), with NumPy's values.
#include <cmath>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using TutorialElementwise = DeviceTest;

TEST_P(TutorialElementwise, Section2ArrayOperations) {
  // example-begin tutorial-array-operations
  nd::Array arr1 = nd::array({1, 2, 3}, {}, device());
  nd::Array arr2 = nd::array({4, 5, 6}, {}, device());
  nd::Array sum = arr1 + arr2;        // [5, 7, 9]
  nd::Array twice = arr1 * 2;         // [2, 4, 6]
  nd::Array squared = nd::pow(arr1, 2);  // [1, 4, 9]
  nd::Array roots = nd::sqrt(arr1);
  nd::Array exps = nd::exp(arr1);
  nd::Array logs = nd::log(arr1);
  // example-end tutorial-array-operations
  EXPECT_TRUE(array_equals<int64_t>(sum, {5, 7, 9}, {3}));
  EXPECT_TRUE(array_equals<int64_t>(twice, {2, 4, 6}, {3}));
  EXPECT_TRUE(array_equals<int64_t>(squared, {1, 4, 9}, {3}));
  // NumPy gives float64 here; ndgpu's float math on integers is float32 (docs/design.md 4).
  // Values are np.sqrt/np.exp/np.log of [1,2,3] cast to float32.
  EXPECT_TRUE(array_equals<float>(roots, {1.0f, 1.4142135f, 1.7320508f}, {3}));
  EXPECT_TRUE(array_equals<float>(exps, {2.7182817f, 7.389056f, 20.085537f}, {3}));
  EXPECT_TRUE(array_equals<float>(logs, {0.0f, 0.6931472f, 1.0986123f}, {3}));
}

TEST_P(TutorialElementwise, Section4Broadcasting) {
  // example-begin tutorial-broadcasting
  nd::Array arr = nd::array({1, 2, 3}, {}, device());
  nd::Array matrix = nd::array({{1}, {2}, {3}}, {}, device());
  nd::Array result = arr + matrix;  // [[2,3,4],[3,4,5],[4,5,6]]
  // example-end tutorial-broadcasting
  EXPECT_TRUE(array_equals<int64_t>(result, {2, 3, 4, 3, 4, 5, 4, 5, 6}, {3, 3}));
}

// (embeddings - mean) / std over (100, 768). Reductions belong to another module, so the row
// statistics are computed here on the host (float64, cast to float32 as NumPy's float32 mean
// would be within 1 ULP); the elementwise part must then match NumPy's float32 arithmetic
// bit for bit, since IEEE subtraction and division are exactly what NumPy does per element.
TEST_P(TutorialElementwise, Section4NormalizeEmbeddings) {
  nd::random::seed(42);
  nd::Array embeddings = nd::random::rand({100, 768}, nd::float32, device());
  std::vector<float> e = embeddings.to_vector<float>();
  std::vector<float> mean(100), stdev(100);
  for (int r = 0; r < 100; ++r) {
    double s = 0, ss = 0;
    for (int c = 0; c < 768; ++c) s += e[r * 768 + c];
    const double mu = s / 768;
    for (int c = 0; c < 768; ++c) ss += (e[r * 768 + c] - mu) * (e[r * 768 + c] - mu);
    mean[r] = static_cast<float>(mu);
    stdev[r] = static_cast<float>(std::sqrt(ss / 768));
  }
  nd::Array m = nd::array(mean, {100, 1}, nd::float32, device());
  nd::Array s = nd::array(stdev, {100, 1}, nd::float32, device());
  nd::Array normalized = (embeddings - m) / s;  // broadcasting!
  std::vector<float> expect(e.size());
  for (int r = 0; r < 100; ++r)
    for (int c = 0; c < 768; ++c) expect[r * 768 + c] = (e[r * 768 + c] - mean[r]) / stdev[r];
  EXPECT_TRUE(array_equals<float>(normalized, expect, {100, 768}));
  // And the result is standardised: row 0 has mean ~0 and std ~1.
  std::vector<float> n = normalized.to_vector<float>();
  double s0 = 0, ss0 = 0;
  for (int c = 0; c < 768; ++c) s0 += n[c], ss0 += double(n[c]) * n[c];
  EXPECT_NEAR(s0 / 768, 0.0, 1e-5);
  EXPECT_NEAR(std::sqrt(ss0 / 768), 1.0, 1e-4);
}

ND_INSTANTIATE_DEVICE_TESTS(TutorialElementwise);
