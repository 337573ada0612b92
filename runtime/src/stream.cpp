// StreamGuard: the per-thread stream override the CUDA backend reads (cuda::current_stream).
#include "ndgpu/stream.hpp"

#include <string>

#include "ndgpu/error.hpp"
#if NDGPU_HAS_CUDA
#include "cuda/cuda_check.hpp"
#include "cuda/cuda_device.hpp"
#endif

namespace nd {
namespace {

void require_available(Device d) {
  if (!device_available(d))
    throw DeviceError("StreamGuard: device " + d.str() + " is not available (" +
                      std::to_string(device_count()) + " CUDA devices found)");
}

#if NDGPU_HAS_CUDA
// `then` waits (on the device, not the host) for the work enqueued on `first` so far.
void order_after(cudaStream_t first, cudaStream_t then) {
  if (first == then) return;
  cudaEvent_t e = nullptr;
  ND_CUDA_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
  const cudaError_t rec = cudaEventRecord(e, first);
  const cudaError_t wait = rec == cudaSuccess ? cudaStreamWaitEvent(then, e, 0) : rec;
  (void)cudaEventDestroy(e);
  ND_CUDA_CHECK(wait);
}
#endif

}  // namespace

StreamGuard::StreamGuard(Device device, CudaStream stream) : device_(device) {
  if (device.is_cpu()) return;
  require_available(device);
#if NDGPU_HAS_CUDA
  cuda::DeviceGuard g(device.index);
  order_after(cuda::current_stream(device.index), stream);
  const cuda::StreamOverride prev = cuda::exchange_stream(device.index, {true, stream});
  previous_set_ = prev.set;
  previous_ = prev.stream;
  active_ = true;
#else
  (void)stream;
#endif
}

StreamGuard::~StreamGuard() {
  if (!active_) return;
#if NDGPU_HAS_CUDA
  try {
    cuda::DeviceGuard g(device_.index);
    const cudaStream_t mine = cuda::current_stream(device_.index);
    cuda::exchange_stream(device_.index, {previous_set_, previous_});
    order_after(mine, cuda::current_stream(device_.index));
  } catch (...) {  // destructors never throw; a dying context is not ours to report here
    cuda::exchange_stream(device_.index, {previous_set_, previous_});
  }
#endif
}

CudaStream current_stream(Device device) {
  if (device.is_cpu()) return nullptr;
  require_available(device);
#if NDGPU_HAS_CUDA
  return cuda::current_stream(device.index);
#else
  return nullptr;  // unreachable: no cuda device is available without CUDA
#endif
}

}  // namespace nd
