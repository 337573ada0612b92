// Strided addressing for CUDA kernels: linear element index -> byte offset of each of K operands
// over a (coalesced) Iter. One-dimensional views skip the divisions; the others divide by each
// extent with a precomputed reciprocal (kern::UnsignedDivisor: a multiply-high and a shift, no
// hardware divide), in 32 bits when the iteration has fewer than 2^32 elements.
#pragma once
#include <cstdint>

#include "backend.hpp"
#include "common.hpp"

namespace nd::cuda {

template <int K>
struct StridedIndexer {
  int ndim = 0;
  bool narrow = true;  // numel < 2^32: the index arithmetic in 32 bits
  int64_t shape[kMaxDims] = {};
  int64_t stride_bytes[K][kMaxDims] = {};
  kern::UnsignedDivisor<uint32_t> div32[kMaxDims];
  kern::UnsignedDivisor<uint64_t> div64[kMaxDims];

  StridedIndexer() = default;
  StridedIndexer(const Iter& it, const Operand* const (&ops)[K]) : ndim(it.ndim) {
    narrow = it.numel() < (int64_t{1} << 32);
    for (int d = 0; d < ndim; ++d) {
      shape[d] = it.shape[d];
      for (int k = 0; k < K; ++k) stride_bytes[k][d] = ops[k]->strides[d] * dtype_size(ops[k]->dtype);
      if (narrow) div32[d] = kern::UnsignedDivisor<uint32_t>(static_cast<uint32_t>(shape[d]));
      else div64[d] = kern::UnsignedDivisor<uint64_t>(static_cast<uint64_t>(shape[d]));
    }
  }

  ND_HD void offsets(int64_t i, int64_t (&off)[K]) const {
    if (ndim <= 1) {
      for (int k = 0; k < K; ++k) off[k] = ndim ? i * stride_bytes[k][0] : 0;
      return;
    }
    for (int k = 0; k < K; ++k) off[k] = 0;
    if (narrow) {
      uint32_t rem = static_cast<uint32_t>(i);
      for (int d = ndim - 1; d >= 0; --d) {
        const uint32_t q = div32[d].divide(rem);
        const int64_t idx = rem - q * static_cast<uint32_t>(shape[d]);
        rem = q;
        for (int k = 0; k < K; ++k) off[k] += idx * stride_bytes[k][d];
      }
      return;
    }
    uint64_t rem = static_cast<uint64_t>(i);
    for (int d = ndim - 1; d >= 0; --d) {
      const uint64_t q = div64[d].divide(rem);
      const int64_t idx = static_cast<int64_t>(rem - q * static_cast<uint64_t>(shape[d]));
      rem = q;
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
