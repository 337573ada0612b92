// Strided copy / cast, fill and random numbers on the CPU.
#include <algorithm>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/isa.hpp"
#include "cpu/loops.hpp"
#include "cpu/simd.hpp"
#include "fill_ramp.hpp"
#include "random_draw.hpp"

namespace nd::cpu {
namespace {

// A contiguous cast, vectorised for AVX-512 / AVX2 / baseline (picked at load time).
template <class To, class From>
ND_SIMD_CLONES void cast_contig(To* o, const From* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) o[i] = kern::convert<To>(a[i]);
}

template <class T>
ND_SIMD_CLONES void fill_contig(T* o, T v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) o[i] = v;
}

// Hand-written AVX2 loops (the cast below, random numbers further down), taken when the CPU has
// AVX2 and FMA; GCC only (target attributes and pragmas).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ND_X86_AVX2 1
bool cpu_has_avx2() { return cpu_isa() != Isa::generic; }  // AVX2 with FMA (cpu/isa.hpp)
// float32 -> int32 with kern::convert's results (NaN -> 0, saturating): cvttps2dq gives INT_MIN
// for NaN and for every lane out of range, so two compares finish it (x >= 2^31 flips INT_MIN to
// INT_MAX, NaN clears) -- 4 vector ops per 8 values where the compiler made 12 of convert's
// branches, which left this cast compute-bound on L3-resident arrays.
__attribute__((target("avx2"))) void f32_to_i32_avx2(int32_t* o, const float* a, int64_t n) {
  const __m256 two31 = _mm256_set1_ps(2147483648.0f);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(a + i);
    const __m256i over = _mm256_castps_si256(_mm256_cmp_ps(x, two31, _CMP_GE_OQ));
    const __m256i number = _mm256_castps_si256(_mm256_cmp_ps(x, x, _CMP_ORD_Q));
    const __m256i r = _mm256_and_si256(_mm256_xor_si256(_mm256_cvttps_epi32(x), over), number);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + i), r);
  }
  for (; i < n; ++i) o[i] = kern::convert<int32_t>(a[i]);
}
#endif

template <class To, class From>
void cast_row(To* o, const From* a, int64_t n) {
#if ND_X86_AVX2
  if constexpr (std::is_same_v<To, int32_t> && std::is_same_v<From, float>)
    if (cpu_has_avx2()) return f32_to_i32_avx2(o, a, n);
#endif
  if constexpr (std::is_same_v<From, float> && is_half_v<To>) return narrow(o, a, n);
  if constexpr (std::is_same_v<To, float> && is_half_v<From>) return widen(o, a, n);
  cast_contig(o, a, n);
}

// One element converted, or the same dtype's bits as they are (a half would go through float).
// A template, so that the branch not taken is never compiled for the pair.
template <class To, class From>
To stored(const From& v) {
  if constexpr (std::is_same_v<To, From>) return v;
  else return kern::convert<To>(v);
}

}  // namespace

void copy(const CopyDesc& d) {
  ND_DISPATCH_STORAGE(d.dst.dtype, To, ND_DISPATCH_STORAGE(d.src.dtype, From, {
    for_each_row<2>(d.iter, {&d.dst, &d.src}, [](auto p, int64_t n, auto s) {
      if (std::is_same_v<To, From> && s[0] == sizeof(To) && s[1] == sizeof(From)) {
        std::memcpy(p[0], p[1], n * sizeof(To));
        return;
      }
      if (s[0] == sizeof(To) && s[1] == sizeof(From))
        return cast_row(reinterpret_cast<To*>(p[0]), reinterpret_cast<const From*>(p[1]), n);
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<To*>(p[0] + i * s[0]) = stored<To>(*reinterpret_cast<const From*>(p[1] + i * s[1]));
    });
  }));
}

