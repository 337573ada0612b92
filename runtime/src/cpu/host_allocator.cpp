#include "cpu/host_allocator.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <string>

#include "sanitizers.hpp"
#include "ndgpu/error.hpp"

namespace nd::host_memory {
namespace {

constexpr int64_t kAlign = 64;
// Blocks from kCached up are kept for reuse in a size-class map: malloc serves them with a fresh
// mmap each time (above its threshold), so every new 1e5-element array paid page faults for each
// page it wrote.
constexpr int64_t kCached = int64_t(64) << 10;
constexpr int64_t kLarge = int64_t(1) << 20;      // huge-paged from here up
constexpr int64_t kHuge = int64_t(2) << 20;       // huge page size: large blocks round up to it
// Idle large blocks: at most as much as the live data, or kIdleFloor when less is live, and
// never more than kMaxCached. A program whose arrays change size all the time (each size its own
// class) would otherwise hold kMaxCached of idle blocks it never reuses: 2.1 GiB resident for
// 295 MiB of live data in bench/memory/long_run.cpp.
constexpr int64_t kMaxCached = int64_t(2) << 30;
constexpr int64_t kIdleFloor = int64_t(256) << 20;
// Smaller blocks are kept too, on one intrusive free list per class (the block's first bytes
// link it; no map node): aligned_alloc + free cost a 10-element op as much as its whole kernel.
constexpr int kSmallBins = 36;                        // classes 64 B ... 56 KiB (small_bin)
constexpr int64_t kMaxSmallCached = int64_t(8) << 20;  // idle small blocks, all classes

// Classes: multiples of 64 bytes up to 256, then quarters of a power of two (at most 25 %
// unused), so that arrays of nearby sizes share blocks; huge pages for large blocks.
int64_t size_class(int64_t n) {
  if (n >= kLarge) return (n + kHuge - 1) / kHuge * kHuge;
  if (n > 256) {
    const int64_t step = static_cast<int64_t>(std::bit_floor(static_cast<uint64_t>(n))) / 4;
    const int64_t c = (n + step - 1) / step * step;
    return c < kLarge ? c : size_class(c);  // (896 KiB, 1 MiB) rounds up into the huge classes
  }
  return (std::max<int64_t>(n, 1) + kAlign - 1) / kAlign * kAlign;
}

// The free list of a class below kCached: 0-3 for 64-256 bytes, then four per power of two.
int small_bin(int64_t cls) {
  if (cls <= 256) return static_cast<int>(cls / kAlign) - 1;
  const int64_t f = static_cast<int64_t>(std::bit_floor(static_cast<uint64_t>(cls)));
  return 4 + 4 * (std::countr_zero(static_cast<uint64_t>(f)) - 8) + static_cast<int>((cls - f) / (f / 4));
}

// Blocks from kCached up come straight from mmap and go back with munmap: through malloc, a freed
// block of a few MiB stays in glibc's heap (its mmap threshold rises to 32 MiB after the first
// large free), so a run of changing sizes left 832 MiB resident after empty_cache() with nothing
// live (bench/memory/long_run.cpp). Fresh mappings are zeroed and faulted in lazily, as malloc's
// were. Huge-page blocks are 2 MiB-aligned (the mapping trimmed to the aligned span). Smaller
// blocks, and every block when the pool is bypassed (ASan must see them), use aligned_alloc.
bool mapped(int64_t size, bool pooled) { return pooled && size >= kCached; }
void* system_alloc(int64_t size, bool pooled) {
  if (!mapped(size, pooled)) return std::aligned_alloc(size >= kLarge ? kHuge : kAlign, size);
  const int64_t slack = size >= kLarge ? kHuge : 0;
  void* m = mmap(nullptr, size + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return nullptr;
  auto* base = static_cast<char*>(m);
  if (slack) {
    auto* p = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(base) + kHuge - 1) & ~uintptr_t(kHuge - 1));
    if (p > base) munmap(base, p - base);
    if (base + slack > p) munmap(p + size, base + slack - p);
    base = p;
  }
  return base;
}
void system_free(void* p, int64_t size, bool pooled) {
  if (mapped(size, pooled)) munmap(p, size);
  else std::free(p);
}

struct Pool {
  std::mutex mu;
  std::multimap<int64_t, void*> idle;  // size class -> block (from kCached up)
  void* small[kSmallBins] = {};        // free lists below kCached
  int64_t small_cached = 0;
  int64_t allocated = 0, reserved = 0, peak = 0, cached = 0;
  int64_t limit = -1;  // NDGPU_POOL_LIMIT
  bool enabled = true;
  Pool() {
#ifdef ND_ASAN
    enabled = false;
#endif
    if (const char* e = std::getenv("NDGPU_POOL"); e && std::string(e) == "off") enabled = false;
    if (const char* e = std::getenv("NDGPU_POOL_LIMIT"); e && *e) limit = std::atoll(e);
  }
  void* pop_small(int64_t size) {
    void*& head = small[small_bin(size)];
    void* p = head;
    if (p) {
      std::memcpy(&head, p, sizeof(void*));
      small_cached -= size;
      cached -= size;
    }
    return p;
  }
  void push_small(void* p, int64_t size) {
    void*& head = small[small_bin(size)];
    std::memcpy(p, &head, sizeof(void*));
    head = p;
    small_cached += size;
    cached += size;
  }
  int64_t idle_bound() const { return std::min(kMaxCached, std::max(kIdleFloor, allocated)); }
  // Frees the largest idle blocks until those left are within the bound.
  void trim_idle() {
    while (cached - small_cached > idle_bound() && !idle.empty()) {
      auto last = std::prev(idle.end());
      system_free(last->second, last->first, enabled);
      reserved -= last->first;
      cached -= last->first;
      idle.erase(last);
    }
  }
  void release_idle() {
    for (auto& [size, p] : idle) {
      system_free(p, size, enabled);
      reserved -= size;
    }
    idle.clear();
    for (void*& head : small)
      while (head) {
        void* p = head;
        std::memcpy(&head, p, sizeof(void*));
        std::free(p);
      }
    reserved -= small_cached;
    small_cached = 0;
    cached = 0;
  }
};
Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: arrays may be freed after main returns
  return *p;
}

