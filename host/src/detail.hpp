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
Array new_array(const Shape& shape, DType dtype, Device device);

// ValueError("... undefined array") for default-constructed arrays.
void check_defined(const Array& a, const char* what);

// Operand over the array's view (strides in elements, data at element 0).
Operand operand(const Array& a);

// Iteration space for `shape`, with every operand's strides; dimensions are coalesced
// (size-1 axes dropped, mergeable neighbours merged) identically for all operands.
// The operands' strides arrays are rewritten in place to match the returned Iter.
Iter coalesce(const Shape& shape, std::initializer_list<Operand*> ops);

// Copies src into dst (same shape; dtype cast as needed; devices may differ).
void copy_into(const Array& dst, const Array& src);

// Fills a view with a value.
void fill(const Array& dst, Scalar value);

// Advanced indexing (any entry of idx is an array): a gather into a new array.
Array advanced_index(const Array& a, const std::vector<Index>& idx);

// Scalar of the given dtype from a double.
Scalar scalar_of(double v, DType t);

}  // namespace nd::detail
