// Contiguous conversions between a dtype that computes wider (the dtype table's half and narrow
// rows) and its opmath type, for the CPU loops (casts, and the opmath math of elementwise and row
// ops). The 16-bit floats widen to float32 exactly and narrow rounding to nearest even, with the
// same bits as nd::Float16 / nd::BFloat16's scalar conversions (ndgpu/half.hpp) and vector
// instructions where the CPU has them; the narrow integers widen to int32 / int64 exactly and
// narrow keeping the low bits (their wrapped result).
#pragma once
#include <cstdint>

#include "ndgpu/dtype.hpp"

namespace nd::cpu {

void widen(float* o, const Float16* a, int64_t n);   // exact
void widen(float* o, const BFloat16* a, int64_t n);  // exact
void narrow(Float16* o, const float* a, int64_t n);  // rounds to nearest even
void narrow(BFloat16* o, const float* a, int64_t n);

// A stored dtype whose math runs in M, as the loops see it at run time: the dtype and its
// contiguous rows converted to and from M. One loop per (op, M) serves every such dtype.
template <class M>
struct Opmath {
  DType dtype = DType::bool_;
  void (*widen)(M* out, const void* in, int64_t n) = nullptr;   // exact
  void (*narrow)(void* out, const M* in, int64_t n) = nullptr;  // rounds (halves) or wraps (integers)
};
// The conversions of dtype t, whose opmath type is M (float, int32_t or int64_t).
template <class M>
Opmath<M> opmath_of(DType t);

}  // namespace nd::cpu
