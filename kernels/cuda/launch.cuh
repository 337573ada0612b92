// The one way ndgpu launches a kernel. Call sites never use <<< >>>: they call
//   nd::cuda::launch(my_kernel, grid, block, shared_bytes, stream, args...);
// Under nvcc this is a real launch between two error checks (an error pending from earlier
// asynchronous work is reported as that, not as this launch's); under the SIMT emulation
// (NDGPU_CUDA_EMULATION, issue 7, docs/emulation.md) the same kernel source runs on the CPU.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
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
  check_before_launch(__FILE__, __LINE__);
  kernel<<<grid, block, shared_bytes, stream>>>(static_cast<KArgs>(std::forward<Args>(args))...);
  check_launch(__FILE__, __LINE__);
#endif
}

// Blocks for a grid-stride loop over n elements: enough to fill any current GPU, capped so
// huge arrays loop instead of launching millions of blocks. The emulator caps much lower, so
// its fibers stay few and the grid-stride loop itself is exercised on small tests; the traffic
// model (docs/gpu_model.md) asks for the GPU's cap while it records an op.
inline unsigned grid_for(int64_t n, int block) {
#if NDGPU_CUDA_EMULATION
  const int64_t cap = emu::max_grid_blocks();
#else
  const int64_t cap = 4096;
#endif
  return static_cast<unsigned>(std::clamp<int64_t>((n + block - 1) / block, 1, cap));
}

}  // namespace nd::cuda
