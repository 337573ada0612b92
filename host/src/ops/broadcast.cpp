// Broadcasting by NumPy's rules: right-aligned shapes, each axis equal or 1; stride-0 operands.
#include <algorithm>

#include "detail.hpp"
#include "ops/elementwise.hpp"

namespace nd::detail {

Shape broadcast_shapes(const Arg* args, int n) {
  static const Shape kScalarShape;
  auto shape_of = [&](int k) -> const Shape& {
    return args[k].array ? args[k].array->shape() : kScalarShape;
  };
  size_t ndim = 0;
  for (int k = 0; k < n; ++k) ndim = std::max(ndim, shape_of(k).size());
  Shape out(ndim, 1);
  for (int k = 0; k < n; ++k) {
    const Shape& s = shape_of(k);
    const size_t lead = ndim - s.size();
    for (size_t d = 0; d < s.size(); ++d) {
      int64_t& o = out[lead + d];
      if (s[d] == o || s[d] == 1) continue;
      if (o == 1) {
        o = s[d];
        continue;
      }
      std::string msg = "operands could not be broadcast together with shapes";
      for (int j = 0; j < n; ++j) (msg += ' ') += shape_str(shape_of(j));  // (" " + s: GCC 12 -Wrestrict)
      throw ValueError(msg);
    }
  }
  return out;
}

Operand broadcast_operand(const Array& a, const Shape& shape) {
  Operand op;
  op.data = a.size() ? a.data_ptr() : nullptr;
  op.dtype = a.dtype();
  const int lead = static_cast<int>(shape.size()) - a.ndim();
  for (int d = 0; d < a.ndim(); ++d)
    op.strides[lead + d] = (a.shape()[d] == 1 && shape[lead + d] != 1) ? 0 : a.strides()[d];
  return op;
}

// [lowest, highest] element offset a view touches, in bytes from the storage base.
static void byte_range(const Array& a, int64_t& lo, int64_t& hi) {
  lo = hi = a.offset() * a.itemsize();
  for (int d = 0; d < a.ndim(); ++d) {
    const int64_t span = (a.shape()[d] - 1) * a.strides()[d] * a.itemsize();
    (span < 0 ? lo : hi) += span;
  }
  hi += a.itemsize() - 1;
}

bool may_overlap(const Array& a, const Array& b) {
  if (a.storage() != b.storage() || a.size() == 0 || b.size() == 0) return false;
  int64_t alo, ahi, blo, bhi;
  byte_range(a, alo, ahi);
  byte_range(b, blo, bhi);
  return alo <= bhi && blo <= ahi;
}

}  // namespace nd::detail
