// cuBLAS as ndgpu sees it: the real <cublas_v2.h>, or under NDGPU_CUDA_EMULATION the CBLAS-backed
// stand-in (runtime/src/cuda/emu/cublas_emu.hpp). Include this, never <cublas_v2.h> directly.
#pragma once
#include "cuda/cuda_api.hpp"
#if NDGPU_CUDA_EMULATION
#include "cuda/emu/cublas_emu.hpp"
#else
#include <cublas_v2.h>
#endif
