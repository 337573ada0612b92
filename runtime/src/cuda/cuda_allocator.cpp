#include "cuda/cuda_allocator.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <string>

#include "cuda/cuda_check.hpp"
#include "cuda/cuda_device.hpp"
#include "sanitizers.hpp"
#include "ndgpu/error.hpp"

#if NDGPU_CUDA_EMULATION && ND_ASAN  // emulated device memory is host memory ASan can see
#include <sanitizer/asan_interface.h>
#define ND_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define ND_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ND_POISON(p, n) ((void)(p), (void)(n))
#define ND_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace nd::cuda {
namespace {

std::string mib(int64_t b) {
  return std::to_string(b) + " bytes (" + std::to_string(b / (1 << 20)) + " MiB)";
}

// Marks [p, p+requested) usable and the rest of the block poisoned (touching only what changes:
// a fresh block is unpoisoned, a cached one poisoned throughout).
void expose(void* p, int64_t requested, int64_t size) {
  ND_UNPOISON(p, requested);
  ND_POISON(static_cast<char*>(p) + requested, size - requested);
}

uintptr_t key(const void* p) { return reinterpret_cast<uintptr_t>(p); }

}  // namespace

CachingAllocator::CachingAllocator(int device, cudaStream_t device_stream)
    : device_(device), device_stream_(device_stream) {
  if (const char* e = std::getenv("NDGPU_POOL"); e && std::string(e) == "off") caching_ = false;
  if (const char* e = std::getenv("NDGPU_POOL_LIMIT"); e && *e) limit_ = std::atoll(e);
}

CachingAllocator::~CachingAllocator() { empty_cache(); }

int64_t CachingAllocator::size_class(int64_t n) {
  if (n <= 512) return 512;
  const auto pow2 = static_cast<int64_t>(std::bit_floor(static_cast<uint64_t>(n - 1)));  // < n <= 2x
  const int64_t step = std::max<int64_t>(512, pow2 / 4);
  return (n + step - 1) / step * step;     // at most 25% above the request
}

bool CachingAllocator::ready_for(const Block& b, cudaStream_t stream) const noexcept {
  if (b.events.empty()) return b.home == stream;  // stream order: later work runs after its uses
  for (cudaEvent_t e : b.events) {
    const cudaError_t st = cudaEventQuery(e);  // never blocks
    if (st == cudaSuccess) continue;
    if (st != cudaErrorNotReady) (void)cudaGetLastError();
    return false;
  }
  return true;
}

void* CachingAllocator::take_cached(int64_t size, int64_t nbytes, cudaStream_t stream) {
  auto [first, last] = cached_.equal_range(static_cast<uintptr_t>(size));
  for (auto it = first; it != last; ++it) {
    if (!ready_for(it->second, stream)) continue;
    auto node = cached_.extract(it);
    Block& b = node.mapped();
    cached_bytes_ -= size;
    spare_events_.insert(spare_events_.end(), b.events.begin(), b.events.end());
    b.events.clear();
    b.uses.clear();
    b.requested = nbytes;
    b.home = stream;
    expose(b.ptr, nbytes, size);
    node.key() = key(b.ptr);
    void* p = b.ptr;
    live_.insert(std::move(node));
    return p;
  }
  return nullptr;
}

void* CachingAllocator::allocate(int64_t nbytes, cudaStream_t stream) {
  const int64_t size = size_class(nbytes);
  void* p = nullptr;
  for (int attempt = 0; attempt < 2 && !p; ++attempt) {
    bool over_limit = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (caching_) p = take_cached(size, nbytes, stream);
      over_limit = !p && limit_ >= 0 && allocated_ + cached_bytes_ + size > limit_;
      if (!over_limit) {  // a fresh block is counted before the driver call, undone on failure
        allocated_ += size;
        if (stream != device_stream_) foreign_live_.fetch_add(1, std::memory_order_relaxed);
      }
      if (p) {
        peak_ = std::max(peak_, allocated_);
        return p;
      }
    }
    if (!over_limit) {
      const cudaError_t e = cudaMalloc(&p, static_cast<size_t>(size));
      if (e != cudaSuccess) {
        p = nullptr;
        {
          std::lock_guard<std::mutex> lock(mu_);
          allocated_ -= size;
        }
        if (stream != device_stream_) foreign_live_.fetch_sub(1, std::memory_order_relaxed);
        if (e != cudaErrorMemoryAllocation) throw_cuda_error(e, "cudaMalloc", __FILE__, __LINE__);
        (void)cudaGetLastError();  // clear before retrying (pytorch#13751)
      }
    }
    if (!p && attempt == 0) release_cache();  // free the cache and retry once
  }
  if (!p) throw_oom(nbytes, size);
  expose(p, nbytes, size);
  Block b;
  b.ptr = p;
  b.size = size;
  b.requested = nbytes;
  b.home = stream;
  std::lock_guard<std::mutex> lock(mu_);
  peak_ = std::max(peak_, allocated_);
  live_.emplace(key(p), std::move(b));
  return p;
}

