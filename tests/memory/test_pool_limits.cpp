// Memory pressure: out-of-memory through the pool's byte limit (cache released and retried,
// then nd::OutOfMemory naming the sizes; older arrays still work), sizes that overflow caught
// before allocating, and no growth under alternating sizes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "support/device_test.hpp"
#include "support/subprocess.hpp"

using namespace nd;

namespace {
constexpr int64_t kMiB = int64_t(1) << 20;
// float32 elements in `mib` MiB.
Shape mib_f32(int64_t mib) { return {mib * kMiB / 4}; }
}  // namespace

class PoolLimits : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(PoolLimits);

// The pool reads NDGPU_POOL_LIMIT once, when it starts: this runs in a fresh child process.
TEST(PoolLimitChild, DISABLED_OutOfMemoryUnderTheLimit) {
  const char* dev_env = std::getenv("NDGPU_TEST_OOM_DEVICE");
  ASSERT_NE(dev_env, nullptr) << "run by PoolLimits.OutOfMemory, not directly";
  const Device dev = parse_device(dev_env);
  ASSERT_STREQ(std::getenv("NDGPU_POOL_LIMIT"), "67108864");  // 64 MiB

  Array a = ones(mib_f32(16), float32, dev);
  { Array b = empty(mib_f32(16), float32, dev); }  // freed: cached where the pool caches
  // 16 live + 16 cached + 40 > 64: only fits once the cache is given back (the retry).
  Array c = full(mib_f32(40), 2.0, float32, dev);
  const MemoryStats after_retry = memory_stats(dev);
  EXPECT_LE(after_retry.reserved, 64 * kMiB);
  EXPECT_EQ(after_retry.reserved, after_retry.allocated) << "the cache was not released";

  try {
    Array d = empty(mib_f32(100), float32, dev);
    ADD_FAILURE() << "100 MiB under a 64 MiB limit did not throw";
  } catch (const OutOfMemory& e) {
    const std::regex want("out of memory on " + dev.str() +
                          ": tried to allocate 104857600 bytes \\(100 MiB\\).*; .*allocated, .*cached, "
                          "limit (67108864 bytes \\()?64 MiB\\)? \\(NDGPU_POOL_LIMIT\\)");
    EXPECT_TRUE(std::regex_search(e.what(), want)) << e.what();
  }
  // Older arrays are intact and usable; the pool still serves requests that fit.
  std::vector<float> av = a.to_vector<float>(), cv = c.to_vector<float>();
  EXPECT_EQ(av.front(), 1.f);
  EXPECT_EQ(av.back(), 1.f);
  EXPECT_EQ(cv[cv.size() / 2], 2.f);
  c = Array();
  Array e = full(mib_f32(40), 3.0, float32, dev);
  EXPECT_EQ(e.to_vector<float>().back(), 3.f);
  EXPECT_EQ(memory_stats(dev).allocated, after_retry.allocated);
}

