// Joining arrays: nd::concatenate and nd::stack with NumPy's checks and messages. The result
// dtype is the promotion of the inputs (the category rules of docs/design.md 4); all inputs must
// live on one device (no implicit transfers).
#include "detail.hpp"

namespace nd {
namespace {

void check_same_device(const std::vector<Array>& arrays, const char* what) {
  for (size_t i = 1; i < arrays.size(); ++i)
    if (arrays[i].device() != arrays[0].device())
      throw ValueError(std::string(what) + ": all arrays must be on the same device, but the array at "
                       "index 0 is on " + arrays[0].device().str() + " and the array at index " +
                       std::to_string(i) + " is on " + arrays[i].device().str());
}

}  // namespace

Array concatenate(const std::vector<Array>& arrays, int axis) {
  if (arrays.empty()) throw ValueError("need at least one array to concatenate");
  for (const Array& a : arrays) detail::check_defined(a, "concatenate");
  const Array& first = arrays[0];
  if (first.ndim() == 0) throw ValueError("zero-dimensional arrays cannot be concatenated");
  const int ax = normalize_axis(axis, first.ndim());
  Shape shape = first.shape();
  DType dtype = first.dtype();
  for (size_t i = 1; i < arrays.size(); ++i) {
    const Array& a = arrays[i];
    if (a.ndim() != first.ndim())
      throw ValueError("all the input arrays must have same number of dimensions, but the array at "
                       "index 0 has " + std::to_string(first.ndim()) + " dimension(s) and the array "
                       "at index " + std::to_string(i) + " has " + std::to_string(a.ndim()) +
                       " dimension(s)");
    for (int d = 0; d < a.ndim(); ++d)
      if (d != ax && a.shape()[d] != first.shape()[d])
        throw ValueError("all the input array dimensions except for the concatenation axis must "
                         "match exactly, but along dimension " + std::to_string(d) +
                         ", the array at index 0 has size " + std::to_string(first.shape()[d]) +
                         " and the array at index " + std::to_string(i) + " has size " +
                         std::to_string(a.shape()[d]));
    shape[ax] += a.shape()[ax];
    dtype = promote_types(dtype, a.dtype());
  }
  check_same_device(arrays, "concatenate");
  Array out = detail::new_array(shape, dtype, first.device());
  int64_t pos = 0;
  std::vector<Index> idx(ax + 1, Index(all));
  for (const Array& a : arrays) {
    idx[ax] = slice(pos, pos + a.shape()[ax]);
    detail::copy_into(out.index(idx), a);
    pos += a.shape()[ax];
  }
  return out;
}

Array stack(const std::vector<Array>& arrays, int axis) {
  if (arrays.empty()) throw ValueError("need at least one array to stack");
  for (const Array& a : arrays) {
    detail::check_defined(a, "stack");
    if (a.shape() != arrays[0].shape()) throw ValueError("all input arrays must have the same shape");
  }
  const int ax = normalize_axis(axis, arrays[0].ndim() + 1);
  std::vector<Array> expanded;
  for (const Array& a : arrays) expanded.push_back(a.expand_dims(ax));
  return concatenate(expanded, ax);
}

}  // namespace nd