void CachingAllocator::record_use(const void* p, cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.upper_bound(key(p));
  if (it == live_.begin()) return;
  --it;
  Block& b = it->second;
  if (key(p) - it->first >= static_cast<uintptr_t>(b.size) || stream == b.home) return;
  if (std::find(b.uses.begin(), b.uses.end(), stream) == b.uses.end()) b.uses.push_back(stream);
}

// Records one event on the block's home and on each stream it was used on. Driver calls only:
// the caller does not hold the mutex and owns the block.
bool CachingAllocator::record_free_events(Block& b) noexcept {
  DeviceGuard guard(device_, std::nothrow);
  if (!guard.ok()) return false;
  const size_t needed = b.uses.size() + 1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!spare_events_.empty() && b.events.size() < needed) {
      b.events.push_back(spare_events_.back());
      spare_events_.pop_back();
    }
  }
  while (b.events.size() < needed) {
    cudaEvent_t e = nullptr;
    if (!ND_CUDA_CHECK_NOTHROW(cudaEventCreateWithFlags(&e, cudaEventDisableTiming)) || !e) return false;
    b.events.push_back(e);
  }
  bool ok = ND_CUDA_CHECK_NOTHROW(cudaEventRecord(b.events[0], b.home));
  for (size_t k = 0; ok && k < b.uses.size(); ++k)
    ok = ND_CUDA_CHECK_NOTHROW(cudaEventRecord(b.events[k + 1], b.uses[k]));
  return ok;
}

void CachingAllocator::deallocate(void* p) noexcept {
  if (!p) return;
  Live::node_type node;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live_.find(key(p));
    if (it == live_.end()) return;  // not ours: nothing sane to do in a noexcept path
    node = live_.extract(it);
    allocated_ -= node.mapped().size;
  }
  Block& b = node.mapped();
  if (b.home != device_stream_) foreign_live_.fetch_sub(1, std::memory_order_relaxed);
  const bool cache = caching_ && (b.uses.empty() || record_free_events(b));
  if (!cache) {
    Cached one;
    node.key() = static_cast<uintptr_t>(b.size);
    one.insert(std::move(node));
    release_blocks(one);
    return;
  }
  ND_POISON(b.ptr, b.size);
  node.key() = static_cast<uintptr_t>(b.size);
  std::lock_guard<std::mutex> lock(mu_);
  cached_bytes_ += b.size;
  cached_.insert(std::move(node));
}

// Waits for each block's last uses, then returns it (and its events) to the driver.
void CachingAllocator::release_blocks(Cached& blocks) noexcept {
  if (blocks.empty()) return;
  DeviceGuard guard(device_, std::nothrow);
  for (auto& [size, b] : blocks) {
    for (cudaEvent_t e : b.events) {
      (void)ND_CUDA_CHECK_NOTHROW(cudaEventSynchronize(e));
      (void)ND_CUDA_CHECK_NOTHROW(cudaEventDestroy(e));
    }
    ND_UNPOISON(b.ptr, b.size);
    (void)ND_CUDA_CHECK_NOTHROW(cudaFree(b.ptr));  // cudaFree waits for the device's work
  }
  blocks.clear();
}

void CachingAllocator::release_cache() noexcept {
  Cached taken;
  std::vector<cudaEvent_t> spare;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taken.swap(cached_);
    spare.swap(spare_events_);
    cached_bytes_ = 0;
  }
  release_blocks(taken);
  DeviceGuard guard(device_, std::nothrow);
  for (cudaEvent_t e : spare) (void)ND_CUDA_CHECK_NOTHROW(cudaEventDestroy(e));
}

void CachingAllocator::empty_cache() noexcept { release_cache(); }

MemoryStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {allocated_, allocated_ + cached_bytes_, peak_};
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mu_);
  peak_ = allocated_;
}

void CachingAllocator::throw_oom(int64_t nbytes, int64_t size) {
  std::string msg = "out of memory on cuda:" + std::to_string(device_) + ": tried to allocate " +
                    mib(nbytes);
  if (size != nbytes) msg += " (size class " + std::to_string(size) + ")";
  std::lock_guard<std::mutex> lock(mu_);
  msg += "; " + mib(allocated_) + " allocated, " + mib(cached_bytes_) + " cached";
  if (limit_ >= 0) msg += ", limit " + mib(limit_) + " (NDGPU_POOL_LIMIT)";
  throw OutOfMemory(msg);
}

}  // namespace nd::cuda
