// Element i of a random draw, written once for both backends so CPU and CUDA give the same bits
// for the same (seed, counter): Philox counter (d.counter + i), mapped as kernels/philox.hpp says.
#pragma once
#include <cstdint>

#include "backend.hpp"
#include "philox.hpp"

namespace nd::kern {

template <class T>
ND_HD T random_draw(const RandomDesc& d, uint64_t i) {
  const Philox4 r = philox4x32_10(d.counter + i, d.seed);
  switch (d.dist) {
    case RandomDist::uniform: {
      double u = sizeof(T) == 4 ? uniform_f32(r.v[0]) : uniform_f64(r.v[0], r.v[1]);
      return static_cast<T>(d.a + (d.b - d.a) * u);
    }
    case RandomDist::normal: {
      double u0 = 1.0 - uniform_f64(r.v[0], r.v[1]);  // (0, 1]
      double u1 = uniform_f64(r.v[2], r.v[3]);
      return static_cast<T>(d.a + d.b * box_muller(u0, u1));
    }
    case RandomDist::integers: {
      const uint64_t range =
          static_cast<uint64_t>(static_cast<int64_t>(d.b) - static_cast<int64_t>(d.a));
      const uint64_t bits = (static_cast<uint64_t>(r.v[0]) << 32) | r.v[1];
      return static_cast<T>(static_cast<int64_t>(d.a) + static_cast<int64_t>(bits % range));
    }
  }
  return T(0);
}

}  // namespace nd::kern
