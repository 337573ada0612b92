// The index-dependent fills (FillDesc kinds arange, linspace, eye): element i of the output as a
// function of i, written once for both backends, with NumPy's arithmetic so the values are the
// ones NumPy gives:
//   arange (NumPy's PyArray_ArangeObj + the dtype's `fill`): buffer[0] = T(start), buffer[1] =
//     T(start + step) (the sum in Python arithmetic: double for floats, exact for integers), then
//     buffer[i] = buffer[0] + i * (buffer[1] - buffer[0]) in T: for float32 i is rounded to float
//     and the product and sum are float32 operations; integers wrap.
//   linspace (numpy/_core/function_base.py): float64 y = i * step + start (step = delta / div),
//     y = (i / div) * delta + start when step underflows to 0, y = i * delta + start when div <= 0;
//     y[num - 1] = stop with endpoint; floor() for integer dtypes; then cast.
//   eye: 1 at the flat indices first + t * stride, t < count; 0 elsewhere.
// The functors take the index as a template type so CPU loops can count in int32 (conversions
// to float / double vectorise from int32, not from int64); the values are the same.
#pragma once
#include <math.h>

#include <cstdint>
#include <type_traits>

#include "backend.hpp"
#include "common.hpp"

namespace nd::kern {

// A Python number stored into an array of dtype T (NumPy's setitem): floats through double,
// integers truncate floats and wrap integers.
template <class T>
ND_HD T setitem_value(const Scalar& s) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(is_floating(s.dtype) ? s.f : static_cast<double>(s.i));
  } else {
    if (is_floating(s.dtype)) return convert<T>(s.f);
    if constexpr (std::is_same_v<T, bool>) return s.i != 0;
    else return static_cast<T>(static_cast<std::make_unsigned_t<T>>(static_cast<uint64_t>(s.i)));
  }
}

template <class T>
struct ArangeFill {
  // Integer dtypes (and bool) compute in uint64 so that overflow wraps like NumPy's C loop.
  using C = std::conditional_t<std::is_floating_point_v<T>, T, uint64_t>;
  C first, second, delta;
  ND_HD explicit ArangeFill(const FillDesc& d) {
    if constexpr (std::is_floating_point_v<T>) {
      first = setitem_value<T>(d.value);
      second = setitem_value<T>(d.next);
      delta = second - first;
    } else {
      using S = std::conditional_t<std::is_same_v<T, bool>, int64_t, T>;
      const S a = setitem_value<S>(d.value), b = setitem_value<S>(d.next);
      first = static_cast<uint64_t>(static_cast<int64_t>(a));
      second = static_cast<uint64_t>(static_cast<int64_t>(b));
      // delta -= start in S, then sign-extended for `i * delta` (npy_intp arithmetic).
      using U = std::make_unsigned_t<S>;
      const S dl = static_cast<S>(static_cast<U>(static_cast<U>(b) - static_cast<U>(a)));
      delta = static_cast<uint64_t>(static_cast<int64_t>(dl));
    }
  }
  template <class I>
  ND_HD T operator()(I i) const {
    C v;
    if constexpr (std::is_floating_point_v<T>) v = first + static_cast<T>(i) * delta;
    else v = first + static_cast<uint64_t>(i) * delta;
    v = i == 1 ? second : v;
    v = i == 0 ? first : v;
    if constexpr (std::is_floating_point_v<T>) return v;
    else if constexpr (std::is_same_v<T, bool>) return v != 0;
    else return static_cast<T>(static_cast<std::make_unsigned_t<T>>(v));
  }
};

template <class T>
struct LinspaceFill {
  double start, stop, delta, step, div;
  int64_t last;  // index forced to `stop` (-1: none)
  int mode;      // 0: i * step + start, 1: (i / div) * delta + start, 2: i * delta + start
  ND_HD explicit LinspaceFill(const FillDesc& d)
      : start(d.start), stop(d.stop), delta(d.delta), step(0), div(static_cast<double>(d.div)),
        last(d.endpoint && d.div > 0 ? d.div : -1), mode(2) {
    if (d.div > 0) {
      step = delta / div;
      mode = step == 0 ? 1 : 0;
    }
  }
  template <class I>
  ND_HD T operator()(I i) const {
    const double x = static_cast<double>(i);
    double y;  // branches on the loop-invariant mode (CPU loops unswitch; no division in mode 0)
    if (mode == 0) y = x * step + start;
    else if (mode == 1) y = (x / div) * delta + start;
    else y = x * delta + start;
    y = static_cast<int64_t>(i) == last ? stop : y;
    if constexpr (std::is_same_v<T, bool>) return y != 0;
    else if constexpr (std::is_integral_v<T>) return convert<T>(floor(y));
    else return static_cast<T>(y);
  }
};

template <class T>
struct EyeFill {
  int64_t first, stride, count;
  ND_HD explicit EyeFill(const FillDesc& d) : first(d.first), stride(d.stride), count(d.count) {}
  template <class I>
  ND_HD T operator()(I i) const {
    const int64_t r = static_cast<int64_t>(i) - first;
    return (r >= 0 && r % stride == 0 && r / stride < count) ? T(1) : T(0);
  }
};

}  // namespace nd::kern
