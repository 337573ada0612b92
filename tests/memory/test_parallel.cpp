// The CPU thread pool (kernels/cpu/parallel.hpp): every index once, nested calls inline on their
// worker, an exception in a chunk rethrown on the caller with the pool still usable after it.
// That reductions give the same bits on 1 and N threads is checked by running the canonical-order
// tests (tests/reduce/test_reduce_order.cpp) under NDGPU_NUM_THREADS=1 and =3 (tests/CMakeLists.txt).
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cpu/parallel.hpp"

namespace {

using nd::cpu::parallel_for;

std::vector<int> coverage(int64_t n, int64_t grain) {
  std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
  parallel_for(n, grain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
  });
  std::vector<int> out;
  for (auto& h : hits) out.push_back(h.load());
  return out;
}

// How many chunks a large range is split into: one per pool thread (whichever threads run them),
// or one if the caller is (still) marked as running inside a worker.
int chunks_seen() {
  std::atomic<int> calls{0};
  parallel_for(1 << 16, 1, [&](int64_t, int64_t) { calls.fetch_add(1); });
  return calls.load();
}

TEST(ThreadPool, EveryIndexRunsExactlyOnce) {
  for (int64_t n : {0, 1, 7, 100, 4097, 100003})
    for (int64_t grain : {1, 64, 1 << 20}) {
      const std::vector<int> hits = coverage(n, grain);
      EXPECT_EQ(hits, std::vector<int>(static_cast<size_t>(n), 1)) << n << " grain " << grain;
    }
}

TEST(ThreadPool, SmallRangesRunInlineOnTheCaller) {
  const auto caller = std::this_thread::get_id();
  bool inline_only = true;
  parallel_for(10, 64, [&](int64_t, int64_t) { inline_only = inline_only && std::this_thread::get_id() == caller; });
  EXPECT_TRUE(inline_only);
}

TEST(ThreadPool, NestedCallsRunInlineOnTheirThread) {
  const int64_t n = 64, m = 1000;
  std::vector<std::atomic<int>> hits(n * m);
  std::atomic<int> foreign{0};
  parallel_for(n, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const auto outer = std::this_thread::get_id();
      parallel_for(m, 1, [&](int64_t b2, int64_t e2) {
        if (std::this_thread::get_id() != outer) foreign.fetch_add(1);
        for (int64_t j = b2; j < e2; ++j) hits[i * m + j].fetch_add(1);
      });
    }
  });
  EXPECT_EQ(foreign.load(), 0);
  int wrong = 0;
  for (auto& h : hits) wrong += h.load() != 1;
  EXPECT_EQ(wrong, 0);
}

TEST(ThreadPool, AnExceptionInAChunkReachesTheCallerAndThePoolGoesOn) {
  for (int64_t bad : {0, 99999}) {  // the caller's own chunk, and a worker's
    EXPECT_THROW(parallel_for(100000, 1, [&](int64_t b, int64_t e) {
                   if (b <= bad && bad < e) throw std::runtime_error("chunk failed");
                 }),
                 std::runtime_error);
    EXPECT_EQ(coverage(100000, 1), std::vector<int>(100000, 1));
    EXPECT_EQ(chunks_seen(), nd::cpu::num_threads());  // the caller is not left marked as a worker
  }
  std::atomic<int> outer_ran{0};
  EXPECT_THROW(parallel_for(1000, 1, [&](int64_t, int64_t) {
                 outer_ran.fetch_add(1);
                 parallel_for(1000, 1, [](int64_t, int64_t) { throw std::logic_error("inner"); });
               }),
               std::logic_error);
  EXPECT_GE(outer_ran.load(), 1);
  EXPECT_EQ(coverage(5000, 1), std::vector<int>(5000, 1));
  EXPECT_EQ(chunks_seen(), nd::cpu::num_threads());
}

}  // namespace
