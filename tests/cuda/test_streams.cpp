// The GPU runtime under threads, streams and several devices (docs/runtime.md "Threads and
// streams"): a freed block is not reused while another stream's work on it may still run, each
// thread's GEMMs run on its own stream with its own precision, and memory freed while another
// device is current goes back to its own device's pool. Runs on cuda:0 (a GPU or the SIMT
// emulation); the cases that need the emulator's stream holds or its second device are skipped
// elsewhere. The thread cases also run under TSan (scripts/ci_sanitize.sh).
#if NDGPU_TEST_CUDA_RUNTIME
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cuda/cuda_allocator.hpp"
#include "cuda/cuda_api.hpp"
#include "ndgpu/ndgpu.hpp"
#include "support/array_matchers.hpp"

using namespace nd;

namespace {

// A stream of this test's own on `device`, destroyed with the object.
class OwnStream {
 public:
  explicit OwnStream(int device = 0) {
    int prev = 0;
    cudaGetDevice(&prev);
    cudaSetDevice(device);
    EXPECT_EQ(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking), cudaSuccess);
    cudaSetDevice(prev);
  }
  ~OwnStream() {
    cudaStreamSynchronize(s_);
    cudaStreamDestroy(s_);
  }
  OwnStream(const OwnStream&) = delete;
  OwnStream& operator=(const OwnStream&) = delete;
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

// Hands control back and forth between two threads, one step at a time.
class Baton {
 public:
  void pass_to(int step) {
    std::lock_guard<std::mutex> lock(mu_);
    step_ = step;
    cv_.notify_all();
  }
  void wait_for(int step) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return step_ >= step; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int step_ = 0;
};

// Bitwise equality of two host arrays of the same shape and dtype.
bool same_bits(const Array& a, const Array& b) {
  const Array x = a.cpu().contiguous(), y = b.cpu().contiguous();
  return x.shape() == y.shape() && x.dtype() == y.dtype() &&
         std::memcmp(x.data_ptr(), y.data_ptr(), static_cast<size_t>(x.nbytes())) == 0;
}

bool pool_on() {
  const char* e = std::getenv("NDGPU_POOL");
  return !(e && std::string(e) == "off");
}

class CudaStreams : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!device_available(dev)) GTEST_SKIP() << "skipped: no CUDA device (cuda:0)";
  }
  const Device dev = Device::cuda(0);
};

}  // namespace

// Size classes: 4 per power of two, at least 512 bytes, never more than 25 % above the request.
TEST(CudaAllocator, SizeClassesMatchTheirDefinition) {
  for (int64_t n = 1; n <= (1 << 20) + 3; n += (n < 5000 ? 1 : 97)) {
    int64_t pow2 = 1;
    while (pow2 * 2 < n) pow2 *= 2;
    const int64_t step = std::max<int64_t>(512, pow2 / 4);
    const int64_t want = n <= 512 ? 512 : (n + step - 1) / step * step;
    ASSERT_EQ(cuda::CachingAllocator::size_class(n), want) << n;
  }
  EXPECT_EQ(cuda::CachingAllocator::size_class(int64_t(1) << 40), int64_t(1) << 40);
  EXPECT_EQ(cuda::CachingAllocator::size_class((int64_t(1) << 40) + 1), (int64_t(1) << 40) + (int64_t(1) << 38));
}

#if NDGPU_CUDA_EMULATION
// Thread 1 works on its own stream A; thread 2 reads A's array on the device's stream D, where
// that read is still running (held) when thread 1 drops the last reference. A block used on D and
// freed on A must not go to A's next allocation before D's read is over.
TEST_F(CudaStreams, ABlockFreedOnOneStreamWaitsForItsUseOnAnother) {
  if (!pool_on()) GTEST_SKIP() << "skipped: NDGPU_POOL=off (no reuse to check)";
  OwnStream a;
  const cudaStream_t d = current_stream(dev);
  Baton baton;
  Array x;
  void* block = nullptr;
  Array while_held, after;  // kept alive, so neither is freed back before the other is taken
  std::thread t1([&] {
    StreamGuard on_a(dev, a.get());
    x = full({1000}, 1.5, float32, dev);  // home: stream A
    block = x.data_ptr();
    synchronize(dev);
    baton.pass_to(1);
    baton.wait_for(2);
    x = Array();  // the last reference, freed while A is this thread's stream
    while_held = empty({1000}, float32, dev);
    baton.pass_to(3);
    baton.wait_for(4);
    after = empty({1000}, float32, dev);
  });
  std::thread t2([&] {
    baton.wait_for(1);
    emu::hold_stream(d);      // what is enqueued on D from now on is "still running"
    Array y = x * 2.0;        // reads x on D
    baton.pass_to(2);
    baton.wait_for(3);
    emu::release_stream(d);   // D's work is done
    EXPECT_TRUE(array_equals<float>(y, std::vector<float>(1000, 3.f), {1000}));
    baton.pass_to(4);
  });
  t1.join();
  t2.join();
  EXPECT_NE(while_held.data_ptr(), block) << "the block was reused while stream D still read it";
  EXPECT_EQ(after.data_ptr(), block) << "once D's work passed, the cached block is reused";
}

// The common case costs no driver call on free: a block used only on its home stream.
TEST_F(CudaStreams, FreeingABlockUsedOnlyOnItsHomeStreamRecordsNoEvent) {
  Array a = ones({4096}, float32, dev);
  const long before = emu::counters().event_records;
  for (int i = 0; i < 20; ++i) {
    Array b = a + 1.0;
    Array c = exp(b) * a;
  }
  EXPECT_EQ(emu::counters().event_records - before, 0);
}
#endif  // NDGPU_CUDA_EMULATION

