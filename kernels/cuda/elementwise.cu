// CUDA elementwise entry: routes a descriptor to the translation unit of its op family (split so
// that each .cu file compiles in reasonable time on small build machines).
#include "cuda/elementwise_kernels.cuh"

namespace nd::cuda {

bool elementwise_unary(const ElementwiseDesc& d, cudaStream_t stream);
bool elementwise_arith(const ElementwiseDesc& d, cudaStream_t stream);
bool elementwise_compare(const ElementwiseDesc& d, cudaStream_t stream);
bool elementwise_ternary(const ElementwiseDesc& d, cudaStream_t stream);

void elementwise(const ElementwiseDesc& d, cudaStream_t stream) {
  if (d.iter.numel() == 0) return;
  bool done = false;
  switch (d.nin) {
    case 1: done = elementwise_unary(d, stream); break;
    case 2: done = elementwise_arith(d, stream) || elementwise_compare(d, stream); break;
    case 3: done = elementwise_ternary(d, stream); break;
    default: break;
  }
  if (!done) throw DeviceError("elementwise op code " + std::to_string(d.op) + " with " +
                               std::to_string(d.nin) + " inputs is not implemented on cuda");
}

}  // namespace nd::cuda