std::string mib(int64_t b) { return std::to_string(b / (1 << 20)) + " MiB"; }

}  // namespace

void* allocate(int64_t nbytes) {
  Pool& P = pool();
  const int64_t size = size_class(nbytes);
  std::lock_guard<std::mutex> lock(P.mu);
  if (P.enabled && size < kCached) {
    if (void* p = P.pop_small(size)) {
      P.allocated += size;
      P.peak = std::max(P.peak, P.allocated);
      return p;
    }
  } else if (P.enabled) {
    auto it = P.idle.find(size);
    if (it != P.idle.end()) {
      void* p = it->second;
      P.idle.erase(it);
      P.cached -= size;
      P.allocated += size;
      P.peak = std::max(P.peak, P.allocated);
      return p;
    }
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool over_limit = P.limit >= 0 && P.reserved + size > P.limit;
    void* p = over_limit ? nullptr : system_alloc(size, P.enabled);
    if (p) {
      if (size >= kLarge) madvise(p, size, MADV_HUGEPAGE);
      P.reserved += size;
      P.allocated += size;
      P.peak = std::max(P.peak, P.allocated);
      if (size >= kCached) P.trim_idle();  // a new class: the idle ones may be past their use
      return p;
    }
    if (attempt == 0) P.release_idle();  // free the cache and retry once
  }
  throw OutOfMemory("out of memory on cpu: tried to allocate " + std::to_string(nbytes) +
                    " bytes (" + mib(nbytes) + "); " + mib(P.allocated) + " allocated, " +
                    mib(P.cached) + " cached" +
                    (P.limit >= 0 ? ", limit " + mib(P.limit) + " (NDGPU_POOL_LIMIT)" : ""));
}

void deallocate(void* p, int64_t nbytes) noexcept {
  if (!p) return;
  Pool& P = pool();
  const int64_t size = size_class(nbytes);
  std::lock_guard<std::mutex> lock(P.mu);
  P.allocated -= size;
  if (P.enabled && size < kCached) {
    if (P.small_cached + size <= kMaxSmallCached) {
      P.push_small(p, size);
      return;
    }
  } else if (P.enabled && P.cached - P.small_cached + size <= P.idle_bound()) {
    P.idle.emplace(size, p);
    P.cached += size;
    return;
  }
  system_free(p, size, P.enabled);
  P.reserved -= size;
  P.trim_idle();  // less is live now: the bound may have come down
}

MemoryStats stats() {
  Pool& P = pool();
  std::lock_guard<std::mutex> lock(P.mu);
  return {P.allocated, P.reserved, P.peak};
}

void reset_peak() {
  Pool& P = pool();
  std::lock_guard<std::mutex> lock(P.mu);
  P.peak = P.allocated;
}

void empty_cache() noexcept {
  Pool& P = pool();
  std::lock_guard<std::mutex> lock(P.mu);
  P.release_idle();
}

}  // namespace nd::host_memory
