// Strided copy / cast, fill and random numbers on the CPU.
#include <cstring>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/loops.hpp"
#include "cpu/simd.hpp"
#include "random_draw.hpp"

namespace nd::cpu {
namespace {

// A contiguous cast, vectorised for AVX-512 / AVX2 / baseline (picked at load time).
template <class To, class From>
ND_SIMD_CLONES void cast_contig(To* o, const From* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) o[i] = kern::convert<To>(a[i]);
}

}  // namespace
void copy(const CopyDesc& d) {
  ND_DISPATCH(d.dst.dtype, To, ND_DISPATCH(d.src.dtype, From, {
    for_each_row<2>(d.iter, {&d.dst, &d.src}, [](auto p, int64_t n, auto s) {
      if (std::is_same_v<To, From> && s[0] == sizeof(To) && s[1] == sizeof(From)) {
        std::memcpy(p[0], p[1], n * sizeof(To));
        return;
      }
      if (s[0] == sizeof(To) && s[1] == sizeof(From))
        return cast_contig(reinterpret_cast<To*>(p[0]), reinterpret_cast<const From*>(p[1]), n);
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<To*>(p[0] + i * s[0]) =
            kern::convert<To>(*reinterpret_cast<const From*>(p[1] + i * s[1]));
    });
  }));
}

void fill(const FillDesc& d) {
  ND_DISPATCH(d.dst.dtype, T, {
    const T v = is_floating(d.value.dtype) ? kern::convert<T>(d.value.f) : kern::convert<T>(d.value.i);
    for_each_row<1>(d.iter, {&d.dst}, [v](auto p, int64_t n, auto s) {
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = v;
    });
  });
}

// Element i draws from Philox counter (d.counter + i); see kernels/random_draw.hpp.
void random(const RandomDesc& d) {
  ND_DISPATCH(d.out.dtype, T, {
    if constexpr (std::is_same_v<T, bool>) {
      throw TypeError("random numbers of dtype bool are not supported");
    } else {
      T* out = static_cast<T*>(d.out.data);
      parallel_for(d.n, kParallelGrain / 8, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) out[i] = kern::random_draw<T>(d, static_cast<uint64_t>(i));
      });
    }
  });
}

}  // namespace nd::cpu
