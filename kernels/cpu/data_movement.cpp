// Strided copy / cast, fill and random numbers on the CPU.
#include <algorithm>
#include <cstring>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/loops.hpp"
#include "cpu/simd.hpp"
#include "fill_ramp.hpp"
#include "random_draw.hpp"

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

namespace {

// out[i * stride] = f(i) over the 1-D iter of an index-dependent fill (kernels/fill_ramp.hpp),
// split across cores; the index counts in int32 where it fits, so the conversions vectorise.
template <class T, class F>
void fill_indexed(const FillDesc& d, const F& f) {
  const int64_t n = d.iter.numel();
  if (d.iter.ndim > 1) throw ValueError("fill: index-dependent fills take a 1-D iteration");
  const int64_t stride = d.iter.ndim ? d.dst.strides[0] : 1;
  T* out = static_cast<T*>(d.dst.data);
  auto chunk = [&](int64_t b, int64_t e) {
    if (stride == 1 && e <= INT32_MAX) {
      for (int32_t i = static_cast<int32_t>(b); i < static_cast<int32_t>(e); ++i) out[i] = f(i);
    } else {
      for (int64_t i = b; i < e; ++i) out[i * stride] = f(i);
    }
  };
  if (n < 2 * kParallelGrain) return chunk(0, n);
  parallel_for(n, kParallelGrain, chunk);
}

// eye: zeros, then the ones of this chunk (EyeFill gives the same values, one division each).
template <class T>
void fill_eye(const FillDesc& d) {
  const int64_t n = d.iter.numel();
  const int64_t stride = d.iter.ndim ? d.dst.strides[0] : 1;
  if (d.iter.ndim > 1 || stride != 1) return fill_indexed<T>(d, kern::EyeFill<T>(d));
  T* out = static_cast<T*>(d.dst.data);
  auto chunk = [&](int64_t b, int64_t e) {
    std::memset(static_cast<void*>(out + b), 0, (e - b) * sizeof(T));
    const int64_t last = d.first + (d.count - 1) * d.stride;  // the last one's index
    if (d.count <= 0 || last < b) return;
    int64_t t = b <= d.first ? 0 : (b - d.first + d.stride - 1) / d.stride;
    for (int64_t i = d.first + t * d.stride; t < d.count && i < e; ++t, i += d.stride) out[i] = T(1);
  };
  if (n < 2 * kParallelGrain) return chunk(0, n);
  parallel_for(n, kParallelGrain, chunk);
}

}  // namespace

void fill(const FillDesc& d) {
  if (d.kind != FillKind::constant) {
    ND_DISPATCH(d.dst.dtype, T, {
      switch (d.kind) {
        case FillKind::arange: fill_indexed<T>(d, kern::ArangeFill<T>(d)); break;
        case FillKind::linspace: fill_indexed<T>(d, kern::LinspaceFill<T>(d)); break;
        case FillKind::eye: fill_eye<T>(d); break;
        case FillKind::constant: break;
      }
    });
    return;
  }
  ND_DISPATCH(d.dst.dtype, T, {
    const T v = is_floating(d.value.dtype) ? kern::convert<T>(d.value.f) : kern::convert<T>(d.value.i);
    for_each_row<1>(d.iter, {&d.dst}, [v](auto p, int64_t n, auto s) {
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = v;
    });
  });
}

