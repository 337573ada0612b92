// NumPy's element formatting (arrayprint.FloatingFormat & co.), see print_format.hpp.
#include "print_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <type_traits>

namespace nd::print {
namespace {

// Shortest round-trip text of x in its own precision (float32 digits for float).
template <class T>
std::string chars(T x, std::chars_format fmt) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, x, fmt);
  return std::string(buf, r.ptr);
}
// Correctly rounded to `precision` digits (fraction digits for fixed, after the point for scientific).
template <class T>
std::string chars(T x, std::chars_format fmt, int precision) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, x, fmt, precision);
  return std::string(buf, r.ptr);
}

// A float16's shortest round-trip digits (Dragon4's unique mode in half precision): the value
// rounded to the fewest significant digits that read back as the same float16, as the double
// nearest those digits (whose own shortest text is exactly them).
// The nearest p-digit decimal may miss while its neighbour above hits: at a power of two the
// interval that rounds to x is twice as wide above x as below (2^-6 prints as 0.01563), so the
// two neighbours are tried too and the closest hit wins.
double shortest_half(Float16 x) {
  const float v = x;
  for (int p = 0; p < 5; ++p) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, p);
    const std::string s(buf, r.ptr);
    const size_t e = s.find('e');
    std::string digits = s.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const long long m = std::stoll(digits);
    const int exp10 = std::stoi(s.substr(e + 1)) - p;
    double best = 0;
    bool found = false;
    for (long long c : {m, m - 1, m + 1}) {
      const std::string t = std::to_string(c) + "e" + std::to_string(exp10);
      double d = 0;
      std::from_chars(t.data(), t.data() + t.size(), d);
      if (Float16(d).bits == x.bits && (!found || std::fabs(d - v) < std::fabs(best - v))) best = d, found = true;
    }
    if (found) return best;
  }
  return v;  // 5 significant digits always identify a float16
}
std::string chars(Float16 x, std::chars_format fmt) { return chars(shortest_half(x), fmt); }
std::string chars(Float16 x, std::chars_format fmt, int precision) {
  return chars(static_cast<float>(x), fmt, precision);  // the exact value, correctly rounded
}

// "1.2500" -> "1.25", "3.000" -> "3." (NumPy's trim='.'); text without a point is untouched.
void trim_zeros(std::string& s) {
  if (s.find('.') == std::string::npos) return;
  while (s.back() == '0') s.pop_back();
}

void ensure_point(std::string& s) {
  if (s.find('.') == std::string::npos) s += '.';
}

// dragon4_positional(x, precision=max_frac, unique=True, fractional=True, trim='.').
template <class T>
std::string positional(T x, int max_frac) {
  std::string s = chars(x, std::chars_format::fixed);
  const size_t dot = s.find('.');
  const size_t frac = dot == std::string::npos ? 0 : s.size() - dot - 1;
  if (frac > static_cast<size_t>(max_frac)) {
    s = chars(x, std::chars_format::fixed, max_frac);
    trim_zeros(s);
  }
  ensure_point(s);
  return s;
}

struct SciParts {
  std::string mantissa, exponent;  // "-1.5", "+05"
};
SciParts split_sci(const std::string& s) {
  const size_t e = s.find('e');
  return {s.substr(0, e), s.substr(e + 1)};
}
size_t frac_len(const std::string& mantissa) {
  const size_t dot = mantissa.find('.');
  return dot == std::string::npos ? 0 : mantissa.size() - dot - 1;
}

// dragon4_scientific(x, precision=max_frac, unique=True, trim='.').
template <class T>
SciParts scientific_unique(T x, int max_frac) {
  SciParts p = split_sci(chars(x, std::chars_format::scientific));
  if (frac_len(p.mantissa) > static_cast<size_t>(max_frac)) {
    p = split_sci(chars(x, std::chars_format::scientific, max_frac));
    trim_zeros(p.mantissa);
  }
  ensure_point(p.mantissa);
  return p;
}

// dragon4_scientific(x, precision=P, min_digits=P, unique=True, trim='k'): the shortest digits
// when they have exactly P fraction digits, else the value's digits correctly rounded to P.
template <class T>
SciParts scientific_fixed(T x, int precision) {
  SciParts p = split_sci(chars(x, std::chars_format::scientific));
  if (frac_len(p.mantissa) != static_cast<size_t>(precision))
    p = split_sci(chars(x, std::chars_format::scientific, precision));
  ensure_point(p.mantissa);
  return p;
}

