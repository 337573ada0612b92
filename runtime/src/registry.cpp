// The backend registry and device discovery. Backends are created on first use and never
// destroyed, so arrays that outlive main() can still free their memory.
#include <cstdlib>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "backend.hpp"

namespace nd {

#if NDGPU_HAS_CUDA
int cuda_probe_device_count() noexcept;  // runtime/src/cuda/cuda_device.cpp
#else
static int cuda_probe_device_count() noexcept { return 0; }
#endif

namespace {
struct Registry {
  std::mutex mu;
  BackendFactory factory[2] = {nullptr, nullptr};
  std::vector<Backend*> cuda;  // one per device, created lazily
  Backend* cpu = nullptr;
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

Backend& backend_for(Device d) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (d.is_cpu()) {
    if (!r.cpu) r.cpu = r.factory[0](0).release();
    return *r.cpu;
  }
  int n = device_count();
  if (d.index < 0 || d.index >= n || !r.factory[1]) {
    throw DeviceError("device " + d.str() + " is not available (" + std::to_string(n) +
                      " CUDA device" + (n == 1 ? "" : "s") + " found" +
                      (r.factory[1] ? "" : ", ndgpu was built without CUDA") + ")");
  }
  if (r.cuda.empty()) r.cuda.resize(n, nullptr);
  if (!r.cuda[d.index]) r.cuda[d.index] = r.factory[1](d.index).release();
  return *r.cuda[d.index];
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

void empty_cache() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.cpu) r.cpu->empty_cache();
  for (Backend* b : r.cuda)
    if (b) b->empty_cache();
}

}  // namespace nd
