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

using Shape = std::vector<int64_t>;
constexpr int kMaxNdim = 8;  // NumPy's error beyond: "maximum supported dimension ... is 8"

class Array;

// ---- index objects --------------------------------------------------------------------------
struct Omitted {};                   // nd::_ : an omitted slice part, like Python's empty slot
inline constexpr Omitted _{};
struct AllTag {                      // nd::all == ":"; nd::all(x, axes) is also NumPy's all()
  Array operator()(const Array& a, Axes axes = {}, bool keepdims = false) const;
};
inline constexpr AllTag all{};
struct NewAxisTag {};                // nd::newaxis == None
inline constexpr NewAxisTag newaxis{};
struct EllipsisTag {};               // nd::ellipsis == ...
inline constexpr EllipsisTag ellipsis{};

struct SliceBound {
  std::optional<int64_t> v;
  SliceBound(Omitted) {}
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  SliceBound(I i) : v(static_cast<int64_t>(i)) {}
};
struct Slice {
  std::optional<int64_t> start, stop, step;
};
// nd::slice(1, 4), nd::slice(nd::_, nd::_, 2), nd::slice(nd::_, nd::_, -1)
inline Slice slice(SliceBound start = _, SliceBound stop = _, SliceBound step = _) {
  return {start.v, stop.v, step.v};
}

// One entry of an index tuple.
class Index {
 public:
  enum class Kind { integer, slice, newaxis, ellipsis, array };
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Index(I i) : kind_(Kind::integer), i_(static_cast<int64_t>(i)) {}
  Index(Slice s) : kind_(Kind::slice), s_(s) {}
  Index(AllTag) : kind_(Kind::slice) {}
  Index(NewAxisTag) : kind_(Kind::newaxis) {}
  Index(EllipsisTag) : kind_(Kind::ellipsis) {}
  Index(const Array& a);  // boolean mask or integer array (advanced indexing: a copy)
  Kind kind() const { return kind_; }
  int64_t integer() const { return i_; }
  const Slice& slice() const { return s_; }
  const Array& array() const { return *arr_; }

 private:
  Kind kind_;
  int64_t i_ = 0;
  Slice s_{};
  std::shared_ptr<const Array> arr_;
};

// ---- the array ------------------------------------------------------------------------------
class Array {
 public:
  Array() = default;  // an undefined array (defined() == false); every op rejects it

  // Introspection.
  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }  // in elements
  int64_t offset() const { return offset_; }         // in elements
  int ndim() const { return static_cast<int>(shape_.size()); }
  int64_t size() const;
  int64_t nbytes() const { return size() * dtype_size(dtype_); }
  int64_t itemsize() const { return dtype_size(dtype_); }
  DType dtype() const { return dtype_; }
  Device device() const;
  bool is_contiguous() const;  // C order
  bool is_readonly() const { return readonly_; }
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  void* data_ptr() const;  // address of element 0 (device memory for cuda arrays)

  // Values to the host (synchronises). item: exactly one element; TypeError otherwise... (ValueError
  // as NumPy: "can only convert an array of size 1 to a Python scalar").
  template <class T> T item() const;
  template <class T> std::vector<T> to_vector() const;

  // Copies and conversions.
  Array copy() const;                      // C-contiguous copy on the same device
  Array astype(DType t) const;             // always a copy
  Array to(Device d) const;                // returns *this if already there
  Array cpu() const { return to(Device::cpu()); }
  Array contiguous() const;                // *this if already C-contiguous

  // Basic indexing -> views. Integers may be negative. Too many indices is IndexError.
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Array operator[](I i) const { return index({Index(i)}); }
  Array operator[](std::string_view numpy_index) const;  // "1:4", "::-1", ":, 1", "..., None"
  Array operator[](const char* numpy_index) const { return (*this)[std::string_view(numpy_index)]; }
  Array operator[](const Array& mask_or_indices) const { return index({Index(mask_or_indices)}); }
  template <class... Ix>
  Array operator()(Ix&&... ix) const { return index({Index(std::forward<Ix>(ix))...}); }
  Array index(const std::vector<Index>& idx) const;

  // Writes through this view, broadcasting `value` to this shape. Throws on read-only views.
  void assign(const Array& value) const;
  void assign(double value) const;
  // Scatter: this[idx] = value (idx may hold arrays).
  void assign_at(const std::vector<Index>& idx, const Array& value) const;

  // Shape ops.
  Array reshape(const Shape& shape) const;  // one -1 allowed; a view when strides allow
  Array flatten() const;                    // always a copy
  Array ravel() const;                      // a view when contiguous
  Array T() const;                          // reversed axes (view)
  Array transpose() const { return T(); }
  Array transpose(const std::vector<int>& perm) const;
  Array swapaxes(int a, int b) const;
  Array squeeze() const;
  Array squeeze(int axis) const;
  Array expand_dims(int axis) const;
  Array broadcast_to(const Shape& shape) const;  // read-only view

  // Reductions (ndgpu/reductions.hpp has the rules): x.sum(); x.mean(1, true); x.var(1, true, 1).
  Array sum(Axes axes = {}, bool keepdims = false) const;
  Array prod(Axes axes = {}, bool keepdims = false) const;
  Array mean(Axes axes = {}, bool keepdims = false) const;
  Array var(Axes axes = {}, bool keepdims = false, int64_t ddof = 0) const;
  Array std(Axes axes = {}, bool keepdims = false, int64_t ddof = 0) const;
  Array max(Axes axes = {}, bool keepdims = false) const;
  Array min(Axes axes = {}, bool keepdims = false) const;
  Array argmax(std::optional<int> axis = std::nullopt, bool keepdims = false) const;
  Array argmin(std::optional<int> axis = std::nullopt, bool keepdims = false) const;
  Array any(Axes axes = {}, bool keepdims = false) const;
  Array all(Axes axes = {}, bool keepdims = false) const;

  // Internal constructor (used by host/ and tests): a view over storage.
  Array(std::shared_ptr<Storage> storage, DType dtype, Shape shape, Shape strides, int64_t offset,
        bool readonly = false);

 private:
  std::shared_ptr<Storage> storage_;
  DType dtype_ = DType::float32;
  Shape shape_, strides_;
  int64_t offset_ = 0;
  bool readonly_ = false;
};

// C-contiguous strides (elements) for a shape.
Shape contiguous_strides(const Shape& shape);

// Free-function spellings of the shape ops (NumPy names).
Array reshape(const Array& a, const Shape& shape);
Array transpose(const Array& a);
Array transpose(const Array& a, const std::vector<int>& perm);
Array swapaxes(const Array& a, int a1, int a2);
Array squeeze(const Array& a);
Array expand_dims(const Array& a, int axis);
Array broadcast_to(const Array& a, const Shape& shape);
Array ravel(const Array& a);
Array concatenate(const std::vector<Array>& arrays, int axis = 0);
Array stack(const std::vector<Array>& arrays, int axis = 0);
// Indices of the non-zero elements, one int64 array per dimension (NumPy's tuple).
std::vector<Array> nonzero(const Array& a);

// Printing: exactly NumPy's print(a) and repr(a).
std::string to_string(const Array& a);
std::string repr(const Array& a);
std::ostream& operator<<(std::ostream& os, const Array& a);

}  // namespace nd