std::string pad_left(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

template <class T>
FloatFormat<T>::FloatFormat(const std::vector<T>& shown) {
  std::vector<T> finite;
  bool any_neg_inf = false;
  for (T x : shown) {
    if (std::isfinite(x)) finite.push_back(x);
    else if (std::isinf(x) && x < 0) any_neg_inf = true;
  }
  // Exponential mode from the non-zero finite magnitudes, compared in T as NumPy does.
  T max_val = 0, min_val = 0;
  bool any_nonzero = false;
  for (T x : finite) {
    if (x == 0) continue;
    const T a = std::fabs(x);
    if (!any_nonzero) max_val = min_val = a;
    max_val = std::max(max_val, a);
    min_val = std::min(min_val, a);
    any_nonzero = true;
  }
  if (any_nonzero) {
    // 10**min(8, finfo.precision): 1e3 for float16, 1e6 for float32, 1e8 for float64
    const T cutoff = std::is_same_v<T, Float16> ? T(1e3) : std::is_same_v<T, float> ? T(1e6) : T(1e8);
    const T ratio = max_val / min_val;  // rounded to T, as NumPy divides in T
    exp_format_ = max_val >= cutoff || min_val < T(0.0001) || ratio > T(1000);
  }
  if (finite.empty()) {
    pad_left_ = pad_right_ = 0;
  } else if (exp_format_) {
    size_t int_w = 0, frac_w = 0, exp_w = 0;
    for (T x : finite) {
      SciParts p = scientific_unique(x, 8);
      const size_t dot = p.mantissa.find('.');
      int_w = std::max(int_w, dot);
      frac_w = std::max(frac_w, p.mantissa.size() - dot - 1);
      exp_w = std::max(exp_w, p.exponent.size());
    }
    exp_size_ = static_cast<int>(exp_w) - 1;
    precision_ = static_cast<int>(frac_w);
    pad_left_ = static_cast<int>(int_w);
    pad_right_ = exp_size_ + 2 + precision_;
  } else {
    size_t int_w = 0, frac_w = 0;
    for (T x : finite) {
      std::string s = positional(x, 8);
      const size_t dot = s.find('.');
      int_w = std::max(int_w, dot);
      frac_w = std::max(frac_w, s.size() - dot - 1);
    }
    pad_left_ = static_cast<int>(int_w);
    pad_right_ = static_cast<int>(frac_w);
  }
  if (finite.size() != shown.size()) {  // room for "nan" / "-inf"
    const int offset = pad_right_ + 1;
    pad_left_ = std::max({pad_left_, 3 - offset, 3 + (any_neg_inf ? 1 : 0) - offset});
  }
}

template <class T>
std::string FloatFormat<T>::operator()(T x) const {
  if (!std::isfinite(x)) {
    const char* ret = std::isnan(x) ? "nan" : x < 0 ? "-inf" : "inf";
    return pad_left(ret, static_cast<size_t>(pad_left_ + pad_right_ + 1));
  }
  if (exp_format_) {
    SciParts p = scientific_fixed(x, precision_);
    std::string exp_digits = p.exponent.substr(1);
    if (static_cast<int>(exp_digits.size()) < exp_size_)
      exp_digits.insert(0, exp_size_ - exp_digits.size(), '0');
    const size_t dot = p.mantissa.find('.');
    return std::string(std::max<int>(0, pad_left_ - static_cast<int>(dot)), ' ') + p.mantissa + "e" +
           p.exponent[0] + exp_digits;
  }
  std::string s = positional(x, 8);
  const size_t dot = s.find('.');
  const int frac = static_cast<int>(s.size() - dot - 1);
  return std::string(std::max<int>(0, pad_left_ - static_cast<int>(dot)), ' ') + s +
         std::string(std::max(0, pad_right_ - frac), ' ');
}

template class FloatFormat<float>;
template class FloatFormat<double>;
template class FloatFormat<Float16>;

template <class T>
IntFormat<T>::IntFormat(const std::vector<T>& shown) {
  if (shown.empty()) return;
  auto [lo, hi] = std::minmax_element(shown.begin(), shown.end());
  width_ = std::max(std::to_string(*lo).size(), std::to_string(*hi).size());
}

template <class T>
std::string IntFormat<T>::operator()(T x) const { return pad_left(std::to_string(x), width_); }

template class IntFormat<int64_t>;
template class IntFormat<uint64_t>;

template <class T>
std::string scalar_str(T x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  // Compared in long double like NumPy's scalartypes.c (float32 0.0001f is below 1e-4).
  const long double a = std::fabs(static_cast<long double>(x));
  const long double upper = std::is_same_v<T, Float16> ? 1e3L : std::is_same_v<T, float> ? 1e6L : 1e16L;
  if (a == 0 || (a >= 1e-4L && a < upper)) {
    std::string s = chars(x, std::chars_format::fixed);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
  return chars(x, std::chars_format::scientific);
}

template std::string scalar_str<float>(float);
template std::string scalar_str<double>(double);
template std::string scalar_str<Float16>(Float16);

std::string bfloat16_str(BFloat16 x) {
  std::ostringstream os;
  os << static_cast<float>(x);
  return os.str();
}

}  // namespace nd::print
