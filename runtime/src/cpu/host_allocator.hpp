// Host memory for CPU arrays: 64-byte aligned; blocks of 1 MiB and more are backed by transparent
// huge pages and cached for reuse (a fresh 40 MB result otherwise pays its page faults on every
// call; docs/performance.md 5). NDGPU_POOL=off (and ASan builds) bypass the cache so sanitizers see
// every allocation. NDGPU_POOL_LIMIT=<bytes> caps what is held, to test out-of-memory.
#pragma once
#include <cstdint>

#include "ndgpu/device.hpp"

namespace nd::host_memory {

void* allocate(int64_t nbytes);                 // throws OutOfMemory
void deallocate(void* p, int64_t nbytes) noexcept;
MemoryStats stats();
void reset_peak();
void empty_cache() noexcept;

}  // namespace nd::host_memory
