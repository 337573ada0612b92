// nd::Array basics: introspection, host transfers, copies, casts, device moves, assignment.
#include "ndgpu/array.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <numeric>

#include "common.hpp"
#include "detail.hpp"

namespace nd {

Array::Array(std::shared_ptr<Storage> storage, DType dtype, Shape shape, Shape strides,
             int64_t offset, bool readonly)
    : storage_(std::move(storage)), dtype_(dtype), shape_(std::move(shape)),
      strides_(std::move(strides)), offset_(offset), readonly_(readonly) {
  if (ndim() > kMaxNdim)
    throw ValueError("maximum supported dimension for an ndarray is " + std::to_string(kMaxNdim) +
                     ", found " + std::to_string(ndim()));
}

int64_t Array::size() const {
  int64_t n = 1;
  for (int64_t d : shape_) n *= d;
  return n;
}

Device Array::device() const { return storage_ ? storage_->device() : Device::cpu(); }

bool Array::is_contiguous() const {
  int64_t expect = 1;
  for (int d = ndim() - 1; d >= 0; --d) {
    if (shape_[d] == 1) continue;
    if (shape_[d] == 0) return true;
    if (strides_[d] != expect) return false;
    expect *= shape_[d];
  }
  return true;
}

void* Array::data_ptr() const {
  detail::check_defined(*this, "data_ptr");
  if (!storage_->data()) return nullptr;
  return static_cast<char*>(storage_->data()) + offset_ * itemsize();
}

Shape contiguous_strides(const Shape& shape) {
  Shape s(shape.size());
  int64_t acc = 1;
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    s[d] = acc;
    acc *= std::max<int64_t>(shape[d], 1);
  }
  return s;
}

Array Array::copy() const {
  detail::check_defined(*this, "copy");
  Array out = detail::new_array(shape_, dtype_, device());
  detail::copy_into(out, *this);
  return out;
}

Array Array::astype(DType t) const {
  detail::check_defined(*this, "astype");
  Array out = detail::new_array_like(shape_, t, device(), *this);  // NumPy's order='K'
  detail::copy_into(out, *this);
  return out;
}

Array Array::to(Device d) const {
  detail::check_defined(*this, "to");
  if (d == device()) return *this;
  Array out = detail::new_array(shape_, dtype_, d);
  detail::copy_into(out, *this);
  return out;
}

Array Array::contiguous() const {
  detail::check_defined(*this, "contiguous");
  return is_contiguous() ? *this : copy();
}

template <class T>
std::vector<T> Array::to_vector() const {
  detail::check_defined(*this, "to_vector");
  Array host = contiguous();
  if (host.dtype() != dtype_v<T>) host = host.astype(dtype_v<T>);
  std::vector<T> v(static_cast<size_t>(size()));
  if (v.empty()) return v;
  if constexpr (std::is_same_v<T, bool>) {
    std::vector<uint8_t> raw(v.size());
    detail::backend(host.device()).copy_to_host(raw.data(), host.data_ptr(), host.nbytes());
    for (size_t i = 0; i < v.size(); ++i) v[i] = raw[i] != 0;
  } else {
    detail::backend(host.device()).copy_to_host(v.data(), host.data_ptr(), host.nbytes());
  }
  return v;
}

template <class T>
T Array::item() const {
  detail::check_defined(*this, "item");
  if (size() != 1) throw ValueError("can only convert an array of size 1 to a Python scalar");
  if constexpr (!std::is_same_v<T, bool>) {
    if (dtype_ == dtype_v<T>) {  // the element straight to the host: no vector, no cast
      T v;
      detail::backend(device()).copy_to_host(&v, data_ptr(), sizeof(T));
      return v;
    }
  }
  return to_vector<T>()[0];
}

#define ND_INSTANTIATE(e, T, ...) \
  template std::vector<T> Array::to_vector<T>() const; \
  template T Array::item<T>() const;
ND_DTYPE_TABLE(ND_INSTANTIATE, )
#undef ND_INSTANTIATE

void Array::assign(const Array& value) const {
  detail::check_defined(*this, "assign");
  detail::check_defined(value, "assign");
  if (readonly_) throw ValueError("assignment destination is read-only");
  Array src;
  try {
    src = value.broadcast_to(shape_);
  } catch (const ValueError&) {
    throw ValueError("could not broadcast input array from shape " + shape_str(value.shape()) +
                     " into shape " + shape_str(shape_));
  }
  // Overlap: NumPy behaves as if the source were copied first.
  if (src.storage() == storage_ && src.size() > 0) src = src.copy();
  detail::copy_into(*this, src);
}

void Array::assign(double value) const {
  detail::check_defined(*this, "assign");
  if (readonly_) throw ValueError("assignment destination is read-only");
  detail::fill(*this, detail::scalar_of(value, float64));
}

