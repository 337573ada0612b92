// The two 16-bit floating types, as plain C++ (no CUDA header): nd::Float16 (IEEE binary16,
// NumPy's float16) and nd::BFloat16 (the top half of a float32: PyTorch's and ml_dtypes'
// bfloat16). Each holds its bits; arithmetic goes through float (every value of either type is
// exactly a float), and a conversion to it rounds once, to nearest even (docs/design.md 4).
// constexpr throughout, so CUDA device code calls the same functions.
#pragma once
#include <bit>
#include <cstdint>
#include <iosfwd>
#include <type_traits>

namespace nd {

namespace half_bits {

// binary16 bits of x, rounded once to nearest even from the double (a float converts to double
// exactly, so float inputs round once too, as NumPy's casts do): overflow (|x| >= 65520) gives
// +-inf, values below half the smallest subnormal (2^-25) give +-0, NaN stays a quiet NaN.
constexpr uint16_t float16_from(double x) {
  const uint64_t b = std::bit_cast<uint64_t>(x);
  const auto sign = static_cast<uint16_t>((b >> 48) & 0x8000u);
  const uint64_t a = b & 0x7fffffffffffffffull;
  if (a > 0x7ff0000000000000ull) return sign | 0x7e00u | static_cast<uint16_t>((a >> 42) & 0x1ffu);
  const int e = static_cast<int>(a >> 52) - 1023;  // unbiased exponent of |x|
  if (e >= 16) return sign | 0x7c00u;              // >= 2^16 (and inf)
  if (e < -25) return sign;                        // < 2^-25 (and zero, double subnormals)
  const uint64_t m = (a & 0x000fffffffffffffull) | 0x0010000000000000ull;  // 53-bit significand
  // Keep the bits the half has: 11 for a normal (e >= -14), fewer for a subnormal (unit 2^-24).
  const int drop = e >= -14 ? 42 : 28 - e;  // 42 .. 53
  uint64_t q = m >> drop;
  const uint64_t rest = m & ((uint64_t{1} << drop) - 1), half = uint64_t{1} << (drop - 1);
  q += (rest > half) | ((rest == half) & (q & 1));
  // A normal's q carries the implicit bit (1024), so adding it bumps the exponent field by one;
  // a carry out of the significand does the same, up to 0x7c00 = inf.
  return sign | static_cast<uint16_t>(e >= -14 ? (static_cast<uint64_t>(e + 14) << 10) + q : q);
}

// The float (exact) of binary16 bits.
constexpr float float16_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1fu, f = h & 0x3ffu;
  if (e == 0x1f) {  // inf; NaN quiet with its payload, as the F16C instruction gives it
    return std::bit_cast<float>(sign | 0x7f800000u | (f ? 0x00400000u : 0u) | (f << 13));
  }
  if (e == 0) {  // zero and subnormals: f 2^-24, exact
    const float v = static_cast<float>(f) * 0x1p-24f;
    return std::bit_cast<float>(std::bit_cast<uint32_t>(v) | sign);
  }
  return std::bit_cast<float>(sign | ((e + 112) << 23) | (f << 13));
}

// bfloat16 bits of x: float32's top 16 bits, rounded to nearest even (ml_dtypes, PyTorch);
// overflow gives +-inf, NaN a quiet NaN of the same sign.
constexpr uint16_t bfloat16_from(float x) {
  const uint32_t b = std::bit_cast<uint32_t>(x);
  if ((b & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((b >> 16) | 0x40u);
  return static_cast<uint16_t>((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

constexpr float bfloat16_to_float(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

}  // namespace half_bits

/// IEEE binary16 (NumPy's float16): 5 exponent bits, 10 fraction bits, max 65504. Converts from
/// any C++ number (rounding once to nearest even) and to float (exactly); arithmetic on it is
/// float arithmetic.
struct Float16 {
  uint16_t bits = 0;  ///< the binary16 encoding
  constexpr Float16() = default;
  /// Rounds `x` to nearest even (from a double; an integer first converts to double).
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  constexpr Float16(T x) : bits(half_bits::float16_from(static_cast<double>(x))) {}
  constexpr operator float() const { return half_bits::float16_to_float(bits); }  ///< exact
  /// The value whose encoding is `b`.
  static constexpr Float16 from_bits(uint16_t b) {
    Float16 h;
    h.bits = b;
    return h;
  }
};

/// bfloat16: float32's sign and 8 exponent bits with 7 fraction bits (PyTorch, ml_dtypes).
/// Converts from any C++ number through float (as ml_dtypes does), rounding to nearest even,
/// and to float exactly.
struct BFloat16 {
  uint16_t bits = 0;  ///< the top 16 bits of the float32 encoding
  constexpr BFloat16() = default;
  /// Rounds `x` (first converted to float) to nearest even.
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  constexpr BFloat16(T x) : bits(half_bits::bfloat16_from(static_cast<float>(x))) {}
  constexpr operator float() const { return half_bits::bfloat16_to_float(bits); }  ///< exact
  /// The value whose encoding is `b`.
  static constexpr BFloat16 from_bits(uint16_t b) {
    BFloat16 h;
    h.bits = b;
    return h;
  }
};

/// Writes the value as NumPy prints a float16 scalar (the shortest digits that read back as the
/// same value), and a bfloat16 as ml_dtypes does (the same rule).
std::ostream& operator<<(std::ostream& os, Float16 h);
std::ostream& operator<<(std::ostream& os, BFloat16 h);  ///< as for Float16

/// A 16-bit floating type of ndgpu (Float16, BFloat16).
template <class T> inline constexpr bool is_half_v = std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;

}  // namespace nd
