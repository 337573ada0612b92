// The integer widths (docs/design.md 4): NumPy 2's promotion (the whole dtype table, every pair),
// weak C++ numbers and their range errors, casts (wrapping between integers, saturating from
// floats), creation, reductions (int64 / uint64 accumulation, float32 mean); for the narrow
// integers int8, uint8, int16, uint16, uint32 every other op family as its int32 / int64 result
// wrapped; uint64, which computes in itself, above int64's range; .npy headers, DLPack and
// printing. Elementwise results against NumPy: tests/golden/ops_golden.txt.
#include <dlpack/dlpack.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ndgpu/ndgpu.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

const DType kNarrow[] = {int8, uint8, int16, uint16, uint32};

std::vector<int64_t> ints(const Array& a) { return a.astype(int64).to_vector<int64_t>(); }

}  // namespace

// The promotion table for every pair of dtypes: categories bool < integer < floating, the wider
// within one; mixed signs as NumPy 2 (the signed type if wider, else the signed type of twice the
// unsigned width; uint64 with a signed type has none: TypeError); float16 with bfloat16 gives
// float32.
TEST(DTypePromotion, TableCoversEveryPair) {
  const DType all[] = {bool_,  int8,   int16,   int32,    int64,   uint8,  uint16,
                       uint32, uint64, float16, bfloat16, float32, float64};
  const DType no = bool_;  // no integer holds both (bool never results from two integers)
  const DType want[13][13] = {
      {bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, bfloat16, float32, float64},  // bool
      {int8, int8, int16, int32, int64, int16, int32, int64, no, float16, bfloat16, float32, float64},        // int8
      {int16, int16, int16, int32, int64, int16, int32, int64, no, float16, bfloat16, float32, float64},      // int16
      {int32, int32, int32, int32, int64, int32, int32, int64, no, float16, bfloat16, float32, float64},      // int32
      {int64, int64, int64, int64, int64, int64, int64, int64, no, float16, bfloat16, float32, float64},      // int64
      {uint8, int16, int16, int32, int64, uint8, uint16, uint32, uint64, float16, bfloat16, float32, float64},    // uint8
      {uint16, int32, int32, int32, int64, uint16, uint16, uint32, uint64, float16, bfloat16, float32, float64},  // uint16
      {uint32, int64, int64, int64, int64, uint32, uint32, uint32, uint64, float16, bfloat16, float32, float64},  // uint32
      {uint64, no, no, no, no, uint64, uint64, uint64, uint64, float16, bfloat16, float32, float64},              // uint64
      {float16, float16, float16, float16, float16, float16, float16, float16, float16, float16, float32, float32, float64},
      {bfloat16, bfloat16, bfloat16, bfloat16, bfloat16, bfloat16, bfloat16, bfloat16, bfloat16, float32, bfloat16, float32, float64},
      {float32, float32, float32, float32, float32, float32, float32, float32, float32, float32, float32, float32, float64},
      {float64, float64, float64, float64, float64, float64, float64, float64, float64, float64, float64, float64, float64},
  };
  static_assert(sizeof(all) / sizeof(all[0]) == kNumDTypes, "a new dtype needs its row and column here");
  for (int i = 0; i < kNumDTypes; ++i)
    for (int j = 0; j < kNumDTypes; ++j) {
      const Array a = zeros({2}, all[i]), b = ones({2}, all[j]);
      if (want[i][j] == no && all[i] != bool_) {
        EXPECT_THROW(promote_types(all[i], all[j]), TypeError) << dtype_name(all[i]) << " + " << dtype_name(all[j]);
        EXPECT_THROW(a + b, TypeError);
        EXPECT_THROW(concatenate({a, b}), TypeError);
        continue;
      }
      EXPECT_EQ(promote_types(all[i], all[j]), want[i][j]) << dtype_name(all[i]) << " + " << dtype_name(all[j]);
      EXPECT_EQ((a + b).dtype(), want[i][j]) << dtype_name(all[i]) << " + " << dtype_name(all[j]);
      EXPECT_EQ(concatenate({a, b}).dtype(), want[i][j]);
    }
  try {
    promote_types(int64, uint64);
    ADD_FAILURE() << "no TypeError";
  } catch (const TypeError& e) {
    EXPECT_STREQ(e.what(), "The DType int64 could not be promoted by uint64: no integer dtype holds both "
                           "(NumPy would give float64)");
  }
  EXPECT_EQ(opmath_dtype(int8), int32);
  EXPECT_EQ(opmath_dtype(uint16), int32);
  EXPECT_EQ(opmath_dtype(uint32), int64);
  EXPECT_EQ(opmath_dtype(float16), float32);
  EXPECT_EQ(opmath_dtype(int32), int32);
}

