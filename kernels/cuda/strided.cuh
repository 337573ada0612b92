// Strided addressing for CUDA kernels: linear element index -> byte offset of each of K operands
// over a (coalesced) Iter. 64-bit throughout; one-dimensional views skip the divisions.
#pragma once
#include <cstdint>

#include "backend.hpp"
#include "common.hpp"

namespace nd::cuda {

template <int K>
struct StridedIndexer {
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t stride_bytes[K][kMaxDims] = {};

  StridedIndexer() = default;
  StridedIndexer(const Iter& it, const Operand* const (&ops)[K]) : ndim(it.ndim) {
    for (int d = 0; d < ndim; ++d) {
      shape[d] = it.shape[d];
      for (int k = 0; k < K; ++k) stride_bytes[k][d] = ops[k]->strides[d] * dtype_size(ops[k]->dtype);
    }
  }

  ND_HD void offsets(int64_t i, int64_t (&off)[K]) const {
    if (ndim <= 1) {
      for (int k = 0; k < K; ++k) off[k] = ndim ? i * stride_bytes[k][0] : 0;
      return;
    }
    for (int k = 0; k < K; ++k) off[k] = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t idx = i % shape[d];
      i /= shape[d];
      for (int k = 0; k < K; ++k) off[k] += idx * stride_bytes[k][d];
    }
  }
};

// True when every operand walks memory contiguously (after host/ coalesced the dims).
template <int K>
inline bool all_contiguous(const Iter& it, const Operand* const (&ops)[K]) {
  if (it.ndim == 0) return true;
  if (it.ndim > 1) return false;
  for (int k = 0; k < K; ++k)
    if (ops[k]->strides[0] != 1) return false;
  return true;
}

}  // namespace nd::cuda
