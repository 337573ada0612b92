// Running ndgpu's CUDA work on a stream the caller owns (like c10::cuda::CUDAStreamGuard).
// CUDA-free: cudaStream_t is CUstream_st*, named here only by its forward declaration.
#pragma once
#include "ndgpu/device.hpp"

struct CUstream_st;

namespace nd {

using CudaStream = CUstream_st*;  ///< == cudaStream_t

/// While a StreamGuard lives, the calling thread's ndgpu work for `device` (kernels, copies,
/// host reads, and the allocator's stream-ordered reuse of freed blocks) goes to `stream`, which
/// the caller owns and keeps alive beyond the guard. nullptr means CUDA's legacy default stream.
/// Guards are per thread and nest: the destructor restores the previous stream.
/// Ordering, without blocking the host: the constructor makes `stream` wait for what ndgpu had
/// already enqueued for `device` on this thread, and the destructor makes ndgpu's stream wait
/// for `stream`; so arrays made before the guard are ready inside it and arrays made inside it
/// are ready after it. Work the caller enqueues on `stream` after the guard ends is ordered by
/// the caller (as with DLPack / from_blob memory in general).
/// A guard for the CPU does nothing. For a cuda device that is not available: DeviceError.
class StreamGuard {
 public:
  StreamGuard(Device device, CudaStream stream);  ///< routes `device`'s work to `stream`
  ~StreamGuard();  ///< never throws
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

 private:
  Device device_;
  bool active_ = false;
  bool previous_set_ = false;   ///< was an outer guard active for this device on this thread?
  CudaStream previous_ = nullptr;
};

/// The stream ndgpu uses for `device` on this thread: the innermost StreamGuard's, else the
/// device's own stream. nullptr for the CPU.
CudaStream current_stream(Device device);

}  // namespace nd
