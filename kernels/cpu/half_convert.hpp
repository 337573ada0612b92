// Contiguous conversions between the 16-bit floats and float32 for the CPU loops (casts, and the
// float32 math of half elementwise ops). The same bits as nd::Float16 / nd::BFloat16's scalar
// conversions (ndgpu/half.hpp), with vector instructions where the CPU has them.
#pragma once
#include <cstdint>

#include "ndgpu/half.hpp"

namespace nd::cpu {

void widen(float* o, const Float16* a, int64_t n);   // exact
void widen(float* o, const BFloat16* a, int64_t n);  // exact
void narrow(Float16* o, const float* a, int64_t n);  // rounds to nearest even
void narrow(BFloat16* o, const float* a, int64_t n);

}  // namespace nd::cpu
