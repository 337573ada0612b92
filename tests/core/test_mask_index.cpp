// The one-pass paths of advanced indexing (MaskDesc, RowsDesc): x[mask], x[mask] = v, nonzero,
// x[idx] and x[idx] = v against a host reference with NumPy's semantics, on every device, at
// sizes that span several chunks (CPU pool chunks, CUDA blocks), with non-contiguous data and
// masks, and the general path beside them (trailing axes not contiguous).
#include <cstdint>
#include <numeric>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

uint32_t lcg(uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}

std::vector<bool> random_mask(int64_t n, uint32_t seed, int percent_true) {
  std::vector<bool> m(static_cast<size_t>(n));
  for (auto&& b : m) b = static_cast<int>(lcg(seed) % 100) < percent_true;
  return m;
}

Array iota(const Shape& shape, DType t, Device dev) {
  return arange(0, checked_numel(shape), 1, t, dev).reshape(shape);
}

// Row-major coordinates of flat index i in `shape`.
std::vector<int64_t> coords(int64_t i, const Shape& shape) {
  std::vector<int64_t> c(shape.size());
  for (int k = static_cast<int>(shape.size()) - 1; k >= 0; --k) {
    c[k] = i % shape[k];
    i /= shape[k];
  }
  return c;
}

template <class F>
void expect_error(F&& f, const std::string& msg) {
  try {
    f();
    ADD_FAILURE() << "expected: " << msg;
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()), msg);
  }
}

}  // namespace

class MaskIndex : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(MaskIndex);

// x[mask] (full masks and masks over leading axes) for every dtype and size.
TEST_P(MaskIndex, SelectMatchesReference) {
  for (int64_t n : {1, 33, 4097, 70001}) {
    for (int pct : {0, 50, 100}) {
      const std::vector<bool> mv = random_mask(n, static_cast<uint32_t>(n + pct), pct);
      const Array mask = array(mv, Shape{n}, {}, device());
      for (DType t : {bool_, int32, int64, float32, float64}) {
        SCOPED_TRACE("n " + std::to_string(n) + " pct " + std::to_string(pct) + " " + std::string(dtype_name(t)));
        const Array x = iota({n}, int64, device()).astype(t);
        std::vector<double> expect;
        const std::vector<double> xv = x.to_vector<double>();
        for (int64_t i = 0; i < n; ++i)
          if (mv[i]) expect.push_back(xv[i]);
        const Array got = x[mask];
        EXPECT_EQ(got.dtype(), t);
        EXPECT_EQ(got.shape(), Shape{static_cast<int64_t>(expect.size())});
        EXPECT_EQ(got.to_vector<double>(), expect);
      }
    }
  }
}

