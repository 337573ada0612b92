// Registers the built-in backends with the runtime's registry, once, on first use.
#include <mutex>

#include "cpu/cpu_backend.hpp"
#include "detail.hpp"

#if NDGPU_HAS_CUDA
namespace nd::cuda {
std::unique_ptr<Backend> make_backend(int index);  // kernels/cuda/cuda_backend.cu
}
#endif

namespace nd::detail {

Backend& backend(Device d) {
  static std::once_flag once;
  std::call_once(once, [] {
    register_backend(DeviceKind::cpu, &cpu::make_backend);
#if NDGPU_HAS_CUDA
    register_backend(DeviceKind::cuda, &cuda::make_backend);
#endif
  });
  return backend_for(d);
}

}  // namespace nd::detail
