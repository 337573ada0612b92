// CPU reductions: the op switch. The driver is cpu/reduce_run.hpp; the ops are instantiated in
// three family files (reduce_sums.cpp, reduce_extrema.cpp, reduce_moments.cpp) so they compile in
// parallel and rebuild separately.
#include <string>

#include "cpu/cpu_backend.hpp"
#include "reduce_ops.hpp"

namespace nd::cpu {

void reduce_sums(const ReduceDesc& d);     // sum prod mean norm_l1 norm_l2 count_nonzero
void reduce_extrema(const ReduceDesc& d);  // max min argmax argmin any all norm_max norm_min
void reduce_moments(const ReduceDesc& d);  // var std

void reduce(const ReduceDesc& d) {
  using kern::ReduceOp;
  switch (static_cast<ReduceOp>(d.op)) {
    case ReduceOp::sum: case ReduceOp::prod: case ReduceOp::mean: case ReduceOp::norm_l1:
    case ReduceOp::norm_l2: case ReduceOp::count_nonzero:
      return reduce_sums(d);
    case ReduceOp::max: case ReduceOp::min: case ReduceOp::argmax: case ReduceOp::argmin:
    case ReduceOp::any: case ReduceOp::all: case ReduceOp::norm_max: case ReduceOp::norm_min:
      return reduce_extrema(d);
    case ReduceOp::var: case ReduceOp::std:
      return reduce_moments(d);
  }
  throw ValueError("unknown reduction op " + std::to_string(d.op));
}

}  // namespace nd::cpu