TEST_P(PoolLimits, OutOfMemory) {
  const ChildResult r = run_test_in_child("PoolLimitChild.DISABLED_OutOfMemoryUnderTheLimit",
                                          {{"NDGPU_POOL_LIMIT", "67108864"},
                                           {"NDGPU_TEST_OOM_DEVICE", device().str()}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("[  PASSED  ] 1 test"), std::string::npos) << r.output;
}

TEST_P(PoolLimits, OverflowingSizesAreCaughtBeforeAllocating) {
  const MemoryStats before = memory_stats(device());
  const std::regex too_big("array is too big");
  auto expect_too_big = [&](auto&& make) {
    try {
      make();
      ADD_FAILURE() << "no exception";
    } catch (const ValueError& e) {
      EXPECT_TRUE(std::regex_search(e.what(), too_big)) << e.what();
    }
  };
  expect_too_big([&] { zeros({int64_t(1) << 40, int64_t(1) << 40}, float32, device()); });
  expect_too_big([&] { empty({int64_t(1) << 61}, float64, device()); });  // bytes overflow, numel not
  expect_too_big([&] { ones({3, int64_t(1) << 62}, bool_, device()); });
  EXPECT_THROW(empty({-1, 4}, float32, device()), ValueError);
  EXPECT_EQ(memory_stats(device()).allocated, before.allocated);
}

// The peak follows the largest live total since the last reset_peak_memory_stats, which restarts
// it from what is allocated then.
TEST_P(PoolLimits, ThePeakRestartsFromWhatIsAllocated) {
  synchronize(device());
  const int64_t base = memory_stats(device()).allocated;
  {
    Array big = zeros({1 << 20}, float32, device());  // 4 MiB
    synchronize(device());
    EXPECT_GE(memory_stats(device()).peak, base + (int64_t(4) << 20));
  }
  synchronize(device());
  reset_peak_memory_stats(device());
  EXPECT_EQ(memory_stats(device()).peak, memory_stats(device()).allocated);
  Array small = zeros({1 << 10}, float32, device());
  synchronize(device());
  const MemoryStats now = memory_stats(device());
  EXPECT_GE(now.peak, now.allocated);
  EXPECT_LT(now.peak, base + (int64_t(4) << 20));  // the 4 MiB block is gone from the peak
}

TEST_P(PoolLimits, AlternatingSizesDoNotGrowTheReservation) {
  empty_cache();
  const int64_t base = memory_stats(device()).reserved;
  int64_t after_warmup = -1;
  for (int round = 0; round < 12; ++round) {
    // Two live arrays of different size classes, replaced each round: a pool that hoards or
    // splits badly keeps reserving more.
    Array small = full({3 * kMiB / 4}, round, int32, device());
    Array large = full({5 * kMiB / 4}, -round, int32, device());
    Array tiny = full({1000}, round, int32, device());
    ASSERT_EQ(small(12345).item<int32_t>(), round);
    ASSERT_EQ(large(-1).item<int32_t>(), -round);
    ASSERT_EQ(tiny(999).item<int32_t>(), round);
    if (round == 1) after_warmup = memory_stats(device()).reserved;
    if (round > 1) ASSERT_LE(memory_stats(device()).reserved, after_warmup) << "round " << round;
  }
  empty_cache();
  EXPECT_EQ(memory_stats(device()).reserved, base);
}

// Pooled memory hides overflows and use-after-free from ASan (bitcoin#32581): under ASan (or
// NDGPU_POOL=off) the host pool must hand every block back at once; otherwise it caches.
static bool host_pool_off() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
  const char* pool_env = std::getenv("NDGPU_POOL");
  return pool_env && std::string(pool_env) == "off";
}

TEST(HostPool, BypassedUnderAsanCachedOtherwise) {
  const bool off = host_pool_off();
  empty_cache();
  { Array big = ones({4 * kMiB}, bool_, Device::cpu()); }
  const MemoryStats s = memory_stats(Device::cpu());
  if (off) EXPECT_EQ(s.reserved, s.allocated) << "a freed 4 MiB block stayed cached";
  else EXPECT_GE(s.reserved - s.allocated, 4 * kMiB) << "the pool did not cache a freed 4 MiB block";
  empty_cache();
}

// Mid-size blocks (from 64 KiB) are cached too, in quarter-power-of-two classes: a freed 100000-
// element array's block serves the next array of a nearby size (no fresh pages, no page faults).
TEST(HostPool, MidSizeBlocksAreReusedAcrossNearbySizes) {
  if (host_pool_off()) GTEST_SKIP() << "skipped: the host pool is bypassed (ASan or NDGPU_POOL=off)";
  empty_cache();
  void* first = nullptr;
  {
    Array a = full({100000}, 1.0, float32, Device::cpu());  // 400000 bytes -> the 458752 class
    first = a.data_ptr();
  }
  const MemoryStats s = memory_stats(Device::cpu());
  EXPECT_EQ(s.reserved - s.allocated, 458752);
  Array b = full({110000}, 2.0, float32, Device::cpu());  // 440000 bytes: the same class
  EXPECT_EQ(b.data_ptr(), first);
  EXPECT_EQ(b(109999).item<float>(), 2.0f);
  Array c = empty({1000}, float32, Device::cpu());  // another class: another block
  EXPECT_NE(c.data_ptr(), first);
  empty_cache();
}

