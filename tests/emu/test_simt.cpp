// The SIMT emulator's own features (issue 7): barriers, warp collectives, shared memory, atomics,
// launch geometry, and the errors it raises for races and for undefined CUDA behaviour.
#if NDGPU_CUDA_EMULATION
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "emu/emu_buffer.hpp"
#include "ndgpu/error.hpp"

using nd::cuda::launch;

namespace {

// ---- kernels ----

// out[t] = neighbour's value, exchanged through shared memory; `sync` = whether to barrier.
__global__ void rotate_in_shared(int* out, bool sync) {
  __shared__ int buf[256];
  const int t = threadIdx.x, n = blockDim.x;
  buf[t] = t * 10 + static_cast<int>(blockIdx.x);
  if (sync) __syncthreads();
  out[blockIdx.x * n + t] = buf[(t + 1) % n];
}

// Many barriers in a loop: a block-wide tree sum in shared memory.
__global__ void tree_sum(const int* in, int* out) {
  __shared__ int s[128];
  const int t = threadIdx.x;
  s[t] = in[blockIdx.x * blockDim.x + t];
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (t < half) s[t] += s[t + half];
    __syncthreads();
  }
  if (t == 0) out[blockIdx.x] = s[0];
}

__global__ void warp_ops(const float* in, float* down_sum, float* xor_sum, float* bcast,
                         int* scan, unsigned* ballot, int* any_all) {
  const int t = threadIdx.x, lane = t % 32;
  float v = in[t];
  float d = v;
  for (int off = 16; off > 0; off /= 2) d += __shfl_down_sync(0xffffffffu, d, off);
  if (lane == 0) down_sum[t / 32] = d;
  float x = v;
  for (int m = 1; m < 32; m *= 2) x += __shfl_xor_sync(0xffffffffu, x, m);
  xor_sum[t] = x;
  bcast[t] = __shfl_sync(0xffffffffu, v, 3);
  int s = lane;  // inclusive scan of lane ids within segments of 8
  for (int off = 1; off < 8; off *= 2) {
    int o = __shfl_up_sync(0xffffffffu, s, off, 8);
    if ((lane % 8) >= off) s += o;
  }
  scan[t] = s;
  ballot[t] = __ballot_sync(0xffffffffu, lane % 3 == 0);
  any_all[t] = __any_sync(0xffffffffu, lane == 5) * 10 + __all_sync(0xffffffffu, lane < 31);
}

__global__ void dynamic_reverse(const int* in, int* out, int* first_bytes) {
  ND_EXTERN_SHARED(int, s);
  const int t = threadIdx.x, n = blockDim.x;
  if (t == 0) *first_bytes = s[n - 1];  // before anyone writes: the emulator's fill pattern
  __syncthreads();
  s[t] = in[t];
  __syncthreads();
  out[t] = s[n - 1 - t];
}

__global__ void atomics(int* counter, int* maxv, unsigned long long* sum64, int* cas_winner) {
  const int g = blockIdx.x * blockDim.x + threadIdx.x;
  atomicAdd(counter, 1);
  atomicMax(maxv, g);
  atomicAdd(sum64, static_cast<unsigned long long>(g));
  atomicCAS(cas_winner, -1, 7);
}

__global__ void geometry(int* out) {
  const int bx = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  const int tx = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  const int nthreads = blockDim.x * blockDim.y * blockDim.z;
  out[bx * nthreads + tx] = bx * 1000 + tx;
}

__global__ void vector_copy(const float4* in, float4* out, int n4) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n4) {
    float4 v = in[i];
    out[i] = make_float4(v.w, v.z, v.y, v.x);
  }
}

__global__ void last_block_wins(int* out) {
  if (threadIdx.x == 0) *out = blockIdx.x;  // a race between blocks
}

__global__ void barrier_after_early_exit(int* out) {
  if (threadIdx.x >= 16) return;
  __syncthreads();  // the exited threads never arrive: undefined in CUDA
  out[threadIdx.x] = 1;
}

__global__ void shuffle_missing_lanes(int* out) {
  if (threadIdx.x >= 16) return;
  out[threadIdx.x] = __shfl_down_sync(0xffffffffu, static_cast<int>(threadIdx.x), 1);
}

