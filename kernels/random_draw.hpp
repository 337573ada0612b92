// Random draws, written once for both backends so CPU and CUDA give the same bits for the same
// (seed, counter). Each Philox counter (128 bits, kernels/philox.hpp) gives values_per_counter
// consecutive elements: element i of a draw comes from counter d.counter + i / per, slot i % per:
//   float32 uniform:  4 per counter, slot s = word s (24 bits)
//   float64 uniform:  2 per counter, slot s = words 2s, 2s+1 (53 bits)
//   float32 normal:   4 per counter, Box-Muller in float32 on words (0, 1) -> slots 0 (cos), 1 (sin)
//                     and on words (2, 3) -> slots 2, 3
//   float64 normal:   2 per counter, Box-Muller in float64: u0 from words 0, 1, u1 from words 2, 3,
//                     slot 0 the cosine branch, slot 1 the sine branch
//   integers:         2 per counter, slot s = 64 bits (words 2s, 2s+1) modulo the range
// rand / randn (a = 0, b = 1) store the value itself; otherwise a + (b - a) u and a + b z in
// double, then cast. The host advances the stream by ceil(n / per) counters per draw.
#pragma once
#include <cstdint>
#include <type_traits>

#include "backend.hpp"
#include "philox.hpp"

namespace nd::kern {

ND_HD int values_per_counter(RandomDist dist, DType t) {
  return dist != RandomDist::integers && t == DType::float32 ? 4 : 2;
}
// Counters a draw of d.n values takes (the stream advances by this much).
ND_HD int64_t random_counters(const RandomDesc& d) {
  const int per = values_per_counter(d.dist, d.out.dtype);
  return (d.n + per - 1) / per;
}
template <class T>
ND_HD constexpr int values_per_counter_of(RandomDist dist) {
  return dist != RandomDist::integers && std::is_same_v<T, float> ? 4 : 2;
}

// The values of one counter's words w0..w3 into out[0 .. per-1] (all of them, even past n).
template <class T, bool kUnit>
ND_HD void map_uniform(const RandomDesc& d, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3, T* out) {
  if constexpr (std::is_same_v<T, float>) {
    const uint32_t w[4] = {w0, w1, w2, w3};
    for (int s = 0; s < 4; ++s) {
      const float u = uniform_f32(w[s]);
      out[s] = kUnit ? u : static_cast<float>(d.a + (d.b - d.a) * static_cast<double>(u));
    }
  } else {
    const double u[2] = {uniform_f64(w0, w1), uniform_f64(w2, w3)};
    for (int s = 0; s < 2; ++s)
      out[s] = kUnit ? static_cast<T>(u[s]) : static_cast<T>(d.a + (d.b - d.a) * u[s]);
  }
}

template <class T, bool kUnit>
ND_HD void map_normal(const RandomDesc& d, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3, T* out) {
  if constexpr (std::is_same_v<T, float>) {
    float z[4];
    box_muller_f32(w0, w1, &z[0], &z[1]);
    box_muller_f32(w2, w3, &z[2], &z[3]);
    for (int s = 0; s < 4; ++s)
      out[s] = kUnit ? z[s] : static_cast<float>(d.a + d.b * static_cast<double>(z[s]));
  } else {
    double z[2];
    box_muller(1.0 - uniform_f64(w0, w1), uniform_f64(w2, w3), &z[0], &z[1]);
    for (int s = 0; s < 2; ++s) out[s] = kUnit ? static_cast<T>(z[s]) : static_cast<T>(d.a + d.b * z[s]);
  }
}

ND_HD uint64_t integer_range(const RandomDesc& d) {
  return static_cast<uint64_t>(static_cast<int64_t>(d.b) - static_cast<int64_t>(d.a));
}
// rem(x) = x % integer_range(d): the hardware remainder, or the CPU's kern::UnsignedDivisor.
template <class T, class Rem>
ND_HD void map_integers(const RandomDesc& d, const Rem& rem, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3, T* out) {
  const uint64_t bits[2] = {(static_cast<uint64_t>(w0) << 32) | w1, (static_cast<uint64_t>(w2) << 32) | w3};
  for (int s = 0; s < 2; ++s) out[s] = static_cast<T>(static_cast<int64_t>(d.a) + static_cast<int64_t>(rem(bits[s])));
}
struct HardwareRemainder {
  uint64_t range;
  ND_HD uint64_t operator()(uint64_t x) const { return x % range; }
};

// All values of counter d.counter + j.
template <class T>
ND_HD void random_counter(const RandomDesc& d, uint64_t j, T* out) {
  const Philox4 r = philox4x32_10(d.counter + j, d.seed);
  const bool unit = d.a == 0 && d.b == 1;
  switch (d.dist) {
    case RandomDist::uniform:
      if (unit) map_uniform<T, true>(d, r.v[0], r.v[1], r.v[2], r.v[3], out);
      else map_uniform<T, false>(d, r.v[0], r.v[1], r.v[2], r.v[3], out);
      break;
    case RandomDist::normal:
      if (unit) map_normal<T, true>(d, r.v[0], r.v[1], r.v[2], r.v[3], out);
      else map_normal<T, false>(d, r.v[0], r.v[1], r.v[2], r.v[3], out);
      break;
    case RandomDist::integers:
      map_integers<T>(d, HardwareRemainder{integer_range(d)}, r.v[0], r.v[1], r.v[2], r.v[3], out);
      break;
  }
}

}  // namespace nd::kern
