// CPU reductions, sums family: instantiates the driver (cpu/reduce_run.hpp) for these ops.
#include "cpu/reduce_run.hpp"

namespace nd::cpu {

void reduce_sums(const ReduceDesc& d) {
  switch (static_cast<kern::ReduceOp>(d.op)) {
    case kern::ReduceOp::sum: return red::reduce_as<kern::Sum>(d);
    case kern::ReduceOp::prod: return red::reduce_as<kern::Prod>(d);
    case kern::ReduceOp::mean: return red::reduce_as<kern::Mean>(d);
    case kern::ReduceOp::norm_l1: return red::reduce_as<kern::NormL1>(d);
    case kern::ReduceOp::norm_l2: return red::reduce_as<kern::NormL2>(d);
    case kern::ReduceOp::count_nonzero: return red::reduce_as<kern::CountNonzero>(d);
    default: break;
  }
  throw ValueError("reduction op " + std::to_string(d.op) + " is not in the sums family");
}

}  // namespace nd::cpu
