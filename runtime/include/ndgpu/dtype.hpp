// Element types: the five NumPy dtypes ndgpu supports, their sizes and NumPy names.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string_view>

namespace nd {

/// Room is left for float16 / bfloat16: new values go at the end.
enum class DType : uint8_t { bool_, int32, int64, float32, float64 };

inline constexpr DType bool_ = DType::bool_;      ///< NumPy's bool
inline constexpr DType int32 = DType::int32;      ///< NumPy's int32
inline constexpr DType int64 = DType::int64;      ///< NumPy's int64, the default integer dtype
inline constexpr DType float32 = DType::float32;  ///< NumPy's float32, the default float dtype
inline constexpr DType float64 = DType::float64;  ///< NumPy's float64

constexpr int kNumDTypes = 5;  ///< how many dtypes there are

/// Bytes per element.
constexpr int64_t dtype_size(DType t) {
  switch (t) {
    case DType::bool_: return 1;
    case DType::int32: return 4;
    case DType::float32: return 4;
    case DType::int64: return 8;
    case DType::float64: return 8;
  }
  return 0;
}

/// float32 or float64.
constexpr bool is_floating(DType t) { return t == DType::float32 || t == DType::float64; }
/// int32 or int64.
constexpr bool is_integer(DType t) { return t == DType::int32 || t == DType::int64; }
/// bool.
constexpr bool is_bool(DType t) { return t == DType::bool_; }

/// NumPy's name: "bool", "int32", "int64", "float32", "float64".
std::string_view dtype_name(DType t);
std::ostream& operator<<(std::ostream& os, DType t);  ///< writes dtype_name(t)

/// The dtype of a C++ element type: dtype_of<float>::value == float32.
template <class T> struct dtype_of;
/// bool holds bool_.
template <> struct dtype_of<bool> { static constexpr DType value = DType::bool_; /**< bool_ */ };
/// int32_t holds int32.
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::int32; /**< int32 */ };
/// int64_t holds int64.
template <> struct dtype_of<int64_t> { static constexpr DType value = DType::int64; /**< int64 */ };
/// float holds float32.
template <> struct dtype_of<float> { static constexpr DType value = DType::float32; /**< float32 */ };
/// double holds float64.
template <> struct dtype_of<double> { static constexpr DType value = DType::float64; /**< float64 */ };
/// dtype_of<T>::value.
template <class T> inline constexpr DType dtype_v = dtype_of<T>::value;

/// Category promotion (docs/design.md 4): bool < integer < floating; the wider wins within one.
constexpr DType promote_types(DType a, DType b) {
  auto rank = [](DType t) { return is_bool(t) ? 0 : is_integer(t) ? 1 : 2; };
  if (rank(a) != rank(b)) return rank(a) > rank(b) ? a : b;
  return dtype_size(a) >= dtype_size(b) ? a : b;
}

}  // namespace nd
