#include "cuda/cuda_backend.cuh"

#include <string>

#include "cuda/cuda_allocator.hpp"
#include "cuda/cuda_check.hpp"
#include "cuda/cuda_device.hpp"

namespace nd::cuda {

void check_launch(const char* file, int line) {
  const cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) throw_cuda_error(err, "kernel launch", file, line);
}

namespace {

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int index)
      : index_(index), ctx_(device_context(index)), pool_(index) {}

  Device device() const override { return Device::cuda(index_); }

  void* allocate(int64_t nbytes) override {
    DeviceGuard g(index_);
    return pool_.allocate(nbytes, stream());
  }
  void deallocate(void* p, int64_t) noexcept override { pool_.deallocate(p, stream()); }

  void copy_from_host(void* dst, const void* src, int64_t n) override {
    DeviceGuard g(index_);
    // From pageable memory this returns once `src` has been staged, so the caller may free it.
    ND_CUDA_CHECK(cudaMemcpyAsync(dst, src, n, cudaMemcpyHostToDevice, stream()));
  }
  void copy_to_host(void* dst, const void* src, int64_t n) override {
    DeviceGuard g(index_);
    ND_CUDA_CHECK(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, stream()));
    ND_CUDA_CHECK(cudaStreamSynchronize(stream()));
  }
  void synchronize() override {
    DeviceGuard g(index_);
    ND_CUDA_CHECK(cudaStreamSynchronize(stream()));
  }
  MemoryStats memory_stats() const override { return pool_.stats(); }
  void empty_cache() noexcept override { pool_.empty_cache(); }

  // One forwarding line per kernel family.
  void copy(const CopyDesc& d) override { DeviceGuard g(index_); cuda::copy(d, stream()); }
  void fill(const FillDesc& d) override { DeviceGuard g(index_); cuda::fill(d, stream()); }
  void random(const RandomDesc& d) override { DeviceGuard g(index_); cuda::random(d, stream()); }
  void gemm(const GemmDesc& d) override { DeviceGuard g(index_); cuda::gemm(d, stream()); }
  void rowwise(const RowDesc& d) override { DeviceGuard g(index_); cuda::rowwise(d, stream()); }
  void pairwise(const PairwiseDesc& d) override { DeviceGuard g(index_); cuda::pairwise(d, stream()); }
  void topk(const TopkDesc& d) override { DeviceGuard g(index_); cuda::topk(d, stream()); }
  void elementwise(const ElementwiseDesc& d) override { DeviceGuard g(index_); cuda::elementwise(d, stream()); }
  void gather(const GatherDesc& d) override { DeviceGuard g(index_); cuda::gather(d, stream()); }
  void reduce(const ReduceDesc& d) override { DeviceGuard g(index_); cuda::reduce(d, stream(), *this); }

 private:
  // This thread's stream for the device: a StreamGuard's (ndgpu/stream.hpp) or ctx_.stream.
  cudaStream_t stream() const {
    const StreamOverride& o = stream_override(index_);
    return o.set ? o.stream : ctx_.stream;
  }

  int index_;
  DeviceContext& ctx_;
  CachingAllocator pool_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(int index) { return std::make_unique<CudaBackend>(index); }

}  // namespace nd::cuda
