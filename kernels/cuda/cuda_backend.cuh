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
// pairwise.cu: `mem` holds the (n, k) distances.
bool kmeans_step(const KMeansStepDesc& d, cudaStream_t stream, Backend& mem);
// topk.cu: `mem` holds the small-k path's per-chunk candidates.
void topk(const TopkDesc& d, cudaStream_t stream, Backend& mem);

// elementwise*.cu
void elementwise(const ElementwiseDesc& d, cudaStream_t stream);

// reduce.cu: `mem` provides the group-partials workspace (stream-ordered caching allocator).
void reduce(const ReduceDesc& d, cudaStream_t stream, Backend& mem);

std::unique_ptr<Backend> make_backend(int index);

// A kernel family's temporary device memory from the caching allocator, freed on the same stream
// after the kernels that use it are enqueued (stream-ordered reuse: they see valid memory).
struct Workspace {
  Backend& mem;
  void* p = nullptr;
  int64_t bytes = 0;
  Workspace(Backend& m, int64_t b) : mem(m), p(b ? m.allocate(b) : nullptr), bytes(b) {}
  ~Workspace() { if (p) mem.deallocate(p, bytes); }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
};

inline int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace nd::cuda
