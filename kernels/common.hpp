// Shared by both backends: the host/device qualifier, dtype dispatch, and the one UB-free
// conversion and integer-division helpers (docs/reliability.md 2: NaN -> 0, saturating casts,
// x/0 -> 0 and MIN/-1 -> MIN for integers).
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "ndgpu/dtype.hpp"
#include "ndgpu/error.hpp"

#if defined(__CUDACC__)
#define ND_HD __host__ __device__ __forceinline__
#else
#define ND_HD inline
#endif

namespace nd::kern {

// Converts between element types without UB: float -> int saturates, NaN -> 0; int -> narrower
// int wraps (keeps the low bits, as NumPy's astype).
template <class To, class From>
ND_HD To convert(From x) {
  if constexpr (is_half_v<From>) {  // exactly a float, then float's rules
    return convert<To>(static_cast<float>(x));
  } else if constexpr (is_half_v<To>) {  // rounds once to nearest even (ndgpu/half.hpp)
    return To(x);
  } else if constexpr (std::is_same_v<To, bool>) {
    return x != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (!(x == x)) return To(0);
    constexpr From lo = From(std::numeric_limits<To>::min());  // 0 or -2^(bits-1): exact
    constexpr From hi = From(std::numeric_limits<To>::max() / 2 + 1) * 2;  // 2^bits or 2^(bits-1)
    if (x <= lo) return std::numeric_limits<To>::min();
    if (x >= hi) return std::numeric_limits<To>::max();
    return static_cast<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

// ---- the small helpers of the math tables (ops.hpp, reduce_ops.hpp, nn_ops.hpp), defined once
// here so that one translation unit can include all of them --------------------------------
template <class T>
ND_HD bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) return x != x;
  else return false;
}
// Wrapping integer arithmetic (NumPy's): unsigned math, modular conversion back (C++20, no UB);
// floats as they are.
template <class T> using Unsigned = std::make_unsigned_t<T>;
template <class T>
ND_HD T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return T(Unsigned<T>(a) + Unsigned<T>(b));
  else return a + b;
}
template <class T>
ND_HD T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return T(Unsigned<T>(a) - Unsigned<T>(b));
  else return a - b;
}
template <class T>
ND_HD T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using W = std::conditional_t<sizeof(T) < sizeof(unsigned), unsigned, Unsigned<T>>;  // u16*u16 would overflow int
    return T(W(Unsigned<T>(a)) * W(Unsigned<T>(b)));
  } else {
    return a * b;
  }
}

// Integer division and modulo with Python's floor semantics and no UB.
template <class T>
ND_HD T int_floor_div(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_unsigned_v<T>) {
    return a / b;
  } else {
    if (b == T(-1)) return a == std::numeric_limits<T>::min() ? a : T(0) - a;
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
}
template <class T>
ND_HD T int_mod(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_unsigned_v<T>) {
    return a % b;
  } else {
    if (b == T(-1)) return 0;
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  }
}


// Division by one divisor fixed for a whole loop (x // 7, x % 7, random integers mod a range): a
// multiply by a precomputed reciprocal instead of a hardware divide, exact for every n
// (Granlund and Montgomery's round-up method: l = ceil(log2 D), magic = 2^N (2^l - D) / D + 1,
// q = (t + (n - t) / 2) >> (l - 1) with t = mulhi(magic, n)). Built on the host (the magic takes
// a 2N-bit divide); used by the CPU loops and by CUDA's strided addressing (cuda/strided.cuh),
// where a 64-bit divide is a long software routine.
template <class U>
struct UnsignedDivisor {
  static_assert(std::is_unsigned_v<U> && (sizeof(U) == 4 || sizeof(U) == 8));
  static constexpr int kBits = static_cast<int>(sizeof(U)) * 8;
  U magic = 0;
  int shift = 0;      // l - 1
  bool unit = true;   // D <= 1: n / D is n (D = 0 is the callers' to avoid)

