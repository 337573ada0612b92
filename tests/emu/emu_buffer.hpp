// Test helper: a typed buffer in emulated device memory (cudaMalloc of the emulated runtime), so
// kernels under test write memory the two-schedule check snapshots.
#pragma once
#include <gtest/gtest.h>

#include <vector>

#include "cuda/launch.cuh"

template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t n, const std::vector<T>& init = {}) : n_(n) {
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&p_), n * sizeof(T)), cudaSuccess);
    std::vector<T> v = init;
    v.resize(n, T{});
    EXPECT_EQ(cudaMemcpy(p_, v.data(), n * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
  }
  ~DeviceBuffer() { cudaFree(p_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return p_; }
  std::vector<T> host() const {
    std::vector<T> v(n_);
    EXPECT_EQ(cudaMemcpy(v.data(), p_, n_ * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    return v;
  }

 private:
  T* p_ = nullptr;
  size_t n_;
};
