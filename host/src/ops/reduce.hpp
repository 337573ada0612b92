// host/-internal entry to the reductions (used by reductions, norms and the nn ops).
#pragma once
#include "ndgpu/array.hpp"
#include "reduce_ops.hpp"

namespace nd::detail {

// op over `axes` of x with NumPy's shape/dtype/empty rules; ddof for var/std.
Array reduce(kern::ReduceOp op, const Array& x, const Axes& axes, bool keepdims, int64_t ddof);

}  // namespace nd::detail
