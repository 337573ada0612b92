// The math tables of kernels/ (the elementwise ops, the reductions, the row and search ops) in one
// translation unit: their shared helpers are defined once (kernels/common.hpp), so a kernel may
// use all of them, as the row-op table built on the reductions' combine rules will.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "nn_ops.hpp"
#include "ops.hpp"
#include "reduce_ops.hpp"

namespace {

using namespace nd::kern;

TEST(MathTables, SharedHelpersWrapLikeNumPyAndSeeNaNOnlyInFloats) {
  EXPECT_EQ(wrap_add<int8_t>(127, 1), -128);
  EXPECT_EQ(wrap_sub<uint8_t>(0, 1), 255);
  EXPECT_EQ(wrap_mul<uint16_t>(65535, 65535), 1);  // 0xFFFE0001 mod 2^16, no int overflow
  EXPECT_EQ(wrap_mul<int64_t>(INT64_MAX, 2), -2);
  EXPECT_EQ(wrap_add(0.5f, 0.25f), 0.75f);
  EXPECT_TRUE(is_nan(std::nanf("")));
  EXPECT_TRUE(is_nan(std::nan("")));
  EXPECT_FALSE(is_nan(1.0f));
  EXPECT_FALSE(is_nan(int64_t{7}));
}

TEST(MathTables, ReductionAndElementwiseFunctorsAgreeInOneUnit) {
  // An int64 sum wraps as an elementwise add does; max propagates NaN in both tables.
  using S = Sum<int64_t>;
  EXPECT_EQ(S::combine(INT64_MAX, 1), Add{}(INT64_MAX, int64_t{1}));
  EXPECT_EQ(S::combine(INT64_MAX, 1), INT64_MIN);
  using M = Max<float>;
  EXPECT_TRUE(std::isnan(M::combine(M::lift(1.0f, 0), M::lift(std::nanf(""), 1))));
  EXPECT_TRUE(std::isnan(Maximum{}(1.0f, std::nanf(""))));
}

}  // namespace
