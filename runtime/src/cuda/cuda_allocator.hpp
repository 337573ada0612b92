// The caching device allocator, one per device (docs/runtime.md "The device allocator": no
// cudaMalloc/cudaFree on the hot path, and a freed block is never handed to a stream while
// work that used it may still run on another one).
// - Requests round up to size classes (4 steps per power of two, at least 512 bytes); a freed
//   block is cached and handed out again for the same class.
// - Each block knows the stream it was allocated on (its home) and every other stream an op used
//   it on (record_use: the CUDA backend calls it for each operand when ops run on more than one
//   stream, PyTorch's record_stream made automatic). Freed, a block used on its home stream only
//   is cached at once, with no event and no driver call, for its home stream alone (stream order
//   makes that safe). A block used on other streams too gets an event recorded on each of those
//   streams and on its home, and is handed to any stream only after all of them completed.
// - Driver calls that may block or take the driver's locks (cudaMalloc, cudaFree, event creation,
//   recording and synchronisation) run outside the pool's mutex; under it run only map
//   operations and cudaEventQuery, which never blocks. The hot path (a cached block on its home
//   stream, allocate and free) allocates no heap memory: map nodes move between the two maps.
// - Every driver call is made with the pool's device current (deallocate may run on any thread
//   with any device current).
// - NDGPU_POOL=off: pass-through (cudaMalloc/cudaFree per request), for compute-sanitizer.
//   NDGPU_POOL_LIMIT=<bytes>: cap on reserved bytes, so out-of-memory can be tested.
// - Out of memory: clear the CUDA error, free the cache, retry once, then nd::OutOfMemory naming
//   the request and what is allocated and cached.
// - Under the SIMT emulation with ASan, cached blocks and the tail past each request are poisoned,
//   so the pool does not hide overflows or use-after-free (bitcoin#32581).
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "cuda/cuda_api.hpp"
#include "ndgpu/device.hpp"

namespace nd::cuda {

class CachingAllocator {
 public:
  // `device_stream`: the device's own stream (ops on it need no use records until a block
  // lives on another stream).
  CachingAllocator(int device, cudaStream_t device_stream);
  ~CachingAllocator();  // frees the cache; never throws
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Never returns null; `stream` becomes the block's home.
  void* allocate(int64_t nbytes, cudaStream_t stream);
  // Never throws; may run on any thread, with any device current.
  void deallocate(void* p) noexcept;
  // An op on `stream` reads or writes the block holding address p (ignored when p is not in a
  // live block of this pool, e.g. DLPack memory).
  void record_use(const void* p, cudaStream_t stream);
  // False while every use on `stream` is known to be on its block's home (no lock taken).
  bool needs_use_records(cudaStream_t stream) const noexcept {
    return stream != device_stream_ || foreign_live_.load(std::memory_order_relaxed) != 0;
  }
  MemoryStats stats() const;
  void reset_peak();
  void empty_cache() noexcept;

  static int64_t size_class(int64_t nbytes);

 private:
  struct Block {
    void* ptr = nullptr;
    int64_t size = 0;       // size class
    int64_t requested = 0;  // bytes asked for (for poisoning)
    cudaStream_t home = nullptr;
    std::vector<cudaStream_t> uses;   // other streams it was used on
    std::vector<cudaEvent_t> events;  // recorded at free on home and uses; empty: home only
  };
  using Live = std::map<uintptr_t, Block>;        // by address
  using Cached = std::multimap<uintptr_t, Block>;  // by size class (same node type as Live)

  bool ready_for(const Block& b, cudaStream_t stream) const noexcept;  // mutex held
  void* take_cached(int64_t size, int64_t nbytes, cudaStream_t stream);  // mutex held
  bool record_free_events(Block& b) noexcept;
  void release_cache() noexcept;
  void release_blocks(Cached& blocks) noexcept;  // mutex not held
  [[noreturn]] void throw_oom(int64_t nbytes, int64_t size);

  int device_;
  cudaStream_t device_stream_;
  bool caching_ = true;
  int64_t limit_ = -1;
  mutable std::mutex mu_;
  Live live_;
  Cached cached_;
  std::vector<cudaEvent_t> spare_events_;  // recorded before, now free for reuse
  int64_t allocated_ = 0, cached_bytes_ = 0, peak_ = 0;
  std::atomic<int64_t> foreign_live_{0};  // live blocks whose home is not device_stream_
};

}  // namespace nd::cuda
