// cuBLAS handles for the CUDA backend's GEMMs, safe under threads and streams (docs/runtime.md
// "Threads and streams"). cuBLAS keeps the stream, the math mode and a workspace in its handle,
// so a handle used by two threads at once can run one thread's GEMM on the other's stream or
// precision, and one used on two streams can have two GEMMs share scratch memory. Hence:
// - one handle per (thread, device), taken from a per-device pool on first use and returned to
//   it when the thread exits (PyTorch's scheme: handles are costly to create);
// - one workspace per (handle, stream), set after every cublasSetStream (which resets it).
#pragma once
#include "cuda/cublas_api.hpp"

namespace nd::cuda {

// This thread's handle for `device` (which is current), bound to `stream` and its workspace.
// Throws DeviceError when cuBLAS fails.
cublasHandle_t cublas_handle(int device, cudaStream_t stream);

// Throws DeviceError naming `what` unless st is CUBLAS_STATUS_SUCCESS.
void check_cublas(cublasStatus_t st, const char* what);

}  // namespace nd::cuda
