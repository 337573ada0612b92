// GPU limits measured in the main job's process: a vectorised copy kernel over 1 GiB (the
// denominator of docs/performance.md 4, not cudaMemcpy), cuBLAS FP32 SGEMM, and the launch floor.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "limits.hpp"

namespace ndbench {
namespace {

__global__ void copy_kernel(const float4* __restrict__ src, float4* __restrict__ dst, size_t n4) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n4;
       i += size_t(gridDim.x) * blockDim.x)
    dst[i] = src[i];
}

__global__ void empty_kernel() {}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Times `fn` with CUDA events on the default stream; milliseconds per call, median of `reps`.
template <class Fn>
double time_ms(Fn fn, int reps) {
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  fn();  // warm-up
  std::vector<double> ms;
  for (int r = 0; r < reps; ++r) {
    cudaEventRecord(a);
    fn();
    cudaEventRecord(b);
    cudaEventSynchronize(b);
    float t = 0;
    cudaEventElapsedTime(&t, a, b);
    ms.push_back(t);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  return median(ms);
}

}  // namespace

GpuLimits measure_gpu_limits(int index, bool full) {
  GpuLimits L;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || index >= count) {
    cudaGetLastError();
    return L;
  }
  cudaSetDevice(index);
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, index);
  L.present = true;
  L.name = prop.name;
  L.sm_count = prop.multiProcessorCount;

  // Copy kernel, 1 GiB each way: well past the 50-60 MB L2.
  const size_t bytes = size_t(1) << 30, n4 = bytes / sizeof(float4);
  float4 *src = nullptr, *dst = nullptr;
  if (cudaMalloc(&src, bytes) == cudaSuccess && cudaMalloc(&dst, bytes) == cudaSuccess) {
    cudaMemset(src, 0x3c, bytes);
    const int block = 256, grid = prop.multiProcessorCount * 8;
    double ms = time_ms([&] { copy_kernel<<<grid, block>>>(src, dst, n4); }, 15);
    L.copy_gbs = 2.0 * bytes / (ms * 1e-3) / 1e9;
  }
  cudaFree(src);
  cudaFree(dst);

  // Launch floor: one empty kernel, launch + event.
  L.launch_us = time_ms([] { empty_kernel<<<1, 32>>>(); }, 51) * 1e3;

  // cuBLAS SGEMM, FP32 math (no TF32), square n. Column-major is irrelevant for timing.
  const int n = full ? 8192 : 4096;
  L.sgemm_n = n;
  float *A = nullptr, *B = nullptr, *C = nullptr;
  cublasHandle_t h = nullptr;
  const size_t mbytes = size_t(n) * n * sizeof(float);
  if (cudaMalloc(&A, mbytes) == cudaSuccess && cudaMalloc(&B, mbytes) == cudaSuccess &&
      cudaMalloc(&C, mbytes) == cudaSuccess && cublasCreate(&h) == CUBLAS_STATUS_SUCCESS) {
    cudaMemset(A, 0x3c, mbytes);  // ~0.0115 everywhere: non-zero data, as real inputs
    cudaMemset(B, 0x3c, mbytes);
    cublasSetMathMode(h, CUBLAS_DEFAULT_MATH);  // FP32 without TF32, as ndgpu's default matmul
    const float one = 1.f, zero = 0.f;
    double ms = time_ms(
        [&] { cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, A, n, B, n, &zero, C, n); }, 7);
    L.sgemm_gflops = 2.0 * n * n * double(n) / (ms * 1e-3) / 1e9;
  }
  if (h) cublasDestroy(h);
  cudaFree(A);
  cudaFree(B);
  cudaFree(C);
  cudaGetLastError();
  return L;
}

}  // namespace ndbench
