// The one way ndgpu launches a kernel. Call sites never use <<< >>>: they call
//   nd::cuda::launch(my_kernel, grid, block, shared_bytes, stream, args...);
// Under nvcc this is a real launch followed by a launch-error check; under the SIMT emulation
// (NDGPU_CUDA_EMULATION, issue 7) the same kernel source runs on the CPU.
#pragma once
#include <cstddef>
#include <utility>

#include "cuda/cuda_compat.cuh"

namespace nd::cuda {

template <class... KArgs, class... Args>
void launch(void (*kernel)(KArgs...), dim3 grid, dim3 block, size_t shared_bytes,
            cudaStream_t stream, Args&&... args) {
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) return;  // size-0: no launch
#if NDGPU_CUDA_EMULATION
  emu::run(kernel, grid, block, shared_bytes, stream, static_cast<KArgs>(std::forward<Args>(args))...);
#else
  kernel<<<grid, block, shared_bytes, stream>>>(static_cast<KArgs>(std::forward<Args>(args))...);
  check_launch(__FILE__, __LINE__);
#endif
}

}  // namespace nd::cuda
