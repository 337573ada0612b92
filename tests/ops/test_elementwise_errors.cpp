// Elementwise error cases: class and NumPy's message, raised before anything is written.
#include <regex>
#include <sstream>

#include "support/device_test.hpp"

namespace {

template <class E, class F>
::testing::AssertionResult throws(F f, const std::string& pattern) {
  try {
    f();
  } catch (const E& e) {
    if (std::regex_search(e.what(), std::regex(pattern))) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message '" << e.what() << "' !~ /" << pattern << "/";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "wrong exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "nothing thrown";
}

}  // namespace

using ElementwiseErrors = DeviceTest;

TEST_P(ElementwiseErrors, BroadcastErrorListsEveryShape) {
  const auto dev = device();
  EXPECT_TRUE(throws<nd::ValueError>([&] { nd::ones({3, 4}, nd::float32, dev) + nd::ones({5}, nd::float32, dev); },
                                     R"(^operands could not be broadcast together with shapes \(3,4\) \(5,\)$)"));
  EXPECT_TRUE(throws<nd::ValueError>(
      [&] { nd::where(nd::ones({2, 3}, nd::bool_, dev), nd::ones({4}, nd::float32, dev), 0.0); },
      R"(^operands could not be broadcast together with shapes \(2,3\) \(4,\) \(\)$)"));
  EXPECT_TRUE(throws<nd::ValueError>([&] { nd::maximum(nd::ones({2, 0}, nd::float32, dev), nd::ones({3}, nd::float32, dev)); },
                                     R"(shapes \(2,0\) \(3,\))"));
}

TEST_P(ElementwiseErrors, BooleanSubtractAndNegativeAreTypeErrors) {
  const nd::Array b = nd::array({true, false}, {}, device());
  EXPECT_TRUE(throws<nd::TypeError>([&] { b - b; }, R"(^numpy boolean subtract, the `-` operator, is not supported)"));
  EXPECT_TRUE(throws<nd::TypeError>([&] { -b; }, R"(^The numpy boolean negative, the `-` operator, is not supported)"));
  // ... while + and * on bools are "or" / "and", as NumPy.
  EXPECT_EQ((b + b).dtype(), nd::bool_);
}

TEST_P(ElementwiseErrors, IntegerPowerAndRangeErrors) {
  const nd::Array i = nd::array({1, 2, 3}, {}, device());
  EXPECT_TRUE(throws<nd::ValueError>([&] { nd::power(i, -1); }, R"(^Integers to negative integer powers are not allowed\.$)"));
  const nd::Array i32 = nd::array({1, 2}, nd::int32, device());
  EXPECT_TRUE(throws<nd::ValueError>([&] { i32 + (int64_t(1) << 40); }, R"(^Python integer 1099511627776 out of bounds for int32$)"));
  // Comparisons with an out-of-range integer widen instead (exact answers, as NumPy 2).
  EXPECT_EQ((i32 < (int64_t(1) << 40)).to_vector<bool>(), (std::vector<bool>{true, true}));
}

TEST_P(ElementwiseErrors, UndefinedArraysAreRejected) {
  const nd::Array undefined;
  EXPECT_THROW(nd::exp(undefined), nd::ValueError);
  EXPECT_THROW(undefined + 1, nd::ValueError);
}

TEST_P(ElementwiseErrors, DtypesFollowTheDocumentedPromotion) {
  const auto dev = device();
  const nd::Array f32 = nd::ones({2}, nd::float32, dev), i32 = nd::ones({2}, nd::int32, dev);
  EXPECT_EQ((f32 * 2.0).dtype(), nd::float32);               // numbers never widen
  EXPECT_EQ((i32 + 2).dtype(), nd::int32);
  EXPECT_EQ((i32 + 2.5).dtype(), nd::float32);               // higher category: its default
  EXPECT_EQ((i32 + f32).dtype(), nd::float32);               // not NumPy's float64
  EXPECT_EQ((i32 / i32).dtype(), nd::float32);
  EXPECT_EQ(nd::sqrt(nd::ones({2}, nd::int64, dev)).dtype(), nd::float32);
  EXPECT_EQ((nd::ones({2}, nd::bool_, dev) + 1).dtype(), nd::int64);
  EXPECT_EQ((f32 + nd::ones({2}, nd::float64, dev)).dtype(), nd::float64);
  EXPECT_EQ((f32 > 0).dtype(), nd::bool_);
  EXPECT_EQ(nd::floor(i32).dtype(), nd::int32);
}

// The bitwise ops take integers and bool only (their values: tests/golden/ops_golden.txt); the
// operators, compound forms and printing through std::ostream << keep working side by side.
TEST_P(ElementwiseErrors, BitwiseOpsTakeIntegersAndBoolOnly) {
  const nd::Array f = nd::array({1.5f, 2.0f}, {}, device());
  const nd::Array i = nd::array({12, -7}, nd::int32, device());
  const nd::Array b = nd::array({true, false}, {}, device());
  EXPECT_TRUE(throws<nd::TypeError>([&] { (void)(f & i); }, "ufunc 'bitwise_and' not supported for the input types"));
  EXPECT_TRUE(throws<nd::TypeError>([&] { (void)~f; }, "ufunc 'invert' not supported"));
  EXPECT_TRUE(throws<nd::TypeError>([&] { (void)(i << 1.5); }, "ufunc 'left_shift' not supported"));
  EXPECT_EQ((i & 10).to_vector<int32_t>(), (std::vector<int32_t>{8, 8}));
  EXPECT_EQ((3 ^ i).to_vector<int32_t>(), (std::vector<int32_t>{15, -6}));
  EXPECT_EQ((~i).to_vector<int32_t>(), (std::vector<int32_t>{-13, 6}));
  EXPECT_EQ((i >> 1).to_vector<int32_t>(), (std::vector<int32_t>{6, -4}));
  EXPECT_EQ((~b).dtype(), nd::bool_);
  EXPECT_EQ((b << b).dtype(), nd::int8);  // NumPy's loop for bool shifts
  nd::Array c = i.copy();
  c <<= 2;
  c |= 1;
  c >>= 1;
  EXPECT_EQ(c.to_vector<int32_t>(), (std::vector<int32_t>{24, -14}));
  std::ostringstream os;
  os << (i << 1);
  EXPECT_EQ(os.str(), "[ 24 -14]");
}

ND_INSTANTIATE_DEVICE_TESTS(ElementwiseErrors);
