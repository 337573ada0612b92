// The 16-bit floats (ndgpu/half.hpp, docs/design.md 4): conversions against the compiler's own
// IEEE binary16 (_Float16) and ml_dtypes' bfloat16 rule, casts on every device, float32 opmath
// in reductions, NumPy's printing, .npy bytes as NumPy / ml_dtypes write them, and DLPack codes. Elementwise results against NumPy / ml_dtypes: tests/golden/ops_golden.txt.
#include <dlpack/dlpack.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cpu/gemm_amx.hpp"

#include "ndgpu/ndgpu.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

constexpr double kInf = HUGE_VAL, kNan = __builtin_nan("");

// got is want32 (a float32 result, or a result of another dtype) rounded once to t: the same
// dtype, shape and values, NaN where NaN.
::testing::AssertionResult rounded_once(const Array& got, const Array& want32, DType t) {
  const Array want = want32.dtype() == float32 ? want32.astype(t) : want32;
  if (got.dtype() != want.dtype() || got.shape() != want.shape())
    return ::testing::AssertionFailure() << "got " << got.dtype() << " " << shape_str(got.shape()) << ", want "
                                         << want.dtype() << " " << shape_str(want.shape());
  const std::vector<double> g = got.astype(float64).to_vector<double>(), w = want.astype(float64).to_vector<double>();
  for (size_t i = 0; i < g.size(); ++i)
    if (!(g[i] == w[i] || (std::isnan(g[i]) && std::isnan(w[i]))))
      return ::testing::AssertionFailure() << "[" << i << "] got " << g[i] << " want " << w[i];
  return ::testing::AssertionSuccess();
}

// As rounded_once, but within one unit in the last place of t, or `err` (a float32 sum's error
// bound, where it cancels): a GPU's tensor cores sum a 16-bit float product in float32 in an
// order (and with an alignment) of their own.
::testing::AssertionResult within_an_ulp(const Array& got, const Array& want32, DType t, double err = 0x1p-24) {
  const Array want = want32.astype(t);
  if (got.dtype() != t || got.shape() != want.shape())
    return ::testing::AssertionFailure() << "got " << got.dtype() << " " << shape_str(got.shape());
  const double ulp = t == float16 ? 0x1p-10 : 0x1p-7;  // relative, at the bottom of a binade
  const std::vector<double> g = got.astype(float64).to_vector<double>(), w = want.astype(float64).to_vector<double>();
  for (size_t i = 0; i < g.size(); ++i)
    if (!(std::abs(g[i] - w[i]) <= ulp * std::abs(w[i]) + err))
      return ::testing::AssertionFailure() << "[" << i << "] got " << g[i] << " want " << w[i];
  return ::testing::AssertionSuccess();
}

// Whether products of 16-bit floats on `dev` are float32 products bit for bit: on the CPU (float32
// BLAS on widened tiles) and the emulated device (cublasGemmEx emulated on them), not on a GPU.
// Whether a 16-bit product of t on dev gives exactly the float32 product's bits: the CPU's
// widened tiles through the float32 BLAS and the emulated cuBLAS's do; AMX tiles (bfloat16 on CPUs
// that have them) and a card's cuBLAS sum in other orders.
bool exact_products(const Device& dev, DType t) {
  if (dev.is_cpu()) return !(t == bfloat16 && nd::cpu::amx_bf16_available());
#if NDGPU_CUDA_EMULATION
  return true;
#else
  return false;
#endif
}

float f32(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// bfloat16 bits as ml_dtypes computes them: float32 rounded to its top 16 bits, nearest even.
uint16_t bf16_reference(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  if (std::isnan(x)) return static_cast<uint16_t>((b >> 16) | 0x40);
  const uint64_t wide = b, keep = wide >> 16, rest = wide & 0xffff;
  return static_cast<uint16_t>(keep + (rest > 0x8000 || (rest == 0x8000 && (keep & 1))));
}

}  // namespace