TEST_P(MaskIndex, SelectLeadingAxesAndStrides) {
  // Mask over the leading axes: rows of the trailing axes (one chunk spans few rows).
  const Shape shape{301, 5, 3};
  const Array x = iota(shape, float32, device());
  const std::vector<bool> m1 = random_mask(301, 7, 40);
  const Array got1 = x[array(m1, Shape{301}, {}, device())];
  std::vector<float> e1;
  for (int64_t i = 0; i < 301; ++i)
    if (m1[i])
      for (int64_t j = 0; j < 15; ++j) e1.push_back(static_cast<float>(i * 15 + j));
  EXPECT_TRUE(array_equals<float>(got1, e1, {static_cast<int64_t>(e1.size() / 15), 5, 3}));
  const std::vector<bool> m2 = random_mask(301 * 5, 8, 60);
  const Array got2 = x[array(m2, Shape{301, 5}, {}, device())];
  std::vector<float> e2;
  for (int64_t i = 0; i < 301 * 5; ++i)
    if (m2[i])
      for (int64_t j = 0; j < 3; ++j) e2.push_back(static_cast<float>(i * 3 + j));
  EXPECT_TRUE(array_equals<float>(got2, e2, {static_cast<int64_t>(e2.size() / 3), 3}));
  // With slices after the mask (trailing rows still contiguous: x[mask, 1:3] on (n, 4)).
  const Array y = iota({1000, 4}, int64, device());
  const std::vector<bool> m3 = random_mask(1000, 9, 30);
  const Array got3 = y.index({Index(array(m3, Shape{1000}, {}, device())), Index(slice(1, 3))});
  std::vector<int64_t> e3;
  for (int64_t i = 0; i < 1000; ++i)
    if (m3[i]) e3.insert(e3.end(), {i * 4 + 1, i * 4 + 2});
  EXPECT_TRUE(array_equals<int64_t>(got3, e3, {static_cast<int64_t>(e3.size() / 2), 2}));
  // Trailing axes not contiguous (x[mask, ::2]): the general path, same answer.
  const Array got4 = y.index({Index(array(m3, Shape{1000}, {}, device())), Index(slice(_, _, 2))});
  std::vector<int64_t> e4;
  for (int64_t i = 0; i < 1000; ++i)
    if (m3[i]) e4.insert(e4.end(), {i * 4, i * 4 + 2});
  EXPECT_TRUE(array_equals<int64_t>(got4, e4, {static_cast<int64_t>(e4.size() / 2), 2}));
  // Non-contiguous data and mask: a transposed array and a transposed mask.
  const Array xt = iota({90, 70}, float64, device()).T();  // (70, 90)
  const std::vector<bool> m5 = random_mask(90 * 70, 10, 50);
  const Array mt = array(m5, Shape{90, 70}, {}, device()).T();
  std::vector<double> e5;
  for (int64_t i = 0; i < 70; ++i)
    for (int64_t j = 0; j < 90; ++j)
      if (m5[j * 70 + i]) e5.push_back(static_cast<double>(j * 70 + i));
  EXPECT_TRUE(array_equals<double>(xt[mt], e5, {static_cast<int64_t>(e5.size())}));
  // A mask on another device than the data.
  const Array mc = array(m5, Shape{90, 70}, {}, Device::cpu());
  EXPECT_EQ(iota({90, 70}, float64, device())[mc].size(), static_cast<int64_t>(e5.size()));
}

TEST_P(MaskIndex, AssignScalarAndArray) {
  for (int64_t n : {1, 33, 4097, 70001}) {
    const std::vector<bool> mv = random_mask(n, static_cast<uint32_t>(3 * n), 45);
    const Array mask = array(mv, Shape{n}, {}, device());
    const int64_t cnt = std::count(mv.begin(), mv.end(), true);
    for (DType t : {bool_, int32, int64, float32, float64}) {
      SCOPED_TRACE("n " + std::to_string(n) + " " + std::string(dtype_name(t)));
      Array x = iota({n}, int64, device()).astype(t);
      std::vector<double> ref = x.to_vector<double>();
      x.assign_at({mask}, scalar(1.0, float64, device()));
      for (int64_t i = 0; i < n; ++i)
        if (mv[i]) ref[i] = 1;
      EXPECT_EQ(x.to_vector<double>(), ref);
      const Array v = arange(0, cnt, 1, int64, device()).astype(t);
      const std::vector<double> vv = v.to_vector<double>();
      x.assign_at({mask}, v);
      for (int64_t i = 0, r = 0; i < n; ++i)
        if (mv[i]) ref[i] = vv[r++];
      EXPECT_EQ(x.to_vector<double>(), ref);
    }
  }
  // Leading-axes mask with a row broadcast to every selected row, through a strided view.
  Array base = zeros({200, 6}, float32, device());
  Array view = base.index({Index(slice(_, _, 2)), Index(slice(1, 5))});  // (100, 4), rows 6 apart
  const std::vector<bool> mv = random_mask(100, 11, 50);
  view.assign_at({array(mv, Shape{100}, {}, device())}, array({1.f, 2.f, 3.f, 4.f}, float32, device()));
  std::vector<float> ref(1200, 0.f);
  for (int64_t i = 0; i < 100; ++i)
    if (mv[i])
      for (int64_t j = 0; j < 4; ++j) ref[(2 * i) * 6 + 1 + j] = static_cast<float>(j + 1);
  EXPECT_TRUE(array_equals<float>(base, ref, {200, 6}));
}

