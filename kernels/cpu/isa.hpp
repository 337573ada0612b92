// Which hand-written SIMD kernels the CPU backend runs (pairwise tiles, attention panels, the AVX2
// float-to-int cast, Philox, mask compaction and top-k candidates): the widest the CPU has, or less when
// NDGPU_CPU_ISA names a lower level ("avx2", "generic"), so that one machine can test every path. The auto-vectorised loops (ND_SIMD_CLONES) pick their
// clone by themselves.
#pragma once

namespace nd::cpu {

enum class Isa { generic, avx2, avx512 };  // avx2 includes FMA and F16C; avx512 is AVX-512F with them

Isa cpu_isa();  // read once

}  // namespace nd::cpu
