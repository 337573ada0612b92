// CUDA ternary elementwise ops: where and clip.
#include "cuda/elementwise_kernels.cuh"

namespace nd::cuda {

bool elementwise_ternary(const ElementwiseDesc& d, cudaStream_t stream) {
  switch (static_cast<kern::OpCode>(d.op)) {
#define ND_X(name, F, cls, ulp) \
  case kern::OpCode::name: ew::run_ternary<kern::F, kern::OpClass::cls>(d, stream); return true;
    ND_TERNARY_OPS(ND_X)
#undef ND_X
    default: return false;
  }
}

}  // namespace nd::cuda
