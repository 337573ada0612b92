#include "cuda/cuda_check.hpp"

#include <string>

#include "ndgpu/error.hpp"

namespace nd::cuda {
namespace {

// Errors that a kernel reports while or after it runs (sticky: the context is unusable), never
// a launch's own configuration error.
bool raised_by_running_work(cudaError_t e) {
  switch (e) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
#if !NDGPU_CUDA_EMULATION
    case cudaErrorAssert:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorLaunchTimeout:
#endif
      return true;
    default:
      return false;
  }
}

[[noreturn]] void throw_earlier_error(cudaError_t err, const char* when, const char* file, int line) {
  (void)cudaGetLastError();
  throw DeviceError(std::string("CUDA error: ") + cudaGetErrorString(err) + " (" +
                    cudaGetErrorName(err) + ") from an earlier asynchronous operation (a kernel or " +
                    "copy enqueued before), " + when + " the kernel launch at " + file + ":" +
                    std::to_string(line));
}

}  // namespace

void check_before_launch(const char* file, int line) {
  const cudaError_t err = cudaPeekAtLastError();
  if (err != cudaSuccess) throw_earlier_error(err, "detected before", file, line);
}

void check_launch(const char* file, int line) {
  const cudaError_t err = cudaGetLastError();
  if (err == cudaSuccess) return;
  if (raised_by_running_work(err)) throw_earlier_error(err, "reported at", file, line);
  throw_cuda_error(err, "kernel launch", file, line);
}


void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  (void)cudaGetLastError();  // a later call must not see this error again
  std::string msg = std::string("CUDA error: ") + cudaGetErrorString(err) + " (" +
                    cudaGetErrorName(err) + ") in " + call + " at " + file + ":" +
                    std::to_string(line);
  if (err == cudaErrorMemoryAllocation) throw OutOfMemory(msg);
  throw DeviceError(msg);
}

}  // namespace nd::cuda
