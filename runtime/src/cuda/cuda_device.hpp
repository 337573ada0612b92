// CUDA devices as the runtime keeps them: discovery, one stream per device (all of a device's
// work is enqueued on it; host reads synchronise it), and a guard that makes a device current.
#pragma once
#include <new>

#include "cuda/cuda_api.hpp"

namespace nd {
int cuda_probe_device_count() noexcept;  // used by registry.cpp; 0 without driver or GPU
}

namespace nd::cuda {

struct DeviceContext {
  int index = 0;
  cudaStream_t stream = nullptr;  // non-blocking; lives for the whole process
  int sm_count = 1;
};

// The context of device `index` (created on first use; throws DeviceError on failure).
DeviceContext& device_context(int index);

// The stream ndgpu's work for device `index` goes to on this thread: a StreamGuard's
// (ndgpu/stream.hpp) if one is active, else the device's own stream.
cudaStream_t current_stream(int index);
// This thread's override for device `index` (set == false: none); exchange returns the old one.
struct StreamOverride {
  bool set = false;
  cudaStream_t stream = nullptr;
};
StreamOverride exchange_stream(int index, StreamOverride next) noexcept;
// This thread's override for device `index` (no lock: the backend asks on every call).
const StreamOverride& stream_override(int index) noexcept;

// Makes `index` the current device for the guard's lifetime. The destructor never throws.
// With one device there is nothing to switch: no driver call at all (the host fast path).
class DeviceGuard {
 public:
  explicit DeviceGuard(int index);  // throws DeviceError
  DeviceGuard(int index, std::nothrow_t) noexcept;  // for noexcept paths: see ok()
  ~DeviceGuard();
  bool ok() const { return ok_; }  // is `index` current?
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  bool switch_to(int index) noexcept;
  int previous_ = -1;
  bool ok_ = true;
};

}  // namespace nd::cuda
