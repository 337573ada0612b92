// Array creation (NumPy names). Float results default to float32, integer ones to int64.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <type_traits>
#include <vector>

#include "ndgpu/array.hpp"

namespace nd {

/// A C++ number remembering whether it was written as an integer, a float or a bool, so that
/// defaults follow NumPy (full(shape, 7) is int64, full(shape, 7.0) is float32 here).
struct Number {
  double f = 0;   ///< the value as a double
  int64_t i = 0;  ///< the value as an integer (0 for floats)
  /// bool_, int64 or float32 (the default dtype of that category); uint64 for an unsigned value
  /// above int64's range (i then holds its bits), which only a uint64 computation takes.
  DType kind = DType::int64;
  /// Any C++ arithmetic value: an integer or bool keeps its exact value in i, a float only in f.
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  Number(T v) : f(static_cast<double>(v)) {
    if constexpr (std::is_floating_point_v<T>) {
      kind = DType::float32;  // i stays 0: a float never converts to int64 here (UB when huge)
    } else {
      i = static_cast<int64_t>(v);
      kind = std::is_same_v<T, bool> ? DType::bool_ : DType::int64;
      if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8)
        if (v > static_cast<T>(INT64_MAX)) kind = DType::uint64;
    }
  }
};

/// Options shared by the creation functions: dtype (default depends on the function) and device
/// (default: default_device()).
using OptDType = std::optional<DType>;
/// An optional device: empty means default_device().
using OptDevice = std::optional<Device>;

/// From host values. Integer literals give int64, floating ones float32 (the documented default),
/// bool gives bool; `dtype` overrides.
template <class T>
Array array(const std::vector<T>& values, const Shape& shape, OptDType dtype = {}, OptDevice device = {});
/// A 1-D array of `values`.
template <class T>
Array array(const std::vector<T>& values, OptDType dtype = {}, OptDevice device = {}) {
  return array(values, Shape{static_cast<int64_t>(values.size())}, dtype, device);
}
/// nd::array({1, 2, 3}): a 1-D array.
template <class T>
Array array(std::initializer_list<T> v, OptDType dtype = {}, OptDevice device = {}) {
  return array(std::vector<T>(v), dtype, device);
}
/// nd::array({{1, 2}, {3, 4}}): a 2-D array; rows of unequal length are a ValueError.
template <class T>
Array array(std::initializer_list<std::initializer_list<T>> v, OptDType dtype = {}, OptDevice device = {});
/// A 3-D array from nested braces.
template <class T>
Array array(std::initializer_list<std::initializer_list<std::initializer_list<T>>> v,
            OptDType dtype = {}, OptDevice device = {});
/// 0-d array from a scalar.
template <class T>
Array scalar(T value, OptDType dtype = {}, OptDevice device = {});

/// An array whose values are not set (NumPy's empty).
Array empty(const Shape& shape, DType dtype = float32, OptDevice device = {});
/// An array of zeros (float32 unless `dtype`).
Array zeros(const Shape& shape, DType dtype = float32, OptDevice device = {});
/// An array of ones (float32 unless `dtype`).
Array ones(const Shape& shape, DType dtype = float32, OptDevice device = {});
/// An array filled with `value`; the dtype follows how `value` was written (7: int64, 7.0:
/// float32, true: bool) unless `dtype`.
Array full(const Shape& shape, Number value, OptDType dtype = {}, OptDevice device = {});
/// An n x m matrix (m defaults to n) with ones on diagonal k (0: main, > 0: above).
Array eye(int64_t n, std::optional<int64_t> m = {}, int64_t k = 0, DType dtype = float32,
          OptDevice device = {});
/// The n x n identity matrix: eye(n).
Array identity(int64_t n, DType dtype = float32, OptDevice device = {});

/// arange(stop) == arange(0, stop). Integer arguments give int64, a floating argument gives
/// float32 (unless dtype says).
Array arange(Number stop, OptDType dtype = {}, OptDevice device = {});
/// Values from start up to (not including) stop, step apart; NumPy's values bit for bit.
Array arange(Number start, Number stop, Number step = 1, OptDType dtype = {}, OptDevice device = {});
/// `num` evenly spaced values from start to stop (stop included unless !endpoint); float32
/// unless `dtype`.
Array linspace(double start, double stop, int64_t num = 50, bool endpoint = true,
               DType dtype = float32, OptDevice device = {});

/// *_like: same shape, dtype and device as `a` unless given.
Array empty_like(const Array& a, OptDType dtype = {});
Array zeros_like(const Array& a, OptDType dtype = {});              ///< zeros shaped like `a`
Array ones_like(const Array& a, OptDType dtype = {});               ///< ones shaped like `a`
Array full_like(const Array& a, Number value, OptDType dtype = {});  ///< `value` shaped like `a`

namespace random {
/// Counter-based (Philox4x32-10): the same seed and shape give the same bits on CPU and CUDA.
void seed(uint64_t s);
Array rand(const Shape& shape, DType dtype = float32, OptDevice device = {});    ///< [0, 1)
Array randn(const Shape& shape, DType dtype = float32, OptDevice device = {});   ///< N(0, 1)
Array uniform(double low, double high, const Shape& shape, DType dtype = float32,
              OptDevice device = {});
Array normal(double mean, double stddev, const Shape& shape, DType dtype = float32,
             OptDevice device = {});
Array integers(int64_t low, int64_t high, const Shape& shape, DType dtype = int64,
               OptDevice device = {});  ///< [low, high)
}  // namespace random

}  // namespace nd
