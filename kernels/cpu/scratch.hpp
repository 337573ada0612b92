// Scratch memory for the CPU kernels' working buffers (widened tiles and the like), from the host
// pool: a buffer of the same size on the next call can reuse a cached block instead of faulting
// in fresh pages as a std::vector of megabytes does on every call, and the pool's bound on idle
// memory covers it.
#pragma once
#include <cstdint>

#include "cpu/host_allocator.hpp"

namespace nd::cpu {

template <class T>
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { release(); }
  // At least n elements (contents not kept when it grows).
  T* get(int64_t n) {
    if (n > size_) {
      release();
      p_ = static_cast<T*>(host_memory::allocate(n * static_cast<int64_t>(sizeof(T))));
      size_ = n;
    }
    return p_;
  }

 private:
  void release() noexcept {
    if (p_) host_memory::deallocate(p_, size_ * static_cast<int64_t>(sizeof(T)));
    p_ = nullptr;
    size_ = 0;
  }
  T* p_ = nullptr;
  int64_t size_ = 0;
};

}  // namespace nd::cpu
