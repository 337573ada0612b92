// Array creation: from host values, constant fills, ranges, identity matrices, random numbers.
#include "ndgpu/creation.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common.hpp"
#include "detail.hpp"

namespace nd {
namespace {

// Host values of type T into a new array of dtype `dt` on `dev`.
template <class T>
Array from_host(const T* values, const Shape& shape, DType dt, Device dev) {
  Array staged = detail::new_array(shape, dtype_v<T>, Device::cpu());
  if (staged.size())  // the CPU backend's copy: both cores from 1 MiB
    detail::backend(Device::cpu()).copy_from_host(staged.data_ptr(), values, staged.nbytes());
  if (dt == dtype_v<T> && dev.is_cpu()) return staged;
  Array out = detail::new_array(shape, dt, dev);
  detail::copy_into(out, staged);
  return out;
}

// The C++ element type a literal of type T maps to, and its default dtype: C++'s own literal
// types as NumPy's Python numbers (int64, float32 here), the types only a deliberate choice gives
// (bool, nd::Float16, int8_t, uint16_t, unsigned, ...) their own dtype.
template <class T> struct literal {
  static constexpr bool own = std::is_same_v<T, bool> || is_half_v<T> ||
                              (std::is_integral_v<T> && (sizeof(T) < 4 || std::is_unsigned_v<T>));
  using type = std::conditional_t<own, T, std::conditional_t<std::is_floating_point_v<T>, double, int64_t>>;
  static constexpr DType dflt = [] {
    if constexpr (own) return dtype_v<T>;
    else return std::is_floating_point_v<T> ? float32 : int64;
  }();
};

template <class T>
Array from_values(const std::vector<T>& v, const Shape& shape, OptDType dtype, OptDevice device) {
  using L = typename literal<T>::type;
  if (checked_numel(shape) != static_cast<int64_t>(v.size()))
    throw ValueError("cannot reshape array of size " + std::to_string(v.size()) + " into shape " +
                     shape_str(shape));
  constexpr bool exact_dtype = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                               std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t> ||
                               (literal<T>::own && !std::is_same_v<T, bool>);
  if constexpr (exact_dtype) {  // T -> L is exact, so casting T itself gives the same values
    return from_host(v.data(), shape, dtype.value_or(literal<T>::dflt), detail::resolve(device));
  }
  std::vector<L> widened(v.begin(), v.end());
  if constexpr (std::is_same_v<L, bool>) {
    std::vector<uint8_t> bytes(widened.begin(), widened.end());
    return from_host(reinterpret_cast<const bool*>(bytes.data()), shape,
                     dtype.value_or(literal<T>::dflt), detail::resolve(device));
  } else {
    return from_host(widened.data(), shape, dtype.value_or(literal<T>::dflt), detail::resolve(device));
  }
}

template <class T>
void check_ragged(size_t expect, size_t got, int depth) {
  if (expect != got)
    throw ValueError("setting an array element with a sequence. The requested array has an "
                     "inhomogeneous shape after " + std::to_string(depth) +
                     " dimensions. The detected shape was (" + std::to_string(depth) + ",) + "
                     "inhomogeneous part.");
}

Scalar number_scalar(Number v, DType t) {
  Scalar s;
  s.dtype = t;
  if (v.kind == float32) {
    s.f = v.f;
    s.i = kern::convert<int64_t>(v.f);
  } else {
    s.f = v.f;  // the value itself (a uint64 above int64's range too)
    s.i = v.i;
  }
  return s;
}

// A fresh array of `shape` written by an index-dependent fill (kernels/fill_ramp.hpp) on its
// device, walked as one flat contiguous row.
Array index_fill(const Shape& shape, DType t, OptDevice device, FillDesc d) {
  if (detail::computes_wider(t))  // a 16-bit float: the float64 ramp rounded once; a narrow
    return index_fill(shape, is_half(t) ? float64 : opmath_dtype(t), device, d).astype(t);  // int: wrapped
  Array out = detail::new_array(shape, t, detail::resolve(device));
  if (out.size() == 0) return out;
  d.dst = detail::operand(out);
  d.iter.ndim = 1;
  d.iter.shape[0] = out.size();
  d.dst.strides[0] = 1;
  detail::backend(out.device()).fill(d);
  return out;
}

}  // namespace

template <class T>
Array array(const std::vector<T>& values, const Shape& shape, OptDType dtype, OptDevice device) {
  return from_values(values, shape, dtype, device);
}

template <class T>
Array array(std::initializer_list<std::initializer_list<T>> v, OptDType dtype, OptDevice device) {
  std::vector<T> flat;
  const size_t cols = v.size() ? v.begin()->size() : 0;
  for (auto& row : v) {
    check_ragged<T>(cols, row.size(), 1);
    flat.insert(flat.end(), row.begin(), row.end());
  }
  return from_values(flat, {static_cast<int64_t>(v.size()), static_cast<int64_t>(cols)}, dtype, device);
}

template <class T>
Array array(std::initializer_list<std::initializer_list<std::initializer_list<T>>> v,
            OptDType dtype, OptDevice device) {
  std::vector<T> flat;
  const size_t rows = v.size() ? v.begin()->size() : 0;
  const size_t cols = rows ? v.begin()->begin()->size() : 0;
  for (auto& plane : v) {
    check_ragged<T>(rows, plane.size(), 1);
    for (auto& row : plane) {
      check_ragged<T>(cols, row.size(), 2);
      flat.insert(flat.end(), row.begin(), row.end());
    }
  }
  return from_values(flat, {static_cast<int64_t>(v.size()), static_cast<int64_t>(rows),
                            static_cast<int64_t>(cols)}, dtype, device);
}

template <class T>
Array scalar(T value, OptDType dtype, OptDevice device) {
  return from_values(std::vector<T>{value}, Shape{}, dtype, device);
}

#define ND_INSTANTIATE(T)                                                                      \
  template Array array<T>(const std::vector<T>&, const Shape&, OptDType, OptDevice);          \
  template Array array<T>(std::initializer_list<std::initializer_list<T>>, OptDType, OptDevice); \
  template Array array<T>(std::initializer_list<std::initializer_list<std::initializer_list<T>>>, \
                          OptDType, OptDevice);                                                \
  template Array scalar<T>(T, OptDType, OptDevice);
ND_INSTANTIATE(bool)
ND_INSTANTIATE(int)
ND_INSTANTIATE(long)
ND_INSTANTIATE(long long)
ND_INSTANTIATE(float)
ND_INSTANTIATE(double)
ND_INSTANTIATE(Float16)
ND_INSTANTIATE(BFloat16)
ND_INSTANTIATE(int8_t)
ND_INSTANTIATE(uint8_t)
ND_INSTANTIATE(int16_t)
ND_INSTANTIATE(uint16_t)
ND_INSTANTIATE(uint32_t)
ND_INSTANTIATE(uint64_t)
#undef ND_INSTANTIATE

Array empty(const Shape& shape, DType dtype, OptDevice device) {
  return detail::new_array(shape, dtype, detail::resolve(device));
}

Array full(const Shape& shape, Number value, OptDType dtype, OptDevice device) {
  const DType t = dtype.value_or(value.kind);
  Array a = empty(shape, t, device);
  detail::fill(a, number_scalar(value, value.kind == float32 ? float64 : int64));
  return a;
}
Array zeros(const Shape& shape, DType dtype, OptDevice device) { return full(shape, 0, dtype, device); }
Array ones(const Shape& shape, DType dtype, OptDevice device) { return full(shape, 1, dtype, device); }

Array eye(int64_t n, std::optional<int64_t> m_opt, int64_t k, DType dtype, OptDevice device) {
  const int64_t m = m_opt.value_or(n);
  // The k-th diagonal: from (max(-k,0), max(k,0)), every m+1 elements of the flat array.
  const int64_t r0 = k < 0 ? -k : 0, c0 = k > 0 ? k : 0;
  FillDesc d;
  d.kind = FillKind::eye;
  d.first = r0 * m + c0;
  d.stride = m + 1;
  d.count = (n < 0 || m < 0) ? 0 : std::max<int64_t>(0, std::min(n - r0, m - c0));
  return index_fill({n, m}, dtype, device, d);
}
Array identity(int64_t n, DType dtype, OptDevice device) { return eye(n, n, 0, dtype, device); }

Array arange(Number stop, OptDType dtype, OptDevice device) {
  return arange(Number(0), stop, Number(1), dtype, device);
}

Array arange(Number start, Number stop, Number step, OptDType dtype, OptDevice device) {
  const bool fl = start.kind == float32 || stop.kind == float32 || step.kind == float32;
  const DType t = dtype.value_or(fl ? float32 : int64);
  if (fl ? step.f == 0 : step.i == 0) throw ValueError("Maximum allowed size exceeded");
  int64_t n;
  if (fl) {
    double len = std::ceil((stop.f - start.f) / step.f);
    if (!(len < 9.2e18)) throw ValueError("Maximum allowed size exceeded");
    n = len > 0 ? static_cast<int64_t>(len) : 0;
  } else {
    int64_t span = stop.i - start.i;
    n = step.i > 0 ? (span > 0 ? (span + step.i - 1) / step.i : 0)
                   : (span < 0 ? (-span + (-step.i) - 1) / (-step.i) : 0);
  }
  // NumPy's two first elements, start and start + step (double for floats, int64 for
  // integers, wrapping), then its fill loop on the device (kernels/fill_ramp.hpp).
  FillDesc d;
  d.kind = FillKind::arange;
  if (fl) {
    d.value = Scalar{float64, start.f, 0};
    d.next = Scalar{float64, start.f + step.f, 0};
  } else {
    const int64_t next =
        static_cast<int64_t>(static_cast<uint64_t>(start.i) + static_cast<uint64_t>(step.i));
    d.value = Scalar{int64, static_cast<double>(start.i), start.i};
    d.next = Scalar{int64, static_cast<double>(next), next};
  }
  return index_fill({n}, t, device, d);
}

Array linspace(double start, double stop, int64_t num, bool endpoint, DType dtype, OptDevice device) {
  if (num < 0) throw ValueError("Number of samples, " + std::to_string(num) + ", must be non-negative.");
  FillDesc d;
  d.kind = FillKind::linspace;
  d.start = start;
  d.stop = stop;
  d.delta = stop - start;
  d.div = endpoint ? num - 1 : num;
  d.endpoint = endpoint;
  return index_fill({num}, dtype, device, d);
}

Array empty_like(const Array& a, OptDType dtype) { return empty(a.shape(), dtype.value_or(a.dtype()), a.device()); }
Array zeros_like(const Array& a, OptDType dtype) { return zeros(a.shape(), dtype.value_or(a.dtype()), a.device()); }
Array ones_like(const Array& a, OptDType dtype) { return ones(a.shape(), dtype.value_or(a.dtype()), a.device()); }
Array full_like(const Array& a, Number value, OptDType dtype) {
  return full(a.shape(), value, dtype.value_or(a.dtype()), a.device());
}

}  // namespace nd
