// CPU unary elementwise ops: one case per row of ND_UNARY_OPS.
#include "cpu/elementwise_loops.hpp"

namespace nd::cpu {

bool elementwise_unary(const ElementwiseDesc& d) {
  switch (static_cast<kern::OpCode>(d.op)) {
#define ND_X(name, F, cls, ulp) \
  case kern::OpCode::name: ew::run_unary<kern::F, kern::OpClass::cls>(d); return true;
    ND_UNARY_OPS(ND_X)
#undef ND_X
    default: return false;
  }
}

}  // namespace nd::cpu