TEST_P(MaskIndex, AssignErrorsWriteNothing) {
  Array x = iota({4, 3}, float32, device());
  const std::vector<float> before = x.to_vector<float>();
  const Array mask = array(std::vector<bool>{true, false, true, true, false, false, true, false, false, false, false, true},
                           Shape{4, 3}, {}, device());
  expect_error([&] { x.assign_at({mask}, array({1.f, 2.f}, float32, device())); },
               "NumPy boolean array indexing assignment cannot assign 2 input values to the 5 output "
               "values where the mask is true");
  expect_error([&] { x.assign_at({mask}, zeros({5, 1}, float32, device())); },
               "NumPy boolean array indexing assignment requires a 0 or 1-dimensional input, input has 2 "
               "dimensions");
  const Array rows = array({true, false, true, false}, {}, device());
  expect_error([&] { x.assign_at({rows}, zeros({3, 3}, float32, device())); },
               "shape mismatch: value array of shape (3,3) could not be broadcast to indexing result of shape (2,3)");
  EXPECT_EQ(x.to_vector<float>(), before);
  // A size-1 value with more dimensions than the result goes through the count (message names it).
  expect_error([&] { x.assign_at({rows}, zeros({1, 1, 1}, float32, device())); },
               "shape mismatch: value array of shape (1,1,1) could not be broadcast to indexing result of shape (2,3)");
  EXPECT_THROW(x.broadcast_to({2, 4, 3}).assign_at({rows}, scalar(1.0)), ValueError);
  // The index is the destination itself (b[b] = false, ids[ids] = ...): read before written.
  Array b = array(std::vector<bool>{true, false, false, true, true}, Shape{5}, {}, device());
  b.assign_at({b}, scalar(false, bool_, device()));
  EXPECT_TRUE(array_equals<bool>(b, {false, false, false, false, false}, {5}));
  Array ids = array({2, 0, 1}, int64, device());
  ids.assign_at({ids}, array({7, 8, 9}, int64, device()));
  EXPECT_TRUE(array_equals<int64_t>(ids, {8, 9, 7}, {3}));
  EXPECT_EQ(x.to_vector<float>(), before);
}

TEST_P(MaskIndex, NonzeroEveryDtypeAndSize) {
  for (int64_t n : {1, 4097, 70001}) {
    const std::vector<bool> mv = random_mask(n, static_cast<uint32_t>(n + 5), 30);
    for (DType t : {bool_, int32, int64, float32, float64}) {
      SCOPED_TRACE(std::string(dtype_name(t)) + " n " + std::to_string(n));
      const Array a = array(mv, Shape{n}, {}, device()).astype(t);
      std::vector<int64_t> e;
      for (int64_t i = 0; i < n; ++i)
        if (mv[i]) e.push_back(i);
      const auto nz = nonzero(a);
      ASSERT_EQ(nz.size(), 1u);
      EXPECT_TRUE(array_equals<int64_t>(nz[0], e, {static_cast<int64_t>(e.size())}));
    }
  }
  // Three dims, a non-contiguous input (transposed), NaN and -0.0.
  const Shape shape{7, 11, 13};
  const std::vector<bool> mv = random_mask(7 * 11 * 13, 12, 50);
  const Array a = array(mv, Shape{13, 11, 7}, {}, device()).astype(float32).transpose();  // (7, 11, 13)
  const auto nz = nonzero(a);
  ASSERT_EQ(nz.size(), 3u);
  std::vector<std::vector<int64_t>> e(3);
  for (int64_t i = 0; i < 7 * 11 * 13; ++i) {
    const auto c = coords(i, shape);
    if (mv[(c[2] * 11 + c[1]) * 7 + c[0]])
      for (int k = 0; k < 3; ++k) e[k].push_back(c[k]);
  }
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(array_equals<int64_t>(nz[k], e[k], {static_cast<int64_t>(e[k].size())}));
  const auto f = nonzero(array({0.0, -0.0, double(NAN), 1e-300}, float64, device()));
  EXPECT_TRUE(array_equals<int64_t>(f[0], {2, 3}, {2}));
}

