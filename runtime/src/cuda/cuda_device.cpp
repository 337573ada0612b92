#include "cuda/cuda_device.hpp"

#include <memory>
#include <mutex>
#include <vector>

#include "cuda/cuda_check.hpp"

namespace nd {

int cuda_probe_device_count() noexcept {
  int n = 0;
  // Without a driver this returns an error (e.g. cudaErrorInsufficientDriver) and prints nothing.
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return n;
}

}  // namespace nd

namespace nd::cuda {

DeviceContext& device_context(int index) {
  static std::mutex mu;
  // Contexts (and their streams) are never destroyed: arrays may be freed after main returns.
  static auto* contexts = new std::vector<std::unique_ptr<DeviceContext>>;
  std::lock_guard<std::mutex> lock(mu);
  if (contexts->size() <= static_cast<size_t>(index)) contexts->resize(index + 1);
  auto& slot = (*contexts)[index];
  if (!slot) {
    DeviceGuard guard(index);
    auto ctx = std::make_unique<DeviceContext>();
    ctx->index = index;
    ND_CUDA_CHECK(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking));
    ND_CUDA_CHECK(cudaDeviceGetAttribute(&ctx->sm_count, cudaDevAttrMultiProcessorCount, index));
    slot = std::move(ctx);
  }
  return *slot;
}

DeviceGuard::DeviceGuard(int index) {
  int current = 0;
  ND_CUDA_CHECK(cudaGetDevice(&current));
  if (current != index) {
    ND_CUDA_CHECK(cudaSetDevice(index));
    previous_ = current;
  }
}

DeviceGuard::~DeviceGuard() {
  if (previous_ >= 0) (void)ND_CUDA_CHECK_NOTHROW(cudaSetDevice(previous_));
}

}  // namespace nd::cuda
