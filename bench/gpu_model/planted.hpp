// Planted regressions for the traffic model (planted.cu): device pointers from cudaMalloc.
#pragma once

namespace nd::gpu_model {
void planted_copy(const float* in, float* out, int n, bool strided);
void planted_two_pass(const float* in, float* out, int n);
void planted_block_sum(const float* in, float* out, int blocks, bool conflicts);
}  // namespace nd::gpu_model
