// Planted regressions for the traffic model's invariants (docs/gpu_model.md 3): kernels written
// wrong on purpose, instrumented as kernels/cuda is, so `ndgpu-gpu-model --planted` shows that each
// invariant catches what it is for. Compiled as C++ against the SIMT emulator.
#include "cuda/launch.cuh"
#include "planted.hpp"

namespace nd::gpu_model {
namespace {

// Coalesced: lane i reads element i (one 128-byte line per warp request).
__global__ void copy_kernel(const float* in, float* out, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) out[i] = in[i];
}
// Uncoalesced: lane i reads element 32 i, one sector per lane.
__global__ void strided_copy_kernel(const float* in, float* out, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    out[i] = in[(i * 32) % n];
}
// A block sum through shared memory; `stride` 1 is conflict-free, 32 puts every lane in one bank.
__global__ void block_sum_kernel(const float* in, float* out, int stride) {
  __shared__ float buf[256 * 32];
  const int t = threadIdx.x;
  buf[t * stride] = in[blockIdx.x * 256 + t];
  __syncthreads();
  for (int half = 128; half > 0; half /= 2) {
    if (t < half) buf[t * stride] += buf[(t + half) * stride];
    __syncthreads();
  }
  if (t == 0) out[blockIdx.x] = buf[0];
}

}  // namespace

void planted_copy(const float* in, float* out, int n, bool strided) {
  cuda::launch(strided ? strided_copy_kernel : copy_kernel, dim3(cuda::grid_for(n, 256)), dim3(256), 0,
               nullptr, in, out, n);
}
// The second pass: the same input read again by a second launch.
void planted_two_pass(const float* in, float* out, int n) {
  planted_copy(in, out, n, false);
  planted_copy(in, out, n, false);
}
void planted_block_sum(const float* in, float* out, int blocks, bool conflicts) {
  cuda::launch(block_sum_kernel, dim3(blocks), dim3(256), 0, nullptr, in, out, conflicts ? 32 : 1);
}

}  // namespace nd::gpu_model
