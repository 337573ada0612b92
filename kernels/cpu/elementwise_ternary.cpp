// CPU ternary elementwise ops: where and clip.
#include "cpu/elementwise_loops.hpp"

namespace nd::cpu {

bool elementwise_ternary(const ElementwiseDesc& d) {
  switch (static_cast<kern::OpCode>(d.op)) {
#define ND_X(name, F, cls, ulp) \
  case kern::OpCode::name: ew::run_ternary<kern::F, kern::OpClass::cls>(d); return true;
    ND_TERNARY_OPS(ND_X)
#undef ND_X
    default: return false;
  }
}

}  // namespace nd::cpu
