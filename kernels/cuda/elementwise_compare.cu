// CUDA binary ops with bool results: comparisons and logical ops.
#include "cuda/elementwise_kernels.cuh"

namespace nd::cuda {

bool elementwise_compare(const ElementwiseDesc& d, cudaStream_t stream) {
  switch (static_cast<kern::OpCode>(d.op)) {
#define ND_X(name, F, cls, ulp)                                                \
  case kern::OpCode::name:                                                     \
    if constexpr (!kern::bool_result(kern::OpClass::cls)) return false;        \
    else { ew::run_binary<kern::F, kern::OpClass::cls>(d, stream); return true; }
    ND_BINARY_OPS(ND_X)
#undef ND_X
    default: return false;
  }
}

}  // namespace nd::cuda
