#include "cpu/cpu_backend.hpp"

#include <cstring>

#include "cpu/host_allocator.hpp"
#include "cpu/parallel.hpp"
#include "cpu_blas.hpp"

namespace nd::cpu {
namespace {

// Host memory to or from an array (nd::array(vector), to_vector): one memcpy per core from 1 MiB
// on, as the strided copy kernel does -- one core's memcpy reaches about half of this machine's
// bandwidth (4 MB: 122 us on one core).
void copy_bytes(void* dst, const void* src, int64_t n) {
  parallel_for(n, int64_t{512} << 10, [&](int64_t b, int64_t e) {
    std::memcpy(static_cast<char*>(dst) + b, static_cast<const char*>(src) + b, static_cast<size_t>(e - b));
  });
}

class CpuBackend final : public Backend {
 public:
  CpuBackend() {  // docs/blas.md
    blas::warn_once_if_generic();     // never a silently slow matmul
    blas::use_calling_thread_only();  // our pool splits the products
  }
  Device device() const override { return Device::cpu(); }
  void* allocate(int64_t nbytes) override { return host_memory::allocate(nbytes); }
  void deallocate(void* p, int64_t nbytes) noexcept override { host_memory::deallocate(p, nbytes); }
  void copy_from_host(void* dst, const void* src, int64_t n) override { copy_bytes(dst, src, n); }
  void copy_to_host(void* dst, const void* src, int64_t n) override { copy_bytes(dst, src, n); }
  void synchronize() override {}
  MemoryStats memory_stats() const override { return host_memory::stats(); }
  void reset_peak_memory_stats() override { host_memory::reset_peak(); }
  void empty_cache() noexcept override { host_memory::empty_cache(); }

  void copy(const CopyDesc& d) override { cpu::copy(d); }
  void fill(const FillDesc& d) override { cpu::fill(d); }
  void random(const RandomDesc& d) override { cpu::random(d); }
  void elementwise(const ElementwiseDesc& d) override { cpu::elementwise(d); }
  bool takes_opmath(Opmath) const override { return true; }
  void gemm(const GemmDesc& d) override { cpu::gemm(d); }
  void rowwise(const RowDesc& d) override { cpu::rowwise(d); }
  void pairwise(const PairwiseDesc& d) override { cpu::pairwise(d); }
  void topk(const TopkDesc& d) override { cpu::topk(d); }
  void gather(const GatherDesc& d) override { cpu::gather(d); }
  void mask_count(const MaskDesc& d) override { cpu::mask_count(d); }
  void mask_apply(const MaskDesc& d) override { cpu::mask_apply(d); }
  void rows(const RowsDesc& d) override { cpu::rows(d); }
  void reduce(const ReduceDesc& d) override { cpu::reduce(d); }
  bool attention(const AttentionDesc& d) override { return cpu::attention(d); }
  bool kmeans_step(const KMeansStepDesc& d) override { return cpu::kmeans_step(d); }
};

}  // namespace

std::unique_ptr<Backend> make_backend(int) { return std::make_unique<CpuBackend>(); }

}  // namespace nd::cpu