namespace {

// out[i * stride] = f(i) over the 1-D iter of an index-dependent fill (kernels/fill_ramp.hpp),
// split across cores; the index counts in int32 where it fits, so the conversions vectorise.
template <class T, class F>
void fill_indexed(const FillDesc& d, const F f) {  // by value: stores to out cannot alias it
  const int64_t n = d.iter.numel();
  if (d.iter.ndim > 1) throw ValueError("fill: index-dependent fills take a 1-D iteration");
  const int64_t stride = d.iter.ndim ? d.dst.strides[0] : 1;
  T* out = static_cast<T*>(d.dst.data);
  auto chunk = [out, stride, f](int64_t b, int64_t e) {
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
  ND_DISPATCH_STORAGE(d.dst.dtype, T, {
    const T v = is_floating(d.value.dtype) ? kern::convert<T>(d.value.f) : kern::convert<T>(d.value.i);
    for_each_row<1>(d.iter, {&d.dst}, [v](auto p, int64_t n, auto s) {
      if (s[0] == sizeof(T)) return fill_contig(reinterpret_cast<T*>(p[0]), v, n);
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = v;
    });
  });
}

namespace {

// kLanes counters per step: Philox runs over the lanes, then each lane's words map to its values
// (kernels/random_draw.hpp, the functions CUDA runs per counter), so the float32 Box-Muller
// vectorises too.
constexpr int kLanes = 16;

// The words of counters [c, c + kLanes): kernels/philox.hpp's lanes, vectorised by the compiler.
struct PhiloxLanes {
  ND_VINLINE static void run(uint64_t c, uint64_t seed, uint32_t (&w)[4][kLanes]) {
    kern::philox4x32_10_lanes<kLanes>(c, seed, w);
  }
};

// Counters [jb, je) of the draw into their elements of out (those below d.n). A macro so that the
// AVX2 copy below is compiled for that target (an instantiation takes its template's target).
#define ND_RANDOM_RANGE(NAME)                                                                   \
  template <class Gen, class T, class Map>                                                      \
  ND_VINLINE void NAME(const RandomDesc& d, int64_t jb, int64_t je, T* out, const Map& map) {   \
    constexpr int per = kern::values_per_counter_of<T>(Map::dist);                              \
    T vals[4 * kLanes];                                                                         \
    uint32_t w[4][kLanes];                                                                      \
    for (int64_t j = jb; j < je; j += kLanes) {                                                 \
      Gen::run(d.counter + static_cast<uint64_t>(j), d.seed, w);                                \
      ND_LANE_LOOP                                                                              \
      for (int l = 0; l < kLanes; ++l) map(d, w[0][l], w[1][l], w[2][l], w[3][l], vals + per * l); \
      const int64_t i0 = j * per;                                                               \
      const int64_t m = std::min<int64_t>(std::min<int64_t>(kLanes, je - j) * per, d.n - i0);  \
      std::memcpy(out + i0, vals, m * sizeof(T));                                               \
    }                                                                                           \
  }
ND_RANDOM_RANGE(random_range)

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
// The range's remainder by a precomputed reciprocal (kern::UnsignedDivisor): the same values as
// CUDA's hardware remainder, without a 64-bit divide per value.
struct DivisorRemainder {
  uint64_t range;
  kern::UnsignedDivisor<uint64_t> div;
  explicit DivisorRemainder(uint64_t r) : range(r), div(r) {}
  ND_VINLINE uint64_t operator()(uint64_t x) const { return x - div.divide(x) * range; }
};
template <class T>
struct IntegerMap {
  static constexpr RandomDist dist = RandomDist::integers;
  DivisorRemainder rem;
  explicit IntegerMap(const RandomDesc& d) : rem(kern::integer_range(d)) {}
  ND_VINLINE void operator()(const RandomDesc& d, uint32_t a, uint32_t b, uint32_t c, uint32_t e, T* o) const {
    kern::map_integers<T>(d, rem, a, b, c, e, o);
  }
};

// The float loops: NAME compiled for AVX-512 / AVX2 / baseline (simd.hpp), NAME_avx2 with
// hand-written AVX2 Philox (GCC's own vectorisation of the 32x32->64 products shuffles more than
// it multiplies); the same words either way. log_f32's fmas inline in both.
#define ND_RANDOM_LOOPS(X)                              \
  X(uniform_unit_f32, (UniformMap<float, true>), float)  \
  X(uniform_f32, (UniformMap<float, false>), float)      \
  X(normal_unit_f32, (NormalMap<float, true>), float)    \
  X(normal_f32, (NormalMap<float, false>), float)        \
  X(uniform_unit_f64, (UniformMap<double, true>), double) \
  X(uniform_f64, (UniformMap<double, false>), double)    \
  X(normal_unit_f64, (NormalMap<double, true>), double)  \
  X(normal_f64, (NormalMap<double, false>), double)
#define ND_RANDOM_LOOP(NAME, MAP, T)                                              \
  ND_SIMD_CLONES void NAME(const RandomDesc& d, int64_t jb, int64_t je, T* out) { \
    random_range<PhiloxLanes, T>(d, jb, je, out, MAP{});                          \
  }
ND_RANDOM_LOOPS(ND_RANDOM_LOOP)
#undef ND_RANDOM_LOOP

#if ND_X86_AVX2
#pragma GCC push_options
#pragma GCC target("avx2,fma")

// Philox4x32-10 on 8 counters per AVX2 register, exactly kernels/philox.hpp's rounds: the
// products of the even lanes and of the odd lanes (shifted down) by vpmuludq, hi / lo words
// blended back into place.
struct PhiloxAvx2 {
  ND_VINLINE static void mulhilo(__m256i a, __m256i m, __m256i* hi, __m256i* lo) {
    const __m256i pe = _mm256_mul_epu32(a, m);
    const __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
    *lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
  }
  ND_VINLINE static void run(uint64_t c, uint64_t seed, uint32_t (&w)[4][kLanes]) {
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
    const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
    for (int h = 0; h < kLanes; h += 8) {
      alignas(32) uint32_t lo[8], hi[8];
      for (int l = 0; l < 8; ++l) {
        const uint64_t x = c + static_cast<uint64_t>(h + l);
        lo[l] = static_cast<uint32_t>(x);
        hi[l] = static_cast<uint32_t>(x >> 32);
      }
      __m256i c0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo));
      __m256i c1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi));
      __m256i c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256();
      uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
      for (int r = 0; r < 10; ++r) {
        __m256i hi0, lo0, hi1, lo1;
        mulhilo(c0, m0, &hi0, &lo0);
        mulhilo(c2, m1, &hi1, &lo1);
        c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
        c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
        c1 = lo1;
        c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(&w[0][h]), c0);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(&w[1][h]), c1);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(&w[2][h]), c2);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(&w[3][h]), c3);
    }
  }
};

