// CPU elementwise entry: routes a descriptor to the translation unit of its op family (split so
// that the instantiations compile in parallel on small machines).
#include "cpu/cpu_backend.hpp"
#include "cpu/elementwise_loops.hpp"

namespace nd::cpu {

bool elementwise_unary(const ElementwiseDesc& d);
bool elementwise_arith(const ElementwiseDesc& d);
bool elementwise_compare(const ElementwiseDesc& d);
bool elementwise_ternary(const ElementwiseDesc& d);

void elementwise(const ElementwiseDesc& d) {
  if (d.iter.numel() == 0) return;
  bool done = false;
  switch (d.nin) {
    case 1: done = elementwise_unary(d); break;
    case 2: done = elementwise_arith(d) || elementwise_compare(d); break;
    case 3: done = elementwise_ternary(d); break;
    default: break;
  }
  if (!done) throw DeviceError("elementwise op code " + std::to_string(d.op) + " with " +
                               std::to_string(d.nin) + " inputs is not implemented on cpu");
}

}  // namespace nd::cpu
