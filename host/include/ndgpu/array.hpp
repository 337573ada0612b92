// nd::Array: an n-dimensional strided view (shape, strides in elements, offset) over shared
// Storage on one device. Basic indexing and most shape ops return views; see docs/design.md 5.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ndgpu/axes.hpp"
#include "ndgpu/device.hpp"
#include "ndgpu/dtype.hpp"
#include "ndgpu/error.hpp"
#include "ndgpu/storage.hpp"

namespace nd {

/// A shape (or strides): one extent per dimension.
using Shape = std::vector<int64_t>;
/// The most dimensions an array may have.
constexpr int kMaxNdim = 8;  // NumPy's error beyond: "maximum supported dimension ... is 8"

class Array;

// ---- index objects --------------------------------------------------------------------------
/// The type of nd::_.
struct Omitted {};
/// nd::_ : an omitted slice part, like Python's empty slot.
inline constexpr Omitted _{};
/// The type of nd::all.
struct AllTag {
  /// nd::all(x, axes, keepdims): NumPy's all(), whether every element over `axes` is non-zero.
  Array operator()(const Array& a, Axes axes = {}, bool keepdims = false) const;
};
/// nd::all == ":" in an index; nd::all(x, axes) is also NumPy's all().
inline constexpr AllTag all{};
/// The type of nd::newaxis.
struct NewAxisTag {};
/// nd::newaxis == None in an index.
inline constexpr NewAxisTag newaxis{};
/// The type of nd::ellipsis.
struct EllipsisTag {};
/// nd::ellipsis == ... in an index.
inline constexpr EllipsisTag ellipsis{};

/// One bound of nd::slice: an integer, or nd::_ for an omitted one.
struct SliceBound {
  std::optional<int64_t> v;  ///< the bound; empty when omitted
  SliceBound(Omitted) {}     ///< an omitted bound
  /// An integer bound (negative counts from the end).
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  SliceBound(I i) : v(static_cast<int64_t>(i)) {}
};
/// Python's start:stop:step; an empty part is omitted.
struct Slice {
  /// @{ The parts; empty when omitted.
  std::optional<int64_t> start, stop, step;
  /// @}
};
/// nd::slice(1, 4), nd::slice(nd::_, nd::_, 2), nd::slice(nd::_, nd::_, -1)
inline Slice slice(SliceBound start = _, SliceBound stop = _, SliceBound step = _) {
  return {start.v, stop.v, step.v};
}

/// One entry of an index tuple.
class Index {
 public:
  /// What the entry is.
  enum class Kind { integer, slice, newaxis, ellipsis, array };
  /// An integer (negative counts from the end).
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Index(I i) : kind_(Kind::integer), i_(static_cast<int64_t>(i)) {}
  Index(Slice s) : kind_(Kind::slice), s_(s) {}            ///< a slice
  Index(AllTag) : kind_(Kind::slice) {}                    ///< nd::all, ":"
  Index(NewAxisTag) : kind_(Kind::newaxis) {}              ///< nd::newaxis, None
  Index(EllipsisTag) : kind_(Kind::ellipsis) {}            ///< nd::ellipsis, ...
  Index(const Array& a);  ///< boolean mask or integer array (advanced indexing: a copy)
  Kind kind() const { return kind_; }                      ///< what the entry is
  int64_t integer() const { return i_; }                   ///< the integer of Kind::integer
  const Slice& slice() const { return s_; }                ///< the slice of Kind::slice
  const Array& array() const { return *arr_; }             ///< the index array of Kind::array

 private:
  Kind kind_;
  int64_t i_ = 0;
  Slice s_{};
  std::shared_ptr<const Array> arr_;
};

// ---- the array ------------------------------------------------------------------------------
/// An n-dimensional strided view over shared storage on one device: NumPy's ndarray.
class Array {
 public:
  Array() = default;  ///< an undefined array (defined() == false); every op rejects it

  bool defined() const { return storage_ != nullptr; }  ///< false for Array()
  const Shape& shape() const { return shape_; }          ///< extent of each dimension
  const Shape& strides() const { return strides_; }  ///< in elements
  int64_t offset() const { return offset_; }         ///< in elements
  int ndim() const { return static_cast<int>(shape_.size()); }  ///< number of dimensions
  int64_t size() const;                                           ///< number of elements
  int64_t nbytes() const { return size() * dtype_size(dtype_); }  ///< size() * itemsize()
  int64_t itemsize() const { return dtype_size(dtype_); }         ///< bytes per element
  DType dtype() const { return dtype_; }                          ///< element type
  Device device() const;                                          ///< where the data lives
  bool is_contiguous() const;  ///< C order
  bool is_readonly() const { return readonly_; }  ///< broadcast views and stride-0 wraps
  const std::shared_ptr<Storage>& storage() const { return storage_; }  ///< the shared buffer
  void* data_ptr() const;  ///< address of element 0 (device memory for cuda arrays)

  /// The one element, as T, on the host (synchronises). ValueError unless size() == 1, as NumPy:
  /// "can only convert an array of size 1 to a Python scalar".
  template <class T> T item() const;
  /// Every element in C order, as T, on the host (synchronises).
  template <class T> std::vector<T> to_vector() const;

  Array copy() const;                      ///< C-contiguous copy on the same device
  Array astype(DType t) const;             ///< always a copy
  Array to(Device d) const;                ///< returns *this if already there
  Array cpu() const { return to(Device::cpu()); }  ///< to(Device::cpu())
  Array contiguous() const;                ///< *this if already C-contiguous

