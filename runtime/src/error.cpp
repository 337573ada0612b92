#include "ndgpu/error.hpp"

#include <ostream>
#include <string>

#include "ndgpu/dtype.hpp"

namespace nd {

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

int64_t checked_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r) || r > (int64_t(1) << 62))
    throw ValueError("array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
  return r;
}

int64_t checked_numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw ValueError("negative dimensions are not allowed");
    n = checked_mul(n, d);
  }
  return n;
}

int normalize_axis(int64_t axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    throw AxisError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                    std::to_string(ndim));
  return static_cast<int>(axis < 0 ? axis + ndim : axis);
}

std::string_view dtype_name(DType t) {
#define ND_DTYPE_NAME_CASE(e, type, name, ...) case DType::e: return name;
  switch (t) { ND_DTYPE_TABLE(ND_DTYPE_NAME_CASE, ) }
#undef ND_DTYPE_NAME_CASE
  return "?";
}

DType promote_types(DType a, DType b) {
  DType t = a;
  if (!promote_types_to(a, b, &t))
    throw TypeError("The DType " + std::string(dtype_name(a)) + " could not be promoted by " +
                    std::string(dtype_name(b)) + ": no integer dtype holds both (NumPy would give float64)");
  return t;
}

std::string dtype_list() {
  std::string s;
  for (int k = 0; k < kNumDTypes; ++k) s += (k ? ", " : "") + std::string(dtype_name(static_cast<DType>(k)));
  return s;
}

std::ostream& operator<<(std::ostream& os, DType t) { return os << dtype_name(t); }

}  // namespace nd
