// Shared by both backends: the host/device qualifier, dtype dispatch, and the one UB-free
// conversion and integer-division helpers (RELIABILITY.md: NaN -> 0, saturating casts,
// x/0 -> 0 and MIN/-1 -> MIN for integers).
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ndgpu/dtype.hpp"

#if defined(__CUDACC__)
#define ND_HD __host__ __device__ __forceinline__
#else
#define ND_HD inline
#endif

namespace nd::kern {

// Converts between the five element types without UB: float -> int saturates, NaN -> 0.
template <class To, class From>
ND_HD To convert(From x) {
  if constexpr (std::is_same_v<To, bool>) {
    return x != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (!(x == x)) return To(0);
    constexpr From lo = From(std::numeric_limits<To>::min());  // exact power of two
    constexpr From hi = -lo;                                   // 2^31 or 2^63: first value past max
    if (x <= lo) return std::numeric_limits<To>::min();
    if (x >= hi) return std::numeric_limits<To>::max();
    return static_cast<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

// Integer division and modulo with Python's floor semantics and no UB.
template <class T>
ND_HD T int_floor_div(T a, T b) {
  if (b == 0) return 0;
  if (b == -1) return a == std::numeric_limits<T>::min() ? a : -a;
  T q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
template <class T>
ND_HD T int_mod(T a, T b) {
  if (b == 0 || b == -1) return 0;
  T r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

}  // namespace nd::kern

// ND_DISPATCH(dtype, T, body): runs body with T bound to the C++ type of `dtype`.
#define ND_DISPATCH(DT, T, ...)                         \
  switch (DT) {                                         \
    case ::nd::DType::bool_: { using T = bool; __VA_ARGS__; break; }      \
    case ::nd::DType::int32: { using T = int32_t; __VA_ARGS__; break; }   \
    case ::nd::DType::int64: { using T = int64_t; __VA_ARGS__; break; }   \
    case ::nd::DType::float32: { using T = float; __VA_ARGS__; break; }   \
    case ::nd::DType::float64: { using T = double; __VA_ARGS__; break; }  \
  }
