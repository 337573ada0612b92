// host/-internal entry points of the linear algebra shared with nn (attention).
#pragma once
#include "ndgpu/array.hpp"

namespace nd::detail {

// alpha * (a @ b) with matmul's full semantics; alpha folds into the GEMM (no extra pass).
Array matmul_scaled(const Array& a, const Array& b, double alpha);

}  // namespace nd::detail
