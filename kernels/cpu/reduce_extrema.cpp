// CPU reductions, extrema family: instantiates the driver (cpu/reduce_run.hpp) for these ops.
#include "cpu/reduce_run.hpp"

namespace nd::cpu {

void reduce_extrema(const ReduceDesc& d) {
  switch (static_cast<kern::ReduceOp>(d.op)) {
    case kern::ReduceOp::max: return red::reduce_as<kern::Max>(d);
    case kern::ReduceOp::min: return red::reduce_as<kern::Min>(d);
    case kern::ReduceOp::argmax: return red::reduce_as<kern::ArgMax>(d);
    case kern::ReduceOp::argmin: return red::reduce_as<kern::ArgMin>(d);
    case kern::ReduceOp::any: return red::reduce_as<kern::Any>(d);
    case kern::ReduceOp::all: return red::reduce_as<kern::All>(d);
    case kern::ReduceOp::norm_max: return red::reduce_as<kern::NormMax>(d);
    case kern::ReduceOp::norm_min: return red::reduce_as<kern::NormMin>(d);
    default: break;
  }
  throw ValueError("reduction op " + std::to_string(d.op) + " is not in the extrema family");
}

}  // namespace nd::cpu