namespace detail {

void check_defined(const Array& a, const char* what) {
  if (!a.defined()) throw ValueError(std::string(what) + ": the array is undefined (default-constructed)");
}

namespace {
// Checks the size first (contiguous_strides would overflow on a huge shape), then lays out the
// axes: C order, or in `like`'s memory order (see new_array_like).
Array allocate(Shape shape, DType dtype, Device device, const Array* like) {
  if (static_cast<int>(shape.size()) > kMaxNdim)
    throw ValueError("maximum supported dimension for an ndarray is " + std::to_string(kMaxNdim) +
                     ", found " + std::to_string(shape.size()));
  const int64_t n = checked_numel(shape);
  const int64_t bytes = checked_mul(n, dtype_size(dtype));
  Shape strides = contiguous_strides(shape);  // size-1 axes keep their C strides
  if (like && like->shape() == shape && !like->is_contiguous()) {
    int axes[kMaxNdim], n = 0;
    for (int d = 0; d < like->ndim(); ++d)
      if (shape[d] != 1) axes[n++] = d;
    sort_axes_by_stride(axes, n, like->strides().data());
    int64_t acc = 1;
    for (int i = n - 1; i >= 0; --i) {
      strides[axes[i]] = acc;
      acc *= shape[axes[i]];
    }
  }
  auto storage = Storage::allocate(bytes, backend(device));
  return Array(std::move(storage), dtype, std::move(shape), std::move(strides), 0);
}
}  // namespace

Array new_array(Shape shape, DType dtype, Device device) {
  return allocate(std::move(shape), dtype, device, nullptr);
}

Array new_array_like(Shape shape, DType dtype, Device device, const Array& like) {
  return allocate(std::move(shape), dtype, device, &like);
}

Operand operand(const Array& a) {
  Operand op;
  op.data = a.size() ? a.data_ptr() : nullptr;
  op.dtype = a.dtype();
  for (int d = 0; d < a.ndim(); ++d) op.strides[d] = a.strides()[d];
  return op;
}

Iter coalesce(const int64_t* shape, int nd, std::initializer_list<Operand*> ops) {
  Iter it;
  // Drop size-1 axes, then merge axis d into d+1 when every operand's strides allow it.
  int64_t sh[kMaxDims];
  int64_t st[3 + 1][kMaxDims];
  const int nops = static_cast<int>(ops.size());
  int n = 0;
  for (int d = 0; d < nd; ++d) {
    if (shape[d] == 1) continue;
    sh[n] = shape[d];
    int k = 0;
    for (Operand* op : ops) st[k++][n] = op->strides[d];
    ++n;
  }
  int m = 0;  // output dims
  for (int d = 0; d < n; ++d) {
    bool merge = m > 0;
    for (int k = 0; k < nops && merge; ++k) merge = st[k][m - 1] == st[k][d] * sh[d];
    if (merge) {
      sh[m - 1] *= sh[d];
      for (int k = 0; k < nops; ++k) st[k][m - 1] = st[k][d];
    } else {
      sh[m] = sh[d];
      for (int k = 0; k < nops; ++k) st[k][m] = st[k][d];
      ++m;
    }
  }
  it.ndim = m;
  for (int d = 0; d < m; ++d) it.shape[d] = sh[d];
  int k = 0;
  for (Operand* op : ops) {
    for (int d = 0; d < kMaxDims; ++d) op->strides[d] = d < m ? st[k][d] : 0;
    ++k;
  }
  return it;
}

Iter coalesce(const Shape& shape, std::initializer_list<Operand*> ops) {
  return coalesce(shape.data(), static_cast<int>(shape.size()), ops);
}

void sort_axes_by_stride(int* axes, int n, const int64_t* strides) {
  for (int i = 1; i < n; ++i) {
    const int a = axes[i];
    int j = i;
    for (; j > 0 && std::llabs(strides[axes[j - 1]]) < std::llabs(strides[a]); --j) axes[j] = axes[j - 1];
    axes[j] = a;
  }
}

Iter coalesce_any_order(const Shape& shape, std::initializer_list<Operand*> ops) {
  const int nd = static_cast<int>(shape.size());
  int perm[kMaxDims];
  for (int d = 0; d < nd; ++d) perm[d] = d;
  sort_axes_by_stride(perm, nd, (*ops.begin())->strides);
  int64_t sorted[kMaxDims];
  for (int d = 0; d < nd; ++d) sorted[d] = shape[perm[d]];
  for (Operand* op : ops) {
    int64_t st[kMaxDims];
    std::copy(op->strides, op->strides + nd, st);
    for (int d = 0; d < nd; ++d) op->strides[d] = st[perm[d]];
  }
  return coalesce(sorted, nd, ops);
}

void copy_into(const Array& dst, const Array& src) {
  if (dst.size() == 0) return;
  if (src.device() != dst.device()) {
    // Across devices: make the source contiguous where it lives, move the bytes through the
    // host, then cast/scatter on the destination device.
    Array s = src.contiguous();
    const bool direct = dst.is_contiguous() && dst.dtype() == s.dtype();
    Array staged = direct ? dst : new_array(s.shape(), s.dtype(), dst.device());
    if (src.device().is_cpu()) {
      backend(dst.device()).copy_from_host(staged.data_ptr(), s.data_ptr(), s.nbytes());
    } else if (dst.device().is_cpu()) {
      backend(src.device()).copy_to_host(staged.data_ptr(), s.data_ptr(), s.nbytes());
    } else {
      Array h = s.cpu();
      backend(dst.device()).copy_from_host(staged.data_ptr(), h.data_ptr(), h.nbytes());
    }
    if (!direct) copy_into(dst, staged);
    return;
  }
  CopyDesc d;
  d.dst = operand(dst);
  d.src = operand(src);
  d.iter = coalesce_any_order(dst.shape(), {&d.dst, &d.src});
  backend(dst.device()).copy(d);
}

void fill(const Array& dst, Scalar value) {
  if (dst.size() == 0) return;
  FillDesc d;
  d.dst = operand(dst);
  d.value = value;
  d.iter = coalesce_any_order(dst.shape(), {&d.dst});
  backend(dst.device()).fill(d);
}

Scalar scalar_of(double v, DType t) {
  Scalar s;
  s.dtype = t;
  s.f = v;
  s.i = is_floating(t) ? 0 : kern::convert<int64_t>(v);
  return s;
}

}  // namespace detail
}  // namespace nd
