// The CUDA backend: device memory from the runtime's caching allocator, all work on the device's
// stream, and the kernel families as free functions `void family(const XDesc&, cudaStream_t)`
// in their own kernels/cuda/<family>.cu files. Adding a family: declare it here, forward to it
// in cuda_backend.cu (one line).
#pragma once
#include <memory>

#include "backend.hpp"
#include "cuda/cuda_compat.cuh"

namespace nd::cuda {

// data_movement.cu
void copy(const CopyDesc& d, cudaStream_t stream);
void fill(const FillDesc& d, cudaStream_t stream);
void random(const RandomDesc& d, cudaStream_t stream);
// gather.cu
void gather(const GatherDesc& d, cudaStream_t stream);
// mask.cu (rows: `mem` provides a scatter's per-row winners)
void mask_count(const MaskDesc& d, cudaStream_t stream);
void mask_apply(const MaskDesc& d, cudaStream_t stream);
void rows(const RowsDesc& d, cudaStream_t stream, Backend& mem);

// gemm_cublas.cu, rowwise.cu, pairwise.cu, topk.cu (linalg and nn)
void gemm(const GemmDesc& d, cudaStream_t stream);
void rowwise(const RowDesc& d, cudaStream_t stream);
void pairwise(const PairwiseDesc& d, cudaStream_t stream);
void topk(const TopkDesc& d, cudaStream_t stream);

// elementwise*.cu
void elementwise(const ElementwiseDesc& d, cudaStream_t stream);

// reduce.cu: `mem` provides the group-partials workspace (stream-ordered caching allocator).
void reduce(const ReduceDesc& d, cudaStream_t stream, Backend& mem);

std::unique_ptr<Backend> make_backend(int index);

}  // namespace nd::cuda
