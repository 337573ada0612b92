// Gather / scatter through element offsets on CUDA (advanced indexing; see GatherDesc): a
// grid-stride loop with 64-bit indices; elements move as raw words of the element size.
#include "common.hpp"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"

namespace nd::cuda {
namespace {

constexpr int kBlock = 256;

template <class W>
__global__ void gather_kernel(GatherDesc d, int64_t n) {
  W* dense = static_cast<W*>(d.dense.data);
  W* indexed = static_cast<W*>(d.indexed.data);
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t rem = i, od = 0, oi = 0;
    for (int k = d.iter.ndim - 1; k >= 0; --k) {
      const int64_t idx = rem % d.iter.shape[k];
      rem /= d.iter.shape[k];
      od += idx * d.dense.strides[k];
      oi += idx * d.indexed.strides[k];
      if (k == d.index_axis) oi += d.offsets[idx];
    }
    if (d.scatter) indexed[oi] = dense[od];
    else dense[od] = indexed[oi];
  }
}

}  // namespace

void gather(const GatherDesc& d, cudaStream_t stream) {
  const int64_t n = d.iter.numel();
  if (n == 0) return;
  ND_DISPATCH_WORD(d.dense.dtype, W, "gather", launch(gather_kernel<W>, grid_for(n, kBlock), kBlock, 0, stream, d, n));
}

}  // namespace nd::cuda