namespace {

// kLanes counters per step: Philox runs over the lanes (vpmuludq), then each lane's words map to
// its values (kernels/random_draw.hpp, the functions CUDA runs per counter), so the float32
// Box-Muller vectorises too.
constexpr int kLanes = 16;

// Counters [jb, je) of the draw into their elements of out (those below d.n).
template <class T, class Map>
ND_VINLINE void random_range(const RandomDesc& d, int64_t jb, int64_t je, T* out, const Map& map) {
  constexpr int per = kern::values_per_counter_of<T>(Map::dist);
  T vals[4 * kLanes];
  uint32_t w[4][kLanes];
  for (int64_t j = jb; j < je; j += kLanes) {
    kern::philox4x32_10_lanes<kLanes>(d.counter + static_cast<uint64_t>(j), d.seed, w);
    ND_LANE_LOOP
    for (int l = 0; l < kLanes; ++l) map(d, w[0][l], w[1][l], w[2][l], w[3][l], vals + per * l);
    const int64_t i0 = j * per;
    const int64_t m = std::min<int64_t>(std::min<int64_t>(kLanes, je - j) * per, d.n - i0);
    std::memcpy(out + i0, vals, m * sizeof(T));
  }
}

template <class T, bool kUnit>
struct UniformMap {
  static constexpr RandomDist dist = RandomDist::uniform;
  ND_VINLINE void operator()(const RandomDesc& d, uint32_t a, uint32_t b, uint32_t c, uint32_t e, T* o) const {
    kern::map_uniform<T, kUnit>(d, a, b, c, e, o);
  }
};
template <class T, bool kUnit>
struct NormalMap {
  static constexpr RandomDist dist = RandomDist::normal;
  ND_VINLINE void operator()(const RandomDesc& d, uint32_t a, uint32_t b, uint32_t c, uint32_t e, T* o) const {
    kern::map_normal<T, kUnit>(d, a, b, c, e, o);
  }
};
template <class T>
struct IntegerMap {
  static constexpr RandomDist dist = RandomDist::integers;
  ND_VINLINE void operator()(const RandomDesc& d, uint32_t a, uint32_t b, uint32_t c, uint32_t e, T* o) const {
    kern::map_integers<T>(d, a, b, c, e, o);
  }
};

// The float loops, compiled for AVX-512 / AVX2 / baseline (simd.hpp): log_f32's fmas inline.
#define ND_RANDOM_LOOP(NAME, MAP, T)                                                     \
  ND_SIMD_CLONES void NAME(const RandomDesc& d, int64_t jb, int64_t je, T* out) {        \
    random_range<T>(d, jb, je, out, MAP{});                                              \
  }
ND_RANDOM_LOOP(uniform_unit_f32, (UniformMap<float, true>), float)
ND_RANDOM_LOOP(uniform_f32, (UniformMap<float, false>), float)
ND_RANDOM_LOOP(normal_unit_f32, (NormalMap<float, true>), float)
ND_RANDOM_LOOP(normal_f32, (NormalMap<float, false>), float)
ND_RANDOM_LOOP(uniform_unit_f64, (UniformMap<double, true>), double)
ND_RANDOM_LOOP(uniform_f64, (UniformMap<double, false>), double)
ND_RANDOM_LOOP(normal_unit_f64, (NormalMap<double, true>), double)
ND_RANDOM_LOOP(normal_f64, (NormalMap<double, false>), double)
#undef ND_RANDOM_LOOP

template <class T>
void random_rows(const RandomDesc& d, int64_t jb, int64_t je, T* out) {
  const bool unit = d.a == 0 && d.b == 1;
  if constexpr (std::is_floating_point_v<T>) {
    constexpr bool f32 = std::is_same_v<T, float>;
    if (d.dist == RandomDist::uniform) {
      if constexpr (f32) unit ? uniform_unit_f32(d, jb, je, out) : uniform_f32(d, jb, je, out);
      else unit ? uniform_unit_f64(d, jb, je, out) : uniform_f64(d, jb, je, out);
      return;
    }
    if (d.dist == RandomDist::normal) {
      if constexpr (f32) unit ? normal_unit_f32(d, jb, je, out) : normal_f32(d, jb, je, out);
      else unit ? normal_unit_f64(d, jb, je, out) : normal_f64(d, jb, je, out);
      return;
    }
  }
  if (d.dist == RandomDist::integers) return random_range<T>(d, jb, je, out, IntegerMap<T>{});
  throw TypeError("random: no such distribution for dtype " + std::string(dtype_name(d.out.dtype)));
}

}  // namespace

// Counter d.counter + j gives elements [j * per, (j + 1) * per); see kernels/random_draw.hpp.
void random(const RandomDesc& d) {
  ND_DISPATCH(d.out.dtype, T, {
    if constexpr (std::is_same_v<T, bool>) {
      throw TypeError("random numbers of dtype bool are not supported");
    } else {
      T* out = static_cast<T*>(d.out.data);
      const int per = kern::values_per_counter(d.dist, d.out.dtype);
      const int64_t counters = (d.n + per - 1) / per;
      const int64_t grain = 1024;  // counters: 4096 float32 normals, ~15 us
      if (counters < 2 * grain) {
        random_rows<T>(d, 0, counters, out);
      } else {
        parallel_for(counters, grain, [&](int64_t b, int64_t e) { random_rows<T>(d, b, e, out); });
      }
    }
  });
}

}  // namespace nd::cpu