ND_RANDOM_RANGE(random_range_avx2)
#define ND_RANDOM_LOOP(NAME, MAP, T)                                             \
  void NAME##_avx2(const RandomDesc& d, int64_t jb, int64_t je, T* out) {       \
    random_range_avx2<PhiloxAvx2, T>(d, jb, je, out, MAP{});                     \
  }
ND_RANDOM_LOOPS(ND_RANDOM_LOOP)
#undef ND_RANDOM_LOOP
void integers_i32_avx2(const RandomDesc& d, int64_t jb, int64_t je, int32_t* out) {
  random_range_avx2<PhiloxAvx2, int32_t>(d, jb, je, out, IntegerMap<int32_t>(d));
}
void integers_i64_avx2(const RandomDesc& d, int64_t jb, int64_t je, int64_t* out) {
  random_range_avx2<PhiloxAvx2, int64_t>(d, jb, je, out, IntegerMap<int64_t>(d));
}
#pragma GCC pop_options

#define ND_RANDOM_CALL(NAME) (cpu_has_avx2() ? NAME##_avx2 : NAME)(d, jb, je, out)
#else
#define ND_RANDOM_CALL(NAME) NAME(d, jb, je, out)
#endif

template <class T>
void random_rows(const RandomDesc& d, int64_t jb, int64_t je, T* out) {
  const bool unit = d.a == 0 && d.b == 1;
  if constexpr (std::is_floating_point_v<T>) {
    constexpr bool f32 = std::is_same_v<T, float>;
    if (d.dist == RandomDist::uniform) {
      if constexpr (f32) unit ? ND_RANDOM_CALL(uniform_unit_f32) : ND_RANDOM_CALL(uniform_f32);
      else unit ? ND_RANDOM_CALL(uniform_unit_f64) : ND_RANDOM_CALL(uniform_f64);
      return;
    }
    if (d.dist == RandomDist::normal) {
      if constexpr (f32) unit ? ND_RANDOM_CALL(normal_unit_f32) : ND_RANDOM_CALL(normal_f32);
      else unit ? ND_RANDOM_CALL(normal_unit_f64) : ND_RANDOM_CALL(normal_f64);
      return;
    }
  }
  if (d.dist == RandomDist::integers) {
#if ND_X86_AVX2
    if constexpr (std::is_same_v<T, int32_t>) if (cpu_has_avx2()) return integers_i32_avx2(d, jb, je, out);
    if constexpr (std::is_same_v<T, int64_t>) if (cpu_has_avx2()) return integers_i64_avx2(d, jb, je, out);
#endif
    return random_range<PhiloxLanes, T>(d, jb, je, out, IntegerMap<T>(d));
  }
  throw TypeError("random: no such distribution for dtype " + std::string(dtype_name(d.out.dtype)));
}

#undef ND_RANDOM_CALL
#undef ND_RANDOM_LOOPS
#undef ND_RANDOM_RANGE

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
      // A value costs a Philox share and a map (Box-Muller, a 64-bit remainder): 3-5 ns, like the
      // transcendental ops (kern::op_cost 8), so two cores from 8K values on (16 x 768 integers
      // took 61 us on one).
      constexpr int kRandomCost = 8;
      const int64_t grain = std::max<int64_t>(1, kParallelGrain / (per * kRandomCost));
      if (counters < 2 * grain) {
        random_rows<T>(d, 0, counters, out);
      } else {
        parallel_for(counters, grain, [&](int64_t b, int64_t e) { random_rows<T>(d, b, e, out); });
      }
    }
  });
}

}  // namespace nd::cpu
