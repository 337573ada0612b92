// Matrix products with NumPy's semantics: matmul (gufunc (n?,k),(k,m?)->(n?,m?) with broadcast
// batch dimensions), dot and outer. float32/float64 run on BLAS (OpenBLAS on the CPU, cuBLAS on
// CUDA); integer and bool products use ndgpu's own kernel and wrap on overflow like NumPy.
#pragma once
#include "ndgpu/array.hpp"

namespace nd {

/// CUDA float32 products: `highest` (default) is true FP32; `high` lets cuBLAS use TF32 tensor
/// cores (about 10 mantissa bits; PyTorch's torch.set_float32_matmul_precision). No CPU effect.
enum class MatmulPrecision { highest, high };
void set_matmul_precision(MatmulPrecision p);  ///< sets the CUDA float32 product precision
MatmulPrecision matmul_precision();            ///< the current CUDA float32 product precision

/// a @ b. 1-D operands are promoted to a matrix and the added axis is removed from the result;
/// leading (batch) axes broadcast. Result dtype: the promoted dtype of a and b.
Array matmul(const Array& a, const Array& b);
/// NumPy's dot: 1-D . 1-D is the inner product (0-d), N-D . 1-D sums over a's last axis,
/// N-D . M-D (M >= 2) is sum(a[i,...,:] * b[j,...,:,m]); 0-d operands multiply.
Array dot(const Array& a, const Array& b);
/// Outer product of the flattened operands: (a.size, b.size).
Array outer(const Array& a, const Array& b);

}  // namespace nd
