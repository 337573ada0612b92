// CPU binary arithmetic ops (rows of ND_BINARY_OPS whose result has the compute dtype).
#include "cpu/elementwise_loops.hpp"

namespace nd::cpu {

bool elementwise_arith(const ElementwiseDesc& d) {
  switch (static_cast<kern::OpCode>(d.op)) {
#define ND_X(name, F, cls, ulp)                                         \
  case kern::OpCode::name:                                              \
    if constexpr (kern::bool_result(kern::OpClass::cls)) return false;  \
    else { ew::run_binary<kern::F, kern::OpClass::cls>(d); return true; }
    ND_BINARY_OPS(ND_X)
#undef ND_X
    default: return false;
  }
}

}  // namespace nd::cpu
