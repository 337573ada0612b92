// Whole-array assertions with readable failures: shapes, dtypes and the first mismatches.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "ndgpu/ndgpu.hpp"

// Exact comparison of values (NaN equals NaN), shape and dtype.
template <class T>
::testing::AssertionResult array_equals(const nd::Array& a, const std::vector<T>& expect,
                                        const nd::Shape& shape) {
  if (a.shape() != shape)
    return ::testing::AssertionFailure() << "shape " << nd::shape_str(a.shape()) << " != expected "
                                         << nd::shape_str(shape);
  if (a.dtype() != nd::dtype_v<T>)
    return ::testing::AssertionFailure() << "dtype " << a.dtype() << " != expected " << nd::dtype_v<T>;
  std::vector<T> got = a.to_vector<T>();
  std::ostringstream bad;
  int nbad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    bool same = got[i] == expect[i];
    if constexpr (std::is_floating_point_v<T>) same = same || (std::isnan(got[i]) && std::isnan(expect[i]));
    if (!same && nbad++ < 5) bad << " [" << i << "] got " << got[i] << " expected " << expect[i] << ";";
  }
  if (nbad) return ::testing::AssertionFailure() << nbad << " mismatches:" << bad.str();
  return ::testing::AssertionSuccess();
}

// Closeness: |got - expect| <= atol + rtol * |expect|, NaN positions and infinities exact.
inline ::testing::AssertionResult array_near(const nd::Array& a, const std::vector<double>& expect,
                                             const nd::Shape& shape, double rtol, double atol) {
  if (a.shape() != shape)
    return ::testing::AssertionFailure() << "shape " << nd::shape_str(a.shape()) << " != expected "
                                         << nd::shape_str(shape);
  std::vector<double> got = a.astype(nd::float64).to_vector<double>();
  std::ostringstream bad;
  int nbad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    double g = got[i], e = expect[i];
    bool ok = (std::isnan(g) && std::isnan(e)) || g == e ||
              (std::isfinite(e) && std::fabs(g - e) <= atol + rtol * std::fabs(e));
    if (!ok && nbad++ < 5) bad << " [" << i << "] got " << g << " expected " << e << ";";
  }
  if (nbad) return ::testing::AssertionFailure() << nbad << " mismatches:" << bad.str();
  return ::testing::AssertionSuccess();
}