// A C++ number never widens an array of its category; one the narrow type cannot hold is NumPy
// 2's error, except in comparisons, which answer exactly.
TEST(NarrowInts, WeakNumbersAndTheirRange) {
  const Array a = array({int8_t(-128), int8_t(0), int8_t(127)});
  EXPECT_EQ(a.dtype(), int8);
  EXPECT_EQ((a + 1).dtype(), int8);
  EXPECT_EQ(ints(a + 1), (std::vector<int64_t>{-127, 1, -128}));  // wraps
  EXPECT_EQ((a * 0.5).dtype(), float32);
  try {
    (void)(a + 300);
    FAIL() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "Python integer 300 out of bounds for int8");
  }
  EXPECT_THROW((void)(array({uint8_t(1)}) - (-1)), ValueError);
  EXPECT_EQ((a < 300).to_vector<bool>(), (std::vector<bool>{true, true, true}));
  EXPECT_EQ((array({uint16_t(7)}) > -1).to_vector<bool>(), (std::vector<bool>{true}));
  EXPECT_EQ(ints(array({4000000000u}) + 1), (std::vector<int64_t>{4000000001LL}));
}

class NarrowIntOps : public DeviceTest {};

// Between integers a cast keeps the low bits (NumPy's astype); from floats it saturates, NaN -> 0
// (docs/reliability.md 2); to the halves it rounds once, overflow to inf.
TEST_P(NarrowIntOps, CastsWrapBetweenIntegersAndSaturateFromFloats) {
  const Array big = array(std::vector<int64_t>{300, -129, -1, 65536 + 5, 4294967296LL + 7}, {}, device());
  EXPECT_EQ(ints(big.astype(int8)), (std::vector<int64_t>{44, 127, -1, 5, 7}));
  EXPECT_EQ(ints(big.astype(uint8)), (std::vector<int64_t>{44, 127, 255, 5, 7}));
  EXPECT_EQ(ints(big.astype(int16)), (std::vector<int64_t>{300, -129, -1, 5, 7}));
  EXPECT_EQ(ints(big.astype(uint16)), (std::vector<int64_t>{300, 65407, 65535, 5, 7}));
  EXPECT_EQ(ints(big.astype(uint32)), (std::vector<int64_t>{300, 4294967167LL, 4294967295LL, 65541, 7}));
  const Array f = array(std::vector<double>{1e9, -1e9, NAN, 3.7, -3.7, 255.9, 300.0, -0.5}, {8}, float64, device());
  EXPECT_EQ(ints(f.astype(int8)), (std::vector<int64_t>{127, -128, 0, 3, -3, 127, 127, 0}));
  EXPECT_EQ(ints(f.astype(uint8)), (std::vector<int64_t>{255, 0, 0, 3, 0, 255, 255, 0}));
  EXPECT_EQ(ints(f.astype(int16)), (std::vector<int64_t>{32767, -32768, 0, 3, -3, 255, 300, 0}));
  EXPECT_EQ(ints(f.astype(uint16)), (std::vector<int64_t>{65535, 0, 0, 3, 0, 255, 300, 0}));
  EXPECT_EQ(ints(f.astype(uint32)), (std::vector<int64_t>{1000000000, 0, 0, 3, 0, 255, 300, 0}));
  EXPECT_EQ(ints(f.astype(float32).astype(uint32)), ints(f.astype(uint32)));
  // To float16: exact up to 2048, then rounded; uint16's 65535 overflows to inf.
  const Array u = array({uint16_t(2049), uint16_t(65535), uint16_t(65504)}).to(device());
  EXPECT_EQ(u.astype(float16).astype(float64).to_vector<double>(), (std::vector<double>{2048, INFINITY, 65504}));
  EXPECT_EQ(ints(u.astype(float16).astype(uint16)), (std::vector<int64_t>{2048, 65535, 65504}));
}

