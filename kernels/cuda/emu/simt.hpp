// The SIMT emulation layer (issue 7, docs/emulation.md): the CUDA device features our kernels may
// use (kernels/cuda/cuda_compat.cuh lists them), implemented on the CPU so each kernels/cuda/*.cu
// file also compiles as plain C++ and runs in the test suite.
//
// How a launch runs (simt.cpp): blocks one at a time; the threads of a block as cooperative fibers
// (ucontext), so __syncthreads and the warp collectives are real barriers; the whole launch twice,
// under two schedules (forward and reverse thread and block order) from the same starting memory,
// and the device memory the launch can reach is compared byte for byte: any difference is a race
// and throws nd::DeviceError. Misuse CUDA leaves undefined (a barrier not reached by every thread,
// collectives whose lanes disagree on the mask, a shuffle from an inactive lane, a bad launch
// configuration) also throws nd::DeviceError instead of hanging or returning garbage.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <math.h>
#include <type_traits>

#include "cuda/cuda_api.hpp"  // runtime/src/cuda: the emulated runtime (dim3, streams, errors)

// ---- qualifiers ----
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __constant__
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// Static shared memory: a function-local thread_local, shared by the fibers (threads) of the
// running block. Each schedule of a launch runs on a fresh OS thread, so it starts zeroed and
// nothing leaks in from earlier launches; within a schedule it carries over from block to block
// (real shared memory starts undefined), which differs between the two block orders.
#define __shared__ static thread_local

// ---- vector types (alignment as CUDA's, so misaligned vector access is UB that UBSan sees) ----
#define ND_EMU_VEC2(T, name, al) \
  struct alignas(al) name { T x, y; }; \
  inline name make_##name(T x, T y) { return {x, y}; }
#define ND_EMU_VEC4(T, name, al) \
  struct alignas(al) name { T x, y, z, w; }; \
  inline name make_##name(T x, T y, T z, T w) { return {x, y, z, w}; }
ND_EMU_VEC2(float, float2, 8)
ND_EMU_VEC4(float, float4, 16)
ND_EMU_VEC2(double, double2, 16)
ND_EMU_VEC2(int, int2, 8)
ND_EMU_VEC4(int, int4, 16)
ND_EMU_VEC2(unsigned, uint2, 8)
ND_EMU_VEC4(unsigned, uint4, 16)
ND_EMU_VEC2(long long, longlong2, 16)
ND_EMU_VEC4(unsigned char, uchar4, 4)
#undef ND_EMU_VEC2
#undef ND_EMU_VEC4
struct float3 { float x, y, z; };
inline float3 make_float3(float x, float y, float z) { return {x, y, z}; }
inline uint3 make_uint3(unsigned x, unsigned y, unsigned z) { return {x, y, z}; }
inline dim3 make_dim3(unsigned x, unsigned y, unsigned z) { return dim3(x, y, z); }

namespace nd::emu {

// The fiber (CUDA thread) running now on this OS thread, and its block.
struct ThreadCoords {
  uint3 thread_idx;
  int linear = 0;  // x + y*Dx + z*Dx*Dy
};
struct BlockCoords {
  uint3 block_idx;
  dim3 block_dim, grid_dim;
};
// __thread, not thread_local: no TLS wrapper call (and no UBSan false positive on it).
extern __thread const ThreadCoords* tl_thread;
extern __thread const BlockCoords* tl_block;

// Throws nd::DeviceError (on the fiber; the launch rethrows it) with the running block/thread.
[[noreturn]] void kernel_error(const char* what);

void syncthreads();
void syncwarp(unsigned mask);
enum class Collective : uint8_t { shfl, shfl_xor, shfl_down, shfl_up, ballot, any, all, sync };
uint64_t collective(Collective kind, unsigned mask, uint64_t value, int arg, int width);
void* dynamic_shared();

template <class T>
T shuffle(Collective kind, unsigned mask, T v, int arg, int width) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "shuffle of a type over 8 bytes");
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  bits = collective(kind, mask, bits, arg, width);
  T out;
  std::memcpy(&out, &bits, sizeof(T));
  return out;
}

// A launch, type-erased for simt.cpp: `invoke(ctx)` runs the kernel body for the current thread;
// `args` are the kernel's argument bytes (scanned for pointers into device memory).
struct LaunchSpec {
  void (*invoke)(const void* ctx) = nullptr;
  const void* ctx = nullptr;
  const char* kernel_name = nullptr;
  const void* kernel_addr = nullptr;  // for the launch log (NDGPU_EMU_LAUNCH_LOG)
  dim3 grid, block;
  size_t shared_bytes = 0;
  cudaStream_t stream = nullptr;
  const void* const* arg_ptrs = nullptr;
  const size_t* arg_sizes = nullptr;
  int nargs = 0;
};
void run_launch(const LaunchSpec& spec);  // throws nd::DeviceError
// The grid-stride launches' block cap (launch.cuh): 8, so tests run few fibers; the GPU's 4096
// while the traffic model records an op (traffic_model.hpp).
int64_t max_grid_blocks();

template <class K>
const char* kernel_name() {
  return __PRETTY_FUNCTION__;  // "... [with K = void (*)(args...)]" names the kernel's signature
}

