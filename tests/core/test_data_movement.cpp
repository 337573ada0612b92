// Data-movement kernels (copy, cast, fill, random) on every device, against a naive reference
// that reads each element from its logical index. Sizes cross the CUDA kernels' edges (warp 32,
// block 256, the emulator's 8-block grid-stride wrap) and views have negative and zero strides.
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "common.hpp"
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

// The values of `view` (a view over the contiguous `base` vector) in C order, element by element.
template <class T>
std::vector<T> naive_values(const std::vector<T>& base, const Array& view) {
  std::vector<T> out;
  const int nd = view.ndim();
  std::vector<int64_t> idx(nd, 0);
  for (int64_t k = 0; k < view.size(); ++k) {
    int64_t off = view.offset();
    for (int d = 0; d < nd; ++d) off += idx[d] * view.strides()[d];
    out.push_back(base[off]);
    for (int d = nd - 1; d >= 0; --d) {
      if (++idx[d] < view.shape()[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

template <class T>
std::vector<T> iota_values(int64_t n, T start, T step) {
  std::vector<T> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<T>(start + step * static_cast<T>(i));
  return v;
}

const int64_t kEdgeSizes[] = {1, 2, 3, 31, 32, 33, 255, 256, 257, 1023, 1024, 1025, 2049, 2305};

}  // namespace

class DataMovement : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(DataMovement);

TEST_P(DataMovement, CopyAndCastAcrossKernelEdges) {
  for (int64_t n : kEdgeSizes) {
    SCOPED_TRACE("n = " + std::to_string(n));
    const std::vector<int64_t> v = iota_values<int64_t>(n, -n / 2, 3);
    Array a = array(v, {n}, int64, device());
    EXPECT_TRUE(array_equals<int64_t>(a.copy(), v, {n}));
    std::vector<double> vd(v.begin(), v.end());
    EXPECT_TRUE(array_equals<double>(a.astype(float64), vd, {n}));
    std::vector<int32_t> v32(v.begin(), v.end());
    EXPECT_TRUE(array_equals<int32_t>(a.astype(int32), v32, {n}));
    std::vector<bool> vb;
    for (int64_t x : v) vb.push_back(x != 0);
    std::vector<bool> got_b = a.astype(bool_).to_vector<bool>();
    EXPECT_EQ(got_b, vb);
    Array rev = a(slice(_, _, -1));
    EXPECT_TRUE(array_equals<int64_t>(rev.copy(), naive_values(v, rev), {n}));
    Array step = a(slice(1, _, 3));
    std::vector<int64_t> sv = naive_values(v, step);
    std::vector<float> sf(sv.begin(), sv.end());
    EXPECT_TRUE(array_equals<float>(step.astype(float32), sf, step.shape()));
  }
}

// Transposed copies (the CUDA backend's 32 x 32 shared-memory tiles): shapes off the tile edges,
// 1-, 4- and 8-byte words, a batch of transposes, and a transpose inside a strided view.
TEST_P(DataMovement, TransposedCopiesAcrossTileEdges) {
  for (auto [r, c] : {std::pair<int64_t, int64_t>{70, 45}, {33, 65}, {2, 100}, {100, 2}, {32, 32}}) {
    SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c));
    const std::vector<float> v = iota_values<float>(r * c, -3.5f, 0.25f);
    Array a = array(v, {r, c}, float32, device());
    EXPECT_TRUE(array_equals<float>(a.T().copy(), naive_values(v, a.T()), {c, r}));
    const std::vector<int64_t> vi = iota_values<int64_t>(r * c, -100, 7);
    Array ai = array(vi, {r, c}, int64, device());
    EXPECT_TRUE(array_equals<int64_t>(ai.T().copy(), naive_values(vi, ai.T()), {c, r}));
    std::vector<bool> vb;
    for (int64_t k = 0; k < r * c; ++k) vb.push_back(k % 3 == 0);
    Array ab = array(vb, {r, c}, bool_, device());
    EXPECT_EQ(ab.T().copy().to_vector<bool>(), naive_values(vb, ab.T()));
  }
  const std::vector<float> v = iota_values<float>(3 * 50 * 40, 1.0f, 1.0f);
  Array b = array(v, {3, 50, 40}, float32, device());
  Array bt = b.transpose({0, 2, 1});
  EXPECT_TRUE(array_equals<float>(bt.copy(), naive_values(v, bt), {3, 40, 50}));
  Array sub = b(slice(_, _, 2), slice(1, 45), slice(3, 39)).transpose({0, 2, 1});
  EXPECT_TRUE(array_equals<float>(sub.copy(), naive_values(v, sub), sub.shape()));
}

TEST_P(DataMovement, StridedViewsWithNegativeAndZeroStrides) {
  const std::vector<float> v = iota_values<float>(5 * 7 * 33, 0.5f, 1.0f);
  Array a = array(v, {5, 7, 33}, float32, device());
  const Array views[] = {a(slice(_, _, -1), slice(1, _, 2), slice(_, _, -3)), a(ellipsis, 5),
                         a(slice(1, 4), slice(_, _, -1), slice(31, _)),
                         a(all, slice(_, _, 3), newaxis, slice(_, _, -1))};
  for (const Array& view : views) {
    SCOPED_TRACE(shape_str(view.shape()));
    EXPECT_TRUE(array_equals<float>(view.copy(), naive_values(v, view), view.shape()));
    std::vector<float> f = naive_values(v, view);
    std::vector<double> d(f.begin(), f.end());
    EXPECT_TRUE(array_equals<double>(view.astype(float64), d, view.shape()));
  }
  Array t = a.transpose({2, 0, 1});
  EXPECT_TRUE(array_equals<float>(t.copy(), naive_values(v, t), {33, 5, 7}));
  // Stride 0: a broadcast source.
  const std::vector<int32_t> row = iota_values<int32_t>(33, -16, 1);
  Array r = array(row, {1, 1, 33}, int32, device()).broadcast_to({5, 7, 33});
  std::vector<double> expect;
  for (int i = 0; i < 5 * 7; ++i) expect.insert(expect.end(), row.begin(), row.end());
  EXPECT_TRUE(array_equals<double>(r.astype(float64), expect, {5, 7, 33}));
}

TEST_P(DataMovement, FillAndAssignThroughViews) {
  for (int64_t n : {33, 1025}) {
    Array a = zeros({3, n}, float64, device());
    a(slice(_, _, 2), slice(_, _, -3)).assign(2.5);
    std::vector<double> expect(3 * n, 0.0);
    for (int64_t r = 0; r < 3; r += 2)
      for (int64_t c = n - 1; c >= 0; c -= 3) expect[r * n + c] = 2.5;
    EXPECT_TRUE(array_equals<double>(a, expect, {3, n}));
    Array b = full({n}, 7, int32, device());
    b(slice(1, -1)).assign(array(iota_values<double>(n - 2, 0.25, 1.0), {n - 2}, float64, device())(slice(_, _, -1)));
    std::vector<int32_t> eb(n, 7);
    for (int64_t i = 1; i < n - 1; ++i) eb[i] = static_cast<int32_t>(0.25 + (n - 2 - i));
    EXPECT_TRUE(array_equals<int32_t>(b, eb, {n}));
  }
  Array z = full({4, 5}, 0.0, float32, device());  // zero fill takes the memset path on CUDA
  EXPECT_TRUE(array_equals<float>(z, std::vector<float>(20, 0.f), {4, 5}));
  Array neg0 = full({3}, -0.0, float32, device());  // -0.0 is not all-zero bits
  for (float x : neg0.to_vector<float>()) EXPECT_TRUE(std::signbit(x));
}

TEST_P(DataMovement, CastsSaturateAndMapNanToZero) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> v = {std::nan(""), inf, -inf, 1e20, -1e20, 2.5, -2.5, 0.0, 3e9};
  Array a = array(v, {9}, float64, device());
  EXPECT_TRUE(array_equals<int32_t>(a.astype(int32),
                                    {0, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN, 2, -2, 0, INT32_MAX},
                                    {9}));
  EXPECT_TRUE(array_equals<int64_t>(a.astype(int64),
                                    {0, INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN, 2, -2, 0, 3000000000},
                                    {9}));
  EXPECT_EQ(a.astype(bool_).to_vector<bool>(),
            (std::vector<bool>{true, true, true, true, true, true, true, false, true}));
}

// float32 -> int32 (the CPU's AVX2 loop, 8 at a time plus a tail) against the scalar definition,
// kern::convert, over every exponent: random bit patterns, NaN, infinities, +-2^31 and neighbours.
TEST_P(DataMovement, Float32ToInt32MatchesConvertForEveryBitPattern) {
  std::vector<float> v = {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY, 2147483648.0f, -2147483648.0f,
                          2147483520.0f, -2147483520.0f, 0.0f, -0.0f, 0.999f, -0.999f, 1e-45f, 16777217.0f};
  uint32_t s = 12345;
  for (int i = 0; i < 100003; ++i) {
    s = s * 1664525u + 1013904223u;
    float f;
    std::memcpy(&f, &s, 4);
    v.push_back(f);
  }
  const int64_t n = static_cast<int64_t>(v.size());
  const std::vector<int32_t> got = array(v, {n}, float32, device()).astype(int32).to_vector<int32_t>();
  int bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t want = kern::convert<int32_t>(v[i]);
    if (got[i] != want && ++bad <= 10) ADD_FAILURE() << v[i] << " -> " << got[i] << ", want " << want;
  }
  EXPECT_EQ(bad, 0);
}