// nd::array of a narrow C++ type keeps its dtype; item / to_vector in every type; creation with
// dtype= computes in the opmath integer and wraps.
TEST_P(NarrowIntOps, CreationAndElementAccess) {
  EXPECT_EQ(array({uint8_t(200), uint8_t(7)}).dtype(), uint8);
  EXPECT_EQ(array({int16_t(-5)}).dtype(), int16);
  EXPECT_EQ(array({1u, 2u}).dtype(), uint32);
  EXPECT_EQ(array({1, 2}).dtype(), int64);  // C++'s int is NumPy's Python int
  EXPECT_EQ(array({{uint16_t(1), uint16_t(2)}, {uint16_t(3), uint16_t(4)}}).shape(), (Shape{2, 2}));
  EXPECT_EQ(array({uint8_t(200)}).item<uint8_t>(), 200);
  EXPECT_EQ(array({int8_t(-3), int8_t(4)}).to_vector<int8_t>(), (std::vector<int8_t>{-3, 4}));
  EXPECT_EQ(array({5u}).astype(uint16).item<uint16_t>(), 5);
  for (DType t : kNarrow) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    EXPECT_EQ(ints(arange(0, 10, 3, t, device())), (std::vector<int64_t>{0, 3, 6, 9}));
    EXPECT_EQ(arange(0, 10, 3, t, device()).dtype(), t);
    EXPECT_EQ(ints(full({3}, 7, t, device())), (std::vector<int64_t>{7, 7, 7}));
    EXPECT_EQ(ints(linspace(0, 10, 5, true, t, device())), ints(linspace(0, 10, 5, true, int32, device())));
    EXPECT_EQ(ints(zeros({2}, t, device()) + ones({2}, t, device())), (std::vector<int64_t>{1, 1}));
    const Array r = random::integers(0, 100, {500}, t, device());
    EXPECT_EQ(r.dtype(), t);
    EXPECT_GE(ints(r.min())[0], 0);
    EXPECT_LT(ints(r.max())[0], 100);
  }
  EXPECT_THROW(random::integers(0, 300, {2}, int8, device()), ValueError);
  EXPECT_THROW(random::integers(-1, 3, {2}, uint16, device()), ValueError);
}

// Sums and products accumulate in int64, or uint64 for the unsigned types (NumPy's platform
// integers); max / min / argmax keep or index the narrow values; mean / var / std give float32.
TEST_P(NarrowIntOps, ReductionsAccumulateInInt64OrUint64) {
  for (DType t : kNarrow) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array x = full({1000}, 100, t, device());
    EXPECT_EQ(x.sum().dtype(), dtype_kind(t) == DTypeKind::unsigned_int ? uint64 : int64);
    EXPECT_EQ(x.prod(Axes(0)).dtype(), x.sum().dtype());
    EXPECT_EQ(x.sum().item<int64_t>(), 100000);
    EXPECT_EQ(x.max().dtype(), t);
    EXPECT_EQ(x.mean().dtype(), float32);
    EXPECT_EQ(x.mean().item<float>(), 100.0f);
    const Array m = arange(0, 6, 1, t, device()).reshape({2, 3});
    EXPECT_EQ(ints(m.sum(1)), (std::vector<int64_t>{3, 12}));
    EXPECT_EQ(ints(m.prod(0)), (std::vector<int64_t>{0, 4, 10}));
    EXPECT_EQ(ints(m.max(0)), (std::vector<int64_t>{3, 4, 5}));
    EXPECT_EQ(ints(m.argmin(1)), (std::vector<int64_t>{0, 0}));
    EXPECT_EQ(m.std().item<float>(), m.astype(int64).std().item<float>());
  }
  EXPECT_EQ(array({int8_t(-128), int8_t(127), int8_t(5)}).to(device()).min().item<int8_t>(), -128);
}

