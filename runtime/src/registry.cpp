// The backend registry and device discovery. Backends are created on first use and never
// destroyed, so arrays that outlive main() can still free their memory. Every op asks for its
// backend, so finding an existing one takes no lock (one atomic load).
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <ostream>
#include <string>

#include "backend.hpp"

namespace nd {

#if NDGPU_HAS_CUDA
int cuda_probe_device_count() noexcept;  // runtime/src/cuda/cuda_device.cpp
#else
static int cuda_probe_device_count() noexcept { return 0; }
#endif

namespace {
constexpr int kMaxCudaDevices = 64;
struct Registry {
  std::mutex mu;  // creation only
  BackendFactory factory[2] = {nullptr, nullptr};
  std::atomic<Backend*> cpu{nullptr};
  std::atomic<Backend*> cuda[kMaxCudaDevices] = {};  // one per device, created lazily
};
Registry& registry() {
  static Registry* r = new Registry;  // leaked on purpose: see the file comment
  return *r;
}
}  // namespace

void register_backend(DeviceKind kind, BackendFactory make) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.factory[static_cast<int>(kind)] = make;
}

int device_count() {
  static const int n = cuda_probe_device_count();
  return n;
}

bool cuda_available() { return device_count() > 0; }

bool device_available(Device d) {
  if (d.is_cpu()) return true;
  return d.index >= 0 && d.index < device_count();
}

// The slow path of backend_for: checks the device and creates its backend once.
static Backend& create_backend(Registry& r, Device d) {
  std::lock_guard<std::mutex> lock(r.mu);
  if (d.is_cpu()) {
    if (!r.cpu.load()) r.cpu.store(r.factory[0](0).release(), std::memory_order_release);
    return *r.cpu.load();
  }
  int n = device_count();
  if (d.index < 0 || d.index >= n || d.index >= kMaxCudaDevices || !r.factory[1]) {
    throw DeviceError("device " + d.str() + " is not available (" + std::to_string(n) +
                      " CUDA device" + (n == 1 ? "" : "s") + " found" +
                      (r.factory[1] ? "" : ", ndgpu was built without CUDA") + ")");
  }
  std::atomic<Backend*>& slot = r.cuda[d.index];
  if (!slot.load()) slot.store(r.factory[1](d.index).release(), std::memory_order_release);
  return *slot.load();
}

Backend& backend_for(Device d) {
  Registry& r = registry();
  Backend* b = nullptr;
  if (d.is_cpu()) b = r.cpu.load(std::memory_order_acquire);
  else if (d.index >= 0 && d.index < kMaxCudaDevices) b = r.cuda[d.index].load(std::memory_order_acquire);
  return b ? *b : create_backend(r, d);
}

Device parse_device(const std::string& s) {
  if (s == "cpu") return Device::cpu();
  if (s == "cuda") return Device::cuda(0);
  if (s.rfind("cuda:", 0) == 0 && s.size() > 5 && s.size() < 9 &&
      s.find_first_not_of("0123456789", 5) == std::string::npos)
    return Device::cuda(std::stoi(s.substr(5)));
  throw ValueError("invalid device string: '" + s + "' (expected cpu, cuda or cuda:N)");
}

Device default_device() {
  static const Device d = [] {
    const char* env = std::getenv("NDGPU_DEVICE");
    if (env && *env) return parse_device(env);  // a bad value is the user's to see
    return cuda_available() ? Device::cuda(0) : Device::cpu();
  }();
  return d;
}

std::string Device::str() const {
  return is_cpu() ? std::string("cpu") : "cuda:" + std::to_string(index);
}
std::ostream& operator<<(std::ostream& os, Device d) { return os << d.str(); }

void synchronize(Device d) { backend_for(d).synchronize(); }

MemoryStats memory_stats(Device d) { return backend_for(d).memory_stats(); }
void reset_peak_memory_stats(Device d) { backend_for(d).reset_peak_memory_stats(); }

void empty_cache() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (Backend* c = r.cpu.load()) c->empty_cache();
  for (auto& slot : r.cuda)
    if (Backend* b = slot.load()) b->empty_cache();
}

}  // namespace nd
