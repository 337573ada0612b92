// Vector accesses for kernels: Vec<T, V> (V elements, aligned as one access), kVec<T> (elements
// per 16-byte load), and vec_load / vec_store, one GPU vector instruction each. In the emulator a
// plain struct copy compiles to a memcpy, which the traffic model (docs/gpu_model.md) cannot see;
// vec_load / vec_store access an integer of the same size instead, which it can.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cuda/cuda_compat.cuh"

namespace nd::cuda {

template <class T, int V>
struct alignas(sizeof(T) * V) Vec {
  T v[V];
};
template <class T> constexpr int kVec = 16 / sizeof(T);  // elements per 16-byte load

#if NDGPU_CUDA_EMULATION
template <size_t N> struct RawOf;
template <> struct RawOf<1> { typedef uint8_t __attribute__((may_alias)) type; };
template <> struct RawOf<2> { typedef uint16_t __attribute__((may_alias)) type; };
template <> struct RawOf<4> { typedef uint32_t __attribute__((may_alias)) type; };
template <> struct RawOf<8> { typedef uint64_t __attribute__((may_alias)) type; };
template <> struct RawOf<16> { typedef __int128 __attribute__((may_alias)) type; };
#endif
template <class V>
__device__ __forceinline__ V vec_load(const V* p) {
#if NDGPU_CUDA_EMULATION
  using Raw = typename RawOf<sizeof(V)>::type;
  const Raw raw = *reinterpret_cast<const Raw*>(p);
  V v;
  memcpy(&v, &raw, sizeof v);
  return v;
#else
  return *p;
#endif
}
template <class V>
__device__ __forceinline__ void vec_store(V* p, const V& v) {
#if NDGPU_CUDA_EMULATION
  using Raw = typename RawOf<sizeof(V)>::type;
  Raw raw;
  memcpy(&raw, &v, sizeof v);
  *reinterpret_cast<Raw*>(p) = raw;
#else
  *p = v;
#endif
}

}  // namespace nd::cuda