template <class T>
bool same_bits(const Array& a, const Array& b) {
  std::vector<T> x = a.to_vector<T>(), y = b.to_vector<T>();
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(T)) == 0;
}

TEST_P(DataMovement, RandomIsBitIdenticalToCpu) {
  // Each draw twice from the same seed: once on this device, once on the CPU.
  auto both = [&](auto draw) {
    random::seed(20240601);
    Array here = draw(device());
    random::seed(20240601);
    Array cpu = draw(Device::cpu());
    return std::make_pair(here, cpu);
  };
  const Shape shape = {3, 347};  // 1041 elements: crosses warps, blocks and the grid-stride wrap
  for (DType t : {float32, float64}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    auto [u, uc] = both([&](Device d) { return random::uniform(-2.0, 3.0, shape, t, d); });
    auto [n, nc] = both([&](Device d) { return random::normal(1.5, 2.0, shape, t, d); });
    if (t == float32) {
      EXPECT_TRUE(same_bits<float>(u, uc));
      EXPECT_TRUE(same_bits<float>(n, nc));
    } else {
      EXPECT_TRUE(same_bits<double>(u, uc));
      EXPECT_TRUE(same_bits<double>(n, nc));
    }
  }
  auto [i64, i64c] = both([&](Device d) { return random::integers(-5, 1000003, shape, int64, d); });
  EXPECT_TRUE(same_bits<int64_t>(i64, i64c));
  auto [i32, i32c] = both([&](Device d) { return random::integers(0, 7, shape, int32, d); });
  EXPECT_TRUE(same_bits<int32_t>(i32, i32c));
}

