// A small persistent thread pool: parallel_for splits [0, n) into one chunk per core.
#pragma once
#include <cstdint>
#include <functional>

namespace nd::cpu {

// Number of threads parallel_for uses (hardware threads; NDGPU_NUM_THREADS overrides).
int num_threads();

// Calls fn(begin, end) on disjoint chunks covering [0, n). Runs inline when n < 2 * grain or
// when called from inside a worker. Exceptions from fn are rethrown on the caller.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace nd::cpu
