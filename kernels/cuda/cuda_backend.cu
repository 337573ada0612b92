#include "cuda/cuda_backend.cuh"

#include <string>

#include "cuda/cuda_allocator.hpp"
#include "cuda/cuda_check.hpp"
#include "cuda/cuda_device.hpp"

namespace nd::cuda {

namespace {

// Every device address an op reads or writes, for the allocator's use records.
template <class F> void for_each_pointer(const CopyDesc& d, F f) { f(d.dst.data); f(d.src.data); }
template <class F> void for_each_pointer(const FillDesc& d, F f) { f(d.dst.data); }
template <class F> void for_each_pointer(const RandomDesc& d, F f) { f(d.out.data); }
template <class F> void for_each_pointer(const GatherDesc& d, F f) {
  f(d.dense.data); f(d.indexed.data); f(d.offsets);
}
template <class F> void for_each_pointer(const MaskDesc& d, F f) {
  f(d.mask.data); f(d.data.data); f(d.counts); f(d.out); f(d.value);
}
template <class F> void for_each_pointer(const RowsDesc& d, F f) {
  f(d.index); f(d.table); f(d.dense); f(d.bad);
}
template <class F> void for_each_pointer(const ElementwiseDesc& d, F f) {
  f(d.out.data);
  for (int k = 0; k < d.nin; ++k)
    if (!((d.scalar_mask >> k) & 1u)) f(d.in[k].data);
}
template <class F> void for_each_pointer(const GemmDesc& d, F f) { f(d.a); f(d.b); f(d.c); }
template <class F> void for_each_pointer(const RowDesc& d, F f) { f(d.in.data); f(d.out.data); }
template <class F> void for_each_pointer(const PairwiseDesc& d, F f) { f(d.x); f(d.y); f(d.out); }
template <class F> void for_each_pointer(const KMeansStepDesc& d, F f) {
  f(d.x); f(d.centroids); f(d.labels); f(d.sums);
}
template <class F> void for_each_pointer(const TopkDesc& d, F f) {
  f(d.in.data); f(d.values); f(d.indices);
}
template <class F> void for_each_pointer(const ReduceDesc& d, F f) { f(d.in.data); f(d.out.data); }

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int index)
      : index_(index), ctx_(device_context(index)), pool_(index, ctx_.stream) {}

  Device device() const override { return Device::cuda(index_); }

  void* allocate(int64_t nbytes) override {
    DeviceGuard g(index_);
    return pool_.allocate(nbytes, stream());
  }
  void deallocate(void* p, int64_t) noexcept override { pool_.deallocate(p); }

  void copy_from_host(void* dst, const void* src, int64_t n) override {
    DeviceGuard g(index_);
    const cudaStream_t s = used_on_stream(dst);
    // From pageable memory this returns once `src` has been staged, so the caller may free it.
    ND_CUDA_CHECK(cudaMemcpyAsync(dst, src, n, cudaMemcpyHostToDevice, s));
  }
  void copy_to_host(void* dst, const void* src, int64_t n) override {
    DeviceGuard g(index_);
    const cudaStream_t s = used_on_stream(src);
    ND_CUDA_CHECK(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, s));
    ND_CUDA_CHECK(cudaStreamSynchronize(s));
  }
  void synchronize() override {
    DeviceGuard g(index_);
    ND_CUDA_CHECK(cudaStreamSynchronize(stream()));
  }
  MemoryStats memory_stats() const override { return pool_.stats(); }
  void reset_peak_memory_stats() override { pool_.reset_peak(); }
  void empty_cache() noexcept override { pool_.empty_cache(); }

  // 16-bit float rows in search (read as stored, accumulated in float64) and matmul operands
  // (cublasGemmEx, float32 accumulation); host/ widens them for the other families.
  bool takes_opmath(Opmath f) const override { return f == Opmath::search || f == Opmath::matmul; }

  // One forwarding line per kernel family.
  void copy(const CopyDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::copy(x, s); }); }
  void fill(const FillDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::fill(x, s); }); }
  void random(const RandomDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::random(x, s); }); }
  void gemm(const GemmDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::gemm(x, s); }); }
  void rowwise(const RowDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::rowwise(x, s); }); }
  void pairwise(const PairwiseDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::pairwise(x, s); }); }
  bool kmeans_step(const KMeansStepDesc& d) override {
    bool taken = false;
    run(d, [&](auto& x, cudaStream_t s) { taken = cuda::kmeans_step(x, s, *this); });
    return taken;
  }
  void topk(const TopkDesc& d) override { run(d, [this](auto& x, cudaStream_t s) { cuda::topk(x, s, *this); }); }
  void elementwise(const ElementwiseDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::elementwise(x, s); }); }
  void gather(const GatherDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::gather(x, s); }); }
  void mask_count(const MaskDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::mask_count(x, s); }); }
  void mask_apply(const MaskDesc& d) override { run(d, [](auto& x, cudaStream_t s) { cuda::mask_apply(x, s); }); }
  void rows(const RowsDesc& d) override { run(d, [this](auto& x, cudaStream_t s) { cuda::rows(x, s, *this); }); }
  void reduce(const ReduceDesc& d) override { run(d, [this](auto& x, cudaStream_t s) { cuda::reduce(x, s, *this); }); }

 private:
  // This thread's stream for the device: a StreamGuard's (ndgpu/stream.hpp) or ctx_.stream.
  cudaStream_t stream() const {
    const StreamOverride& o = stream_override(index_);
    return o.set ? o.stream : ctx_.stream;
  }
  // This thread's stream, after telling the allocator that `p` is used on it.
  cudaStream_t used_on_stream(const void* p) {
    const cudaStream_t s = stream();
    if (pool_.needs_use_records(s)) pool_.record_use(p, s);
    return s;
  }
  // Every op: the device made current, its operands' uses recorded, the kernel enqueued.
  template <class Desc, class Enqueue>
  void run(const Desc& d, Enqueue enqueue) {
    DeviceGuard g(index_);
    const cudaStream_t s = stream();
    if (pool_.needs_use_records(s))
      for_each_pointer(d, [&](const void* p) { if (p) pool_.record_use(p, s); });
    enqueue(d, s);
  }

  int index_;
  DeviceContext& ctx_;
  CachingAllocator pool_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(int index) { return std::make_unique<CudaBackend>(index); }

}  // namespace nd::cuda
