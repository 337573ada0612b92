#include "cuda/cuda_check.hpp"

#include <string>

#include "ndgpu/error.hpp"

namespace nd::cuda {

void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  (void)cudaGetLastError();  // a later call must not see this error again
  std::string msg = std::string("CUDA error: ") + cudaGetErrorString(err) + " (" +
                    cudaGetErrorName(err) + ") in " + call + " at " + file + ":" +
                    std::to_string(line);
  if (err == cudaErrorMemoryAllocation) throw OutOfMemory(msg);
  throw DeviceError(msg);
}

}  // namespace nd::cuda