TEST(Half, Float16RoundsLikeIeeeBinary16FromFloatAndDouble) {
  // Known values: the largest finite, the overflow threshold, the subnormal edges, ties to even.
  EXPECT_EQ(Float16(65504.0f).bits, 0x7bff);
  EXPECT_EQ(Float16(65519.99f).bits, 0x7bff);
  EXPECT_EQ(Float16(65520.0f).bits, 0x7c00);  // the tie above max rounds to even: inf
  EXPECT_EQ(Float16(-1e9).bits, 0xfc00);
  EXPECT_EQ(Float16(std::ldexp(1.0, -24)).bits, 0x0001);
  EXPECT_EQ(Float16(std::ldexp(1.0, -25)).bits, 0x0000);         // tie: to even, zero
  EXPECT_EQ(Float16(std::ldexp(3.0, -26)).bits, 0x0001);         // above the tie
  EXPECT_EQ(Float16(1.0 + std::ldexp(1.0, -11)).bits, 0x3c00);   // tie: to even
  EXPECT_EQ(Float16(1.0 + std::ldexp(3.0, -11)).bits, 0x3c02);   // tie: to even, up
  EXPECT_EQ(Float16(-0.0f).bits, 0x8000);
  EXPECT_TRUE(std::isnan(static_cast<float>(Float16(std::nanf("")))));
  EXPECT_EQ(static_cast<float>(Float16::from_bits(0x0001)), std::ldexp(1.0f, -24));
  // A double rounds once: 1 + 2^-11 + 2^-40 is above the tie, though as a float it is the tie.
  EXPECT_EQ(Float16(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40)).bits, 0x3c01);
#if defined(__FLT16_MAX__)
  // Every 101st float32 and every binary16, against the compiler's IEEE binary16.
  int64_t bad = 0;
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += 101) {
    const float x = f32(static_cast<uint32_t>(b));
    const _Float16 r = static_cast<_Float16>(x);
    uint16_t rb;
    std::memcpy(&rb, &r, 2);
    const uint16_t mine = Float16(x).bits;
    bad += std::isnan(x) ? !std::isnan(static_cast<float>(Float16::from_bits(mine))) : mine != rb;
  }
  for (uint32_t h = 0; h < 65536; ++h) {
    _Float16 r;
    const auto hb = static_cast<uint16_t>(h);
    std::memcpy(&r, &hb, 2);
    const float want = static_cast<float>(r), got = Float16::from_bits(hb);
    bad += std::isnan(want) ? !std::isnan(got) : std::memcmp(&want, &got, 4) != 0;
  }
  EXPECT_EQ(bad, 0);
#endif
}

TEST(Half, BFloat16RoundsToNearestEvenLikeMlDtypes) {
  EXPECT_EQ(BFloat16(1.0f).bits, 0x3f80);
  EXPECT_EQ(BFloat16(1.0f + std::ldexp(1.0f, -8)).bits, 0x3f80);       // tie: to even
  EXPECT_EQ(BFloat16(1.0f + std::ldexp(3.0f, -8)).bits, 0x3f82);       // tie: to even, up
  EXPECT_EQ(BFloat16(3.4e38f).bits, 0x7f80);                           // rounds past max: inf
  EXPECT_EQ(static_cast<float>(BFloat16(0.1f)), 0.10009765625f);
  int64_t bad = 0;
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += 101) {
    const float x = f32(static_cast<uint32_t>(b));
    const uint16_t got = BFloat16(x).bits, want = bf16_reference(x);
    bad += std::isnan(x) ? !std::isnan(static_cast<float>(BFloat16::from_bits(got))) : got != want;
    bad += !std::isnan(x) && static_cast<float>(BFloat16::from_bits(want)) != f32(uint32_t{want} << 16);
  }
  EXPECT_EQ(bad, 0);
}

using HalfOps = DeviceTest;

