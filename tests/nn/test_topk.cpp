// topk: values and int64 indices in rank order, ties to the lower index, NaN ranked highest,
// every k up to the axis size, other axes, and the streaming path vs the full-sort path.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

class Topk : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(Topk);

TEST_P(Topk, TiesGoToTheLowerIndexAndNaNRanksHighest) {
  const float nan = std::nanf("");
  Array x = array(std::vector<float>{3, 1, nan, 3, 5, nan, 1}, {7}, float32, device());
  auto [v, i] = topk(x, 5);
  EXPECT_TRUE(array_equals<int64_t>(i, {2, 5, 4, 0, 3}, {5}));
  EXPECT_TRUE(array_equals<float>(v, {nan, nan, 5, 3, 3}, {5}));
  auto [vs, is] = topk(x, 4, -1, /*largest=*/false);
  EXPECT_TRUE(array_equals<int64_t>(is, {1, 6, 0, 3}, {4}));
  auto [va, ia] = topk(x, 7, -1, false);  // k = n: NaN last when smallest
  EXPECT_TRUE(array_equals<int64_t>(ia, {1, 6, 0, 3, 4, 2, 5}, {7}));
}

TEST_P(Topk, EveryKMatchesAStableSortOracle) {
  random::seed(3);
  for (int64_t n : {1, 31, 32, 33, 1000, 5000}) {
    // Few distinct values: many ties.
    Array x = random::integers(0, 20, {3, n}, int64, device()).astype(float32);
    std::vector<float> h = x.to_vector<float>();
    for (int64_t k : {int64_t(1), std::min<int64_t>(n, 10), std::min<int64_t>(n, 200), n}) {
      auto [v, i] = topk(x, k);
      std::vector<int64_t> got = i.to_vector<int64_t>();
      for (int r = 0; r < 3; ++r) {
        std::vector<int64_t> ord(n);
        std::iota(ord.begin(), ord.end(), 0);
        std::stable_sort(ord.begin(), ord.end(), [&](int64_t a, int64_t b) { return h[r * n + a] > h[r * n + b]; });
        for (int64_t q = 0; q < k; ++q) ASSERT_EQ(got[r * k + q], ord[q]) << "n=" << n << " k=" << k;
      }
    }
  }
}

// Rows longer than one GPU block's chunk (1024): each chunk's k best, then the best of those.
// NaNs and ties sit on both sides of chunk edges.
TEST_P(Topk, LongRowsWithNaNsAndTiesAcrossChunks) {
  random::seed(5);
  const int64_t n = 3000;
  std::vector<float> h = random::integers(0, 4, {2, n}, int64, device()).astype(float32).to_vector<float>();
  for (int64_t j : {1023, 1024, 2047, 2048, 2999}) h[j] = std::nanf("");  // row 0 only
  Array x = array(h, {2, n}, float32, device());
  for (bool largest : {true, false}) {
    auto rank_before = [&](int r, int64_t a, int64_t b) {  // NaN highest, then ties to the lower index
      const float va = h[r * n + a], vb = h[r * n + b];
      if (std::isnan(va) || std::isnan(vb)) return largest ? std::isnan(va) && !std::isnan(vb) : !std::isnan(va) && std::isnan(vb);
      return largest ? va > vb : va < vb;
    };
    for (int64_t k : {1, 7, 32}) {
      auto [v, i] = topk(x, k, -1, largest);
      std::vector<int64_t> got = i.to_vector<int64_t>();
      for (int r = 0; r < 2; ++r) {
        std::vector<int64_t> ord(n);
        std::iota(ord.begin(), ord.end(), 0);
        std::stable_sort(ord.begin(), ord.end(), [&](int64_t a, int64_t b) { return rank_before(r, a, b); });
        for (int64_t q = 0; q < k; ++q) ASSERT_EQ(got[r * k + q], ord[q]) << "largest=" << largest << " k=" << k << " r=" << r;
      }
    }
  }
}

TEST_P(Topk, OtherAxesIntegersAndLargeRows) {
  Array m = array({{1, 9, 3}, {7, 2, 8}}, {}, device());
  auto [v, i] = topk(m, 1, 0);
  EXPECT_TRUE(array_equals<int64_t>(v, {7, 9, 8}, {1, 3}));
  EXPECT_TRUE(array_equals<int64_t>(i, {1, 0, 1}, {1, 3}));
  // One long row (split across cores) with a planted top-3.
  std::vector<float> big(100000);
  for (size_t j = 0; j < big.size(); ++j) big[j] = std::sin(0.001f * j);
  big[77777] = 5;
  big[3] = 4;
  big[99999] = 4;
  auto [bv, bi] = topk(array(big, {100000}, float32, device()), 3);
  EXPECT_TRUE(array_equals<int64_t>(bi, {77777, 3, 99999}, {3}));
  EXPECT_THROW(topk(m, 4, 1), ValueError);
  EXPECT_EQ(topk(m, 0).first.shape(), (Shape{2, 0}));
}

// Columns of a tall matrix (a strided axis, gathered per row by the CPU) and other dtypes take
// the same paths as contiguous float rows: each matches a stable sort of the column on the host.
TEST_P(Topk, StridedAxesAndEveryDtypeMatchAStableSortOracle) {
  random::seed(11);
  const int64_t n = 1000;
  Array ints = random::integers(-50, 50, {n, 3}, int64, device());  // many ties
  const std::vector<int64_t> h = ints.to_vector<int64_t>();
  for (DType t : {float32, float64, int32, int64}) {
    Array x = ints.astype(t);
    for (bool largest : {true, false})
      for (int64_t k : {1, 10, 32}) {
        auto [v, i] = topk(x, k, 0, largest);
        const std::vector<int64_t> got = i.to_vector<int64_t>();  // (k, 3)
        const std::vector<double> vals = v.astype(float64).to_vector<double>();
        for (int c = 0; c < 3; ++c) {
          std::vector<int64_t> ord(n);
          std::iota(ord.begin(), ord.end(), 0);
          std::stable_sort(ord.begin(), ord.end(), [&](int64_t a, int64_t b) {
            return largest ? h[a * 3 + c] > h[b * 3 + c] : h[a * 3 + c] < h[b * 3 + c];
          });
          for (int64_t q = 0; q < k; ++q) {
            ASSERT_EQ(got[q * 3 + c], ord[q]) << dtype_name(t) << " largest=" << largest << " k=" << k;
            ASSERT_EQ(vals[q * 3 + c], static_cast<double>(h[ord[q] * 3 + c]));
          }
        }
      }
  }
}