// Every op family without narrow kernels gives its int32 / int64 result wrapped, or its float32
// result for float math, on every device; the layouts (views, gathers, joins) move the bytes.
TEST_P(NarrowIntOps, OtherOpsAreTheirWiderResultWrapped) {
  for (DType t : kNarrow) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const DType w = opmath_dtype(t);
    const Array a = random::integers(0, 120, {6, 5}, t, device());
    const Array b = random::integers(0, 120, {5, 4}, t, device());
    EXPECT_EQ(matmul(a, b).dtype(), t);
    EXPECT_EQ(ints(matmul(a, b)), ints(matmul(a.astype(w), b.astype(w)).astype(t)));
    auto [v, i] = topk(a, 3);
    auto [vw, iw] = topk(a.astype(w), 3);
    EXPECT_EQ(v.dtype(), t);
    EXPECT_EQ(ints(v), ints(vw));
    EXPECT_EQ(ints(i), ints(iw));
    EXPECT_EQ(attention(a.astype(float32), a.astype(float32), a).dtype(), float32);
    EXPECT_EQ(kmeans(a, 2).centroids.dtype(), float32);
    EXPECT_EQ(cosine_similarity(a, a).dtype(), float32);
    EXPECT_EQ(softmax(a).dtype(), float32);
    EXPECT_EQ(softmax(a).to_vector<float>(), softmax(a.astype(float32)).to_vector<float>());
    EXPECT_EQ(ints(a.T().copy()), ints(a.astype(w).T().copy()));
    EXPECT_EQ(ints(a[array(std::vector<int64_t>{4, 0}, {}, device())]), ints(a.astype(w)[array(std::vector<int64_t>{4, 0}, {}, device())]));
    EXPECT_EQ(ints(a[a > 60]), ints(a.astype(w)[a > 60]));
    EXPECT_EQ(ints(nonzero(a)[1]), ints(nonzero(a.astype(w))[1]));
    EXPECT_EQ(ints(stack({a[0], a[1]})), ints(stack({a.astype(w)[0], a.astype(w)[1]})));
    Array c = a.copy();
    c.assign_at({Index(a > 60)}, full({}, 1, t, device()));
    EXPECT_EQ(ints(c), ints(where(a > 60, 1, a.astype(w))));
  }
}

// The CPU's converting loops (int32 / int64 blocks, wrapped as stored) on every layout, and the
// engine's casts elsewhere: the wider dtype's result wrapped, bit for bit.
TEST_P(NarrowIntOps, ElementwiseOnEveryLayoutIsTheWiderResultWrapped) {
  for (DType t : kNarrow) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const DType w = opmath_dtype(t);
    const bool u = dtype_kind(t) == DTypeKind::unsigned_int;
    const Array x = random::integers(u ? 0 : -120, 120, {300, 70}, t, device());
    const Array row = random::integers(1, 100, {70}, t, device());
    const Array col = random::integers(u ? 0 : -50, 50, {300, 1}, t, device());
    const Array zero_d = full({}, 7, t, device());
    const Array xw = x.astype(w), roww = row.astype(w), colw = col.astype(w);
    auto same = [&](const Array& got, const Array& wide, const char* what) {
      SCOPED_TRACE(what);
      const Array want = wide.dtype() == w ? wide.astype(t) : wide;
      ASSERT_EQ(got.dtype(), want.dtype());
      ASSERT_EQ(got.shape(), want.shape());
      EXPECT_EQ(got.astype(float64).to_vector<double>(), want.astype(float64).to_vector<double>());
    };
    same(x + row, xw + roww, "x + row");
    same(x.T() * col.T(), xw.T() * colw.T(), "transposed * broadcast row");
    same(col - x, colw - xw, "column - x (wraps below zero for the unsigned types)");
    same(floor_divide(x, zero_d), floor_divide(xw, zero_d.astype(w)), "x // 0-d");
    same(x * 3, xw * 3, "x * a C++ number");
    // (int8 / uint8 multiply two bytes per 16-bit word: the full 8-bit range, odd starts and
    // lengths, every form)
    const Array odd = random::integers(u ? 0 : -128, u ? 256 : 128, {20998}, t, device())(slice(1, _));
    const Array oddw = odd.astype(w);
    same(odd * odd(slice(_, _, -1)).copy(), oddw * oddw(slice(_, _, -1)), "x * y, odd start and length");
    same(odd * 77, oddw * 77, "x * a number, odd start and length");
    same(multiply(77, odd), multiply(77, oddw), "a number * x, odd start and length");
    same(mod(x.T(), row.reshape({70, 1})), mod(xw.T(), roww.reshape({70, 1})), "mod by a column");
    same(negative(x(slice(0, 300, 3))), negative(xw(slice(0, 300, 3))), "negative of a strided view");
    same(square(x.T()), square(xw.T()), "square of transposed (wraps)");
    same(abs(x), abs(xw), "abs");
    same(x > row, xw > roww, "compare");
    same(maximum(x, col), maximum(xw, colw), "maximum");
    same(power(x, 3), power(xw, 3), "power");
    same(where(x > 0, x, row), where(xw > 0, xw, roww), "where");
    same(where(x > 0, x.T().T(), 5), where(xw > 0, xw, 5), "where with a number");
    same(clip(x, 2, 60), clip(xw, 2, 60), "clip");
    Array z = x.copy();
    z += row;
    z *= 2;
    same(z, (xw + roww).astype(t).astype(w) * 2, "in place");
  }
}

