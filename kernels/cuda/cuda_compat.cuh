// What every kernels/cuda file includes to see CUDA: under nvcc the real runtime, under the SIMT
// emulation (NDGPU_CUDA_EMULATION, issue 7, docs/emulation.md) the project's emulation layer,
// which runs the same kernel source on the CPU.
//
// Kernels may use only this feature set (the emulator implements exactly it):
//   __global__ __device__ __host__ __forceinline__ __restrict__ __launch_bounds__
//   threadIdx blockIdx blockDim gridDim warpSize, __syncthreads, __syncwarp,
//   __shfl_sync __shfl_xor_sync __shfl_down_sync __shfl_up_sync __ballot_sync __any_sync __all_sync,
//   static __shared__ arrays, dynamic shared memory through ND_EXTERN_SHARED (below),
//   atomicAdd/Sub/Min/Max/Exch/CAS/And/Or/Xor, vector types (float2/4, double2, int2/4, ...),
//   <math.h> functions plus rsqrtf, __float_as_int & co.
// A kernel that needs more extends the emulator (kernels/cuda/emu/) with a test of the feature.
#pragma once
#include <cstddef>

#if NDGPU_CUDA_EMULATION
#include "cuda/emu/simt.hpp"
// Dynamic shared memory: `ND_EXTERN_SHARED(float, smem);` declares `smem` as the block's
// dynamic shared memory (the launch's shared_bytes), 16-byte aligned.
#define ND_EXTERN_SHARED(T, name) T* name = reinterpret_cast<T*>(::nd::emu::dynamic_shared())
#else
#include <cuda_runtime.h>
#define ND_EXTERN_SHARED(T, name)                          \
  extern __shared__ __align__(16) unsigned char name##_raw_[]; \
  T* name = reinterpret_cast<T*>(name##_raw_)
#endif

namespace nd::cuda {
// runtime/src/cuda/cuda_check.cpp: around each real launch (launch.cuh). Both throw
// nd::DeviceError naming file:line; an error left by earlier asynchronous work is named as such.
void check_before_launch(const char* file, int line);
void check_launch(const char* file, int line);
}  // namespace nd::cuda
