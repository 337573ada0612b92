// Strided copy / cast, fill and random numbers on the CPU.
#include <cstring>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/loops.hpp"
#include "philox.hpp"

namespace nd::cpu {

void copy(const CopyDesc& d) {
  ND_DISPATCH(d.dst.dtype, To, ND_DISPATCH(d.src.dtype, From, {
    for_each_row<2>(d.iter, {&d.dst, &d.src}, [](auto p, int64_t n, auto s) {
      if (std::is_same_v<To, From> && s[0] == sizeof(To) && s[1] == sizeof(From)) {
        std::memcpy(p[0], p[1], n * sizeof(To));
        return;
      }
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

// Element i draws from Philox counter (d.counter + i); see kernels/philox.hpp.
template <class T>
static T draw(const RandomDesc& d, uint64_t i) {
  const kern::Philox4 r = kern::philox4x32_10(d.counter + i, d.seed);
  switch (d.dist) {
    case RandomDist::uniform: {
      double u = sizeof(T) == 4 ? kern::uniform_f32(r.v[0]) : kern::uniform_f64(r.v[0], r.v[1]);
      return static_cast<T>(d.a + (d.b - d.a) * u);
    }
    case RandomDist::normal: {
      double u0 = 1.0 - kern::uniform_f64(r.v[0], r.v[1]);  // (0, 1]
      double u1 = kern::uniform_f64(r.v[2], r.v[3]);
      return static_cast<T>(d.a + d.b * kern::box_muller(u0, u1));
    }
    case RandomDist::integers: {
      const uint64_t range = static_cast<uint64_t>(static_cast<int64_t>(d.b) - static_cast<int64_t>(d.a));
      const uint64_t bits = (static_cast<uint64_t>(r.v[0]) << 32) | r.v[1];
      return static_cast<T>(static_cast<int64_t>(d.a) + static_cast<int64_t>(bits % range));
    }
  }
  return T(0);
}

void random(const RandomDesc& d) {
  ND_DISPATCH(d.out.dtype, T, {
    if constexpr (std::is_same_v<T, bool>) {
      throw TypeError("random numbers of dtype bool are not supported");
    } else {
      T* out = static_cast<T*>(d.out.data);
      parallel_for(d.n, kParallelGrain / 8, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) out[i] = draw<T>(d, static_cast<uint64_t>(i));
      });
    }
  });
}

}  // namespace nd::cpu