// uint64 computes in its own kernels: values above int64's range wrap, divide, compare, order,
// sum and print as NumPy's uint64 does (NumPy's outputs are in the comments).
TEST_P(NarrowIntOps, Uint64AboveInt64sRange) {
  constexpr uint64_t kMax = ~uint64_t(0), kHalf = uint64_t(1) << 63;
  const Array x = array(std::vector<uint64_t>{kHalf + 5, kMax, 0, 7}, {}, device());
  auto u64 = [](const Array& a) { return a.to_vector<uint64_t>(); };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(x.dtype(), uint64);
  EXPECT_EQ(u64(x + 1), (V{kHalf + 6, 0, 1, 8}));                         // x + 1
  EXPECT_EQ(u64(x - 10), (V{kHalf - 5, kMax - 10, kMax - 9, kMax - 2}));  // wraps below 0
  EXPECT_EQ(u64(x * 2), (V{10, kMax - 1, 0, 14}));
  EXPECT_EQ(u64(negative(x)), (V{kHalf - 5, 1, 0, kMax - 6}));
  EXPECT_EQ(u64(floor_divide(x, 3)), (V{(kHalf + 5) / 3, kMax / 3, 0, 2}));
  EXPECT_EQ(u64(mod(x, 7)), (V{(kHalf + 5) % 7, kMax % 7, 0, 0}));
  const Array big_div = array(std::vector<uint64_t>{kHalf, kHalf, 5, 0}, {}, device());
  EXPECT_EQ(u64(floor_divide(x, big_div)), (V{1, 1, 0, 0}));  // x // 0 -> 0
  EXPECT_EQ(u64(mod(x, big_div)), (V{5, kHalf - 1, 0, 0}));
  EXPECT_EQ(u64(abs(x)), u64(x));
  EXPECT_EQ(u64(sign(x)), (V{1, 1, 0, 1}));
  EXPECT_EQ(u64(power(array(std::vector<uint64_t>{3}, {}, device()), 41)), (V{18026252303461234787ULL}));  // 3**41 wraps
  EXPECT_EQ((x > kHalf).to_vector<bool>(), (std::vector<bool>{true, true, false, false}));  // a number above int64's
  EXPECT_EQ((x > -1).to_vector<bool>(), (std::vector<bool>{true, true, true, true}));      // exact, as NumPy 2
  EXPECT_EQ((x == -1).to_vector<bool>(), (std::vector<bool>{false, false, false, false}));
  EXPECT_EQ(u64(maximum(x, big_div)), (V{kHalf + 5, kMax, 5, 7}));
  EXPECT_EQ(u64(where(x > 10, x, uint64_t(3))), (V{kHalf + 5, kMax, 3, 3}));
  EXPECT_EQ(u64(clip(x, 1, kHalf)), (V{kHalf, kHalf, 1, 7}));
  EXPECT_EQ(u64(x + kHalf), (V{5, kHalf - 1, kHalf, kHalf + 7}));
  EXPECT_THROW((void)(x - 1 + -1), ValueError);  // "Python integer -1 out of bounds for uint64"
  try {
    (void)(array(std::vector<int64_t>{1}, {}, device()) + (kHalf + 5));
    ADD_FAILURE() << "no ValueError";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "Python integer 9223372036854775813 out of bounds for int64");
  }
  EXPECT_THROW((void)(x + array(std::vector<int64_t>{1}, {}, device())), TypeError);
  EXPECT_EQ((x * 0.5).dtype(), float32);
  EXPECT_EQ((x + array(std::vector<double>{0.5}, {}, device())).to_vector<double>()[1], 18446744073709551616.0);
  // Reductions: sums wrap in uint64, max / argmax order above int64's range, mean in float.
  EXPECT_EQ(x.sum().dtype(), uint64);
  EXPECT_EQ(x.sum().item<uint64_t>(), kHalf + 5 + kMax + 7);  // wraps
  EXPECT_EQ(x.max().item<uint64_t>(), kMax);
  EXPECT_EQ(x.argmax().item<int64_t>(), 1);
  EXPECT_EQ(x.min().item<uint64_t>(), 0u);
  EXPECT_EQ(x(slice(0, 2)).mean().item<float>(), static_cast<float>((double(kHalf) + double(kMax)) / 2));
  auto [v, i] = topk(x, 2);
  EXPECT_EQ(u64(v), (V{kMax, kHalf + 5}));
  EXPECT_EQ(ints(i), (std::vector<int64_t>{1, 0}));
  // Casts: to and from floats (saturating), to and from int64 (the bits).
  EXPECT_EQ(x.astype(float64).to_vector<double>()[0], 9223372036854775808.0);
  EXPECT_EQ(u64(array(std::vector<double>{1e19, -1.0, 3e19, NAN}, float64, device()).astype(uint64)),
            (V{10000000000000000000ULL, 0, kMax, 0}));
  EXPECT_EQ(ints(x.astype(int64)), (std::vector<int64_t>{INT64_MIN + 5, -1, 0, 7}));
  EXPECT_EQ(u64(array(std::vector<int64_t>{-1}, {}, device()).astype(uint64)), (V{kMax}));
  EXPECT_EQ(x[1].item<uint64_t>(), kMax);
  EXPECT_EQ(u64(arange(0, 10, 3, uint64, device())), (V{0, 3, 6, 9}));
  EXPECT_EQ(u64(matmul(x.reshape({2, 2}), array(std::vector<uint64_t>{1, 0, 0, 1}, {2, 2}, {}, device()))), u64(x));
  const Array r = random::integers(0, 100, {500}, uint64, device());
  EXPECT_LT(r.max().item<uint64_t>(), 100u);
  EXPECT_EQ(repr(x.to(Device::cpu())),  // NumPy 2.4's repr
            "array([ 9223372036854775813, 18446744073709551615,                    0,\n"
            "                          7], dtype=uint64)");
}

