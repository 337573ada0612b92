// The CUDA runtime API as ndgpu's runtime sees it: the real <cuda_runtime.h>, or, in the
// NDGPU_CUDA_EMULATION build (issue 7, docs/emulation.md), a host-memory stand-in with the same
// names, so runtime/src/cuda/*.cpp compile unchanged against either.
#pragma once
#if NDGPU_CUDA_EMULATION
#include "cuda/emu/cuda_runtime_emu.hpp"
#else
#include <cuda_runtime.h>
#endif
