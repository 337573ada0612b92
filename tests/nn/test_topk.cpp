// topk: values and int64 indices in rank order, ties to the lower index, NaN ranked highest,
// every k up to the axis size, other axes, the CPU's paths (grouped, streaming, full sort) and
// the CUDA ones (warp select, split rows merged, radix select and sort), CPU = CUDA bit for bit.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>

#include "../../kernels/nn_ops.hpp"
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

// ---- the CUDA paths' edges (warp select up to k = 256, radix select and sort above) ----

namespace {

// The oracle: indices of a row stably sorted by kern::topk_before's value order.
template <class T>
std::vector<int64_t> oracle_order(const std::vector<T>& row, bool largest) {
  std::vector<int64_t> ord(row.size());
  std::iota(ord.begin(), ord.end(), 0);
  std::stable_sort(ord.begin(), ord.end(), [&](int64_t a, int64_t b) {
    return kern::topk_before<T>(row[a], 1, row[b], 0, largest);  // strictly before by value
  });
  return ord;
}

template <class T>
uint64_t bits_of(T v) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  return b;
}

// topk of x (rows, n) along the last axis against the oracle: indices, and values bit for bit.
template <class T>
::testing::AssertionResult topk_follows_the_oracle(const Array& x, int64_t k, bool largest) {
  const int64_t rows = x.shape()[0], n = x.shape()[1];
  const std::vector<T> h = x.to_vector<T>();
  auto [v, i] = topk(x, k, -1, largest);
  const std::vector<T> vals = v.to_vector<T>();
  const std::vector<int64_t> idx = i.to_vector<int64_t>();
  for (int64_t r = 0; r < rows; ++r) {
    const std::vector<T> row(h.begin() + r * n, h.begin() + (r + 1) * n);
    const std::vector<int64_t> ord = oracle_order(row, largest);
    for (int64_t q = 0; q < k; ++q) {
      if (idx[r * k + q] != ord[q] || bits_of(vals[r * k + q]) != bits_of(row[ord[q]]))
        return ::testing::AssertionFailure() << dtype_name(x.dtype()) << " n=" << n << " k=" << k
                                             << " largest=" << largest << " row " << r << " rank " << q
                                             << ": index " << idx[r * k + q] << ", expected " << ord[q];
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

// The rank key (kernels/nn_ops.hpp) orders values as topk_before does, with equal keys exactly
// where topk_before falls back to the index: +0 and -0, any two NaNs.
TEST(TopkKey, OrdersValuesAsTopkBefore) {
  auto check = [](auto values) {
    using T = typename decltype(values)::value_type;
    for (bool largest : {true, false})
      for (T a : values)
        for (T b : values) {
          const bool a_first = kern::topk_before<T>(a, 1, b, 0, largest);
          const bool b_first = kern::topk_before<T>(b, 1, a, 0, largest);
          const auto ka = kern::topk_key<T>(a, largest), kb = kern::topk_key<T>(b, largest);
          ASSERT_EQ(ka < kb, a_first) << +a << " vs " << +b << " largest=" << largest;
          ASSERT_EQ(ka == kb, !a_first && !b_first) << +a << " vs " << +b << " largest=" << largest;
        }
  };
  const float fnan = std::nanf(""), finf = INFINITY;
  check(std::vector<float>{-finf, -3.5f, -1e-40f, -0.0f, 0.0f, 1e-40f, 2.0f, 3e38f, finf, fnan, -fnan,
                           std::bit_cast<float>(0x7fc00123u)});
  const double dnan = std::nan("");
  check(std::vector<double>{-INFINITY, -1e300, -5e-324, -0.0, 0.0, 5e-324, 1.0, INFINITY, dnan, -dnan});
  check(std::vector<int32_t>{INT32_MIN, -7, -1, 0, 1, 7, INT32_MAX});
  check(std::vector<int64_t>{INT64_MIN, -(int64_t(1) << 40), -1, 0, 1, int64_t(1) << 40, INT64_MAX});
  check(std::vector<uint64_t>{0, 1, uint64_t(1) << 63, ~uint64_t(0) - 1, ~uint64_t(0)});
  check(std::vector<bool>{false, true});
}

// k = 0, 1, n - 1, n, 256 and 257 (the last warp-select k and the first radix one) on rows
// shorter than a warp, at warp multiples, across the radix tiles (2048) and the warp slices
// (1024), with ties, NaN and infinities on both sides of those edges. Rows of 34000 take the
// split warp select (blocks merged) and the radix passes spread over the grid; shorter rows, a
// block per row.
TEST_P(Topk, EdgeKsAndRowLengthsOnEveryPath) {
  random::seed(21);
  constexpr int64_t kLong = 34000;
  for (int64_t n : {int64_t(1), int64_t(5), int64_t(31), int64_t(32), int64_t(33), int64_t(255), int64_t(257),
                    int64_t(1025), int64_t(2047), int64_t(2049), int64_t(4100), kLong}) {
    std::vector<float> h = random::integers(-6, 6, {2, n}, int64, Device::cpu()).astype(float32).to_vector<float>();
    for (int64_t j = 0; j < 2 * n; j += 37) h[j] = std::nanf("");
    for (int64_t j = 5; j < 2 * n; j += 41) h[j] = j % 2 ? INFINITY : -INFINITY;
    for (int64_t j = 11; j < 2 * n; j += 43) h[j] = -0.0f;
    const Array x = array(h, {2, n}, float32, device());
    std::vector<int64_t> ks = {0, 1, n - 1, n, std::min<int64_t>(n, 256), std::min<int64_t>(n, 257)};
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    for (int64_t k : ks)
      for (bool largest : {true, false}) {
        if (k < 0 || (n > kLong && !largest && k != 257)) continue;  // the long rows' paths, once
        ASSERT_TRUE(topk_follows_the_oracle<float>(x, k, largest));
      }
  }
}

// Rows whose elements all tie, and sorted and reversed rows (every element of an ascending row
// beats the running k-th best when largest), on both paths and for every dtype the kernels take.
TEST_P(Topk, AllEqualSortedAndReversedRowsOfEveryDtype) {
  const int64_t n = 1000;
  std::vector<double> up(n), same(n, 2.0);
  for (int64_t j = 0; j < n; ++j) up[j] = static_cast<double>(j / 3);  // ascending, with ties
  std::vector<double> down(up.rbegin(), up.rend());
  std::vector<double> h;
  for (const auto* r : {&up, &down, &same}) h.insert(h.end(), r->begin(), r->end());
  const Array base = array(h, {3, n}, float64, device());
  for (int64_t k : {int64_t(1), int64_t(10), int64_t(256), int64_t(300), n})
    for (bool largest : {true, false}) {
      ASSERT_TRUE(topk_follows_the_oracle<double>(base, k, largest));
      ASSERT_TRUE(topk_follows_the_oracle<float>(base.astype(float32), k, largest));
      ASSERT_TRUE(topk_follows_the_oracle<int32_t>(base.astype(int32), k, largest));
      ASSERT_TRUE(topk_follows_the_oracle<int64_t>((base - 500).astype(int64), k, largest));
      ASSERT_TRUE(topk_follows_the_oracle<uint64_t>(base.astype(uint64), k, largest));
    }
  const Array flags = array(std::vector<bool>{true, false, false, true, true, false, true}, {1, 7}, bool_, device());
  for (int64_t k : {1, 4, 7}) ASSERT_TRUE(topk_follows_the_oracle<bool>(flags, k, true));
}

// Few long rows are split over many blocks and merged; many short rows take a block each.
TEST_P(Topk, LongRowsSplitAndManyShortRows) {
  random::seed(23);
  const Array longx = random::rand({1, 60000}, float32, device());
  for (int64_t k : {10, 256}) ASSERT_TRUE(topk_follows_the_oracle<float>(longx, k, true));
  const Array shortx = random::integers(0, 50, {300, 100}, int64, device()).astype(float32);
  for (int64_t k : {3, 64}) ASSERT_TRUE(topk_follows_the_oracle<float>(shortx, k, false));
}

// CPU = CUDA bit for bit (both follow the same total order; this compares the two directly).
TEST_P(Topk, MatchesTheCpuBitForBit) {
  random::seed(29);
  Array x = random::randn({3, 5000}, float32, Device::cpu());
  x = where(x > 2.5f, std::nan(""), x);
  x = where(abs(x) < 1e-3f, -0.0, x);
  const Array xd = x.to(device());
  for (int64_t k : {1, 37, 256, 1000, 5000})
    for (bool largest : {true, false}) {
      auto [cv, ci] = topk(x, k, -1, largest);
      auto [dv, di] = topk(xd, k, -1, largest);
      ASSERT_EQ(di.cpu().to_vector<int64_t>(), ci.to_vector<int64_t>()) << "k=" << k;
      const std::vector<float> a = dv.cpu().to_vector<float>(), b = cv.to_vector<float>();
      ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << "k=" << k;
    }
}

// Half a million of a million: linear passes (the old CUDA rank kernel was quadratic in the row).
TEST_P(Topk, HalfAMillionOfAMillion) {
  random::seed(31);
  const int64_t n = 1000000, k = 500000;
  const Array x = random::integers(0, 100000, {n}, int64, device()).astype(float32);
  ASSERT_TRUE(topk_follows_the_oracle<float>(x.reshape({1, n}), k, true));
}
