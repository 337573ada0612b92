#include "cpu/isa.hpp"

#include <cpuid.h>

#include <cstdlib>
#include <cstring>

namespace nd::cpu {

Isa cpu_isa() {
  static const Isa isa = [] {
    __builtin_cpu_init();
    // FMA and F16C (the 16-bit float loads), which every AVX2 CPU made has, asked for anyway
    // (F16C by CPUID: clang's __builtin_cpu_supports does not know it).
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C);
    const bool fma = __builtin_cpu_supports("fma") && f16c;
    Isa has = __builtin_cpu_supports("avx512f") && fma ? Isa::avx512
              : __builtin_cpu_supports("avx2") && fma  ? Isa::avx2
                                                       : Isa::generic;
    const char* cap = std::getenv("NDGPU_CPU_ISA");
    if (cap && std::strcmp(cap, "avx2") == 0 && has == Isa::avx512) has = Isa::avx2;
    if (cap && std::strcmp(cap, "generic") == 0) has = Isa::generic;
    return has;
  }();
  return isa;
}

}  // namespace nd::cpu
