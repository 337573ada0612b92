// Every CUDA runtime call is checked. ND_CUDA_CHECK(expr) turns a failure into nd::OutOfMemory
// (cudaErrorMemoryAllocation) or nd::DeviceError, naming the call and file:line.
// ND_CUDA_CHECK_NOTHROW(expr) is for destructors and other noexcept paths: it never throws and
// counts a runtime that is shutting down at process exit as success (docs/reliability.md 8).
#pragma once
#include "cuda/cuda_api.hpp"

namespace nd::cuda {

// Clears the (non-sticky) error state, then throws OutOfMemory or DeviceError.
[[noreturn]] void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line);

// Kernel launches (kernels/cuda/launch.cuh). Before one: an error already pending on this thread
// (the sticky fault of an earlier kernel, or an unread error of an earlier call) throws
// DeviceError naming it as earlier, so it is never blamed on the launch about to happen. After
// one: the launch's own error, except the kinds only a running kernel raises (illegal address,
// launch failure, ...), which come from earlier asynchronous work and are named so.
void check_before_launch(const char* file, int line);
void check_launch(const char* file, int line);

// True on success or when the CUDA runtime is unloading / its context is gone (process exit);
// otherwise clears the error state and returns false.
inline bool ok_or_unloading(cudaError_t err) noexcept {
  if (err == cudaSuccess || err == cudaErrorCudartUnloading || err == cudaErrorContextIsDestroyed)
    return true;
  (void)cudaGetLastError();
  return false;
}

}  // namespace nd::cuda

#define ND_CUDA_CHECK(expr)                                                  \
  do {                                                                       \
    const cudaError_t nd_cuda_err_ = (expr);                                 \
    if (nd_cuda_err_ != cudaSuccess)                                         \
      ::nd::cuda::throw_cuda_error(nd_cuda_err_, #expr, __FILE__, __LINE__); \
  } while (0)

#define ND_CUDA_CHECK_NOTHROW(expr) ::nd::cuda::ok_or_unloading(expr)
