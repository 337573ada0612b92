// Advanced indexing: boolean masks and integer arrays (gather = copy; scatter via assign_at),
// and nd::nonzero. NumPy's rules: masks become their nonzero() index arrays; all index arrays
// (and integer scalars beside them) broadcast together to a shape B; when the advanced entries
// are adjacent in the index, B replaces them in place, otherwise B goes first. Index arrays are
// validated on the host (bounds errors before anything is written), turned into one list of
// element offsets, and the backend's gather/scatter kernel moves the elements.
// Two one-pass paths skip all of that when the index is ONE array on the leading axes (slices
// may follow) and the trailing axes form one contiguous row per point: a boolean mask runs on
// the device as count per chunk + prefix + compaction (MaskDesc), an integer array as row copies
// checked on the device (RowsDesc). Only the total count / an error flag comes to the host.
#include <algorithm>
#include <optional>

#include "detail.hpp"
#include "ndgpu/ops.hpp"

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


// ---- one-pass paths --------------------------------------------------------------------------

// Mask points per chunk (scaled down by the row length): ~4096 elements of work per chunk.
constexpr int64_t kMaskChunkWork = 4096;

struct FastIndex {
  Array view;   // the basic entries applied; the array's axes lead, kept whole
  Array arr;    // the index array, on the view's device
  bool mask = false;
  Shape post;   // the trailing axes (one row of `inner` elements per point)
  int64_t inner = 1;
  int64_t inner_stride = 1;  // between the row's elements: 1 for masks; any for integer rows
};

// The index is [array, slices or one ellipsis...], the array non-empty and (a mask) matching
// the leading axes, the trailing axes of the view contiguous; anything else: nullopt (the
// general path, which also raises every error).
std::optional<FastIndex> fast_index(const Array& a, const std::vector<Index>& idx) {
  if (idx.empty() || idx[0].kind() != Index::Kind::array) return std::nullopt;
  const Array& arr = idx[0].array();
  if (!arr.defined() || arr.ndim() == 0 || arr.size() == 0) return std::nullopt;
  const bool mask = is_bool(arr.dtype());
  if (!mask && !is_integer(arr.dtype())) return std::nullopt;
  const int k = mask ? arr.ndim() : 1;
  int consumed = k, ellipses = 0;
  for (size_t e = 1; e < idx.size(); ++e) {
    const Index::Kind kind = idx[e].kind();
    if (kind == Index::Kind::slice) ++consumed;
    else if (kind == Index::Kind::ellipsis) ++ellipses;
    else return std::nullopt;
  }
  if (ellipses > 1 || consumed > a.ndim()) return std::nullopt;
  for (int j = 0; j < k && mask; ++j)
    if (arr.shape()[j] != a.shape()[j]) return std::nullopt;
  std::vector<Index> basic(k, Index(all));
  basic.insert(basic.end(), idx.begin() + 1, idx.end());
  FastIndex f;
  f.view = a.index(basic);
  f.mask = mask;
  // The trailing axes must walk one row at a fixed step: 1 for masks, any step for integer rows
  // (x.T[idx] gathers columns; the rows kernels tile them).
  int64_t expect = 1, step = 0;
  for (int d = f.view.ndim() - 1; d >= k; --d) {
    const int64_t n = f.view.shape()[d];
    if (n == 1) continue;
    if (step == 0) step = mask ? 1 : f.view.strides()[d];
    if (f.view.strides()[d] != expect * step) return std::nullopt;
    expect *= n;
  }
  f.post.assign(f.view.shape().begin() + k, f.view.shape().end());
  f.inner = expect;
  f.inner_stride = step == 0 ? 1 : step;
  if (f.inner == 0) return std::nullopt;
  f.arr = arr.device() == a.device() ? arr : arr.to(a.device());
  if (f.arr.storage() == a.storage()) f.arr = f.arr.copy();  // b[b] = false: read before written
  else if (!mask) f.arr = f.arr.contiguous();
  return f;
}

Shape leading_then(const Shape& lead, const Shape& post) {
  Shape s = lead;
  s.insert(s.end(), post.begin(), post.end());
  return s;
}

int64_t read_int64(Backend& be, const void* p) {
  int64_t v = 0;
  be.copy_to_host(&v, p, sizeof v);
  return v;
}