// Casts between every dtype and the two 16-bit floats, on the device: the same bits as the
// scalar conversions (float -> half rounds once; half -> int saturates as float -> int does).
TEST_P(HalfOps, CastsAgreeWithTheScalarConversions) {
  std::vector<float> v = {0.0f, -0.0f, 1.0f, -2.5f, 0.1f, 65504.0f, 65520.0f, 1e-8f, 6e-8f,
                          3.0e38f, -3.0e38f, INFINITY, -INFINITY, NAN, 1234.5678f, -7e-5f};
  for (int k = 0; k < 1000; ++k) v.push_back(std::ldexp(static_cast<float>(k % 97) - 48.3f, k % 41 - 20));
  const Array x = array(v, {static_cast<int64_t>(v.size())}, float32, device());
  const std::vector<Float16> h = x.astype(float16).to_vector<Float16>();
  const std::vector<BFloat16> b = x.astype(bfloat16).to_vector<BFloat16>();
  const std::vector<Float16> hd = x.astype(float64).astype(float16).to_vector<Float16>();
  const std::vector<int32_t> hi = x.astype(float16).astype(int32).to_vector<int32_t>();
  const std::vector<float> back = x.astype(bfloat16).astype(float32).to_vector<float>();
  for (size_t i = 0; i < v.size(); ++i) {
    SCOPED_TRACE(v[i]);
    if (std::isnan(v[i])) {
      EXPECT_TRUE(std::isnan(static_cast<float>(h[i])) && std::isnan(static_cast<float>(b[i])));
      continue;
    }
    EXPECT_EQ(h[i].bits, Float16(v[i]).bits);
    EXPECT_EQ(hd[i].bits, Float16(v[i]).bits);  // float -> double is exact
    EXPECT_EQ(b[i].bits, BFloat16(v[i]).bits);
    EXPECT_EQ(back[i], static_cast<float>(BFloat16(v[i])));
    const float hv = Float16(v[i]);
    EXPECT_EQ(hi[i], hv >= 2147483648.0f ? INT32_MAX : hv <= -2147483648.0f ? INT32_MIN : static_cast<int32_t>(hv));
  }
  // Integers and bool in, and out again.
  const Array ints = array(std::vector<int64_t>{0, 1, -3, 2049, 65504, 70000, -70000}, {}, device());
  EXPECT_EQ(ints.astype(float16).astype(float64).to_vector<double>(),
            (std::vector<double>{0, 1, -3, 2048, 65504, INFINITY, -INFINITY}));  // 2049 ties to even
  EXPECT_EQ(ints.astype(bfloat16).astype(int64).to_vector<int64_t>(),
            (std::vector<int64_t>{0, 1, -3, 2048, 65536, 70144, -70144}));
  const Array flags = array(std::vector<bool>{true, false}, {}, device());
  EXPECT_EQ(flags.astype(float16).astype(float32).to_vector<float>(), (std::vector<float>{1, 0}));
  EXPECT_EQ(array(std::vector<Float16>{Float16(0.5f), Float16(0.0f)}, {}, device()).astype(bool_).to_vector<bool>(),
            (std::vector<bool>{true, false}));
}

// float32 -> bfloat16 on the device over a spread of bit patterns: every exponent, subnormals
// and NaNs alone and among normal values in one vector block (the CPU's AVX512_BF16 loop flushes
// subnormals and falls back for such blocks), each the bits of the scalar conversion.
TEST_P(HalfOps, BFloat16CastKeepsTheScalarBitsOnEveryPattern) {
  std::vector<uint32_t> bits;
  for (uint64_t k = 0; k < (uint64_t{1} << 20); ++k) bits.push_back(static_cast<uint32_t>(k * 4099u + (k >> 7)));
  for (uint32_t k = 0; k < 4096; ++k) bits.push_back(k * 0x801u & 0x807fffffu);  // a run of subnormals
  for (uint32_t k = 0; k < 4096; ++k) bits.push_back(0x7f800001u + k * 0x7fu);   // a run of NaNs
  for (uint32_t k = 0; k < 4096; ++k) bits.push_back(k % 31 ? 0x3f800000u + k : k);  // one per block
  std::vector<float> v(bits.size());
  std::memcpy(v.data(), bits.data(), bits.size() * sizeof(float));
  const Array x = array(v, {static_cast<int64_t>(v.size())}, float32, device());
  const std::vector<BFloat16> b = x.astype(bfloat16).to_vector<BFloat16>();
  int64_t wrong = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const uint16_t want = BFloat16(v[i]).bits;
    const bool same = std::isnan(v[i]) ? std::isnan(static_cast<float>(b[i])) && (b[i].bits >> 15) == (want >> 15)
                                       : b[i].bits == want;
    if (!same && wrong++ < 5) ADD_FAILURE() << std::hex << "pattern 0x" << bits[i] << ": 0x" << b[i].bits << " not 0x" << want;
  }
  EXPECT_EQ(wrong, 0);
}

