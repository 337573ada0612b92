// StreamGuard: ndgpu's CUDA work on a caller's stream, per thread, nested, restored. The CUDA
// cases run on a lent GPU and in the SIMT-emulation build (cuda:0 emulated on the CPU).
#include <gtest/gtest.h>

#include <thread>

#include "support/device_test.hpp"
#if NDGPU_CUDA_EMULATION
#include "cuda/cuda_api.hpp"  // the emulated runtime: real streams to hand to the guard
#endif

using namespace nd;

TEST(StreamGuard, CpuHasNoStreamsAndTheGuardDoesNothing) {
  EXPECT_EQ(current_stream(Device::cpu()), nullptr);
  StreamGuard g(Device::cpu(), reinterpret_cast<CudaStream>(0x1234));
  EXPECT_EQ(current_stream(Device::cpu()), nullptr);
  EXPECT_EQ(arange(3, int64, Device::cpu()).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2}));
}

TEST(StreamGuard, UnavailableDeviceIsDeviceError) {
  const Device missing = Device::cuda(device_count());  // one past the last device
  EXPECT_THROW(StreamGuard(missing, nullptr), DeviceError);
  EXPECT_THROW(current_stream(missing), DeviceError);
}

#if NDGPU_CUDA_EMULATION
TEST(StreamGuard, RoutesWorkToTheCallersStreamPerThreadAndNested) {
  const Device d = Device::cuda(0);
  cudaStream_t mine = nullptr;
  ASSERT_EQ(cudaStreamCreate(&mine), cudaSuccess);
  const CudaStream own = current_stream(d);
  ASSERT_NE(own, nullptr);
  Array before = arange(10, int64, d);  // made on ndgpu's stream, used inside the guard
  {
    StreamGuard g(d, mine);
    EXPECT_EQ(current_stream(d), mine);
    {
      StreamGuard legacy(d, nullptr);  // the legacy default stream
      EXPECT_EQ(current_stream(d), nullptr);
    }
    EXPECT_EQ(current_stream(d), mine);
    std::thread other([&] { EXPECT_EQ(current_stream(d), own); });  // guards are per thread
    other.join();
    Array inside = before(slice(_, _, -1)).copy();  // enqueued on `mine`
    EXPECT_EQ(inside.to_vector<int64_t>().front(), 9);
    before = inside;  // outlives the guard: freed later on ndgpu's stream
  }
  EXPECT_EQ(current_stream(d), own);
  EXPECT_EQ(before.to_vector<int64_t>().back(), 0);
  before = Array();
  EXPECT_EQ(cudaStreamDestroy(mine), cudaSuccess);
}
#endif