// Mask descriptor over the mask's shape (data: the view's leading axes), counted: d.total set.
// `counts` keeps the chunk offsets alive for mask_apply.
MaskDesc count_mask(const FastIndex& f, MaskOp op, Array& counts, bool need_total) {
  MaskDesc d;
  d.op = op;
  d.mask = operand(f.arr);
  d.data = operand(f.view);
  // A fill visits the masked elements in any order: the view's memory order (with x.T > 0 as the
  // mask of x.T, both then contiguous). The counted ops number them in C order.
  d.iter = op == MaskOp::fill ? coalesce_any_order(f.arr.shape(), {&d.data, &d.mask})
                              : coalesce(f.arr.shape(), {&d.mask, &d.data});
  d.inner = f.inner;
  d.chunk = std::max<int64_t>(1, kMaskChunkWork / f.inner);
  if (!need_total) return d;
  Backend& be = backend(f.view.device());
  counts = new_array({d.nchunks() + 1}, int64, f.view.device());
  d.counts = static_cast<int64_t*>(counts.data_ptr());
  be.mask_count(d);
  d.total = read_int64(be, d.counts + d.nchunks());
  return d;
}

Array masked_select(const FastIndex& f_in) {
  // The selection is read in C order: a view or mask in another layout (x.T[x.T > 0]) is copied to
  // C order first, so the contiguous kernels run (4.4 -> 1.1 ms on 1300 x 768 float32).
  const bool c_order = f_in.view.is_contiguous() && f_in.arr.is_contiguous();
  FastIndex copied;
  if (!c_order) {
    copied = f_in;
    copied.view = f_in.view.contiguous();
    copied.arr = f_in.arr.contiguous();
  }
  const FastIndex& f = c_order ? f_in : copied;
  Array counts;
  MaskDesc d = count_mask(f, MaskOp::select, counts, true);
  Array out = new_array(leading_then({d.total}, f.post), f.view.dtype(), f.view.device());
  if (out.size() == 0) return out;
  d.out = out.data_ptr();
  backend(f.view.device()).mask_apply(d);
  return out;
}

[[noreturn]] void throw_row_bound(const FastIndex& f, int64_t bad) {
  const int64_t pos = f.arr.size() - bad;
  Backend& be = backend(f.arr.device());
  int64_t v = 0;
  if (f.arr.dtype() == int32) {
    int32_t w = 0;
    be.copy_to_host(&w, static_cast<const char*>(f.arr.data_ptr()) + pos * 4, 4);
    v = w;
  } else {
    be.copy_to_host(&v, static_cast<const char*>(f.arr.data_ptr()) + pos * 8, 8);
  }
  check_bound(v, f.view.shape()[0], 0);
  throw IndexError("index out of bounds");  // not reached
}

// Row gather / scatter; dense null: check the indices only. IndexError when one is out of range.
// dense_stride: elements between dense rows (0: one row for every index, scatter only).
void move_rows(const FastIndex& f, const Array* dense, bool scatter, int64_t dense_stride = -1) {
  RowsDesc d;
  d.scatter = scatter;
  d.n = f.arr.size();
  d.index = f.arr.data_ptr();
  d.index_dtype = f.arr.dtype();
  d.axis_len = f.view.shape()[0];
  d.table = f.view.size() ? f.view.data_ptr() : nullptr;
  d.row_stride = f.view.strides()[0];
  d.row_len = dense ? f.inner : 0;
  d.elem_stride = f.inner_stride;
  d.dense = dense && dense->size() ? dense->data_ptr() : nullptr;
  d.dense_stride = dense_stride < 0 ? d.row_len : dense_stride;
  d.dtype = f.view.dtype();
  Array bad = new_array({1}, int64, f.view.device());
  d.bad = static_cast<int64_t*>(bad.data_ptr());
  Backend& be = backend(f.view.device());
  be.rows(d);
  if (const int64_t b = read_int64(be, d.bad)) throw_row_bound(f, b);
}

Array take_rows(const FastIndex& f) {
  Array out = new_array(leading_then(f.arr.shape(), f.post), f.view.dtype(), f.view.device());
  move_rows(f, &out, false);
  return out;
}


[[noreturn]] void throw_value_shape(const Array& value, const Shape& result) {
  throw ValueError("shape mismatch: value array of shape " + shape_str(value.shape()) +
                   " could not be broadcast to indexing result of shape " + shape_str(result));
}