// nd::array of Float16 / BFloat16 values takes their dtype; item and to_vector give them back.
TEST_P(HalfOps, ArraysOfHalfValuesKeepTheirDtype) {
  const Array a = array({Float16(1.5f), Float16(-2.0f), Float16(0.1f)}, {}, device());
  EXPECT_EQ(a.dtype(), float16);
  EXPECT_EQ(a.nbytes(), 6);
  EXPECT_EQ(a[2].item<Float16>().bits, Float16(0.1f).bits);
  EXPECT_EQ(a[0].item<float>(), 1.5f);
  const Array b = array({BFloat16(3.0f), BFloat16(0.1f)}, {}, device());
  EXPECT_EQ(b.dtype(), bfloat16);
  EXPECT_EQ(b.to_vector<BFloat16>()[1].bits, BFloat16(0.1f).bits);
  EXPECT_EQ(array({1.0, 2.0}, float16, device()).dtype(), float16);
  EXPECT_EQ(zeros({2, 3}, bfloat16, device()).dtype(), bfloat16);
  EXPECT_EQ(full({2}, 0.1, float16, device()).to_vector<Float16>()[1].bits, Float16(0.1).bits);
  // Views, copies, gathers and masks move 2-byte words.
  const Array m = arange(0, 12, 1, int64).reshape({3, 4}).astype(float16);
  EXPECT_EQ(m.T().copy().astype(int64).to_vector<int64_t>(),
            (std::vector<int64_t>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  EXPECT_EQ(m[array(std::vector<int64_t>{2, 0}, {}, device())].astype(int64).to_vector<int64_t>(),
            (std::vector<int64_t>{8, 9, 10, 11, 0, 1, 2, 3}));
  EXPECT_EQ(m[m > 8.5].astype(int64).to_vector<int64_t>(), (std::vector<int64_t>{9, 10, 11}));
  EXPECT_EQ(concatenate({m[0], m[2]}).astype(int64).to_vector<int64_t>(),
            (std::vector<int64_t>{0, 1, 2, 3, 8, 9, 10, 11}));
}

// A C++ number never widens a half array (the whole promotion table: test_int_widths.cpp).
TEST(Half, WeakNumbersKeepTheHalfDtype) {
  EXPECT_EQ((zeros({2}, float16) * 2.5).dtype(), float16);
  EXPECT_EQ((zeros({2}, bfloat16) + 1).dtype(), bfloat16);
}

// Reductions of 16-bit floats accumulate in float32 (in the canonical order) and round once.
TEST_P(HalfOps, ReductionsAccumulateInFloat32AndRoundOnce) {
  // 4096 ones and a 2048: in float16 steps the sum would stall at 2048 + 2048 = 4096.
  std::vector<float> v(4096, 1.0f);
  v.push_back(2048.0f);
  const Array x = array(v, {static_cast<int64_t>(v.size())}, float32, device());
  for (DType t : {float16, bfloat16}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array h = x.astype(t);
    const Array s = h.sum();
    EXPECT_EQ(s.dtype(), t);
    EXPECT_EQ(s.item<float>(), 6144.0f);
    EXPECT_EQ(h.mean().dtype(), t);
    const float mean32 = 6144.0f / 4097.0f;
    EXPECT_EQ(h.mean().item<float>(), t == float16 ? static_cast<float>(Float16(mean32)) : static_cast<float>(BFloat16(mean32)));
    EXPECT_EQ(h.max().item<float>(), 2048.0f);
    EXPECT_EQ(h.argmax().item<int64_t>(), 4096);
    EXPECT_EQ(h.argmax().dtype(), int64);
    const Array m = arange(0, 6, 1, int64).reshape({2, 3}).astype(t).to(device());
    EXPECT_EQ(m.sum(1).astype(int64).to_vector<int64_t>(), (std::vector<int64_t>{3, 12}));
    EXPECT_EQ(m.sum(0).dtype(), t);
    EXPECT_EQ(any(m).item<bool>(), true);
    // The same bits as float32's reduction rounded once (bitwise CPU = CUDA, as float32's).
    EXPECT_EQ(h.std().item<float>(), h.astype(float32).std().astype(t).item<float>());
  }
}

// Every reduction on every layout (rows, columns, transposed, strided, merged and unmerged axes,
// long enough to be split into tile groups): the float32 reduction of the widened array rounded
// once, bit for bit -- the CPU widens tile by tile, other backends the whole array.
TEST_P(HalfOps, ReductionsOnEveryLayoutAreTheFloat32ReductionRoundedOnce) {
  for (DType t : {float16, bfloat16}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    // (smaller off the CPU: the emulated device runs the same float32 kernels, only slower)
    const int64_t rows = device().is_cpu() ? 300 : 24, cols = device().is_cpu() ? 700 : 300;
    Array x = (random::rand({rows, cols}, float32, device()) * 8 - 4).astype(t);
    x(5, 7).assign(kNan);  // NaN propagates, and argmax finds it
    const Array xf = x.astype(float32);
    auto same = [&](const Array& got, const Array& want32, const std::string& what) {
      EXPECT_TRUE(rounded_once(got, want32, t)) << what;
    };
    struct View {
      const char* name;
      Array h, f;
    };
    const Array x3 = x.reshape({rows / 6, 6, cols}), xf3 = xf.reshape({rows / 6, 6, cols});
    const View views[] = {{"C", x, xf},
                          {"T", x.T(), xf.T()},
                          {"strided", x(slice(0, rows, 2), slice(1, cols, 3)), xf(slice(0, rows, 2), slice(1, cols, 3))},
                          {"no NaN", x(slice(10, rows)), xf(slice(10, rows))}};
    for (const View& v : views)
      for (std::optional<int> axis : {std::optional<int>(), std::optional<int>(0), std::optional<int>(1)}) {
        const std::string at = std::string(v.name) + (axis ? " axis " + std::to_string(*axis) : " all");
        const Axes ax = axis ? Axes(*axis) : Axes();
        same(sum(v.h, ax), sum(v.f, ax), "sum " + at);
        same(mean(v.h, ax), mean(v.f, ax), "mean " + at);
        same(nd::var(v.h, ax), nd::var(v.f, ax), "var " + at);
        same(nd::std(v.h, ax, false, 1), nd::std(v.f, ax, false, 1), "std " + at);
        same(max(v.h, ax), max(v.f, ax), "max " + at);
        same(min(v.h, ax), min(v.f, ax), "min " + at);
        same(prod(v.h * 0.01 + 1, ax), prod((v.h * 0.01 + 1).astype(float32), ax), "prod " + at);
        same(any(v.h > 3.9, ax), any(v.f > 3.9, ax), "any " + at);
        same(all(v.h > -3.9, ax), all(v.f > -3.9, ax), "all " + at);
        same(argmax(v.h, axis), argmax(v.f, axis), "argmax " + at);
        same(argmin(v.h, axis), argmin(v.f, axis), "argmin " + at);
      }
    same(sum(x3, Axes({0, 2})), sum(xf3, Axes({0, 2})), "sum over axes 0 and 2 (they do not merge)");
    same(mean(x3.transpose({2, 0, 1}), Axes({1, 2})), mean(xf3.transpose({2, 0, 1}), Axes({1, 2})), "mean, merged axes");
  }
}

ND_INSTANTIATE_DEVICE_TESTS(HalfOps);

// NumPy's printing of float16 (shortest digits in half precision, cutoff 1e3), and ml_dtypes'
// of bfloat16 (C++'s default float format, unpadded).
TEST(Half, PrintsAsNumPyAndMlDtypes) {
  const Array h = array({0.1, 1e-5, 65504.0, -0.0, kInf, 3.0, 100.5}, float16);
  EXPECT_EQ(to_string(h), "[ 9.998e-02  1.001e-05  6.550e+04 -0.000e+00        inf  3.000e+00\n  1.005e+02]");
  EXPECT_EQ(repr(array({1.5, 2.0, -3.0}, float16)), "array([ 1.5,  2. , -3. ], dtype=float16)");
  EXPECT_EQ(to_string(array({{0.5, 0.25}, {1000.0, kNan}}, float16)), "[[5.0e-01 2.5e-01]\n [1.0e+03     nan]]");
  const char* scalars[][2] = {{"0.1", "0.1"}, {"65504", "6.55e+04"}, {"1000", "1e+03"}, {"999", "999.0"},
                              {"1e-05", "1e-05"}, {"6e-08", "6e-08"}, {"-2.5", "-2.5"}, {"0.0001", "0.0001"}};
  for (auto& s : scalars)
    EXPECT_EQ(to_string(scalar(std::stod(s[0]), float16)), s[1]) << s[0];
  const Array b = array({0.1, 1e-5, 1e10, -0.0, kInf, -kInf, 3.0, 100.5, 1.0 / 3}, bfloat16);
  EXPECT_EQ(to_string(b), "[0.100098 1.00136e-05 9.99922e+09 -0 inf -inf 3 100.5 0.333984]");
  EXPECT_EQ(to_string(arange(0, 12, 1, int64).reshape({3, 4}).astype(bfloat16)),
            "[[0 1 2 3]\n [4 5 6 7]\n [8 9 10 11]]");
  EXPECT_EQ(to_string(scalar(0.1, bfloat16)), "0.100098");
  std::ostringstream os;
  os << Float16(0.1f) << " " << BFloat16(0.1f);
  EXPECT_EQ(os.str(), "0.1 0.100098");
}

// .npy: float16 as '<f2' (NumPy), bfloat16 as '<V2' (what np.save writes for an ml_dtypes
// bfloat16 array), with NumPy's exact header bytes.
TEST(Half, NpyHeadersAreNumPysAndMlDtypesBytes) {
  const std::string path = ::testing::TempDir() + "ndgpu_half.npy";
  auto header = [&](const Array& a) {  // the dict, after the 10-byte preamble, up to its padding
    save(path, a);
    std::ifstream f(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.substr(bytes.find('}') + 1, 127 - bytes.find('}') - 1), std::string(127 - bytes.find('}') - 1, ' '));
    EXPECT_EQ(bytes[127], '\n');
    return bytes.substr(10, bytes.find('}') - 9);
  };
  const Array b = array({1.5, -2.0, 3e38, kNan}, bfloat16);
  EXPECT_EQ(header(b), "{'descr': '<V2', 'fortran_order': False, 'shape': (4,), }");
  const Array back = load(path);
  EXPECT_EQ(back.dtype(), bfloat16);
  EXPECT_EQ(back.astype(float32).to_vector<float>()[2], static_cast<float>(BFloat16(3e38f)));
  EXPECT_EQ(header(array({1.0, 2.0}, float16)), "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }");
  std::remove(path.c_str());
  DLManagedTensor* t = to_dlpack(b);
  EXPECT_EQ(t->dl_tensor.dtype.code, kDLBfloat);
  EXPECT_EQ(t->dl_tensor.dtype.bits, 16);
  t->deleter(t);
  DLManagedTensor* u = to_dlpack(array({1.0}, float16));
  EXPECT_EQ(u->dl_tensor.dtype.code, kDLFloat);
  EXPECT_EQ(u->dl_tensor.dtype.bits, 16);
  u->deleter(u);
}

// Every op without a kernel of its own for the 16-bit floats runs in float32 and rounds its float
// results once: the same bits as doing that by hand, on every device.
TEST_P(HalfOps, OpsWithoutHalfKernelsAreTheirFloat32ResultRoundedOnce) {
  for (DType t : {float16, bfloat16}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array x = random::rand({12, 8}, float32, device()).astype(t);
    const Array y = random::rand({8, 5}, float32, device()).astype(t);
    const Array xf = x.astype(float32), yf = y.astype(float32);
    auto same = [&](const Array& got, const Array& want32, const char* what) {
      EXPECT_TRUE(rounded_once(got, want32, t)) << what;
    };
    same(softmax(x), softmax(xf), "softmax");
    same(log_softmax(x, 0), log_softmax(xf, 0), "log_softmax");
    same(normalize(x), normalize(xf), "normalize");
    same(standardize(x), standardize(xf), "standardize");
    if (exact_products(device(), t)) same(matmul(x, y), matmul(xf, yf), "matmul");
    else EXPECT_TRUE(within_an_ulp(matmul(x, y), matmul(xf, yf), t)) << "matmul";
    same(cosine_similarity(x, x), cosine_similarity(xf, xf), "cosine_similarity");
    same(cdist(x, x), cdist(xf, xf), "cdist");
    same(attention(x, x, x), attention(xf, xf, xf), "attention");
    auto [tv, ti] = topk(x, 3);
    auto [fv, fi] = topk(xf, 3);
    same(tv, fv, "topk values");
    same(ti, fi, "topk indices");
    const NearestResult n = nearest(x[0], x, 4), nf = nearest(xf[0], xf, 4);
    same(n.indices, nf.indices, "nearest indices");
    same(n.scores, nf.scores, "nearest scores");
    const KMeansResult k = kmeans(x, 3), kf = kmeans(xf, 3);
    same(k.labels, kf.labels, "kmeans labels");
    if (exact_products(device(), t)) same(k.centroids, kf.centroids, "kmeans centroids");
    else EXPECT_TRUE(within_an_ulp(k.centroids, kf.centroids, t)) << "kmeans centroids";
    same(arange(0.0, 3.0, 0.1, t, device()), arange(0.0, 3.0, 0.1, float64, device()).astype(float32), "arange");
    same(linspace(0, 1, 7, true, t, device()), linspace(0, 1, 7, true, float64, device()).astype(float32), "linspace");
    same(eye(3, {}, 1, t, device()), eye(3, {}, 1, float32, device()), "eye");
    random::seed(7);
    const Array r = random::randn({50}, t, device());
    random::seed(7);
    same(r, random::randn({50}, float32, device()), "randn");
    // rand stays in [0, 1): the float32 draw taken down to the type's grid (2^-11, 2^-8 steps).
    random::seed(9);
    const Array u = random::rand({4000}, t, device());
    random::seed(9);
    const double grid = t == float16 ? 2048 : 256;
    same(u, floor(random::rand({4000}, float32, device()) * grid) / grid, "rand");
    EXPECT_LT(u.max().item<float>(), 1.0f);
    const std::vector<Array> nz = nonzero(x > 0.5), nzf = nonzero(xf > 0.5);
    same(nz[1], nzf[1], "nonzero");
    same(nonzero(x - x)[0], nonzero(xf - xf)[0], "nonzero of values");
    same(where(x > 0.5, x, 0.25), where(xf > 0.5, xf, 0.25), "where");
    same(clip(x, 0.2, 0.8), clip(xf, 0.2, 0.8), "clip");
  }
}

// Search over 16-bit float rows: the CPU widens the streamed rows a block at a time (never the
// whole corpus), other backends convert; both must give float32's scores rounded once. Sizes that
// cross the blocks (63 streamed rows, 64 k-means rows, 256-row k-means parts), rows with a stride
// (a column slice), either set the larger, every metric, and nearest's tiled many-query path.
TEST_P(HalfOps, SearchOverHalfRowsIsTheFloat32ResultRoundedOnce) {
  for (DType t : {float16, bfloat16}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    // (smaller off the CPU: the emulated device runs the CUDA kernels, slowly)
    const Array x = (random::rand({device().is_cpu() ? 700 : 130, 40}, float32, device()) - 0.5).astype(t);
    const Array xs = x(all, slice(0, 37));  // row stride 40
    const Array q = (random::rand({3, 37}, float32, device()) - 0.5).astype(t);
    const Array xf = xs.astype(float32), qf = q.astype(float32);
    auto same = [&](const Array& got, const Array& want32, const char* what) {
      EXPECT_TRUE(rounded_once(got, want32, t)) << what;
    };
    same(cosine_similarity(q, xs), cosine_similarity(qf, xf), "cosine, corpus streamed");
    same(cosine_similarity(xs, q), cosine_similarity(xf, qf), "cosine, corpus first");
    same(cdist(xs, q), cdist(xf, qf), "cdist");
    same(cdist(xs(slice(0, 130)), xs), cdist(xf(slice(0, 130)), xf), "cdist, both large");
    for (Metric m : {Metric::cosine, Metric::dot, Metric::l2}) {
      const NearestResult n = nearest(q, xs, 5, m), nf = nearest(qf, xf, 5, m);
      same(n.indices, nf.indices, "nearest indices");
      same(n.scores, nf.scores, "nearest scores");
      const NearestResult one = nearest(q[1], xs, 5, m), onef = nearest(qf[1], xf, 5, m);
      same(one.indices, onef.indices, "1-query nearest indices");
      same(one.scores, onef.scores, "1-query nearest scores");
    }
    const KMeansResult k = kmeans(xs, 5), kf = kmeans(xf, 5);
    same(k.labels, kf.labels, "kmeans labels");
    if (exact_products(device(), t)) same(k.centroids, kf.centroids, "kmeans centroids");
    else EXPECT_TRUE(within_an_ulp(k.centroids, kf.centroids, t)) << "kmeans centroids";
    EXPECT_EQ(k.iterations, kf.iterations);
    if (exact_products(device(), t)) EXPECT_DOUBLE_EQ(k.inertia, kf.inertia);
    // 1024 queries against 2500 rows: the corpus in tiles of 2096 rows, their best merged.
    if (!device().is_cpu()) continue;  // the same host code on every device: once is enough
    const Array many = (random::rand({1024, 8}, float32, device()) - 0.5).astype(t);
    const Array corpus = (random::rand({2500, 8}, float32, device()) - 0.5).astype(t);
    const NearestResult tiled = nearest(many, corpus, 3), tiledf = nearest(many.astype(float32), corpus.astype(float32), 3);
    same(tiled.indices, tiledf.indices, "tiled nearest indices");
    same(tiled.scores, tiledf.scores, "tiled nearest scores");
  }
}

// A 16-bit float product sums in float32 and rounds once, read as stored (the CPU widens tiles of
// rows by the whole k, across whose edges this runs; CUDA calls cublasGemmEx): on every layout,
// batched, and in the matrix-vector and dot shapes.
TEST_P(HalfOps, MatmulIsTheFloat32ProductRoundedOnce) {
  const bool cpu = device().is_cpu();
  // The second CPU shape: k a multiple of 32 and whole 32-row blocks, where AMX tiles (bfloat16)
  // are packed by vector transposes; the third: one block of A per packing group (k > 32768).
  const std::vector<std::array<int64_t, 3>> shapes =
      cpu ? std::vector<std::array<int64_t, 3>>{{300, 4100, 290}, {100, 256, 70}, {100, 40000, 40}}
          : std::vector<std::array<int64_t, 3>>{{40, 300, 30}};
  for (const std::array<int64_t, 3>& shape : shapes)
  for (DType t : {float16, bfloat16}) {
    const int64_t m = shape[0], k = shape[1], n = shape[2];
    SCOPED_TRACE(std::string(dtype_name(t)) + " m=" + std::to_string(m) + " k=" + std::to_string(k));
    const Array a = (random::rand({m, k}, float32, device()) - 0.5).astype(t);
    const Array b = (random::rand({k, n}, float32, device()) - 0.5).astype(t);
    const Array af = a.astype(float32), bf = b.astype(float32);
    auto same = [&](const Array& got, const Array& want32, const char* what) {
      if (exact_products(device(), t)) EXPECT_TRUE(rounded_once(got, want32, t)) << what;
      else EXPECT_TRUE(within_an_ulp(got, want32, t, 0x1p-24 * k * 0.25)) << what;  // |a|, |b| <= 0.5
    };
    same(matmul(a, b), matmul(af, bf), "a @ b");
    same(matmul(b.T(), a.T()), matmul(bf.T(), af.T()), "b.T @ a.T");
    // The long-k shape is there for the packing groups of the products above. Below, the 16-bit
    // side multiplies packed (contiguous) tiles and the float32 side its strided operands, which
    // OpenBLAS's dot and matrix-vector kernels sum in other orders: over k = 40000 the float32
    // results differ enough to round differently now and then (seen as a flaky "dot").
    if (k > 32768) continue;
    same(matmul(a(slice(0, 40)).reshape({4, 10, k}), b), matmul(af(slice(0, 40)).reshape({4, 10, k}), bf), "batched");
    same(matmul(a(slice(0, m, 2)), b(all, slice(1, n, 3))), matmul(af(slice(0, m, 2)), bf(all, slice(1, n, 3))), "strided");
    same(matmul(a[3], b), matmul(af[3], bf), "vector @ matrix");
    same(matmul(a, b(all, 2)), matmul(af, bf(all, 2)), "matrix @ vector");
    same(matmul(a[3], b(all, 2)), matmul(af[3], bf(all, 2)), "dot");
    // a @ a.T: float32's goes to SYRK on the CPU (its own order), the 16-bit one to GEMM tiles.
    EXPECT_TRUE(within_an_ulp(matmul(a, a.T()), matmul(af, af.T()), t, 0x1p-24 * k * 0.25)) << "a @ a.T";
  }
}

// The CPU's fused half loops (converted blocks) and the other backends' float32 path agree with
// float32's result rounded once, on every layout: contiguous, transposed, broadcast rows and
// columns, 0-d arrays and C++ numbers, in place too.
TEST_P(HalfOps, ElementwiseOnEveryLayoutIsTheFloat32ResultRoundedOnce) {
  for (DType t : {float16, bfloat16}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array x = (random::rand({300, 70}, float32, device()) * 8 - 4).astype(t);
    const Array row = random::rand({70}, float32, device()).astype(t);
    const Array col = random::rand({300, 1}, float32, device()).astype(t);
    const Array zero_d = full({}, 0.75, t, device());
    const Array xf = x.astype(float32), rowf = row.astype(float32), colf = col.astype(float32);
    auto same = [&](const Array& got, const Array& want32, const char* what) {
      EXPECT_TRUE(rounded_once(got, want32, t)) << what;
    };
    same(x + row, xf + rowf, "x + row");
    same(x.T() * col.T(), xf.T() * colf.T(), "transposed * broadcast row");
    same(col - x, colf - xf, "column - x");
    same(x / zero_d, xf / zero_d.astype(float32), "x / 0-d");
    same(x * 0.1, xf * 0.1, "x * a C++ number (a float32 in the math)");
    same(2.5 - x.T(), 2.5 - xf.T(), "number - transposed");
    same(exp(x.T()), exp(xf.T()), "exp of transposed");
    same(sqrt(abs(x)), sqrt(abs(xf)), "sqrt");
    same(sin(x(slice(0, 300, 3))), sin(xf(slice(0, 300, 3))), "sin of a strided view");
    same(x > row, xf > rowf, "compare");
    same(isnan(x / x), isnan(xf / xf), "predicate");
    same(maximum(x, col), maximum(xf, colf), "maximum");
    same(power(abs(x), row), power(abs(xf), rowf), "power");
    same(where(x > 0, x, row), where(xf > 0, xf, rowf), "where");
    same(where(x > 0, x.T().T(), 0.3), where(xf > 0, xf, 0.3), "where with a number");
    same(clip(x, -1.5, 2.0), clip(xf, -1.5, 2.0), "clip");
    Array z = x.copy();
    z += row;
    z *= 0.5;
    same(z, (xf + rowf).astype(t).astype(float32) * 0.5, "in place");
    Array zt = x.T().copy().T();  // Fortran order
    zt -= x;
    same(zt, zeros({300, 70}, float32, device()), "in place, transposed out");
  }
}
