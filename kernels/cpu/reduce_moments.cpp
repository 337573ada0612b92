// CPU reductions, moments family: instantiates the driver (cpu/reduce_run.hpp) for these ops.
#include "cpu/reduce_run.hpp"

namespace nd::cpu {

void reduce_moments(const ReduceDesc& d) {
  switch (static_cast<kern::ReduceOp>(d.op)) {
    case kern::ReduceOp::var: return red::reduce_as<kern::Var>(d);
    case kern::ReduceOp::std: return red::reduce_as<kern::Std>(d);
    default: break;
  }
  throw ValueError("reduction op " + std::to_string(d.op) + " is not in the moments family");
}

}  // namespace nd::cpu
