// host/-internal helpers: backend lookup, descriptors from arrays, fresh outputs.
#pragma once
#include <string>

#include "backend.hpp"
#include "ndgpu/array.hpp"
#include "ndgpu/creation.hpp"

namespace nd::detail {

// The backend of a device (registers the built-in backends on first use). DeviceError if absent.
Backend& backend(Device d);

// Resolves an optional device to default_device().
inline Device resolve(OptDevice d) { return d ? *d : default_device(); }

// A fresh C-contiguous array (uninitialised).
Array new_array(Shape shape, DType dtype, Device device);

// A fresh dense array whose axes lie in memory in the order of `like`'s (NumPy's order='K'):
// decreasing |stride|, ties in C order. The result of an op on a transposed array is then the
// transposed layout, written in one contiguous pass. C order when `like` has another shape.
Array new_array_like(Shape shape, DType dtype, Device device, const Array& like);

// ValueError("... undefined array") for default-constructed arrays.
void check_defined(const Array& a, const char* what);

// Operand over the array's view (strides in elements, data at element 0).
Operand operand(const Array& a);

// Iteration space for `shape`, with every operand's strides; dimensions are coalesced
// (size-1 axes dropped, mergeable neighbours merged) identically for all operands.
// The operands' strides arrays are rewritten in place to match the returned Iter.
Iter coalesce(const Shape& shape, std::initializer_list<Operand*> ops);
Iter coalesce(const int64_t* shape, int nd, std::initializer_list<Operand*> ops);

// coalesce() after putting the axes in the first operand's memory order (decreasing |stride|),
// for loops whose result does not depend on the order they visit elements (elementwise, copy,
// fill): an output in any dense layout then iterates as one contiguous run.
Iter coalesce_any_order(const Shape& shape, std::initializer_list<Operand*> ops);

// Sorts axes[0..n) by decreasing |strides[axis]|, ties keeping their order (memory order, ties in
// C order when the axes come in increasing order). A stable insertion sort of at most 8 axes, with
// no heap (std::stable_sort takes a buffer; every op runs this).
void sort_axes_by_stride(int* axes, int n, const int64_t* strides);

// Copies src into dst (same shape; dtype cast as needed; devices may differ).
void copy_into(const Array& dst, const Array& src);

// Fills a view with a value.
void fill(const Array& dst, Scalar value);

// Advanced indexing (any entry of idx is an array): a gather into a new array.
Array advanced_index(const Array& a, const std::vector<Index>& idx);

// The 16-bit floats compute in float32 and round once per op, the narrow integers compute in
// int32 or int64 and wrap (docs/design.md 4): an op whose kernels take only native dtypes runs
// on computing(x) and returns rounded(result, t).
inline bool computes_wider(DType t) { return opmath_dtype(t) != t; }
inline Array computing(const Array& x) {
  return computes_wider(x.dtype()) ? x.astype(opmath_dtype(x.dtype())) : x;
}
inline Array rounded(const Array& r, DType t) { return r.dtype() == t ? r : r.astype(t); }

// Whether an integer dtype holds v.
inline bool holds(DType t, int64_t v) {
  const int64_t bits = 8 * dtype_size(t);
  if (dtype_kind(t) == DTypeKind::unsigned_int) return v >= 0 && (bits >= 64 || v < (int64_t(1) << bits));
  return bits >= 64 || (v >= -(int64_t(1) << (bits - 1)) && v < (int64_t(1) << (bits - 1)));
}

// Scalar of the given dtype from a double.
Scalar scalar_of(double v, DType t);

}  // namespace nd::detail