  UnsignedDivisor() = default;
  explicit UnsignedDivisor(U d) {
    using W = std::conditional_t<sizeof(U) == 8, unsigned __int128, uint64_t>;
    if (d <= 1) return;
    int l = 0;
    while (l < kBits && (W(1) << l) < d) ++l;
    magic = static_cast<U>((((W(1) << l) - d) << kBits) / d + 1);
    shift = l - 1;
    unit = false;
  }
  ND_HD U divide(U n) const {
    if (unit) return n;
    U t;
#if defined(__CUDA_ARCH__)
    if constexpr (sizeof(U) == 8) t = __umul64hi(magic, n);
    else t = __umulhi(magic, n);
#else
    if constexpr (sizeof(U) == 8) t = static_cast<U>((static_cast<unsigned __int128>(magic) * n) >> 64);
    else t = static_cast<U>((static_cast<uint64_t>(magic) * n) >> 32);
#endif
    return (t + ((n - t) >> 1)) >> shift;
  }
};

// int_floor_div and int_mod (b == 0 and MIN // -1 included) by a fixed b: |b| divides unsigned,
// and the signs go around it through floor(n / D) = ~(~n / D) for n < 0, D > 0.
template <class T>
struct FixedDivisor {
  using U = std::make_unsigned_t<T>;
  T b;
  UnsignedDivisor<U> mag;

  explicit FixedDivisor(T divisor) : b(divisor), mag(magnitude(divisor)) {}
  static U magnitude(T d) {
    if constexpr (std::is_signed_v<T>) return d < 0 ? U(U(0) - U(d)) : U(d);
    else return d;
  }
  T floor_div(T a) const {
    if (b == 0) return 0;
    if constexpr (std::is_unsigned_v<T>) {
      return mag.divide(a);
    } else {
      const U ua = static_cast<U>(a);
      if (b > 0) {
        const U s = static_cast<U>(a >> (sizeof(T) * 8 - 1));  // all ones when a < 0
        return static_cast<T>(s ^ mag.divide(ua ^ s));
      }
      const U s = a > 0 ? U(~U(0)) : U(0);  // floor(a / b) = floor(-a / |b|), and -a < 0 when a > 0
      return static_cast<T>(s ^ mag.divide(s ? U(ua - 1) : U(U(0) - ua)));
    }
  }
  T mod(T a) const {
    if (b == 0) return 0;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(floor_div(a)) * static_cast<U>(b));
  }
};
}  // namespace nd::kern

namespace nd::kern {
// The C++ type a storage type's arithmetic runs in (the dtype table's math column):
// opmath_t<int8_t> is int32_t.
template <class S> struct opmath_of;
#define ND_DTYPE_OPMATH_OF(e, stored, name, kind, math, ...) \
  template <> struct opmath_of<stored> { using type = math; };
ND_DTYPE_TABLE(ND_DTYPE_OPMATH_OF, )
#undef ND_DTYPE_OPMATH_OF
template <class S> using opmath_t = typename opmath_of<S>::type;

[[noreturn]] inline void no_kernel(const char* what, DType t) {
  throw TypeError(std::string(what) + ": no kernel for dtype " + std::string(dtype_name(t)));
}
}  // namespace nd::kern

// ND_DISPATCH(dtype, T, body): runs body with T bound to the storage type of `dtype`, one case per
// row of the dtype table (ndgpu/dtype.hpp) whose arithmetic runs in its own type. The 16-bit
// floats compute in float32 (their opmath): host/ converts them around such kernels, and one
// reaching a compute kernel anyway throws TypeError (the math is never instantiated on them).
// ND_DISPATCH_STORAGE: every row, for the kernels that only convert or store values (casts,
// constant fills).
#define ND_DISPATCH_CASE(e, type, name, kind, math, npy, dl, T, ...) \
  case ::nd::DType::e: { using T = type; __VA_ARGS__; break; }
#define ND_DISPATCH(DT, T, ...)                                            \
  switch (DT) {                                                            \
    ND_DTYPE_ROWS_NATIVE(ND_DISPATCH_CASE, T, __VA_ARGS__)                 \
    default: ::nd::kern::no_kernel("compute kernel", DT);                  \
  }
