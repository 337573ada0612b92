// The CPU BLAS as ndgpu calls it (docs/blas.md): OpenBLAS's CBLAS, either the current OpenBLAS
// of the scipy-openblas32 wheel (scripts/setup.sh installs it; its symbols carry a scipy_ prefix,
// NDGPU_BLAS_SCIPY=1) or the system's. Call every BLAS symbol as ND_BLAS(cblas_sgemm)(...).
#pragma once
#include <cblas.h>

#include <string>

#if NDGPU_BLAS_SCIPY
#define ND_BLAS_SYMBOL(name) scipy_##name
#else
#define ND_BLAS_SYMBOL(name) name
#endif

// Every BLAS function ndgpu calls. OpenBLAS is loaded on first use (api()), not with the program:
// loaded with it, it starts a worker per core that spins for ~100 ms (docs/blas.md, "Threads").
#define ND_BLAS_FUNCTIONS(X)                                                                        \
  X(cblas_sgemm) X(cblas_dgemm) X(cblas_sdot) X(cblas_ddot) X(cblas_sgemv) X(cblas_dgemv)          \
  X(cblas_ssyrk) X(cblas_dsyrk) X(openblas_get_corename) X(openblas_get_config)                     \
  X(openblas_get_num_threads) X(openblas_set_num_threads)
#define ND_BLAS(name) (::nd::blas::api().name)

namespace nd::blas {

struct Api {
#define ND_X(name) decltype(&::ND_BLAS_SYMBOL(name)) name = nullptr;
  ND_BLAS_FUNCTIONS(ND_X)
#undef ND_X
};

// The BLAS's functions, loaded (dlopen) on the first call, with OPENBLAS_NUM_THREADS=1 for the load
// when the environment does not say otherwise (so OpenBLAS starts no workers); the environment is
// left as it was. Throws nd::IOError when the library cannot be loaded.
const Api& api();

// The kernel OpenBLAS chose when it loaded (e.g. "Haswell", "SkylakeX", "Zen"), and its build line.
std::string kernel();
std::string config();

// When `kernel` is one of OpenBLAS's generic pre-AVX kernels (Prescott, Katmai, Core2, ...) and the
// CPU has AVX2 or AVX-512: the warning to print (what it costs, how to fix it). Else "".
std::string generic_kernel_warning(const std::string& kernel, bool avx2, bool avx512);

// Makes OpenBLAS run each call on the calling thread only, once (the CPU backend calls it when it
// starts): kernels/cpu/gemm_cblas.cpp splits products over ndgpu's own thread pool instead.
void use_calling_thread_only();

// Prints generic_kernel_warning for this process's BLAS and CPU to stderr, at most once. The CPU
// backend calls it when it starts.
void warn_once_if_generic();

}  // namespace nd::blas
