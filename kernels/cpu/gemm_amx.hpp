// bfloat16 matrix products on Intel AMX (the AMX-BF16 tile unit of Sapphire Rapids and later
// Xeons): docs/blas.md, "bfloat16 on AMX".
#pragma once
#include "backend.hpp"

namespace nd::cpu {

// C (float32) = alpha op(A) op(B) for bfloat16 A and B (d.ab_dtype), float32 sums, when this CPU
// has AMX-BF16 (and the OS grants its tile state), NDGPU_CPU_ISA does not cap the ISA below
// AVX-512, and the product is large enough to pay for packing B; false (nothing written) otherwise.
bool amx_bf16_gemm(const GemmDesc& d);

// Whether bfloat16 products may take AMX tiles here (their sums run in another order than the
// float32 BLAS's, so the bits differ from the float32 product's within float32 rounding).
bool amx_bf16_available();

}  // namespace nd::cpu
