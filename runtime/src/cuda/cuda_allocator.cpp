#include "cuda/cuda_allocator.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "cuda/cuda_check.hpp"
#include "asan.hpp"
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

}  // namespace

CachingAllocator::CachingAllocator(int device) : device_(device) {
  if (const char* e = std::getenv("NDGPU_POOL"); e && std::string(e) == "off") caching_ = false;
  if (const char* e = std::getenv("NDGPU_POOL_LIMIT"); e && *e) limit_ = std::atoll(e);
}

CachingAllocator::~CachingAllocator() { empty_cache(); }

int64_t CachingAllocator::size_class(int64_t n) {
  if (n <= 512) return 512;
  int64_t pow2 = 1;
  while (pow2 * 2 < n) pow2 *= 2;          // pow2 < n <= 2 * pow2
  const int64_t step = std::max<int64_t>(512, pow2 / 4);
  return (n + step - 1) / step * step;     // at most 25% above the request
}

bool CachingAllocator::ready_for(const Block& b, cudaStream_t stream) const noexcept {
  if (b.stream == stream) return true;  // stream order: later work runs after the last use
  const cudaError_t e = cudaEventQuery(b.event);
  if (e == cudaSuccess) return true;
  if (e != cudaErrorNotReady) (void)cudaGetLastError();
  return false;
}

void* CachingAllocator::allocate(int64_t nbytes, cudaStream_t stream) {
  const int64_t size = size_class(nbytes);
  std::lock_guard<std::mutex> lock(mu_);
  if (caching_) {
    auto [first, last] = cached_.equal_range(size);
    for (auto it = first; it != last; ++it) {
      if (!ready_for(it->second, stream)) continue;
      Block b = it->second;
      cached_.erase(it);
      cached_bytes_ -= size;
      b.requested = nbytes;
      b.stream = stream;
      expose(b.ptr, nbytes, size);
      allocated_ += size;
      peak_ = std::max(peak_, allocated_);
      live_.emplace(b.ptr, b);
      return b.ptr;
    }
  }
  void* p = nullptr;
  for (int attempt = 0; attempt < 2 && !p; ++attempt) {
    const bool over_limit = limit_ >= 0 && allocated_ + cached_bytes_ + size > limit_;
    if (!over_limit) {
      const cudaError_t e = cudaMalloc(&p, static_cast<size_t>(size));
      if (e != cudaSuccess) {
        p = nullptr;
        if (e != cudaErrorMemoryAllocation) throw_cuda_error(e, "cudaMalloc", __FILE__, __LINE__);
        (void)cudaGetLastError();  // clear before retrying (pytorch#13751)
      }
    }
    if (!p && attempt == 0) release_cache_locked();  // free the cache and retry once
  }
  if (!p) throw_oom(nbytes, size);
  expose(p, nbytes, size);
  allocated_ += size;
  peak_ = std::max(peak_, allocated_);
  live_.emplace(p, Block{p, size, nbytes, stream, nullptr});
  return p;
}

void CachingAllocator::deallocate(void* p, cudaStream_t stream) noexcept {
  if (!p) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(p);
  if (it == live_.end()) return;  // not ours: nothing sane to do in a noexcept path
  Block b = it->second;
  live_.erase(it);
  allocated_ -= b.size;
  b.stream = stream;
  bool cache = caching_;
  if (cache && !b.event)
    cache = ND_CUDA_CHECK_NOTHROW(cudaEventCreateWithFlags(&b.event, cudaEventDisableTiming)) &&
            b.event != nullptr;
  if (cache) cache = ND_CUDA_CHECK_NOTHROW(cudaEventRecord(b.event, stream));
  if (!cache) {
    if (b.event) (void)ND_CUDA_CHECK_NOTHROW(cudaEventDestroy(b.event));
    ND_UNPOISON(b.ptr, b.size);
    (void)ND_CUDA_CHECK_NOTHROW(cudaFree(b.ptr));
    return;
  }
  ND_POISON(b.ptr, b.size);
  cached_bytes_ += b.size;
  cached_.emplace(b.size, b);
}

void CachingAllocator::release_cache_locked() noexcept {
  for (auto& [size, b] : cached_) {
    if (b.event) {
      (void)ND_CUDA_CHECK_NOTHROW(cudaEventSynchronize(b.event));  // its last use is done
      (void)ND_CUDA_CHECK_NOTHROW(cudaEventDestroy(b.event));
    }
    ND_UNPOISON(b.ptr, b.size);
    (void)ND_CUDA_CHECK_NOTHROW(cudaFree(b.ptr));
  }
  cached_.clear();
  cached_bytes_ = 0;
}

void CachingAllocator::empty_cache() noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  release_cache_locked();
}

MemoryStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {allocated_, allocated_ + cached_bytes_, peak_};
}

void CachingAllocator::throw_oom(int64_t nbytes, int64_t size) const {
  std::string msg = "out of memory on cuda:" + std::to_string(device_) + ": tried to allocate " +
                    mib(nbytes);
  if (size != nbytes) msg += " (size class " + std::to_string(size) + ")";
  msg += "; " + mib(allocated_) + " allocated, " + mib(cached_bytes_) + " cached";
  if (limit_ >= 0) msg += ", limit " + mib(limit_) + " (NDGPU_POOL_LIMIT)";
  throw OutOfMemory(msg);
}

}  // namespace nd::cuda
