// The canonical order (kernels/reduce_order.hpp), written out naively in support/reduce_spec.hpp;
// every layout the backends choose (contiguous rows, columns, strided, split into
// tile groups, copied multi-axis) must reproduce it BIT FOR BIT. This is what makes CPU and CUDA
// agree: both are checked against the same spec.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "support/device_test.hpp"
#include "support/reduce_spec.hpp"

namespace {
using namespace spec;

TEST(ReduceOrder, StreamingStackEqualsLevelTree) {
  auto join = [](const std::string& a, const std::string& b) { return "(" + a + " " + b + ")"; };
  for (int n = 1; n <= 300; ++n) {
    std::vector<std::string> leaves;
    ord::TileStack<std::string, 12> st;
    for (int i = 0; i < n; ++i) {
      leaves.push_back(std::to_string(i));
      st.push(leaves.back(), join);
    }
    std::vector<std::string> copy = leaves;
    ASSERT_EQ(st.fold(join), level_tree(leaves, join)) << n;
    ASSERT_EQ(ord::tree_in_place(copy.data(), n, join), level_tree(leaves, join)) << n;
    // Aligned power-of-two groups are subtrees: group roots, then the tree over them.
    for (int g = 1; g <= 64; g *= 2) {
      std::vector<std::string> roots;
      for (int b = 0; b < n; b += g)
        roots.push_back(level_tree(std::vector<std::string>(leaves.begin() + b, leaves.begin() + std::min(n, b + g)), join));
      ASSERT_EQ(level_tree(roots, join), level_tree(leaves, join)) << n << " g=" << g;
    }
  }
}

TEST(ReduceOrder, PartialLaneTreeEqualsFullTree) {
  for (int occ = 1; occ <= 32; ++occ) {
    std::vector<std::string> full(32, "e"), part(32, "e");
    for (int i = 0; i < occ; ++i) full[i] = part[i] = std::to_string(i);
    auto join = [](const std::string& a, const std::string& b) {
      return b == "e" ? a : a == "e" ? b : "(" + a + " " + b + ")";
    };
    auto skip = [](const std::string& a, const std::string& b) { return "(" + a + " " + b + ")"; };
    EXPECT_EQ(ord::lane_tree_partial(part.data(), occ, skip), ord::lane_tree(full.data(), join)) << occ;
  }
}

class ReduceBitwise : public DeviceTest {};

template <class T>
void expect_rows_match_spec(const nd::Array& x, int axis, const nd::Device& dev) {
  ASSERT_EQ(x.ndim(), 2);
  nd::Array s = x.to(dev).sum(axis), v = x.to(dev).var(axis, false, 1);
  std::vector<T> sv = s.to_vector<T>(), vv = v.to_vector<T>();
  const int64_t outs = x.shape()[1 - axis];
  for (int64_t o = 0; o < outs; ++o) {
    nd::Array line = axis == 1 ? x[o] : x(nd::all, o);
    std::vector<T> vals = line.to_vector<T>();
    ASSERT_TRUE(same_bits(sv[o], ref_sum(vals))) << "sum output " << o << ": " << sv[o] << " vs " << ref_sum(vals);
    ASSERT_TRUE(same_bits(vv[o], ref_var(vals, 1))) << "var output " << o << ": " << vv[o] << " vs " << ref_var(vals, 1);
  }
}

TEST_P(ReduceBitwise, RowsColumnsStridedAndSplitFollowTheSpec) {
  nd::random::seed(7);
  for (int64_t n : {1, 31, 32, 33, 255, 256, 257, 1023, 1024, 1025, 4097, 70001}) {
    SCOPED_TRACE(n);
    nd::Array x = nd::random::normal(3.0, 2.0, {3, n});
    expect_rows_match_spec<float>(x, 1, device());                               // rows, split when long
    expect_rows_match_spec<float>(x.T().copy(), 0, device());                    // columns
    expect_rows_match_spec<float>(x(nd::all, nd::slice(nd::_, nd::_, -1)), 1, device());  // reversed
    expect_rows_match_spec<double>(x.astype(nd::float64).T(), 0, device());      // transposed view
  }
  nd::Array wide = nd::random::normal(0.0, 1.0, {700, 130});
  expect_rows_match_spec<float>(wide, 0, device());                              // 3 column blocks
  expect_rows_match_spec<float>(wide(nd::all, nd::slice(nd::_, nd::_, 3)), 0, device());  // strided columns
}

TEST_P(ReduceBitwise, FullAndMultiAxisReductionsFollowTheSpec) {
  nd::random::seed(8);
  nd::Array big = nd::random::normal(1.0, 1.0, {(1 << 20) + 7});
  EXPECT_TRUE(same_bits(big.to(device()).sum().item<float>(), ref_sum(big.to_vector<float>())));
  nd::Array t = nd::random::normal(0.0, 1.0, {5, 300, 4});
  nd::Array s = t.to(device()).sum({0, 2});  // axes that do not merge: reduced in C order
  for (int64_t j = 0; j < 300; ++j)
    ASSERT_TRUE(same_bits(s[j].item<float>(), ref_sum(t(nd::all, j, nd::all).to_vector<float>()))) << j;
}

// Column reductions (a contiguous row of outputs, the reduced axis strided) hold 32 columns of
// lanes in registers; widths that are not a multiple of 32 finish column by column. Sums, means,
// max and min (signed zeros, NaN) must still follow the spec in every column, float32 and float64.
TEST_P(ReduceBitwise, ColumnBlocksFollowTheSpec) {
  std::mt19937 rng(11);
  for (int64_t rows : {255, 256, 600}) {
    for (int64_t width : {32, 70, 300}) {
      SCOPED_TRACE(std::to_string(rows) + " x " + std::to_string(width));
      std::normal_distribution<float> normal(0.5f, 3.0f);  // full mantissas: sums depend on the order
      std::vector<float> v(rows * width);
      for (auto& e : v) e = rng() % 4 ? normal(rng) : (rng() % 2 ? 0.0f : -0.0f);
      for (int64_t q = 5; q < width; q += 17) v[(rng() % rows) * width + q] = NAN;
      const nd::Array x = nd::array(v, {rows, width}).to(device());
      const std::vector<float> sum = x.sum(0).to_vector<float>(), mx = x.max(0).to_vector<float>(),
                               mn = x.min(0).to_vector<float>();
      const std::vector<double> sum64 = x.astype(nd::float64).sum(0).to_vector<double>();
      for (int64_t q = 0; q < width; ++q) {
        std::vector<float> col(rows);
        std::vector<double> col64(rows);
        for (int64_t r = 0; r < rows; ++r) col64[r] = col[r] = v[r * width + q];
        ASSERT_TRUE(same_bits(sum[q], ref_sum(col))) << "sum, column " << q;
        ASSERT_TRUE(same_bits(sum64[q], ref_sum(col64))) << "float64 sum, column " << q;
        ASSERT_TRUE(same_bits(mx[q], ref_extremum(col, true))) << "max, column " << q;
        ASSERT_TRUE(same_bits(mn[q], ref_extremum(col, false))) << "min, column " << q;
      }
    }
  }
}

// The reduced axes go by decreasing |stride|: a transposed or permuted array is summed in its
// memory order, in one pass with no copy (the same bits as summing the memory as a flat row).
TEST_P(ReduceBitwise, ReducedAxesGoInMemoryOrder) {
  nd::random::seed(10);
  nd::Array x = nd::random::normal(1.0, 1.0, {700, 513});
  const std::vector<float> mem = x.to_vector<float>();
  nd::Array xt = x.to(device()).T();
  EXPECT_TRUE(same_bits(xt.sum().item<float>(), ref_sum(mem)));
  nd::Array t = nd::random::normal(0.0, 1.0, {6, 40, 9});
  nd::Array p = t.to(device()).transpose({2, 1, 0});  // shape (9, 40, 6), memory order (6, 40, 9)
  nd::Array s = p.sum({0, 2});                        // per j: the (6, 9) block in memory order
  for (int64_t j = 0; j < 40; ++j)
    ASSERT_TRUE(same_bits(s[j].item<float>(), ref_sum(t(nd::all, j, nd::all).to_vector<float>()))) << j;
}

// max/min answer in one vectorised pass when the result's bits cannot depend on the order; a
// result of +-0 can, so rows whose extremum is a zero of mixed signs must still give the tree's.
TEST_P(ReduceBitwise, SignedZeroExtremaFollowTheSpec) {
  std::mt19937 rng(9);
  for (int64_t n : {1, 2, 31, 33, 64, 256, 257, 1025, 70001}) {
    SCOPED_TRACE(n);
    std::vector<float> v(3 * n);
    for (int64_t j = 0; j < n; ++j) {
      const float zero = rng() % 2 ? 0.0f : -0.0f, mag = 1.0f + rng() % 100;
      v[j] = rng() % 3 ? zero : -mag;          // max is a zero, min is negative
      v[n + j] = rng() % 3 ? zero : mag;       // min is a zero
      v[2 * n + j] = rng() % 3 ? zero : -mag;  // and a NaN further down
    }
    v[2 * n + n / 2] = NAN;
    nd::Array x = nd::array(v, {3, n}).to(device());
    for (bool is_max : {true, false}) {
      std::vector<float> got = (is_max ? x.max(1) : x.min(1)).to_vector<float>();
      std::vector<float> got_rev = (is_max ? x(nd::all, nd::slice(nd::_, nd::_, -1)).max(1)
                                           : x(nd::all, nd::slice(nd::_, nd::_, -1)).min(1)).to_vector<float>();
      for (int64_t r = 0; r < 3; ++r) {
        std::vector<float> row(v.begin() + r * n, v.begin() + (r + 1) * n);
        ASSERT_TRUE(same_bits(got[r], ref_extremum(row, is_max))) << "row " << r << " max=" << is_max;
        std::reverse(row.begin(), row.end());
        ASSERT_TRUE(same_bits(got_rev[r], ref_extremum(row, is_max))) << "reversed row " << r;
      }
    }
  }
}

}  // namespace

ND_INSTANTIATE_DEVICE_TESTS(ReduceBitwise);