#define ND_DISPATCH_STORAGE(DT, T, ...) \
  switch (DT) { ND_DTYPE_TABLE(ND_DISPATCH_CASE, T, __VA_ARGS__) }
// ND_DISPATCH_HALF(dtype, S, body): the rows that compute in float32 (the 16-bit floats), for
// the kernels that convert them around float32 math; S is the storage type.
#define ND_DISPATCH_HALF(DT, S, ...)                                       \
  switch (DT) {                                                            \
    ND_DTYPE_ROWS_HALF(ND_DISPATCH_CASE, S, __VA_ARGS__)                   \
    default: ::nd::kern::no_kernel("half kernel", DT);                     \
  }

// ND_DISPATCH_NARROW(dtype, S, body): the narrow integer rows, for the kernels that compute
// in a narrow type itself (kern::exact_in_narrow_ints; the CPU takes the one-byte rows).
#define ND_DISPATCH_NARROW(DT, S, ...)                                     \
  switch (DT) {                                                            \
    ND_DTYPE_ROWS_NARROW(ND_DISPATCH_CASE, S, __VA_ARGS__)                 \
    default: ::nd::kern::no_kernel("narrow integer kernel", DT);           \
  }
// ND_DISPATCH_MATH(dtype, M, body): for a dtype that computes wider (the half and narrow rows),
// body with M bound to its opmath type: the loops that convert around M's kernels instantiate
// once per M, not once per stored type. The three opmath types are checked against the table.
#define ND_DISPATCH_MATH(DT, M, ...)                                           \
  switch (::nd::opmath_dtype(DT)) {                                            \
    case ::nd::DType::float32: { using M = float; __VA_ARGS__; break; }        \
    case ::nd::DType::int32: { using M = int32_t; __VA_ARGS__; break; }        \
    case ::nd::DType::int64: { using M = int64_t; __VA_ARGS__; break; }        \
    default: ::nd::kern::no_kernel("opmath kernel", DT);                       \
  }
#define ND_MATH_IS_DISPATCHED(e, type, name, kind, math, ...)                                  \
  static_assert(std::is_same_v<math, type> || std::is_same_v<math, float> ||                   \
                std::is_same_v<math, int32_t> || std::is_same_v<math, int64_t>,                 \
                "ND_DISPATCH_MATH lacks the opmath type of " name);
ND_DTYPE_TABLE(ND_MATH_IS_DISPATCHED, )
#undef ND_MATH_IS_DISPATCHED

// ND_DISPATCH_FLOAT(dtype, T, what, body): the kernels written for float and double only (row
// ops, pairwise); any other dtype throws TypeError naming `what` (host/ converts before).
#define ND_DISPATCH_FLOAT(DT, T, WHAT, ...)                                \
  switch (DT) {                                                            \
    case ::nd::DType::float32: { using T = float; __VA_ARGS__; break; }    \
    case ::nd::DType::float64: { using T = double; __VA_ARGS__; break; }   \
    default: ::nd::kern::no_kernel(WHAT, DT);                              \
  }

// ND_DISPATCH_WORD(dtype, W, what, body): kernels that only move elements (copies, gathers, masks,
// row gathers) see them as unsigned words W of the dtype's size. A size without a word type
// throws TypeError naming `what`, instead of being read as another size.
#define ND_DISPATCH_WORD(DT, W, WHAT, ...)                                 \
  switch (::nd::dtype_size(DT)) {                                          \
    case 1: { using W = uint8_t; __VA_ARGS__; break; }                     \
    case 2: { using W = uint16_t; __VA_ARGS__; break; }                    \
    case 4: { using W = uint32_t; __VA_ARGS__; break; }                    \
    case 8: { using W = uint64_t; __VA_ARGS__; break; }                    \
    default: ::nd::kern::no_kernel(WHAT, DT);                              \
  }

namespace nd::kern {
// How kernels read a mask element: bool as its byte (any non-zero byte is true).
template <class T> using mask_read_t = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;
}  // namespace nd::kern