template <class... KArgs>
void run(void (*kernel)(KArgs...), dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream,
         KArgs... args) {
  static_assert((std::is_trivially_copyable_v<KArgs> && ...),
                "CUDA kernel arguments must be trivially copyable");
  struct Bound {
    void (*kernel)(KArgs...);
    const void* const* args;
  };
  const void* arg_ptrs[sizeof...(KArgs) + 1] = {static_cast<const void*>(&args)..., nullptr};
  const size_t arg_sizes[sizeof...(KArgs) + 1] = {sizeof(KArgs)..., 0};
  Bound bound{kernel, arg_ptrs};
  LaunchSpec s;
  s.invoke = [](const void* ctx) {
    const Bound& b = *static_cast<const Bound*>(ctx);
    [&]<size_t... I>(std::index_sequence<I...>) {
      b.kernel(*static_cast<const KArgs*>(b.args[I])...);  // each thread gets its own copies
    }(std::index_sequence_for<KArgs...>{});
  };
  s.ctx = &bound;
  s.kernel_name = kernel_name<void (*)(KArgs...)>();
  s.kernel_addr = reinterpret_cast<const void*>(kernel);
  s.grid = grid;
  s.block = block;
  s.shared_bytes = shared_bytes;
  s.stream = stream;
  s.arg_ptrs = arg_ptrs;
  s.arg_sizes = arg_sizes;
  s.nargs = static_cast<int>(sizeof...(KArgs));
  run_launch(s);
}

}  // namespace nd::emu

// ---- built-in variables ----
#define threadIdx (::nd::emu::tl_thread->thread_idx)
#define blockIdx (::nd::emu::tl_block->block_idx)
#define blockDim (::nd::emu::tl_block->block_dim)
#define gridDim (::nd::emu::tl_block->grid_dim)
constexpr int warpSize = 32;

// ---- barriers and warp collectives ----
inline void __syncthreads() { ::nd::emu::syncthreads(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) { ::nd::emu::syncwarp(mask); }
inline void __threadfence() {}        // blocks run one at a time: memory is always coherent
inline void __threadfence_block() {}
template <class T>
T __shfl_sync(unsigned mask, T v, int src_lane, int width = 32) {
  return ::nd::emu::shuffle(::nd::emu::Collective::shfl, mask, v, src_lane, width);
}
template <class T>
T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = 32) {
  return ::nd::emu::shuffle(::nd::emu::Collective::shfl_xor, mask, v, lane_mask, width);
}
template <class T>
T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  return ::nd::emu::shuffle(::nd::emu::Collective::shfl_down, mask, v, static_cast<int>(delta), width);
}
template <class T>
T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  return ::nd::emu::shuffle(::nd::emu::Collective::shfl_up, mask, v, static_cast<int>(delta), width);
}
inline unsigned __ballot_sync(unsigned mask, int pred) {
  return static_cast<unsigned>(::nd::emu::collective(::nd::emu::Collective::ballot, mask, pred != 0, 0, 32));
}
inline int __any_sync(unsigned mask, int pred) {
  return static_cast<int>(::nd::emu::collective(::nd::emu::Collective::any, mask, pred != 0, 0, 32));
}
inline int __all_sync(unsigned mask, int pred) {
  return static_cast<int>(::nd::emu::collective(::nd::emu::Collective::all, mask, pred != 0, 0, 32));
}

// ---- atomics (fibers of one OS thread never interleave inside a call, so these are atomic) ----
#define ND_EMU_ATOMIC(name, expr)                      \
  template <class T>                                   \
  T name(T* address, T val) {                          \
    const T old = *address;                            \
    *address = (expr);                                 \
    return old;                                        \
  }
ND_EMU_ATOMIC(atomicAdd, old + val)
ND_EMU_ATOMIC(atomicSub, old - val)
ND_EMU_ATOMIC(atomicExch, val)
ND_EMU_ATOMIC(atomicMin, val < old ? val : old)
ND_EMU_ATOMIC(atomicMax, val > old ? val : old)
ND_EMU_ATOMIC(atomicAnd, old & val)
ND_EMU_ATOMIC(atomicOr, old | val)
ND_EMU_ATOMIC(atomicXor, old ^ val)
#undef ND_EMU_ATOMIC
template <class T>
T atomicCAS(T* address, T compare, T val) {
  const T old = *address;
  if (old == compare) *address = val;
  return old;
}

// ---- math beyond <math.h> ----
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline long min(long a, long b) { return a < b ? a : b; }
inline long max(long a, long b) { return a > b ? a : b; }
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
inline double min(double a, double b) { return fmin(a, b); }
inline double max(double a, double b) { return fmax(a, b); }
template <class To, class From>
inline To nd_emu_bits(From v) {
  static_assert(sizeof(To) == sizeof(From));
  To out;
  std::memcpy(&out, &v, sizeof(To));
  return out;
}
inline int __float_as_int(float x) { return nd_emu_bits<int>(x); }
inline unsigned __float_as_uint(float x) { return nd_emu_bits<unsigned>(x); }
inline float __int_as_float(int x) { return nd_emu_bits<float>(x); }
inline float __uint_as_float(unsigned x) { return nd_emu_bits<float>(x); }
inline long long __double_as_longlong(double x) { return nd_emu_bits<long long>(x); }
inline double __longlong_as_double(long long x) { return nd_emu_bits<double>(x); }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x ? __builtin_clz(static_cast<unsigned>(x)) : 32; }
inline int __clzll(long long x) { return x ? __builtin_clzll(static_cast<unsigned long long>(x)) : 64; }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned __brev(unsigned x) {
  unsigned r = 0;
  for (int i = 0; i < 32; ++i) r |= ((x >> i) & 1u) << (31 - i);
  return r;
}
template <class T>
inline T __ldg(const T* p) { return *p; }
template <class T>
inline T __ldcg(const T* p) { return *p; }