__global__ void shuffle_mask_excludes_self(int* out) {
  out[threadIdx.x] = __shfl_sync(0x0000ffffu, static_cast<int>(threadIdx.x), 0);
}

__global__ void shuffle_from_inactive_lane(int* out) {
  if (threadIdx.x < 16)  // lanes 0..15 read lanes 8..23: 16..23 are not in the mask
    out[threadIdx.x] = __shfl_down_sync(0x0000ffffu, static_cast<int>(threadIdx.x), 8);
}

__global__ void diverging_collectives(int* out) {
  if (threadIdx.x % 2) out[threadIdx.x] = __shfl_sync(0xffffffffu, 1, 0);
  else out[threadIdx.x] = static_cast<int>(__ballot_sync(0xffffffffu, 1));
}

}  // namespace

// ---- tests ----

TEST(Simt, SyncthreadsIsARealBarrier) {
  DeviceBuffer<int> out(2 * 64);
  launch(rotate_in_shared, 2, 64, 0, nullptr, out.get(), true);
  std::vector<int> v = out.host();
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 64; ++t) EXPECT_EQ(v[b * 64 + t], ((t + 1) % 64) * 10 + b);
}

TEST(Simt, MissingSyncthreadsIsCaughtByTheTwoSchedules) {
  DeviceBuffer<int> out(64);
  EXPECT_THROW(
      {
        try {
          launch(rotate_in_shared, 1, 64, 0, nullptr, out.get(), false);
        } catch (const nd::DeviceError& e) {
          EXPECT_NE(std::string(e.what()).find("forward and reverse"), std::string::npos) << e.what();
          EXPECT_NE(std::string(e.what()).find("void (*)(int*, bool)"), std::string::npos) << e.what();
          throw;
        }
      },
      nd::DeviceError);
}

TEST(Simt, RaceBetweenBlocksIsCaught) {
  DeviceBuffer<int> out(1);
  EXPECT_THROW(launch(last_block_wins, 4, 32, 0, nullptr, out.get()), nd::DeviceError);
}

TEST(Simt, BarrierInALoop) {
  std::vector<int> in(3 * 128);
  std::iota(in.begin(), in.end(), 1);
  DeviceBuffer<int> din(in.size(), in), out(3);
  launch(tree_sum, 3, 128, 0, nullptr, static_cast<const int*>(din.get()), out.get());
  std::vector<int> v = out.host();
  for (int b = 0; b < 3; ++b)
    EXPECT_EQ(v[b], std::accumulate(in.begin() + b * 128, in.begin() + (b + 1) * 128, 0));
}

TEST(Simt, WarpShufflesBallotAnyAll) {
  const int n = 64;
  std::vector<float> in(n);
  for (int i = 0; i < n; ++i) in[i] = static_cast<float>(i % 32 + 1);
  DeviceBuffer<float> din(n, in), down(2), xsum(n), bcast(n);
  DeviceBuffer<int> scan(n), anyall(n);
  DeviceBuffer<unsigned> ballot(n);
  launch(warp_ops, 1, n, 0, nullptr, static_cast<const float*>(din.get()), down.get(), xsum.get(),
         bcast.get(), scan.get(), ballot.get(), anyall.get());
  EXPECT_EQ(down.host(), (std::vector<float>{528, 528}));  // 1 + ... + 32
  for (float x : xsum.host()) EXPECT_EQ(x, 528);
  for (float x : bcast.host()) EXPECT_EQ(x, 4);  // lane 3 holds 4
  std::vector<int> sc = scan.host();
  for (int t = 0; t < n; ++t) {
    int lane = t % 32, base = lane - lane % 8, expect = 0;
    for (int l = base; l <= lane; ++l) expect += l;
    EXPECT_EQ(sc[t], expect) << "thread " << t;
  }
  unsigned every_third = 0;
  for (int l = 0; l < 32; l += 3) every_third |= 1u << l;
  for (unsigned b : ballot.host()) EXPECT_EQ(b, every_third);
  for (int a : anyall.host()) EXPECT_EQ(a, 10);  // any(lane == 5), not all(lane < 31)
}

