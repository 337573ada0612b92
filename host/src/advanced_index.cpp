// Advanced indexing: boolean masks and integer arrays (gather = copy; scatter via assign_at),
// and nd::nonzero. NumPy's rules: masks become their nonzero() index arrays; all index arrays
// (and integer scalars beside them) broadcast together to a shape B; when the advanced entries
// are adjacent in the index, B replaces them in place, otherwise B goes first. Index arrays are
// validated on the host (bounds errors before anything is written), turned into one list of
// element offsets, and the backend's gather/scatter kernel moves the elements.
#include <algorithm>

#include "detail.hpp"

namespace nd {
namespace detail {
namespace {

struct AdvancedIndex {
  Array view;                      // the basic entries applied; advanced axes kept whole
  std::vector<int> adv_axes;       // axes of `view` taken by index arrays
  std::vector<int> orig_axes;      // the same axes numbered in the indexed array (for messages)
  std::vector<std::vector<int64_t>> values;  // host values of each index (scalar: one value)
  std::vector<Shape> shapes;       // the index's shape (scalar: ())
  std::vector<bool> is_array;      // scalars are left out of the broadcast error message
  bool adjacent = true;
  Shape bshape;                    // broadcast shape of all indices
  Shape result_shape;
  bool full_mask = false;          // a[mask] with mask.ndim == a.ndim (NumPy's special path)
};

std::vector<int64_t> host_int64(const Array& a) { return a.to_vector<int64_t>(); }

void check_bound(int64_t v, int64_t n, int axis) {
  if (v < -n || v >= n)
    throw IndexError("index " + std::to_string(v) + " is out of bounds for axis " +
                     std::to_string(axis) + " with size " + std::to_string(n));
}

// Expands the index: masks -> nonzero arrays, the ellipsis -> whole slices; builds the view.
AdvancedIndex analyse(const Array& a, const std::vector<Index>& idx) {
  AdvancedIndex r;
  int consumed = 0, ellipses = 0;
  for (const Index& ix : idx) {
    switch (ix.kind()) {
      case Index::Kind::integer:
      case Index::Kind::slice: ++consumed; break;
      case Index::Kind::ellipsis: ++ellipses; break;
      case Index::Kind::newaxis: break;
      case Index::Kind::array: {
        const Array& arr = ix.array();
        check_defined(arr, "index");
        if (!is_integer(arr.dtype()) && !is_bool(arr.dtype()))
          throw IndexError("arrays used as indices must be of integer (or boolean) type");
        if (is_bool(arr.dtype()) && arr.ndim() == 0)
          throw IndexError("0-d boolean indices are not supported (NumPy's a[True]); use expand_dims");
        consumed += is_bool(arr.dtype()) ? arr.ndim() : 1;
        break;
      }
    }
  }
  if (ellipses > 1) throw IndexError("an index can only have a single ellipsis ('...')");
  if (consumed > a.ndim())
    throw IndexError("too many indices for array: array is " + std::to_string(a.ndim()) +
                     "-dimensional, but " + std::to_string(consumed) + " were indexed");
  r.full_mask = idx.size() == 1 && idx[0].kind() == Index::Kind::array &&
                is_bool(idx[0].array().dtype()) && idx[0].array().ndim() == a.ndim();

  // Mask shapes first (NumPy validates them before any integer): each mask dimension must equal
  // the axis it covers, except that NumPy lets a 0-length mask dimension pass.
  for (int e = 0, axis = 0; e < static_cast<int>(idx.size()); ++e) {
    const Index& ix = idx[e];
    if (ix.kind() == Index::Kind::ellipsis) axis += a.ndim() - consumed;
    if (ix.kind() == Index::Kind::integer || ix.kind() == Index::Kind::slice) ++axis;
    if (ix.kind() != Index::Kind::array) continue;
    const Array& arr = ix.array();
    if (is_integer(arr.dtype())) { ++axis; continue; }
    for (int j = 0; j < arr.ndim(); ++j, ++axis)
      if (arr.shape()[j] != a.shape()[axis] && arr.shape()[j] != 0)
        throw IndexError("boolean index did not match indexed array along axis " +
                         std::to_string(axis) + "; size of axis is " + std::to_string(a.shape()[axis]) +
                         " but size of corresponding boolean axis is " + std::to_string(arr.shape()[j]));
  }

  std::vector<Index> basic;  // one entry per view axis (advanced axes become whole slices)
  std::vector<int> adv_entries;
  int axis = 0;  // axis of `a`
  auto add_advanced = [&](std::vector<int64_t> values, Shape shape, bool is_array, int entry) {
    if (!is_array) check_bound(values[0], a.shape()[axis], axis);  // before broadcasting
    r.adv_axes.push_back(static_cast<int>(basic.size()));
    r.orig_axes.push_back(axis);
    r.values.push_back(std::move(values));
    r.shapes.push_back(std::move(shape));
    r.is_array.push_back(is_array);
    adv_entries.push_back(entry);
    basic.push_back(Index(all));
    ++axis;
  };
  for (int e = 0; e < static_cast<int>(idx.size()); ++e) {
    const Index& ix = idx[e];
    switch (ix.kind()) {
      case Index::Kind::integer: add_advanced({ix.integer()}, {}, false, e); break;
      case Index::Kind::slice: basic.push_back(ix); ++axis; break;
      case Index::Kind::newaxis: basic.push_back(ix); break;
      case Index::Kind::ellipsis:
        for (int k = 0; k < a.ndim() - consumed; ++k, ++axis) basic.push_back(Index(all));
        break;
      case Index::Kind::array: {
        const Array& arr = ix.array();
        if (is_integer(arr.dtype())) {
          add_advanced(host_int64(arr), arr.shape(), arr.ndim() > 0, e);
          break;
        }
        for (Array& nz : nonzero(arr)) add_advanced(host_int64(nz), nz.shape(), true, e);
        break;
      }
    }
  }
  for (size_t k = 1; k < adv_entries.size(); ++k)
    if (adv_entries[k] - adv_entries[k - 1] > 1) r.adjacent = false;
  r.view = a.index(basic);

  // Broadcast the index shapes (right-aligned; equal or 1).
  for (const Shape& s : r.shapes) {
    if (s.size() > r.bshape.size()) r.bshape.insert(r.bshape.begin(), s.size() - r.bshape.size(), 1);
    for (size_t k = 0; k < s.size(); ++k) {
      int64_t& b = r.bshape[r.bshape.size() - s.size() + k];
      if (b == s[k] || s[k] == 1) continue;
      if (b == 1) { b = s[k]; continue; }
      std::string msg = "shape mismatch: indexing arrays could not be broadcast together with shapes ";
      for (size_t i = 0; i < r.shapes.size(); ++i)
        if (r.is_array[i]) msg += shape_str(r.shapes[i]) + " ";
      throw IndexError(msg);
    }
  }
  // Result: basic view axes around (adjacent) or after (not adjacent) the broadcast shape.
  const int first_adv = r.adv_axes.front();
  for (int d = 0; d < r.view.ndim(); ++d) {
    if (d == first_adv && r.adjacent) r.result_shape.insert(r.result_shape.end(), r.bshape.begin(), r.bshape.end());
    if (std::find(r.adv_axes.begin(), r.adv_axes.end(), d) == r.adv_axes.end())
      r.result_shape.push_back(r.view.shape()[d]);
  }
  if (!r.adjacent) r.result_shape.insert(r.result_shape.begin(), r.bshape.begin(), r.bshape.end());
  return r;
}

// Element offsets into the view for every position of the broadcast shape; IndexError first.
std::vector<int64_t> element_offsets(const AdvancedIndex& r) {
  const int64_t nb = checked_numel(r.bshape);
  std::vector<int64_t> off(static_cast<size_t>(nb), 0);
  const Shape bstrides = contiguous_strides(r.bshape);
  for (size_t k = 0; k < r.values.size(); ++k) {
    const Shape& s = r.shapes[k];
    const int pad = static_cast<int>(r.bshape.size() - s.size());
    const Shape src_strides = contiguous_strides(s);
    const int64_t n = r.view.shape()[r.adv_axes[k]], stride = r.view.strides()[r.adv_axes[k]];
    for (int64_t b = 0; b < nb; ++b) {
      int64_t src = 0;  // position in index k of broadcast position b
      for (size_t d = 0; d < s.size(); ++d) {
        const int64_t coord = (b / bstrides[pad + d]) % r.bshape[pad + d];
        if (s[d] != 1) src += coord * src_strides[d];
      }
      const int64_t v = r.values[k][src];  // checked only where used (NumPy: none if B is empty)
      check_bound(v, n, r.orig_axes[k]);
      off[b] += (v < 0 ? v + n : v) * stride;
    }
  }
  return off;
}

// The descriptor over iter = [basic axes before B] + [B flattened] + [basic axes after B].
// `dense` is C-contiguous in the result shape; `offsets` lives on the view's device.
GatherDesc describe(const AdvancedIndex& r, const Array& dense, const Array& offsets) {
  GatherDesc d;
  std::vector<int> pre, post;  // view axes
  const int first_adv = r.adv_axes.front();
  for (int ax = 0; ax < r.view.ndim(); ++ax) {
    if (std::find(r.adv_axes.begin(), r.adv_axes.end(), ax) != r.adv_axes.end()) continue;
    (r.adjacent && ax < first_adv ? pre : post).push_back(ax);
  }
  Shape shape;
  for (int ax : pre) shape.push_back(r.view.shape()[ax]);
  shape.push_back(checked_numel(r.bshape));
  for (int ax : post) shape.push_back(r.view.shape()[ax]);
  if (static_cast<int>(shape.size()) > kMaxDims)
    throw ValueError("advanced indexing supports at most " + std::to_string(kMaxDims - 1) +
                     " other dimensions beside the index arrays");
  const Shape dense_strides = contiguous_strides(shape);
  d.iter.ndim = static_cast<int>(shape.size());
  d.index_axis = static_cast<int>(pre.size());
  d.dense = operand(dense);
  d.indexed = operand(r.view);
  for (int k = 0; k < d.iter.ndim; ++k) {
    d.iter.shape[k] = shape[k];
    d.dense.strides[k] = dense_strides[k];
    d.indexed.strides[k] = 0;
  }
  for (size_t k = 0; k < pre.size(); ++k) d.indexed.strides[k] = r.view.strides()[pre[k]];
  for (size_t k = 0; k < post.size(); ++k)
    d.indexed.strides[pre.size() + 1 + k] = r.view.strides()[post[k]];
  d.offsets = static_cast<const int64_t*>(offsets.data_ptr());
  return d;
}

Array offsets_on(const std::vector<int64_t>& off, Device device) {
  return array(off, Shape{static_cast<int64_t>(off.size())}, int64, device);
}

}  // namespace

Array advanced_index(const Array& a, const std::vector<Index>& idx) {
  const AdvancedIndex r = analyse(a, idx);
  const std::vector<int64_t> off = element_offsets(r);
  Array out = new_array(r.result_shape, a.dtype(), a.device());
  if (out.size() == 0) return out;
  const Array offsets = offsets_on(off, a.device());
  GatherDesc d = describe(r, out, offsets);
  backend(a.device()).gather(d);
  return out;
}

}  // namespace detail

void Array::assign_at(const std::vector<Index>& idx, const Array& value) const {
  detail::check_defined(*this, "assign_at");
  detail::check_defined(value, "assign_at");
  const bool advanced = std::any_of(idx.begin(), idx.end(),
                                    [](const Index& ix) { return ix.kind() == Index::Kind::array; });
  if (!advanced) return index(idx).assign(value);
  if (readonly_) throw ValueError("assignment destination is read-only");
  const detail::AdvancedIndex r = detail::analyse(*this, idx);
  const std::vector<int64_t> off = detail::element_offsets(r);
  if (r.full_mask && value.ndim() > 1)
    throw TypeError("NumPy boolean array indexing assignment requires a 0 or 1-dimensional input, "
                    "input has " + std::to_string(value.ndim()) + " dimensions");
  if (r.full_mask && value.size() != 1 && value.size() != static_cast<int64_t>(off.size()))
    throw ValueError("NumPy boolean array indexing assignment cannot assign " +
                     std::to_string(value.size()) + " input values to the " +
                     std::to_string(off.size()) + " output values where the mask is true");
  Array src;
  try {
    src = value.broadcast_to(r.result_shape);
  } catch (const ValueError&) {
    if (r.bshape.empty())  // only 0-d indices: NumPy reports it like a basic assignment
      throw ValueError("could not broadcast input array from shape " + shape_str(value.shape()) +
                       " into shape " + shape_str(r.result_shape));
    throw ValueError("shape mismatch: value array of shape " + shape_str(value.shape()) +
                     " could not be broadcast to indexing result of shape " +
                     shape_str(r.result_shape));
  }
  // A contiguous copy in this array's dtype and device (also makes overlapping values safe).
  Array dense = detail::new_array(r.result_shape, dtype_, device());
  if (dense.size() == 0) return;
  detail::copy_into(dense, src);
  const Array offsets = detail::offsets_on(off, device());
  GatherDesc d = detail::describe(r, dense, offsets);
  d.scatter = true;
  detail::backend(device()).gather(d);
}

std::vector<Array> nonzero(const Array& a) {
  detail::check_defined(a, "nonzero");
  if (a.ndim() == 0)
    throw ValueError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar)."
                     "nonzero() instead.");
  const std::vector<bool> v = a.to_vector<bool>();
  const Shape strides = contiguous_strides(a.shape());
  std::vector<std::vector<int64_t>> coords(a.ndim());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i]) continue;
    for (int d = 0; d < a.ndim(); ++d)
      coords[d].push_back((static_cast<int64_t>(i) / strides[d]) % a.shape()[d]);
  }
  std::vector<Array> out;
  for (auto& c : coords) out.push_back(detail::offsets_on(c, a.device()));
  return out;
}

}  // namespace nd