  /// a[i]: a view (basic indexing); i may be negative; a 0-d array for a 1-D a. Too many indices
  /// is IndexError.
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Array operator[](I i) const { return index({Index(i)}); }
  Array operator[](std::string_view numpy_index) const;  ///< "1:4", "::-1", ":, 1", "..., None"
  /// a["1:4"]: the same as the std::string_view form.
  Array operator[](const char* numpy_index) const { return (*this)[std::string_view(numpy_index)]; }
  /// a[mask] or a[indices]: advanced indexing, a copy.
  Array operator[](const Array& mask_or_indices) const { return index({Index(mask_or_indices)}); }
  /// a(0, nd::all, nd::slice(1, 3)) == a[0, :, 1:3]: each argument is one Index entry.
  template <class... Ix>
  Array operator()(Ix&&... ix) const { return index({Index(std::forward<Ix>(ix))...}); }
  /// a[idx] for an index tuple: a view for basic entries, a copy when an entry is an array.
  Array index(const std::vector<Index>& idx) const;

  /// Writes through this view, broadcasting `value` to this shape. Throws on read-only views.
  void assign(const Array& value) const;
  /// Writes one number to every element of this view (a[...] = value).
  void assign(double value) const;
  /// Scatter: this[idx] = value (idx may hold arrays).
  void assign_at(const std::vector<Index>& idx, const Array& value) const;

  Array reshape(const Shape& shape) const;  ///< one -1 allowed; a view when strides allow
  Array flatten() const;                    ///< always a copy
  Array ravel() const;                      ///< a view when contiguous
  Array T() const;                          ///< reversed axes (view)
  Array transpose() const { return T(); }               ///< the same as T()
  Array transpose(const std::vector<int>& perm) const;  ///< axes permuted (view)
  Array swapaxes(int a, int b) const;                   ///< two axes exchanged (view)
  Array squeeze() const;                                ///< every size-1 axis removed (view)
  Array squeeze(int axis) const;                        ///< one size-1 axis removed (view)
  Array expand_dims(int axis) const;                    ///< a size-1 axis inserted (view)
  Array broadcast_to(const Shape& shape) const;  ///< read-only view

  // Reductions (ndgpu/reductions.hpp has the rules): x.sum(); x.mean(1, true); x.var(1, true, 1).
  Array sum(Axes axes = {}, bool keepdims = false) const;   ///< nd::sum(*this, ...)
  Array prod(Axes axes = {}, bool keepdims = false) const;  ///< nd::prod(*this, ...)
  Array mean(Axes axes = {}, bool keepdims = false) const;  ///< nd::mean(*this, ...)
  /// nd::var(*this, ...)
  Array var(Axes axes = {}, bool keepdims = false, int64_t ddof = 0) const;
  /// nd::std(*this, ...)
  Array std(Axes axes = {}, bool keepdims = false, int64_t ddof = 0) const;
  Array max(Axes axes = {}, bool keepdims = false) const;   ///< nd::max(*this, ...)
  Array min(Axes axes = {}, bool keepdims = false) const;   ///< nd::min(*this, ...)
  /// nd::argmax(*this, ...)
  Array argmax(std::optional<int> axis = std::nullopt, bool keepdims = false) const;
  /// nd::argmin(*this, ...)
  Array argmin(std::optional<int> axis = std::nullopt, bool keepdims = false) const;
  Array any(Axes axes = {}, bool keepdims = false) const;   ///< nd::any(*this, ...)
  Array all(Axes axes = {}, bool keepdims = false) const;   ///< nd::all(*this, ...)

  /// Internal constructor (used by host/ and tests): a view over storage.
  Array(std::shared_ptr<Storage> storage, DType dtype, Shape shape, Shape strides, int64_t offset,
        bool readonly = false);

 private:
  std::shared_ptr<Storage> storage_;
  DType dtype_ = DType::float32;
  Shape shape_, strides_;
  int64_t offset_ = 0;
  bool readonly_ = false;
};

/// C-contiguous strides (elements) for a shape.
Shape contiguous_strides(const Shape& shape);

// Free-function spellings of the shape ops (NumPy names).
Array reshape(const Array& a, const Shape& shape);              ///< a.reshape(shape)
Array transpose(const Array& a);                                ///< a.T()
Array transpose(const Array& a, const std::vector<int>& perm);  ///< a.transpose(perm)
Array swapaxes(const Array& a, int a1, int a2);                 ///< a.swapaxes(a1, a2)
Array squeeze(const Array& a);                                  ///< a.squeeze()
Array expand_dims(const Array& a, int axis);                    ///< a.expand_dims(axis)
Array broadcast_to(const Array& a, const Shape& shape);         ///< a.broadcast_to(shape)
Array ravel(const Array& a);                                    ///< a.ravel()
/// Joins arrays along an existing axis; all on one device, dtype promoted.
Array concatenate(const std::vector<Array>& arrays, int axis = 0);
/// Joins same-shape arrays along a new axis; all on one device, dtype promoted.
Array stack(const std::vector<Array>& arrays, int axis = 0);
/// Indices of the non-zero elements, one int64 array per dimension (NumPy's tuple).
std::vector<Array> nonzero(const Array& a);

/// Exactly what NumPy's print(a) shows.
std::string to_string(const Array& a);
/// Exactly NumPy's repr(a): "array([1, 2, 3])".
std::string repr(const Array& a);
/// Writes to_string(a).
std::ostream& operator<<(std::ostream& os, const Array& a);

}  // namespace nd
