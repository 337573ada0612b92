#include "cuda/cublas_handles.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "ndgpu/error.hpp"

namespace nd::cuda {
namespace {

constexpr int kMaxDevices = 64;
// cuBLAS's own default on Hopper; GEMMs on older cards use less of it.
constexpr size_t kWorkspaceBytes = size_t(32) << 20;

struct Handle {
  cublasHandle_t h = nullptr;
  int device = 0;
  std::map<cudaStream_t, void*> workspace;  // one per stream this handle ran on
};

// Every handle ever made, and those no thread holds. Destroyed at exit (constructed after the
// CUDA runtime started, so destroyed before its teardown): leak checkers see the memory returned.
struct Pool {
  std::mutex mu;
  std::vector<std::unique_ptr<Handle>> all;
  std::vector<Handle*> idle[kMaxDevices];
  ~Pool() {
    for (auto& h : all) {
      (void)cudaSetDevice(h->device);
      for (auto& [stream, ws] : h->workspace) (void)cudaFree(ws);
      cublasDestroy(h->h);
    }
  }
};
Pool& pool() {
  static Pool p;
  return p;
}

// The handles this thread holds, returned to the pool when it exits.
struct ThreadHandles {
  Handle* of[kMaxDevices] = {};
  ~ThreadHandles() {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    for (int d = 0; d < kMaxDevices; ++d)
      if (of[d]) p.idle[d].push_back(of[d]);
  }
};
thread_local ThreadHandles t_handles;

Handle& thread_handle(int device) {
  if (device < 0 || device >= kMaxDevices)
    throw DeviceError("cuBLAS: device " + std::to_string(device) + " is beyond the handle table");
  Handle*& mine = t_handles.of[device];
  if (mine) return *mine;
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    if (!p.idle[device].empty()) {
      mine = p.idle[device].back();
      p.idle[device].pop_back();
      return *mine;
    }
  }
  auto h = std::make_unique<Handle>();
  h->device = device;
  check_cublas(cublasCreate(&h->h), "cublasCreate");  // outside the lock: it is slow
  std::lock_guard<std::mutex> lock(p.mu);
  p.all.push_back(std::move(h));
  mine = p.all.back().get();
  return *mine;
}

}  // namespace

void check_cublas(cublasStatus_t st, const char* what) {
  if (st != CUBLAS_STATUS_SUCCESS)
    throw DeviceError(std::string("cuBLAS ") + what + " failed: " + cublasGetStatusString(st));
}

cublasHandle_t cublas_handle(int device, cudaStream_t stream) {
  Handle& h = thread_handle(device);
  void*& ws = h.workspace[stream];
  if (!ws) ND_CUDA_CHECK(cudaMalloc(&ws, kWorkspaceBytes));
  check_cublas(cublasSetStream(h.h, stream), "cublasSetStream");
  check_cublas(cublasSetWorkspace(h.h, ws, kWorkspaceBytes), "cublasSetWorkspace");
  return h.h;
}

}  // namespace nd::cuda