TEST_P(MaskIndex, RowGatherNegativeIndicesAndShapes) {
  const Array x = iota({50, 7}, float32, device());
  for (DType it : {int32, int64}) {
    const Array idx = array({3, -1, 0, 49, -50, 3}, int64, device()).astype(it);
    std::vector<float> e;
    for (int64_t r : {3, 49, 0, 49, 0, 3})
      for (int64_t j = 0; j < 7; ++j) e.push_back(static_cast<float>(r * 7 + j));
    EXPECT_TRUE(array_equals<float>(x[idx], e, {6, 7}));
    EXPECT_TRUE(array_equals<float>(x[idx.reshape({2, 3})], e, {2, 3, 7}));
  }
  // A row slice after the index (x[idx, 2:5]), a 1-D strided table, a stepped slice (rows whose
  // elements are 3 apart).
  const Array idx = array({4, -2, 4}, int64, device());
  EXPECT_TRUE(array_equals<float>(x.index({Index(idx), Index(slice(2, 5))}),
                                  {30, 31, 32, 338, 339, 340, 30, 31, 32}, {3, 3}));
  const Array strided = iota({20}, int64, device())["::2"];  // 0 2 4 ... 18
  EXPECT_TRUE(array_equals<int64_t>(strided[idx], {8, 16, 8}, {3}));
  EXPECT_TRUE(array_equals<float>(x.index({Index(idx), Index(slice(_, _, 3))}),
                                  {28, 31, 34, 336, 339, 342, 28, 31, 34}, {3, 3}));
  // Large: many rows and indices, every dtype size.
  for (DType t : {bool_, int32, float64}) {
    const Array big = iota({5000, 20}, int64, device()).astype(t);
    std::vector<int64_t> iv(9000);
    uint32_t s = 99;
    for (auto& v : iv) v = static_cast<int64_t>(lcg(s) % 10000) - 5000;
    const Array got = big[array(iv, Shape{9000}, int64, device())];
    const std::vector<double> bv = big.to_vector<double>();
    std::vector<double> e;
    for (int64_t v : iv)
      for (int64_t j = 0; j < 20; ++j) e.push_back(bv[(v < 0 ? v + 5000 : v) * 20 + j]);
    EXPECT_EQ(got.to_vector<double>(), e);
    EXPECT_EQ(got.shape(), (Shape{9000, 20}));
  }
}

TEST_P(MaskIndex, RowIndexOutOfBoundsWritesNothing) {
  Array x = iota({50, 7}, float32, device());
  const std::vector<float> before = x.to_vector<float>();
  expect_error([&] { x[array({1, 60, -70}, int64, device())]; },
               "index 60 is out of bounds for axis 0 with size 50");
  expect_error([&] { x[array({1, -51, 70}, int32, device())]; },
               "index -51 is out of bounds for axis 0 with size 50");
  expect_error([&] { x.assign_at({array({0, 1, 50}, int64, device())}, scalar(7.0)); },
               "index 50 is out of bounds for axis 0 with size 50");
  // The bounds before the value's shape, as the general path.
  expect_error([&] { x.assign_at({array({0, 99}, int64, device())}, zeros({3, 7}, float32, device())); },
               "index 99 is out of bounds for axis 0 with size 50");
  expect_error([&] { x.assign_at({array({0, 9}, int64, device())}, zeros({3, 7}, float32, device())); },
               "shape mismatch: value array of shape (3,7) could not be broadcast to indexing result of shape (2,7)");
  EXPECT_EQ(x.to_vector<float>(), before);
  const Array empty_rows = zeros({0, 3}, float32, device());
  EXPECT_THROW(empty_rows[array({0}, int64, device())], IndexError);
  EXPECT_EQ(empty_rows[array(std::vector<int64_t>{}, Shape{0}, int64, device())].shape(), (Shape{0, 3}));
}