ND_INSTANTIATE_DEVICE_TESTS(NarrowIntOps);

// .npy headers as np.save writes them ('|i1' for one-byte types); DLPack codes; printing as NumPy.
TEST(NarrowInts, NpyDlpackAndPrinting) {
  const std::string path = ::testing::TempDir() + "ndgpu_narrow.npy";
  const char* descr[] = {"|i1", "|u1", "<i2", "<u2", "<u4"};
  const uint8_t codes[] = {kDLInt, kDLUInt, kDLInt, kDLUInt, kDLUInt};
  for (int k = 0; k < 5; ++k) {
    const DType t = kNarrow[k];
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array a = arange(0, 5, 1, t);
    save(path, a);
    std::ifstream f(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(bytes.find(std::string("'descr': '") + descr[k] + "'"), std::string::npos);
    EXPECT_EQ(ints(load(path)), ints(a));
    EXPECT_EQ(load(path).dtype(), t);
    DLManagedTensor* d = to_dlpack(a);
    EXPECT_EQ(d->dl_tensor.dtype.code, codes[k]);
    EXPECT_EQ(d->dl_tensor.dtype.bits, 8 * dtype_size(t));
    const Array back = from_dlpack(d);
    EXPECT_EQ(back.dtype(), t);
    EXPECT_EQ(ints(back), ints(a));
  }
  std::remove(path.c_str());
  EXPECT_EQ(repr(array({int8_t(1), int8_t(-128)})), "array([   1, -128], dtype=int8)");
  EXPECT_EQ(repr(array({uint8_t(200), uint8_t(7)})), "array([200,   7], dtype=uint8)");
  EXPECT_EQ(to_string(array({4000000000u, 1u})), "[4000000000          1]");
  EXPECT_EQ(to_string(scalar(uint8_t(255))), "255");
}