TEST(HostPool, SmallBlocksAreReusedAndReleased) {
  if (host_pool_off()) GTEST_SKIP() << "skipped: the host pool is bypassed (ASan or NDGPU_POOL=off)";
  empty_cache();
  const MemoryStats before = memory_stats(Device::cpu());
  void* first = nullptr;
  {
    Array a = full({10}, 1.0, float32, Device::cpu());  // 40 bytes -> the 64-byte class
    first = a.data_ptr();
  }
  MemoryStats s = memory_stats(Device::cpu());
  EXPECT_GE(s.reserved - s.allocated, 64);  // kept, idle
  Array b = full({12}, 2.0, float32, Device::cpu());  // 48 bytes: the same class
  EXPECT_EQ(b.data_ptr(), first);
  EXPECT_EQ(b(11).item<float>(), 2.0f);
  Array c = full({300}, 3.0, float32, Device::cpu());  // 1200 bytes: the 1280 class, a new block
  EXPECT_NE(c.data_ptr(), first);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(c.data_ptr()) % 64, 0u);
  EXPECT_EQ(memory_stats(Device::cpu()).allocated - before.allocated, 64 + 1280);
  { Array gone = std::move(c); }
  empty_cache();  // gives the idle small blocks back
  s = memory_stats(Device::cpu());
  EXPECT_EQ(s.reserved, s.allocated);
}

// Sizes whose quarter-power class reaches 1 MiB (here 960000 bytes) are huge-page blocks: 2 MiB,
// 2 MiB-aligned (aligned_alloc requires the size to be a multiple of the alignment: ASan checks).
TEST(HostPool, BlocksRoundingUpToOneMiBTakeTheHugePageClass) {
  empty_cache();
  const MemoryStats before = memory_stats(Device::cpu());
  Array a = full({240000}, 1.5, float32, Device::cpu());
  EXPECT_EQ(a(239999).item<float>(), 1.5f);
  if (host_pool_off()) return;  // plain aligned_alloc: the call above is the check
  EXPECT_EQ(memory_stats(Device::cpu()).allocated - before.allocated, int64_t{2} << 20);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data_ptr()) % (uintptr_t{2} << 20), 0u);
}

// Idle large blocks are bounded by the live data (at least 256 MiB, at most 2 GiB): a program
// whose array sizes keep changing does not keep a cache of sizes it never asks for again.
TEST(HostPool, IdleBlocksStayWithinTheLiveDataOrTheFloor) {
  if (host_pool_off()) GTEST_SKIP() << "skipped: the host pool is bypassed (ASan or NDGPU_POOL=off)";
  empty_cache();
  const int64_t floor = 256 * kMiB, small = 8 * kMiB;  // the small-block lists hold up to 8 MiB more
  for (int64_t i = 0; i < 40; ++i) {  // 40 classes, 16 .. 94 MiB (empty(): no page is touched)
    Array a = empty({(8 + i) * 2 * kMiB}, bool_, Device::cpu());
  }
  MemoryStats s = memory_stats(Device::cpu());
  EXPECT_LE(s.reserved - s.allocated, floor + small);
  EXPECT_GE(s.reserved - s.allocated, 16 * kMiB);  // still a cache: the blocks that fit stayed
  {
    Array live = empty({600 * kMiB}, bool_, Device::cpu());
    for (int64_t i = 0; i < 10; ++i) {  // 10 classes of 50-68 MiB: 590 MiB, within the live 600
      Array a = empty({(25 + i) * 2 * kMiB}, bool_, Device::cpu());
    }
    s = memory_stats(Device::cpu());
    EXPECT_GE(s.reserved - s.allocated, 500 * kMiB);
    EXPECT_LE(s.reserved - s.allocated, 600 * kMiB + small);
  }
  s = memory_stats(Device::cpu());  // the live block gone, the bound is the floor again
  EXPECT_LE(s.reserved - s.allocated, floor + small);
  empty_cache();
}