// Several threads, each on its own stream, run float32 (TF32 allowed) and float64 GEMMs at once:
// each gets exactly the result of the same product run alone. A cuBLAS handle shared between the
// threads runs GEMMs on another thread's stream or math mode (the emulator also reports a GEMM
// on a handle another thread rebound), and TSan reports the shared handle's state as a race.
TEST_F(CudaStreams, ThreadsMatmulOnTheirOwnStreamsWithTheirOwnPrecision) {
  constexpr int kThreads = 4, kReps = 12;
  const MatmulPrecision saved = matmul_precision();
  set_matmul_precision(MatmulPrecision::high);
  random::seed(5);
  std::vector<Array> lhs, rhs, expected;
  for (int t = 0; t < kThreads; ++t) {
    const DType dt = t % 2 ? float64 : float32;
    lhs.push_back(random::rand({48, 40 + t}, dt, dev));
    rhs.push_back(random::rand({40 + t, 24}, dt, dev));
    expected.push_back(matmul(lhs[t], rhs[t]).cpu());  // run alone, on the device's stream
  }
  std::vector<std::unique_ptr<OwnStream>> streams;
  for (int t = 0; t < kThreads; ++t) streams.push_back(std::make_unique<OwnStream>());
  std::atomic<int> wrong{0}, errors{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] {
      try {
        StreamGuard guard(dev, streams[t]->get());
        for (int r = 0; r < kReps; ++r) {
          if (!same_bits(matmul(lhs[t], rhs[t]), expected[t])) ++wrong;
        }
      } catch (const std::exception& e) {
        ++errors;
        ADD_FAILURE() << "thread " << t << ": " << e.what();
      }
    });
  for (auto& th : pool) th.join();
  set_matmul_precision(saved);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(errors.load(), 0);
}

// precision high lets float32 products use TF32 (10 mantissa bits per input) on the GPU, as
// PyTorch's "high"; highest never does; float64 and the CPU never change.
TEST_F(CudaStreams, MatmulPrecisionHighRoundsFloat32InputsOnTheGpuOnly) {
  const MatmulPrecision saved = matmul_precision();
  random::seed(9);
  const Array a = random::rand({32, 64}, float32, dev), b = random::rand({64, 16}, float32, dev);
  set_matmul_precision(MatmulPrecision::highest);
  const std::vector<float> exact = matmul(a, b).to_vector<float>();
  const std::vector<double> exact64 = matmul(a.astype(float64), b.astype(float64)).to_vector<double>();
  const std::vector<float> cpu_highest = matmul(a.cpu(), b.cpu()).to_vector<float>();
  set_matmul_precision(MatmulPrecision::high);
  const std::vector<float> tf32 = matmul(a, b).to_vector<float>();
  const std::vector<double> tf32_64 = matmul(a.astype(float64), b.astype(float64)).to_vector<double>();
  EXPECT_EQ(matmul(a.cpu(), b.cpu()).to_vector<float>(), cpu_highest);
  set_matmul_precision(saved);
  EXPECT_EQ(tf32_64, exact64);
  int differ = 0;
  for (size_t i = 0; i < exact.size(); ++i) {
    differ += tf32[i] != exact[i];
    // Inputs in [0, 1): each product's relative error is below 2 * 2^-11, 64 terms.
    EXPECT_NEAR(tf32[i], exact64[i], 64 * 2 * std::ldexp(1.0, -11)) << i;
  }
  EXPECT_GT(differ, 0) << "precision high changed no float32 result";
}

#if NDGPU_CUDA_EMULATION
// NDGPU_EMU_DEVICES=2 (scripts/ci_emulated.sh runs these so): an array of cuda:1 used on a stream
// of cuda:1 and freed while cuda:0 is current goes back to cuda:1's pool, its events made and
// recorded on cuda:1; ops on cuda:1 run there whatever device is current.
TEST_F(CudaStreams, TwoDevicesFreeWithTheOtherDeviceCurrent) {
  if (device_count() < 2) GTEST_SKIP() << "skipped: one device (NDGPU_EMU_DEVICES=2 emulates two)";
  if (!pool_on()) GTEST_SKIP() << "skipped: NDGPU_POOL=off (no cache to check)";
  const Device dev1 = Device::cuda(1);
  OwnStream s1(1);
  empty_cache();
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  Array x = full({3000}, 2.0, float32, dev1);
  {
    StreamGuard on_s1(dev1, s1.get());
    Array y = x + 1.0;  // x used on a second stream of cuda:1
    EXPECT_TRUE(array_equals<float>(y, std::vector<float>(3000, 3.f), {3000}));
  }
  const MemoryStats before = memory_stats(dev1);
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  x = Array();  // freed with cuda:0 current
  const MemoryStats after = memory_stats(dev1);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(before.reserved, after.reserved) << "the block was not cached (its events failed)";
  EXPECT_EQ(before.allocated - after.allocated, 12288);
  int current = -1;
  cudaGetDevice(&current);
  EXPECT_EQ(current, 0) << "freeing changed the caller's device";
  Array z = ones({5}, float32, dev1) * 4.0;  // launches on cuda:1 with cuda:0 current
  EXPECT_TRUE(array_equals<float>(z, {4.f, 4.f, 4.f, 4.f, 4.f}, {5}));
  Array w = ones({5}, float32, dev) + 1.0;
  EXPECT_TRUE(array_equals<float>(w, {2.f, 2.f, 2.f, 2.f, 2.f}, {5}));
}
#endif  // NDGPU_CUDA_EMULATION

#endif  // NDGPU_TEST_CUDA_RUNTIME
