// The CUDA kernels' strided addressing (kernels/cuda/strided.cuh) on the host: byte offsets equal
// the ones plain division gives, in the 32-bit form (fewer than 2^32 elements) and the 64-bit one,
// with negative and zero strides and extents of 1.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "cuda/strided.cuh"

namespace {

void expect_naive(const nd::Iter& it, const nd::Operand& a, const nd::Operand& b, const std::vector<int64_t>& at) {
  const nd::Operand* const ops[2] = {&a, &b};
  const nd::cuda::StridedIndexer<2> ix(it, ops);
  for (const int64_t i : at) {
    int64_t want[2] = {0, 0}, rem = i;
    for (int d = it.ndim - 1; d >= 0; --d) {
      const int64_t idx = rem % it.shape[d];
      rem /= it.shape[d];
      want[0] += idx * a.strides[d] * static_cast<int64_t>(nd::dtype_size(a.dtype));
      want[1] += idx * b.strides[d] * static_cast<int64_t>(nd::dtype_size(b.dtype));
    }
    int64_t got[2];
    ix.offsets(i, got);
    EXPECT_EQ(got[0], want[0]) << "element " << i;
    EXPECT_EQ(got[1], want[1]) << "element " << i;
  }
}

nd::Operand operand(nd::DType t, std::initializer_list<int64_t> strides) {
  nd::Operand o;
  o.dtype = t;
  int d = 0;
  for (const int64_t s : strides) o.strides[d++] = s;
  return o;
}

}  // namespace

TEST(StridedIndexer, ThirtyTwoBitFormEqualsDivision) {
  nd::Iter it;
  it.ndim = 4;
  const int64_t shape[] = {3, 1, 7, 129};
  for (int d = 0; d < 4; ++d) it.shape[d] = shape[d];
  const nd::Operand a = operand(nd::DType::float32, {903, 5, -129, 1});
  const nd::Operand b = operand(nd::DType::int8, {0, 0, 1, 7});
  std::vector<int64_t> at;
  for (int64_t i = 0; i < it.numel(); ++i) at.push_back(i);
  expect_naive(it, a, b, at);
}

TEST(StridedIndexer, SixtyFourBitFormEqualsDivision) {
  nd::Iter it;  // 5 x (2^31 + 3) x 3 elements: past 2^32, so the 64-bit divisors
  it.ndim = 3;
  it.shape[0] = 5;
  it.shape[1] = (int64_t{1} << 31) + 3;
  it.shape[2] = 3;
  const nd::Operand a = operand(nd::DType::float64, {-3 * ((int64_t{1} << 31) + 3), 3, 1});
  const nd::Operand b = operand(nd::DType::int16, {1, 0, int64_t{1} << 33});
  std::vector<int64_t> at;
  const int64_t n = it.numel();
  for (int64_t i = 0; i < 2000; ++i) at.push_back(i);
  for (int64_t i = n - 2000; i < n; ++i) at.push_back(i);
  for (int64_t k = 1; k < 4000; ++k) at.push_back(k * (n / 4001) + k % 17);
  expect_naive(it, a, b, at);
}
