// Registers the built-in backends with the runtime's registry, once: at load time (so runtime
// entry points such as nd::memory_stats and nd::synchronize work before any array exists) and,
// in case another static initialiser comes first, on first use.
#include <mutex>

#include "cpu/cpu_backend.hpp"
#include "detail.hpp"

#if NDGPU_HAS_CUDA
namespace nd::cuda {
std::unique_ptr<Backend> make_backend(int index);  // kernels/cuda/cuda_backend.cu
}
#endif

namespace nd::detail {
namespace {

std::once_flag g_registered;  // constant-initialised: safe during static initialisation

void register_builtin_backends() {
  std::call_once(g_registered, [] {
    register_backend(DeviceKind::cpu, &cpu::make_backend);
#if NDGPU_HAS_CUDA
    register_backend(DeviceKind::cuda, &cuda::make_backend);
#endif
  });
}

[[maybe_unused]] const bool g_registered_at_load = (register_builtin_backends(), true);

}  // namespace

Backend& backend(Device d) {
  register_builtin_backends();
  return backend_for(d);
}

}  // namespace nd::detail