TEST(Simt, DynamicSharedMemoryIsPerBlockAndStartsPoisoned) {
  std::vector<int> in(96);
  std::iota(in.begin(), in.end(), 0);
  DeviceBuffer<int> din(96, in), out(96), first(1);
  launch(dynamic_reverse, 1, 96, 96 * sizeof(int), nullptr, static_cast<const int*>(din.get()),
         out.get(), first.get());
  std::vector<int> v = out.host();
  for (int t = 0; t < 96; ++t) EXPECT_EQ(v[t], 95 - t);
  EXPECT_EQ(first.host()[0], -1);  // 0xFF bytes: uninitialised reads stand out
}

TEST(Simt, Atomics) {
  DeviceBuffer<int> counter(1), maxv(1), cas(1, {-1});
  DeviceBuffer<unsigned long long> sum(1);
  launch(atomics, 5, 96, 0, nullptr, counter.get(), maxv.get(), sum.get(), cas.get());
  EXPECT_EQ(counter.host()[0], 480);
  EXPECT_EQ(maxv.host()[0], 479);
  EXPECT_EQ(sum.host()[0], 479ull * 480 / 2);
  EXPECT_EQ(cas.host()[0], 7);
}

TEST(Simt, ThreeDimensionalGridsAndBlocks) {
  const dim3 grid(3, 2, 2), block(4, 3, 2);
  const int nthreads = 24, nblocks = 12;
  DeviceBuffer<int> out(nthreads * nblocks);
  launch(geometry, grid, block, 0, nullptr, out.get());
  std::vector<int> v = out.host();
  for (int b = 0; b < nblocks; ++b)
    for (int t = 0; t < nthreads; ++t) EXPECT_EQ(v[b * nthreads + t], b * 1000 + t);
}

TEST(Simt, VectorTypes) {
  static_assert(alignof(float4) == 16 && sizeof(float4) == 16 && alignof(double2) == 16);
  std::vector<float> in(4 * 33);
  std::iota(in.begin(), in.end(), 0.0f);
  DeviceBuffer<float> din(in.size(), in), out(in.size());
  launch(vector_copy, 2, 32, 0, nullptr, reinterpret_cast<const float4*>(din.get()),
         reinterpret_cast<float4*>(out.get()), 33);
  std::vector<float> v = out.host();
  for (int i = 0; i < 33; ++i)
    for (int c = 0; c < 4; ++c) EXPECT_EQ(v[4 * i + c], in[4 * i + 3 - c]);
}

// Undefined CUDA behaviour becomes an error naming the problem, never a hang.
void expect_device_error(void (*kernel)(int*), const char* needle) {
  DeviceBuffer<int> out(32);
  try {
    launch(kernel, 1, 32, 0, nullptr, out.get());
    ADD_FAILURE() << "no error; expected one mentioning '" << needle << "'";
  } catch (const nd::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Simt, MisuseIsReported) {
  expect_device_error(barrier_after_early_exit, "16 exited");
  expect_device_error(shuffle_missing_lanes, "never arrive");
  expect_device_error(shuffle_mask_excludes_self, "excludes the calling lane");
  expect_device_error(shuffle_from_inactive_lane, "which is not in the mask");
  expect_device_error(diverging_collectives, "diverge");
}

TEST(Simt, InvalidLaunchConfigurations) {
  DeviceBuffer<int> out(1);
  EXPECT_THROW(launch(last_block_wins, 1, 2048, 0, nullptr, out.get()), nd::DeviceError);
  EXPECT_THROW(launch(last_block_wins, dim3(1, 70000), 32, 0, nullptr, out.get()), nd::DeviceError);
  EXPECT_THROW(launch(last_block_wins, 1, 32, 64 * 1024, nullptr, out.get()), nd::DeviceError);
  EXPECT_THROW(launch(last_block_wins, 1, 32, 0, reinterpret_cast<cudaStream_t>(0x1234), out.get()),
               nd::DeviceError);
  EXPECT_NO_THROW(launch(last_block_wins, 0, 32, 0, nullptr, out.get()));  // size-0: no launch
}

TEST(Simt, BuiltinsOutsideAKernelThrow) {
  EXPECT_THROW(__syncthreads(), nd::DeviceError);
  EXPECT_THROW(__shfl_sync(0xffffffffu, 1, 0), nd::DeviceError);
}

#endif  // NDGPU_CUDA_EMULATION