// x[mask] = value: one element -> fill (no count needed); else count, NumPy's checks, expand.
void masked_assign(const FastIndex& f, bool full_mask, const Array& value) {
  if (full_mask && value.ndim() > 1)
    throw TypeError("NumPy boolean array indexing assignment requires a 0 or 1-dimensional input, "
                    "input has " + std::to_string(value.ndim()) + " dimensions");
  Backend& be = backend(f.view.device());
  Array counts;
  if (value.size() == 1 && value.ndim() <= 1 + static_cast<int>(f.post.size())) {
    MaskDesc d = count_mask(f, MaskOp::fill, counts, false);
    Array one = new_array({}, f.view.dtype(), f.view.device());
    copy_into(one, value.reshape({}));
    d.value = one.data_ptr();
    be.mask_apply(d);
    return;
  }
  FastIndex c_mask = f;  // counted in C order (see masked_select); the view is written in place
  c_mask.arr = f.arr.contiguous();
  MaskDesc d = count_mask(c_mask, MaskOp::assign, counts, true);
  if (full_mask && value.size() != d.total)
    throw ValueError("NumPy boolean array indexing assignment cannot assign " +
                     std::to_string(value.size()) + " input values to the " +
                     std::to_string(d.total) + " output values where the mask is true");
  const Shape result = leading_then({d.total}, f.post);
  Array src;
  try {
    src = value.broadcast_to(result);
  } catch (const ValueError&) {
    throw_value_shape(value, result);
  }
  Array dense = new_array(result, f.view.dtype(), f.view.device());
  if (dense.size() == 0) return;
  copy_into(dense, src);  // a contiguous copy in this dtype (also makes overlapping values safe)
  d.value = dense.data_ptr();
  be.mask_apply(d);
}

// x[idx] = value: the bounds before the value's shape (as the general path), nothing written on
// either error.
void put_rows(const FastIndex& f, const Array& value) {
  const Shape result = leading_then(f.arr.shape(), f.post);
  Array src;
  try {
    src = value.broadcast_to(result);
  } catch (const ValueError&) {
    move_rows(f, nullptr, true);  // an IndexError first
    throw_value_shape(value, result);
  }
  // The value as it is when it already is the rows (its own memory, this dtype and device);
  // one row when the index dims broadcast (x[idx] = scalar or row); else a contiguous copy.
  if (src.dtype() == f.view.dtype() && src.device() == f.view.device() &&
      src.storage() != f.view.storage() && src.is_contiguous())
    return move_rows(f, &src, true);
  bool one_row = true;
  for (int k = 0; k < f.arr.ndim(); ++k) one_row = one_row && (src.strides()[k] == 0 || src.shape()[k] == 1);
  if (one_row) {
    const Array row = new_array(f.post, f.view.dtype(), f.view.device());
    copy_into(row, src.index(std::vector<Index>(f.arr.ndim(), Index(int64_t{0}))));
    return move_rows(f, &row, true, 0);
  }
  Array dense = new_array(result, f.view.dtype(), f.view.device());
  copy_into(dense, src);
  move_rows(f, &dense, true);
}

}  // namespace

Array advanced_index(const Array& a, const std::vector<Index>& idx) {
  if (std::optional<FastIndex> f = fast_index(a, idx)) return f->mask ? masked_select(*f) : take_rows(*f);
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
  if (std::optional<detail::FastIndex> f = detail::fast_index(*this, idx))
    return f->mask ? detail::masked_assign(*f, idx.size() == 1 && f->arr.ndim() == ndim(), value)
                   : detail::put_rows(*f, value);
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
  if (detail::computes_wider(a.dtype())) return nonzero(not_equal(a, 0));
  if (a.ndim() == 0)
    throw ValueError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar)."
                     "nonzero() instead.");
  // Count per chunk + prefix on the device, then each chunk writes its coordinates: one
  // (ndim, total) int64 array whose rows are returned.
  const Array m = a.contiguous();  // walked in C order (x.T > 0 keeps x.T's layout: copied)
  MaskDesc d;
  d.op = MaskOp::nonzero;
  d.mask = detail::operand(m);
  d.iter.ndim = a.ndim();  // not coalesced: the coordinates are a's
  for (int k = 0; k < a.ndim(); ++k) d.iter.shape[k] = a.shape()[k];
  d.data.dtype = int64;
  d.chunk = detail::kMaskChunkWork;
  Array counts;
  if (a.size() > 0) {
    Backend& be = detail::backend(a.device());
    counts = detail::new_array({d.nchunks() + 1}, int64, a.device());
    d.counts = static_cast<int64_t*>(counts.data_ptr());
    be.mask_count(d);
    d.total = detail::read_int64(be, d.counts + d.nchunks());
  }
  Array out = detail::new_array({a.ndim(), d.total}, int64, a.device());
  if (d.total > 0) {
    d.out = out.data_ptr();
    detail::backend(a.device()).mask_apply(d);
  }
  std::vector<Array> rows;
  for (int k = 0; k < a.ndim(); ++k) rows.push_back(out[k]);
  return rows;
}

}  // namespace nd
