// Compound assignment through views (NumPy's out= with casting='same_kind') and overlap:
// an input overlapping the output behaves as if it had been copied first.
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using CompoundOverlap = DeviceTest;

TEST_P(CompoundOverlap, CompoundAssignmentWritesThroughViews) {
  nd::Array m = nd::zeros({3, 4}, nd::float32, device());
  m(nd::all, 1) += 5;                       // a column view
  m(1, nd::all) -= nd::arange(0, 4, 1, nd::float32, device());
  m(nd::slice(nd::_, nd::_, 2), nd::slice(nd::_, nd::_, -1)) *= 2;                       // stepped, reversed view: zeros stay zero except col 1
  m(2) /= 4;
  EXPECT_TRUE(array_equals<float>(m, {0, 10, 0, 0, 0, 4, -2, -3, 0, 2.5f, 0, 0}, {3, 4}));
  nd::Array i = nd::array({7, -7, 8}, {}, device());
  i %= 3;
  EXPECT_TRUE(array_equals<int64_t>(i, {1, 2, 2}, {3}));
  nd::Array f = nd::ones({2}, nd::float32, device());
  f += nd::array({0.5, 0.25}, nd::float64, device());  // float64 result cast back into float32
  EXPECT_TRUE(array_equals<float>(f, {1.5f, 1.25f}, {2}));
  nd::Array j = nd::array({1, 2}, nd::int32, device());
  j += nd::array({10, 20}, nd::int64, device());        // same kind: int64 -> int32 allowed
  EXPECT_TRUE(array_equals<int32_t>(j, {11, 22}, {2}));
}

TEST_P(CompoundOverlap, CompoundAssignmentErrorsAsNumPy) {
  nd::Array i = nd::array({1, 2, 3}, {}, device());
  {
    try {
      i += 1.5;
      FAIL() << "expected TypeError";
    } catch (const nd::TypeError& e) {
      EXPECT_STREQ(e.what(), "Cannot cast ufunc 'add' output from dtype('float32') to dtype('int64') "
                             "with casting rule 'same_kind'");
    }
  }
  try {
    i /= 2;
    FAIL() << "expected TypeError";
  } catch (const nd::TypeError& e) {
    EXPECT_NE(std::string(e.what()).find("ufunc 'divide'"), std::string::npos);
  }
  try {
    i += nd::ones({2, 3}, nd::int64, device());
    FAIL() << "expected ValueError";
  } catch (const nd::ValueError& e) {
    EXPECT_STREQ(e.what(), "non-broadcastable output operand with shape (3,) doesn't match the "
                           "broadcast shape (2,3)");
  }
  const nd::Array ro = nd::ones({3}, nd::float32, device()).broadcast_to({2, 3});
  EXPECT_THROW(ro += 1, nd::ValueError);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{1, 2, 3}));  // untouched by failures
}

TEST_P(CompoundOverlap, OverlappingInputsBehaveAsIfCopied) {
  // Reversed self: NumPy gives [5,5,5,5,5] for a += a[::-1] with a = [0..4] + 1... check exactly.
  nd::Array a = nd::arange(0, 5, 1, nd::float32, device());
  a += a(nd::slice(nd::_, nd::_, -1));
  EXPECT_TRUE(array_equals<float>(a, {4, 4, 4, 4, 4}, {5}));
  // Shifted self: b[1:] += b[:-1] must read the old values.
  nd::Array b = nd::arange(0, 5, 1, nd::int64, device());
  b(nd::slice(1)) += b(nd::slice(nd::_, -1));
  EXPECT_TRUE(array_equals<int64_t>(b, {0, 1, 3, 5, 7}, {5}));
  // A broadcast read of an element that the same call overwrites: c += c[0] (stride 0).
  nd::Array c = nd::array({2.0, 3.0, 4.0}, nd::float64, device());
  c += c(nd::slice(nd::_, 1));
  EXPECT_TRUE(array_equals<double>(c, {4, 5, 6}, {3}));
  // Transposed self on a square matrix.
  nd::Array m = nd::arange(0, 4, 1, nd::float32, device()).reshape({2, 2});
  m -= m.T();
  EXPECT_TRUE(array_equals<float>(m, {0, -1, 1, 0}, {2, 2}));
  // Exactly the same elements (in-place) is fine and stays in place.
  nd::Array s = nd::arange(0, 4, 1, nd::float32, device());
  s *= s;
  EXPECT_TRUE(array_equals<float>(s, {0, 1, 4, 9}, {4}));
}

TEST_P(CompoundOverlap, ResultsNeverAliasInputs) {
  const nd::Array a = nd::ones({4}, nd::float32, device());
  nd::Array b = a + 0;
  b += 1;
  EXPECT_TRUE(array_equals<float>(a, {1, 1, 1, 1}, {4}));
  EXPECT_NE(a.data_ptr(), b.data_ptr());
}

ND_INSTANTIATE_DEVICE_TESTS(CompoundOverlap);
