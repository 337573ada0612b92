// The arrays of tests/golden/npy/make_npy_golden.py, built with nd views: same formula, same
// layouts, so each case can be compared with NumPy's file in both directions.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "ndgpu/ndgpu.hpp"

namespace npy_cases {

inline const std::vector<nd::DType> kDTypes = {nd::bool_, nd::int32, nd::int64, nd::float32, nd::float64,
                                               nd::float16, nd::int8, nd::uint8, nd::int16, nd::uint16,
                                               nd::uint32, nd::uint64};
// Cases nd::save must reproduce byte for byte ("be" is a big-endian file: load only).
inline const std::vector<std::string> kSaveCases = {"c",      "f",     "t",       "rev",
                                                    "vec", "scalar", "empty", "empty_f"};

// values(dtype, n) of the script, as a C-contiguous 1-D array.
inline nd::Array values(nd::DType t, int64_t n) {
  std::vector<double> f(n);
  std::vector<int64_t> i(n);
  std::vector<bool> b(n);
  for (int64_t k = 0; k < n; ++k) {
    b[k] = k % 3 == 0;
    i[k] = t == nd::int32 ? k * 7 - 20 : k * 1000000007LL - 3000000000LL;  // narrower: wrapped
    f[k] = t == nd::float32 ? static_cast<double>(static_cast<float>(k) * 0.5f - 2.25f)
                            : static_cast<double>(k) / 3.0 - 1.0;
  }
  if (t == nd::bool_) return nd::array(b, nd::Shape{n}, nd::bool_, nd::Device::cpu());
  if (nd::is_integer(t)) return nd::array(i, nd::Shape{n}, t, nd::Device::cpu());
  return nd::array(f, nd::Shape{n}, t, nd::Device::cpu());
}

inline nd::Array base(nd::DType t, const nd::Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return values(t, n).reshape(shape);
}

// A Fortran-ordered array with a's values: the transpose of a C-contiguous copy of a.T.
inline nd::Array fortran(const nd::Array& a) { return a.T().copy().T(); }

inline nd::Array make(nd::DType t, const std::string& name) {
  nd::Array b = base(t, {2, 3, 4});
  if (name == "c") return b;
  if (name == "f") return fortran(b);
  if (name == "t") return b.transpose({2, 0, 1});
  if (name == "rev") return b(nd::slice(nd::_, nd::_, -1), nd::all, nd::slice(nd::_, nd::_, -2));
  if (name == "vec") return base(t, {5});
  if (name == "scalar") return base(t, {7})[4];
  if (name == "empty") return base(t, {0, 3});
  if (name == "empty_f") return fortran(base(t, {3, 0}));
  if (name == "be") return base(t, {2, 3});
  return {};
}

inline std::string file_name(nd::DType t, const std::string& name) {
  return std::string(nd::dtype_name(t)) + "_" + name + ".npy";
}

}  // namespace npy_cases