TEST_P(MaskIndex, RowScatterRepeatedIndicesLastWins) {
  Array x = zeros({6, 3}, int32, device());
  x.assign_at({array({1, 4, 1, -5}, int64, device())},
              array(std::vector<int32_t>{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}, Shape{4, 3}, int32, device()));
  EXPECT_TRUE(array_equals<int32_t>(x, {0, 0, 0, 4, 4, 4, 0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0}, {6, 3}));
  // A value that overlaps the destination is read before anything is written; a row or a
  // scalar is broadcast to every index.
  Array y = iota({6, 3}, int64, device());
  y.assign_at({array({5, 0, 1}, int64, device())}, y["0:3"]);
  EXPECT_TRUE(array_equals<int64_t>(y, {3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0, 1, 2}, {6, 3}));
  y.assign_at({array({1, 3}, int64, device())}, array({7, 8, 9}, int64, device()));
  y.assign_at({array({-1}, int32, device())}, scalar(int64_t{-4}, int64, device()));
  EXPECT_TRUE(array_equals<int64_t>(y, {3, 4, 5, 7, 8, 9, 6, 7, 8, 7, 8, 9, 12, 13, 14, -4, -4, -4}, {6, 3}));
  // Wide rows (the CPU splits columns across threads) and narrow rows, many repeats.
  // (4096-wide rows: 10 MB moved, where the CPU splits the work across threads; CPU only, the
  // emulated device would take minutes.)
  for (int64_t width : {1, 256, 4096}) {
    if (width > 256 && !device().is_cpu()) continue;
    SCOPED_TRACE("width " + std::to_string(width));
    Array t = zeros({300, width}, float32, device());
    std::vector<int64_t> iv(600);
    uint32_t s = 5;
    for (auto& v : iv) v = static_cast<int64_t>(lcg(s) % 300);
    const Array vals = iota({600, width}, float32, device());
    t.assign_at({array(iv, Shape{600}, int64, device())}, vals);
    std::vector<float> ref(static_cast<size_t>(300 * width), 0.f);
    for (int64_t i = 0; i < 600; ++i)
      for (int64_t j = 0; j < width; ++j) ref[iv[i] * width + j] = static_cast<float>(i * width + j);
    EXPECT_TRUE(array_equals<float>(t, ref, {300, width}));
    // ... and the gather back: row i of the result is the row written by the last i' with
    // iv[i'] == iv[i].
    const Array back = t[array(iv, Shape{600}, int64, device())];
    std::vector<float> eb;
    for (int64_t i = 0; i < 600; ++i)
      eb.insert(eb.end(), ref.begin() + iv[i] * width, ref.begin() + (iv[i] + 1) * width);
    EXPECT_TRUE(array_equals<float>(back, eb, {600, width}));
  }
}

// Rows whose elements are not adjacent: x.T[idx] gathers columns and x.T[idx] = v scatters into
// them (and a reversed row), exactly as on a C-ordered copy; repeated indices, the last write
// wins; sizes past the CPU's 16-row blocks and (CPU) its parallel threshold, every element size.
TEST_P(MaskIndex, StridedRowsGatherAndScatter) {
  for (const Shape& shape : {Shape{37, 70}, Shape{400, 300}}) {
    if (shape[0] > 37 && !device().is_cpu()) continue;  // minutes on the emulated device
    for (DType t : {bool_, float32, float64}) {
      SCOPED_TRACE(std::to_string(shape[0]) + " " + std::string(dtype_name(t)));
      const Array x = iota(shape, int64, device()).astype(t);
      for (bool transposed : {true, false}) {
        const Array view = transposed ? x.T() : x(all, slice(_, _, -1));
        const Array dense = view.copy();
        const int64_t rows = view.shape()[0], width = view.shape()[1];
        std::vector<int64_t> iv(static_cast<size_t>(rows + 13));
        uint32_t s = 7;
        for (auto& v : iv) v = static_cast<int64_t>(lcg(s) % (2 * rows)) - rows;
        const int64_t n = static_cast<int64_t>(iv.size());
        const Array idx = array(iv, Shape{n}, int64, device());
        EXPECT_EQ(view[idx].to_vector<double>(), dense[idx].to_vector<double>());
        const Array vals = iota({n, width}, int64, device()).astype(t);
        Array y = x.copy(), yc = dense.copy();
        Array yv = transposed ? y.T() : y(all, slice(_, _, -1));
        yv.assign_at({idx}, vals);
        yc.assign_at({idx}, vals);
        EXPECT_EQ(yv.to_vector<double>(), yc.to_vector<double>());
      }
    }
  }
}

