// host/-internal entry points of the linear algebra shared with nn (attention).
#pragma once
#include "ndgpu/array.hpp"

namespace nd::detail {

// alpha * (a @ b) with matmul's full semantics; alpha folds into the GEMM (no extra pass).
Array matmul_scaled(const Array& a, const Array& b, double alpha);
// The same in the opmath dtype of a's and b's common dtype (float32 for the 16-bit floats, int32 /
// int64 for the narrow integers), before matmul's one rounding (wrapping) to that dtype.
Array matmul_opmath(const Array& a, const Array& b, double alpha = 1);

}  // namespace nd::detail
