// Zero-copy interop: from_blob (foreign memory as an Array) and DLPack export / import.
#include <dlpack/dlpack.h>

#include <cstdint>

#include "detail.hpp"
#include "ndgpu/io.hpp"

namespace nd {
namespace {

// kDLBool arrived in DLPack 0.8; Debian's header may be older, the code is fixed by the spec.
constexpr uint8_t kDLBool = 6;

int64_t checked_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    throw ValueError("array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
  return r;
}

// What an exported tensor holds on to: the array (so its storage lives) and the shape arrays.
struct DLPackContext {
  Array keep;
  std::vector<int64_t> shape, strides;
  DLManagedTensor tensor{};
};

// DLPack's (code, bits) of a dtype: the dtype table's code, 8 bits per byte of its size.
DLDataType dl_dtype(DType t) {
  uint8_t code = kDLBool;
  switch (t) {
#define ND_DL_CODE(e, type, name, kind, math, npy, dl, ...) case DType::e: code = dl; break;
    ND_DTYPE_TABLE(ND_DL_CODE, )
#undef ND_DL_CODE
  }
  return {code, static_cast<uint8_t>(8 * dtype_size(t)), 1};
}

DType nd_dtype(DLDataType t) {
  for (int k = 0; t.lanes == 1 && k < kNumDTypes; ++k) {
    const DLDataType d = dl_dtype(static_cast<DType>(k));
    if (d.code == t.code && d.bits == t.bits) return static_cast<DType>(k);
  }
  throw TypeError("from_dlpack: unsupported DLPack dtype (code " + std::to_string(t.code) + ", " +
                  std::to_string(t.bits) + " bits, " + std::to_string(t.lanes) + " lanes); ndgpu holds " +
                  dtype_list());
}

Device nd_device(DLDevice d) {
  switch (d.device_type) {
    case kDLCPU:
    case kDLCUDAHost:  // pinned host memory: the CPU can use it directly
      return Device::cpu();
    case kDLCUDA:
    case kDLCUDAManaged:
      if (d.device_id < 0) break;
      return Device::cuda(d.device_id);
    default:
      break;
  }
  throw ValueError("from_dlpack: unsupported DLPack device (type " +
                   std::to_string(static_cast<int>(d.device_type)) + ", id " +
                   std::to_string(d.device_id) + "); ndgpu accepts cpu and cuda memory");
}

}  // namespace

Array from_blob(void* data, const Shape& shape, DType dtype, Device device, Deleter deleter) {
  checked_numel(shape);  // before contiguous_strides multiplies the sizes (UBSan found this)
  return from_blob(data, shape, contiguous_strides(shape), dtype, device, std::move(deleter));
}

Array from_blob(void* data, const Shape& shape, const Shape& strides, DType dtype, Device device,
                Deleter deleter) {
  if (strides.size() != shape.size())
    throw ValueError("from_blob: strides " + shape_str(strides) + " must have one entry per dimension of shape " +
                     shape_str(shape));
  if (shape.size() > static_cast<size_t>(kMaxNdim))
    throw ValueError("maximum supported dimension for an ndarray is " + std::to_string(kMaxNdim) +
                     ", found " + std::to_string(shape.size()));
  const int64_t numel = checked_numel(shape);
  detail::backend(device);  // DeviceError when the device is not usable here
  const int64_t item = dtype_size(dtype);
  if (numel > 0 && data == nullptr)
    throw ValueError("from_blob: data is null but shape " + shape_str(shape) + " holds " +
                     std::to_string(numel) + " elements");
  if (reinterpret_cast<uintptr_t>(data) % static_cast<uintptr_t>(item) != 0)
    throw ValueError("from_blob: data must be aligned to the item size (" + std::to_string(item) +
                     " bytes for " + std::string(dtype_name(dtype)) + ")");
  // The extent of the view in elements, relative to element 0 (strides may be negative).
  int64_t lo = 0, hi = 0;
  bool has_zero_stride = false;
  if (numel > 0) {
    for (size_t d = 0; d < shape.size(); ++d) {
      const int64_t span = checked_mul(shape[d] - 1, strides[d]);
      if (span < 0) lo = checked_add(lo, span);
      else hi = checked_add(hi, span);
      has_zero_stride = has_zero_stride || (strides[d] == 0 && shape[d] > 1);
    }
  }
  const int64_t nbytes = numel > 0 ? checked_mul(checked_add(hi - lo, 1), item) : 0;
  // The storage starts at the lowest element; the deleter still receives the caller's pointer.
  void* base = numel > 0 ? static_cast<void*>(static_cast<char*>(data) + lo * item) : data;
  Deleter release;
  if (deleter) release = [deleter = std::move(deleter), data](void*) { deleter(data); };
  auto storage = Storage::wrap(base, nbytes, device, std::move(release));
  return Array(std::move(storage), dtype, shape, strides, -lo, has_zero_stride);
}

DLManagedTensor* to_dlpack(const Array& a) {
  detail::check_defined(a, "to_dlpack");
  auto* ctx = new DLPackContext{a, a.shape(), a.strides(), {}};
  DLTensor& t = ctx->tensor.dl_tensor;
  t.data = a.data_ptr();
  t.device = a.device().is_cpu() ? DLDevice{kDLCPU, 0} : DLDevice{kDLCUDA, a.device().index};
  t.ndim = a.ndim();
  t.dtype = dl_dtype(a.dtype());
  t.shape = ctx->shape.data();
  t.strides = ctx->strides.data();
  t.byte_offset = 0;
  ctx->tensor.manager_ctx = ctx;
  ctx->tensor.deleter = [](DLManagedTensor* self) {
    delete static_cast<DLPackContext*>(self->manager_ctx);
  };
  return &ctx->tensor;
}

Array from_dlpack(DLManagedTensor* t) {
  if (t == nullptr) throw ValueError("from_dlpack: the tensor is null");
  const DLTensor& x = t->dl_tensor;
  const DType dtype = nd_dtype(x.dtype);
  const Device device = nd_device(x.device);
  if (x.ndim < 0 || x.ndim > kMaxNdim)
    throw ValueError("from_dlpack: ndim " + std::to_string(x.ndim) + " is outside [0, " +
                     std::to_string(kMaxNdim) + "]");
  if (x.ndim > 0 && x.shape == nullptr) throw ValueError("from_dlpack: shape is null");
  Shape shape(x.shape, x.shape + x.ndim);
  checked_numel(shape);  // negative or overflowing sizes: ValueError before any arithmetic
  Shape strides = x.strides ? Shape(x.strides, x.strides + x.ndim) : contiguous_strides(shape);
  void* data = x.data ? static_cast<char*>(x.data) + x.byte_offset : nullptr;
  Deleter release = [t](void*) {
    if (t->deleter) t->deleter(t);
  };
  return from_blob(data, shape, strides, dtype, device, std::move(release));
}

}  // namespace nd
