// The caching device allocator, one per device (PERFORMANCE.md: no cudaMalloc/cudaFree on the
// hot path; RELIABILITY.md "Memory").
// - Requests round up to size classes (4 steps per power of two, at least 512 bytes); a freed
//   block is cached and handed out again for the same class.
// - A freed block is reused at once only on the stream that freed it (stream order makes that
//   safe); any other stream gets it only after the event recorded at free time has completed.
// - NDGPU_POOL=off: pass-through (cudaMalloc/cudaFree per request), for compute-sanitizer.
//   NDGPU_POOL_LIMIT=<bytes>: cap on reserved bytes, so out-of-memory can be tested.
// - Out of memory: clear the CUDA error, free the cache, retry once, then nd::OutOfMemory naming
//   the request and what is allocated and cached.
// - Under the SIMT emulation with ASan, cached blocks and the tail past each request are poisoned,
//   so the pool does not hide overflows or use-after-free (bitcoin#32581).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

#include "cuda/cuda_api.hpp"
#include "ndgpu/device.hpp"

namespace nd::cuda {

class CachingAllocator {
 public:
  explicit CachingAllocator(int device);
  ~CachingAllocator();  // frees the cache; never throws
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Never returns null; the caller has made `device` current.
  void* allocate(int64_t nbytes, cudaStream_t stream);
  // `stream`: where the block's last use was enqueued. Never throws.
  void deallocate(void* p, cudaStream_t stream) noexcept;
  MemoryStats stats() const;
  void empty_cache() noexcept;

  static int64_t size_class(int64_t nbytes);

 private:
  struct Block {
    void* ptr = nullptr;
    int64_t size = 0;       // size class
    int64_t requested = 0;  // bytes asked for (for poisoning)
    cudaStream_t stream = nullptr;
    cudaEvent_t event = nullptr;  // recorded on `stream` when freed
  };
  bool ready_for(const Block& b, cudaStream_t stream) const noexcept;
  void release_cache_locked() noexcept;
  [[noreturn]] void throw_oom(int64_t nbytes, int64_t size) const;

  int device_;
  bool caching_ = true;
  int64_t limit_ = -1;
  mutable std::mutex mu_;
  std::unordered_map<void*, Block> live_;
  std::multimap<int64_t, Block> cached_;
  int64_t allocated_ = 0, cached_bytes_ = 0, peak_ = 0;
};

}  // namespace nd::cuda