// A 3 GiB bool array of which only a few pages are touched: element offsets of the column view
// reach 2^31 and beyond, so any 32-bit index or byte-offset arithmetic in a kernel shows up
// (wrong values, or an out-of-bounds access the sanitizers report).
TEST_P(DataMovement, LargeOffsetsNeed64BitIndexing) {
  const int64_t cols = int64_t(1) << 30;
  Array big = empty({3, cols}, bool_, device());
  Array col = big(all, 7);  // strides of 2^30 elements: offsets 0, 2^30, 2^31
  col.assign(array(std::vector<double>{1, 0, 1}, {3}, float64, device()));
  EXPECT_EQ(col.to_vector<bool>(), (std::vector<bool>{true, false, true}));
  Array last = big(2, slice(cols - 40, _));  // a contiguous run starting past 2^31 + 2^30
  last.assign(1.0);
  last(slice(_, _, 3)).assign(0.0);
  std::vector<bool> expect(40, true);
  for (int i = 0; i < 40; i += 3) expect[i] = false;
  EXPECT_EQ(last.to_vector<bool>(), expect);
  Array corner = big(slice(_, _, -2), slice(cols - 1, _, -(cols - 1) / 3));  // two steps of ~2^28
  EXPECT_EQ(corner.shape(), (Shape{2, 4}));
  corner.assign(array(std::vector<double>{1, 0, 0, 1, 0, 1, 1, 0}, {2, 4}, float64, device()));
  EXPECT_EQ(corner.astype(int32).to_vector<int32_t>(), (std::vector<int32_t>{1, 0, 0, 1, 0, 1, 1, 0}));
}
