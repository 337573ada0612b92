#include "cpu_blas.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "ndgpu/error.hpp"

#define ND_BLAS_STRING2(x) #x
#define ND_BLAS_STRING(x) ND_BLAS_STRING2(x)

namespace nd::blas {

const Api& api() {
  static const Api loaded = [] {
    // The path recorded at build time; when that file is gone, NDGPU_BLAS_LIBRARY names another
    // copy of the same OpenBLAS build (the Python package sets it to its installed
    // scipy-openblas32: a wheel recorded pip's build environment; docs/blas.md).
    const char* fallback = std::getenv("NDGPU_BLAS_LIBRARY");
    const char* path = access(NDGPU_BLAS_PATH, F_OK) != 0 && fallback && *fallback ? fallback : NDGPU_BLAS_PATH;
    const bool set = std::getenv("OPENBLAS_NUM_THREADS") == nullptr;
    if (set) setenv("OPENBLAS_NUM_THREADS", "1", 0);
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (set) unsetenv("OPENBLAS_NUM_THREADS");
    if (lib == nullptr) {
      const char* why = dlerror();
      throw IOError(std::string("cannot load the CPU BLAS ") + path + ": " + (why ? why : "unknown error"));
    }
    Api a;
#define ND_X(name)                                                                      \
  a.name = reinterpret_cast<decltype(a.name)>(dlsym(lib, ND_BLAS_STRING(ND_BLAS_SYMBOL(name)))); \
  if (a.name == nullptr) throw IOError(std::string("the CPU BLAS has no ") + ND_BLAS_STRING(ND_BLAS_SYMBOL(name)));
    ND_BLAS_FUNCTIONS(ND_X)
#undef ND_X
    return a;
  }();
  return loaded;
}

std::string kernel() { return ND_BLAS(openblas_get_corename)(); }
std::string config() { return ND_BLAS(openblas_get_config)(); }

std::string generic_kernel_warning(const std::string& k, bool avx2, bool avx512) {
  // OpenBLAS's x86-64 kernels that use neither AVX2 nor AVX-512 (what an old OpenBLAS falls back
  // to on a CPU it does not know, e.g. Debian's 0.3.21 on Sapphire/Emerald Rapids).
  static const char* const kGeneric[] = {"Katmai", "Coppermine", "Northwood", "Prescott", "Banias",
                                         "Atom", "Core2", "Penryn", "Dunnington", "Nehalem",
                                         "Opteron", "Opteron(SSE3)", "Barcelona", "Bobcat", "Nano"};
  if (!avx2 && !avx512) return "";
  bool generic = false;
  for (const char* g : kGeneric) generic = generic || k == g;
  if (!generic) return "";
  const char* isa = avx512 ? "AVX-512" : "AVX2";
  const char* pin = avx512 ? "SkylakeX" : "Haswell";
  return std::string("ndgpu: warning: the CPU BLAS (OpenBLAS) runs its generic '") + k +
         "' kernel on a CPU with " + isa +
         ": CPU matrix products (matmul, cosine search, attention) run 3-6x slower than they "
         "could. Fix: build ndgpu with a current OpenBLAS (scripts/setup.sh installs the "
         "scipy-openblas32 wheel, which knows this CPU), or set OPENBLAS_CORETYPE=" + pin +
         " in the environment before the program starts.";
}

// OpenBLAS's own workers spin for up to 2^28 cycles after every call (OPENBLAS_THREAD_TIMEOUT),
// taking a core from the next kernel of ndgpu's pool: 38 % of k-means' samples, one GEMM per
// Lloyd step. One pool in the process instead (docs/blas.md).
void use_calling_thread_only() {
  static std::once_flag once;
  std::call_once(once, [] { ND_BLAS(openblas_set_num_threads)(1); });
}

void warn_once_if_generic() {
  static std::once_flag once;
  std::call_once(once, [] {
    __builtin_cpu_init();
    const std::string w = generic_kernel_warning(kernel(), __builtin_cpu_supports("avx2"),
                                                 __builtin_cpu_supports("avx512f"));
    if (!w.empty()) std::fprintf(stderr, "%s\n", w.c_str());
  });
}

}  // namespace nd::blas
