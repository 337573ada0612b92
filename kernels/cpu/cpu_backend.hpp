// The CPU backend: host memory plus the CPU kernels. Op families live in their own files
// (kernels/cpu/<family>.cpp) as free functions the class forwards to.
#pragma once
#include <memory>

#include "backend.hpp"

namespace nd::cpu {

void copy(const CopyDesc& d);
void fill(const FillDesc& d);
void random(const RandomDesc& d);
void elementwise(const ElementwiseDesc& d);
void gemm(const GemmDesc& d);
void rowwise(const RowDesc& d);
void pairwise(const PairwiseDesc& d);
void topk(const TopkDesc& d);
void gather(const GatherDesc& d);  // gather.cpp
void mask_count(const MaskDesc& d);  // mask.cpp
void mask_apply(const MaskDesc& d);
void rows(const RowsDesc& d);
void reduce(const ReduceDesc& d);
bool attention(const AttentionDesc& d);  // attention.cpp: false where it has no kernel
bool kmeans_step(const KMeansStepDesc& d);  // kmeans.cpp

std::unique_ptr<Backend> make_backend(int index);

}  // namespace nd::cpu
