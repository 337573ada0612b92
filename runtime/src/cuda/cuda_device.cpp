#include "cuda/cuda_device.hpp"

#include <memory>
#include <mutex>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "ndgpu/device.hpp"

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

namespace {
constexpr int kMaxOverrides = 64;  // devices with a per-thread stream override
thread_local StreamOverride t_override[kMaxOverrides];
}  // namespace

const StreamOverride& stream_override(int index) noexcept {
  static const StreamOverride kNone{};
  return index >= 0 && index < kMaxOverrides ? t_override[index] : kNone;
}

cudaStream_t current_stream(int index) {
  const StreamOverride& o = stream_override(index);
  return o.set ? o.stream : device_context(index).stream;
}

StreamOverride exchange_stream(int index, StreamOverride next) noexcept {
  if (index < 0 || index >= kMaxOverrides) return {};
  const StreamOverride prev = t_override[index];
  t_override[index] = next;
  return prev;
}

bool DeviceGuard::switch_to(int index) noexcept {
  if (device_count() <= 1) return true;  // device 0 is always current
  int current = 0;
  cudaError_t e = cudaGetDevice(&current);
  if (e == cudaSuccess && current != index) {
    e = cudaSetDevice(index);
    if (e == cudaSuccess) previous_ = current;
  }
  return e == cudaSuccess;
}

DeviceGuard::DeviceGuard(int index) {
  if (switch_to(index)) return;
  const cudaError_t e = cudaGetLastError();
  throw_cuda_error(e != cudaSuccess ? e : cudaErrorInvalidDevice, "cudaSetDevice", __FILE__, __LINE__);
}

DeviceGuard::DeviceGuard(int index, std::nothrow_t) noexcept : ok_(switch_to(index)) {
  if (!ok_) (void)cudaGetLastError();
}

DeviceGuard::~DeviceGuard() {
  if (previous_ >= 0) (void)ND_CUDA_CHECK_NOTHROW(cudaSetDevice(previous_));
}

}  // namespace nd::cuda