// The same ops on the CPU and this device give the same bytes.
TEST_P(MaskIndex, MatchesCpu) {
  const Shape shape{123, 77};
  uint32_t s = 1;
  std::vector<float> xv(123 * 77);
  for (auto& v : xv) v = static_cast<float>(lcg(s)) / 16777216.0f;
  const Array xc = array(xv, shape, float32, Device::cpu()), xd = xc.to(device());
  const Array mc = xc > scalar(0.5, float32, Device::cpu()), md = xd > scalar(0.5, float32, device());
  EXPECT_EQ(xd[md].to_vector<float>(), xc[mc].to_vector<float>());
  const auto nc = nonzero(mc), nd_ = nonzero(md);
  EXPECT_EQ(nd_[1].to_vector<int64_t>(), nc[1].to_vector<int64_t>());
  const Array ic = array({5, -3, 100, 0}, int64, Device::cpu());
  EXPECT_EQ(xd[ic.to(device())].to_vector<float>(), xc[ic].to_vector<float>());
  Array yc = xc.copy(), yd = xd.copy();
  yc.assign_at({mc}, scalar(0.0, float32, Device::cpu()));
  yd.assign_at({md}, scalar(0.0, float32, device()));
  EXPECT_EQ(yd.to_vector<float>(), yc.to_vector<float>());
}

// A mask computed from a transposed view keeps its layout (results keep their operand's memory
// order): select, nonzero and scalar assignment must still number and write elements in C order,
// exactly as on C-ordered copies of the view and the mask.
TEST_P(MaskIndex, TransposedViewsAndMasks) {
  random::seed(21);
  for (const Shape& shape : {Shape{37, 70}, Shape{300, 129}, Shape{4, 5, 6}}) {
    const Array x = random::rand(shape, float32, device());
    std::vector<int> perm(shape.size());
    for (size_t k = 0; k < perm.size(); ++k) perm[k] = static_cast<int>(perm.size() - 1 - k);
    const Array t = x.transpose(perm), m = t > 0.4f, tc = t.copy(), mc = m.copy();
    ASSERT_FALSE(m.is_contiguous());
    EXPECT_EQ(t.index({m}).to_vector<float>(), tc.index({mc}).to_vector<float>());
    const std::vector<Array> nz = nonzero(m), nzc = nonzero(mc);
    ASSERT_EQ(nz.size(), nzc.size());
    for (size_t k = 0; k < nz.size(); ++k) EXPECT_EQ(nz[k].to_vector<int64_t>(), nzc[k].to_vector<int64_t>());
    Array y = x.copy(), yc = tc.copy();
    Array yt = y.transpose(perm);
    yt.assign_at({m}, scalar(-1.0, float32, device()));
    yc.assign_at({mc}, scalar(-1.0, float32, device()));
    EXPECT_EQ(yt.to_vector<float>(), yc.to_vector<float>());
    yt.assign_at({m}, yt.index({m}) * 2.0f);  // an array value: counted in C order
    yc.assign_at({mc}, yc.index({mc}) * 2.0f);
    EXPECT_EQ(yt.to_vector<float>(), yc.to_vector<float>());
  }
}
