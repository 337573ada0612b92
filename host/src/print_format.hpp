// Element formatters that reproduce NumPy's arrayprint (numpy 2.x defaults: precision 8,
// floatmode 'maxprec', suppress False, sign '-'): FloatingFormat, IntegerFormat, BoolFormat,
// and the str() of 0-d float scalars. Shortest round-trip digits come from std::to_chars, which
// gives the same digits as NumPy's Dragon4 in unique mode (float32 values use float32 digits).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ndgpu/half.hpp"

namespace nd::print {

// Formats the elements of one array (the shown ones, after summarisation) with shared padding.
template <class T>
class FloatFormat {
 public:
  explicit FloatFormat(const std::vector<T>& shown);
  std::string operator()(T x) const;

 private:
  bool exp_format_ = false;
  int pad_left_ = 0, pad_right_ = 0;
  int precision_ = 8;  // exp mode: the shared number of fraction digits
  int exp_size_ = -1;
};

// Integers of any dtype (T: int64_t, or uint64_t for uint64), right-aligned to the widest shown.
template <class T>
class IntFormat {
 public:
  explicit IntFormat(const std::vector<T>& shown);
  std::string operator()(T x) const;

 private:
  size_t width_ = 0;
};

// " True" / "False" in arrays (aligned), "True" for a 0-d array.
inline std::string format_bool(bool v, bool zero_d) {
  return v ? (zero_d ? "True" : " True") : "False";
}

// str(np.float32(x)) / str(np.float64(x)) / str(np.float16(x)): positional "1.0" between 1e-4 and
// 10**precision (1e6 for float32, 1e16 for float64, 1e3 for float16), else scientific "1e+16".
template <class T>
std::string scalar_str(T x);

// A bfloat16 as ml_dtypes writes it in arrays and scalars alike: C++'s default stream format of
// the float (6 significant digits, %g: "0.100098", "1e+10", "-0"), with no padding.
std::string bfloat16_str(BFloat16 x);

}  // namespace nd::print
