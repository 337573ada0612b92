// The CUDA runtime layer through the public API: the caching allocator's stats, reuse, cache
// release and out-of-memory behaviour, and host <-> device transfers. Runs on cuda:0 (a GPU or
// the SIMT emulation device) and is skipped where there is none.
#include <cstdlib>
#include <string>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

class CudaRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!device_available(Device::cuda(0))) GTEST_SKIP() << "skipped: no CUDA device (cuda:0)";
  }
  static bool pool_on() {
    const char* e = std::getenv("NDGPU_POOL");
    return !(e && std::string(e) == "off");
  }
  const Device dev = Device::cuda(0);
};

}  // namespace

TEST_F(CudaRuntime, StatsTrackSizeClassesAndTheCache) {
  empty_cache();
  const MemoryStats s0 = memory_stats(dev);
  EXPECT_EQ(s0.reserved, s0.allocated);  // nothing cached right after empty_cache
  {
    Array a = empty({1000}, float32, dev);  // 4000 bytes -> the 4096-byte class
    const MemoryStats s1 = memory_stats(dev);
    EXPECT_EQ(s1.allocated - s0.allocated, 4096);
    EXPECT_GE(s1.peak, s1.allocated);
    EXPECT_GE(s1.reserved, s1.allocated);
  }
  const MemoryStats s2 = memory_stats(dev);
  EXPECT_EQ(s2.allocated, s0.allocated);
  EXPECT_EQ(s2.reserved - s2.allocated, pool_on() ? 4096 : 0);  // cached for reuse
  empty_cache();
  const MemoryStats s3 = memory_stats(dev);
  EXPECT_EQ(s3.reserved, s3.allocated);
}

TEST_F(CudaRuntime, FreedBlocksAreReusedOnTheSameStream) {
  if (!pool_on()) GTEST_SKIP() << "skipped: NDGPU_POOL=off (pass-through allocator)";
  void* first = nullptr;
  {
    Array a = full({300}, 1.5, float64, dev);
    first = a.data_ptr();
  }
  Array b = empty({290}, float64, dev);  // same size class (2560 bytes)
  EXPECT_EQ(b.data_ptr(), first);
  b.assign(2.0);  // and it is a working allocation
  EXPECT_TRUE(array_equals<double>(b, std::vector<double>(290, 2.0), {290}));
}

TEST_F(CudaRuntime, SizeZeroArraysAllocateNothing) {
  const MemoryStats s0 = memory_stats(dev);
  Array z = zeros({0, 5}, float32, dev);
  EXPECT_EQ(memory_stats(dev).allocated, s0.allocated);
  EXPECT_EQ(z.size(), 0);
  EXPECT_TRUE(z.to_vector<float>().empty());
}

TEST_F(CudaRuntime, OutOfMemoryNamesTheRequestAndLeavesOlderArraysWorking) {
  Array keep = arange(10, int64, dev);
  {
    Array cached = empty({1 << 20}, float32, dev);  // leaves a cached block behind
  }
  try {
    Array huge = empty({int64_t(1) << 40}, float32, dev);  // 4 TiB
    ADD_FAILURE() << "4 TiB allocation succeeded";
  } catch (const OutOfMemory& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("out of memory on cuda:0: tried to allocate 4398046511104 bytes"), std::string::npos) << msg;
    EXPECT_NE(msg.find("allocated"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cached"), std::string::npos) << msg;
  }
  const MemoryStats s = memory_stats(dev);
  EXPECT_EQ(s.reserved, s.allocated);  // the cache was freed before the retry
  EXPECT_TRUE(array_equals<int64_t>(keep, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10}));
  Array after = full({4}, 3, int32, dev);  // and allocation still works
  EXPECT_TRUE(array_equals<int32_t>(after, {3, 3, 3, 3}, {4}));
}

TEST_F(CudaRuntime, TransfersRoundTripAndSynchronise) {
  const std::vector<float> v = {1.5f, -2.f, 3.25f, 0.f, 1e30f};
  Array h = array(v, {5}, float32, Device::cpu());
  Array d = h.to(dev);
  EXPECT_EQ(d.device(), dev);
  Array back = d(slice(_, _, -1)).cpu();  // strided on the device, then to the host
  EXPECT_EQ(back.device(), Device::cpu());
  EXPECT_TRUE(array_equals<float>(back, {1e30f, 0.f, 3.25f, -2.f, 1.5f}, {5}));
  Array cast = h.astype(float64).to(dev).astype(int32);
  EXPECT_TRUE(array_equals<int32_t>(cast, {1, -2, 3, 0, INT32_MAX}, {5}));
  synchronize(dev);
}
