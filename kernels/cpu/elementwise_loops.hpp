// CPU elementwise loops: a contiguous fast path per row that the compiler vectorises (cloned for
// AVX-512 / AVX2 / baseline x86-64 and picked at load time, so binaries stay portable), a
// broadcast-scalar path (one operand with inner stride 0: scalars and (N,1) columns), and a
// strided path. Rows come from for_each_row, which splits large work across both cores.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "backend.hpp"
#include "common.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/loops.hpp"
#include "cpu/simd.hpp"  // ND_SIMD_CLONES
#include "op_list.hpp"


namespace nd::cpu::ew {

using kern::OpClass;

template <OpClass C, class T>
constexpr bool supports() { return kern::class_supports<C, T>(); }
template <OpClass C, class T>
using Out = kern::ResultT<C, T>;

[[noreturn]] inline void bad_dtype(const ElementwiseDesc& d) {
  throw TypeError(std::string("ufunc '") + kern::op_info(static_cast<kern::OpCode>(d.op)).name +
                  "' has no CPU loop for dtype " + std::string(dtype_name(d.in[d.nin - 1].dtype)));
}

// A scalar operand becomes a stride-0 operand over a local value, so every loop handles it.
template <class T>
struct ScalarSlot {
  T value{};
  void bind(Operand& op, const Scalar& s) {
    value = is_floating(s.dtype) ? kern::convert<T>(s.f) : kern::convert<T>(s.i);
    op.data = &value;
    for (int64_t& st : op.strides) st = 0;
  }
};

// ---- contiguous row kernels (vectorised) ----------------------------------------------------
constexpr int64_t kBlock = 256;  // elements per block of the split and buffered loops below

// GCC has no vector type for bool: bool elements are loaded as bytes, or the loop stays scalar.
template <class T>
inline __attribute__((always_inline)) T ld(const T* p, int64_t i) {
  if constexpr (std::is_same_v<T, bool>) return reinterpret_cast<const uint8_t*>(p)[i] != 0;
  else return p[i];
}

template <class F, class T, class O>
ND_SIMD_CLONES void unary_contig(O* o, const T* a, int64_t n) {
  F f;
  if constexpr (kern::has_rare_split<F, T>) {  // sin/cos/tan, the logarithms: the lean form
    for (int64_t i0 = 0; i0 < n; i0 += kBlock) {  // unless a block has a rare argument
      const int64_t m = n - i0 < kBlock ? n - i0 : kBlock;
      const T* ab = a + i0;
      O* ob = o + i0;
      uint32_t rare = 0;
      for (int64_t i = 0; i < m; ++i) rare |= F::rare(ab[i]);
      if (rare) {
        for (int64_t i = 0; i < m; ++i) ob[i] = f(ab[i]);
      } else {
        for (int64_t i = 0; i < m; ++i) ob[i] = F::common(ab[i]);
      }
    }
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = f(ld(a, i));
  }
}
// A binary operand: a row (Row) or one value (Same). Structs, not lambdas, so that they inline
// into each SIMD clone of the loop below.
template <class T>
struct Row {
  const T* p;
  ND_VINLINE T operator[](int64_t i) const { return ld(p, i); }
};
template <class T>
struct Same {
  T v;
  ND_VINLINE T operator[](int64_t) const { return v; }
};

template <class F, class T, class O, class A, class B>
ND_VINLINE void binary_rows(O* o, A a, B b, int64_t n) {
  F f;
  if constexpr (kern::has_rare_split2<F, T>) {  // float mod / floor_divide: vectorised unless a
    for (int64_t i0 = 0; i0 < n; i0 += kBlock) {  // block holds a rare operand pair
      const int64_t m = n - i0 < kBlock ? n - i0 : kBlock;
      uint32_t rare = 0;
      for (int64_t i = i0; i < i0 + m; ++i) rare |= F::rare(a[i], b[i]);
      if (rare) {
        for (int64_t i = i0; i < i0 + m; ++i) o[i] = f(a[i], b[i]);
      } else {
        for (int64_t i = i0; i < i0 + m; ++i) o[i] = F::common(a[i], b[i]);
      }
    }
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
  }
}
// int8 / uint8 multiply (wrapping): x86 has no byte multiply, and the code the compiler writes
// for one widens and narrows on the shuffle port (9 ops per 64 bytes). Instead two bytes per
// 16-bit word: the low byte of a word product is the low bytes' product, and (a & 0xff00) times
// b's high byte puts the high bytes' product in the high byte (4 ops per 64 bytes, no shuffles).
using Words = uint16_t __attribute__((may_alias, aligned(1)));
struct RowWords {  // two consecutive bytes of a row
  const Words* p;
  ND_VINLINE uint16_t even(int64_t i) const { return p[i]; }
  ND_VINLINE uint16_t odd_high(int64_t i) const { return p[i] & 0xff00; }
  ND_VINLINE uint16_t odd_low(int64_t i) const { return p[i] >> 8; }
};
struct SameWords {  // one byte, repeated
  uint16_t v;
  ND_VINLINE uint16_t even(int64_t) const { return v; }
  ND_VINLINE uint16_t odd_high(int64_t) const { return static_cast<uint16_t>(v << 8); }
  ND_VINLINE uint16_t odd_low(int64_t) const { return v; }
};
template <class F, class T>
constexpr bool is_byte_multiply = std::is_same_v<F, kern::Multiply> && (std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>);
// (the products in uint32: two uint16 would multiply as int and could overflow; the compiler
// still emits 16-bit multiplies)
template <class T, class A, class B>  // n bytes: n / 2 words, then the odd one
ND_VINLINE void byte_multiply(T* o, A a, B b, int64_t n, T last_a, T last_b) {
  Words* w = reinterpret_cast<Words*>(o);
  for (int64_t i = 0; i < n / 2; ++i)
    w[i] = static_cast<uint16_t>((static_cast<uint16_t>(uint32_t{a.even(i)} * b.even(i)) & 0x00ff) |
                                 (static_cast<uint16_t>(uint32_t{a.odd_high(i)} * b.odd_low(i)) & 0xff00));
  if (n % 2) o[n - 1] = kern::Multiply{}(last_a, last_b);
}

template <class F, class T, class O>
ND_SIMD_CLONES void binary_vv(O* o, const T* a, const T* b, int64_t n) {
  if constexpr (is_byte_multiply<F, T>) {
    if (n > 0) return byte_multiply(o, RowWords{reinterpret_cast<const Words*>(a)}, RowWords{reinterpret_cast<const Words*>(b)}, n, a[n - 1], b[n - 1]);
  }
  binary_rows<F, T>(o, Row<T>{a}, Row<T>{b}, n);
}
template <class F, class T, class O>
ND_SIMD_CLONES void binary_vs(O* o, const T* a, T b, int64_t n) {
  if constexpr (kern::has_fixed_divisor<F, T>) {
    if (n >= 32) {  // past the divisor's set-up (one 2N-bit divide)
      const kern::FixedDivisor<T> div(b);
      for (int64_t i = 0; i < n; ++i) o[i] = F::by(div, a[i]);
      return;
    }
  }
  if constexpr (is_byte_multiply<F, T>) {
    if (n > 0) return byte_multiply(o, RowWords{reinterpret_cast<const Words*>(a)}, SameWords{static_cast<uint8_t>(b)}, n, a[n - 1], b);
  }
  binary_rows<F, T>(o, Row<T>{a}, Same<T>{b}, n);
}
template <class F, class T, class O>
ND_SIMD_CLONES void binary_sv(O* o, T a, const T* b, int64_t n) {
  if constexpr (is_byte_multiply<F, T>) {
    if (n > 0) return byte_multiply(o, SameWords{static_cast<uint8_t>(a)}, RowWords{reinterpret_cast<const Words*>(b)}, n, a, b[n - 1]);
  }
  binary_rows<F, T>(o, Same<T>{a}, Row<T>{b}, n);
}

template <class F, class C, class T>
ND_SIMD_CLONES void ternary_contig(T* o, const C* c, const T* a, const T* b, int64_t n) {
  F f;
  for (int64_t i = 0; i < n; ++i) o[i] = f(ld(c, i), ld(a, i), ld(b, i));
}

template <class T> inline const T& at(const char* p, int64_t i, int64_t stride_bytes) {
  return *reinterpret_cast<const T*>(p + i * stride_bytes);
}

// ---- strided rows: buffered blocks ------------------------------------------------------------
// A row with a strided (or broadcast) operand runs in blocks of kBlock elements: strided inputs
// are gathered into a local buffer, the vectorised contiguous kernel computes the block, and a
// strided output is scattered back. The math stays vectorised whatever the layout.

// One input's blocks of up to N elements: the row itself when contiguous, else a buffer (a
// broadcast value is written into it once per row).
template <class T, int64_t N = kBlock>
struct BlockIn {
  T buf[N];
  bool splat = false;
  const T* get(const char* p, int64_t stride, int64_t n) {
    if (stride == static_cast<int64_t>(sizeof(T))) return reinterpret_cast<const T*>(p);
    if (stride == 0) {
      if (!splat) std::fill(buf, buf + N, *reinterpret_cast<const T*>(p));
      splat = true;
      return buf;
    }
    for (int64_t i = 0; i < n; ++i) buf[i] = at<T>(p, i, stride);
    return buf;
  }
};
// Runs compute(out, i, m) over the blocks [i, i + m) of a row of n outputs at p (stride in
// bytes): `out` is the row itself when contiguous, else a buffer scattered back after each block.
template <class O, class Compute>
inline void for_blocks(char* p, int64_t stride, int64_t n, Compute&& compute) {
  const bool direct = stride == static_cast<int64_t>(sizeof(O));
  O buf[kBlock];
  for (int64_t i = 0; i < n; i += kBlock) {
    const int64_t m = std::min(kBlock, n - i);
    char* po = p + i * stride;
    O* out = direct ? reinterpret_cast<O*>(po) : buf;
    compute(out, i, m);
    if (!direct)
      for (int64_t j = 0; j < m; ++j) *reinterpret_cast<O*>(po + j * stride) = buf[j];
  }
}

// ---- whole-descriptor loops ---------------------------------------------------------------
template <class F, class T, class O>
void unary_loop(const ElementwiseDesc& d) {
  for_each_row<2>(d.iter, {&d.out, &d.in[0]}, [](auto p, int64_t n, auto s) {
    O* o = reinterpret_cast<O*>(p[0]);
    if (s[0] == sizeof(O) && s[1] == sizeof(T)) return unary_contig<F, T, O>(o, reinterpret_cast<const T*>(p[1]), n);
    BlockIn<T> in;
    for_blocks<O>(p[0], s[0], n, [&](O* out, int64_t i, int64_t m) {
      unary_contig<F, T, O>(out, in.get(p[1] + i * s[1], s[1], m), m);
    });
  }, kParallelGrain / kern::op_cost<F>());
}

template <class F, class T, class O>
void binary_loop(const ElementwiseDesc& desc) {
  ElementwiseDesc d = desc;
  ScalarSlot<T> slot;
  if (d.scalar_mask & 1) slot.bind(d.in[0], d.scalar);
  if (d.scalar_mask & 2) slot.bind(d.in[1], d.scalar);
  for_each_row<3>(d.iter, {&d.out, &d.in[0], &d.in[1]}, [](auto p, int64_t n, auto s) {
    O* o = reinterpret_cast<O*>(p[0]);
    const T* a = reinterpret_cast<const T*>(p[1]);
    const T* b = reinterpret_cast<const T*>(p[2]);
    if (s[0] == sizeof(O)) {
      if (s[1] == sizeof(T) && s[2] == sizeof(T)) return binary_vv<F, T, O>(o, a, b, n);
      if (s[1] == sizeof(T) && s[2] == 0) return binary_vs<F, T, O>(o, a, *b, n);
      if (s[1] == 0 && s[2] == sizeof(T)) return binary_sv<F, T, O>(o, *a, b, n);
    }
    BlockIn<T> ina, inb;
    for_blocks<O>(p[0], s[0], n, [&](O* out, int64_t i, int64_t m) {
      const T* x = ina.get(p[1] + i * s[1], s[1], m);
      if (s[2] == 0) binary_vs<F, T, O>(out, x, *b, m);
      else binary_vv<F, T, O>(out, x, inb.get(p[2] + i * s[2], s[2], m), m);
    });
  }, kParallelGrain / kern::op_cost<F>());
}

// Ternary ops (where, clip): every layout through the buffered blocks (scalar bounds included).
template <class F, class C, class T>
void ternary_loop(const ElementwiseDesc& desc) {
  ElementwiseDesc d = desc;
  ScalarSlot<T> slot;
  ScalarSlot<C> cslot;
  if (d.scalar_mask & 1) cslot.bind(d.in[0], d.scalar);
  if (d.scalar_mask & 2) slot.bind(d.in[1], d.scalar);
  if (d.scalar_mask & 4) slot.bind(d.in[2], d.scalar);
  for_each_row<4>(d.iter, {&d.out, &d.in[0], &d.in[1], &d.in[2]}, [](auto p, int64_t n, auto s) {
    BlockIn<C> inc;
    BlockIn<T> ina, inb;
    for_blocks<T>(p[0], s[0], n, [&](T* out, int64_t i, int64_t m) {
      ternary_contig<F, C, T>(out, inc.get(p[1] + i * s[1], s[1], m), ina.get(p[2] + i * s[2], s[2], m),
                              inb.get(p[3] + i * s[3], s[3], m), m);
    });
  });
}

// ---- dtypes that compute wider: their opmath math on converted blocks -------------------------
// A 16-bit float or narrow-integer operand's block is widened to its opmath type M (float32,
// int32 or int64: a contiguous row in one vector conversion, a strided or broadcast one gathered
// first), M's kernel above computes it, and an M result is narrowed back as it is stored (rounded
// once for the halves, wrapped for the integers: docs/design.md 4), in one pass, with the
// vectorised kernels and no wide copy of the arrays. The stored type is a run-time Opmath<M>, so
// one loop per (op, M) serves every dtype computing in M.

// Elements per block: larger than kBlock, as each block also pays a widening per input and a
// narrowing (three 4-8 KiB buffers stay in L1).
constexpr int64_t kWideBlock = 1024;

// Moves n elements of the word type W, `stride` bytes apart, to or from a packed buffer.
template <class W>
inline void gather_words(void* o, const char* p, int64_t stride, int64_t n) {
  for (int64_t j = 0; j < n; ++j) std::memcpy(static_cast<W*>(o) + j, p + j * stride, sizeof(W));
}
template <class W>
inline void scatter_words(char* p, int64_t stride, const void* v, int64_t n) {
  for (int64_t j = 0; j < n; ++j) std::memcpy(p + j * stride, static_cast<const W*>(v) + j, sizeof(W));
}

// One input's blocks in its opmath type M.
template <class M>
struct WideIn {
  explicit WideIn(const Opmath<M>& conv) : c(conv) {}
  const Opmath<M>& c;
  bool splat = false;
  alignas(64) M buf[kWideBlock];  // whole cache lines: a line-splitting zmm store costs two
  alignas(64) unsigned char raw[kWideBlock * sizeof(M)];  // a strided block's stored elements, packed
  const M* get(const char* p, int64_t stride, int64_t n) {
    if (stride == dtype_size(c.dtype)) {
      c.widen(buf, p, n);
    } else if (stride == 0) {  // broadcast: widened once per row
      if (!splat) c.widen(buf, p, 1), std::fill(buf + 1, buf + kWideBlock, buf[0]);
      splat = true;
    } else {
      ND_DISPATCH_WORD(c.dtype, W, "gather", gather_words<W>(raw, p, stride, n));
      c.widen(buf, raw, n);
    }
    return buf;
  }
};
// Stores a block of the kernel's results v (M, narrowed to the stored type; or bool) at p.
template <class M, class O>
inline void store_block(char* p, int64_t stride, const O* v, int64_t m, const Opmath<M>& c) {
  if constexpr (std::is_same_v<O, bool>) {
    if (stride == 1) std::memcpy(p, v, static_cast<size_t>(m));
    else for (int64_t j = 0; j < m; ++j) p[j * stride] = v[j];
  } else if (stride == dtype_size(c.dtype)) {
    c.narrow(p, v, m);
  } else {
    alignas(64) unsigned char tmp[kWideBlock * sizeof(M)];
    c.narrow(tmp, v, m);
    ND_DISPATCH_WORD(c.dtype, W, "scatter", scatter_words<W>(p, stride, tmp, m));
  }
}

template <class F, class M, class O>
void unary_loop_wide(const ElementwiseDesc& d) {
  const Opmath<M> c = opmath_of<M>(d.in[0].dtype);
  for_each_row<2>(d.iter, {&d.out, &d.in[0]}, [&c](auto p, int64_t n, auto s) {
    WideIn<M> in(c);
    alignas(64) O out[kWideBlock];
    for (int64_t i = 0; i < n; i += kWideBlock) {
      const int64_t m = std::min(kWideBlock, n - i);
      unary_contig<F, M, O>(out, in.get(p[1] + i * s[1], s[1], m), m);
      store_block(p[0] + i * s[0], s[0], out, m, c);
    }
  }, kParallelGrain / kern::op_cost<F>());
}

// A C++ number operand enters the math as an M (for the halves a float32, as PyTorch's opmath
// has it; NumPy would first round it to float16; the engine has checked that an integer fits).
template <class F, class M, class O>
void binary_loop_wide(const ElementwiseDesc& desc) {
  ElementwiseDesc d = desc;
  const Opmath<M> c = opmath_of<M>(d.in[1].dtype);
  const int scalar = d.scalar_mask & 1 ? 0 : d.scalar_mask & 2 ? 1 : -1;
  const M value = is_floating(d.scalar.dtype) ? kern::convert<M>(d.scalar.f) : kern::convert<M>(d.scalar.i);
  if (scalar >= 0) {  // a stride-0 operand whose bytes are never read
    d.in[scalar].data = d.out.data;
    for (int64_t& st : d.in[scalar].strides) st = 0;
  }
  for_each_row<3>(d.iter, {&d.out, &d.in[0], &d.in[1]}, [&c, scalar, value](auto p, int64_t n, auto s) {
    WideIn<M> ina(c), inb(c);
    alignas(64) O out[kWideBlock];
    for (int64_t i = 0; i < n; i += kWideBlock) {
      const int64_t m = std::min(kWideBlock, n - i);
      if (scalar == 0) binary_sv<F, M, O>(out, value, inb.get(p[2] + i * s[2], s[2], m), m);
      else if (scalar == 1) binary_vs<F, M, O>(out, ina.get(p[1] + i * s[1], s[1], m), value, m);
      else binary_vv<F, M, O>(out, ina.get(p[1] + i * s[1], s[1], m), inb.get(p[2] + i * s[2], s[2], m), m);
      store_block(p[0] + i * s[0], s[0], out, m, c);
    }
  }, kParallelGrain / kern::op_cost<F>());
}

// where / clip: where's condition as it is (bool), clip's x widened like the values. A number
// operand is stored as the stored type (a half rounds it, as the array would hold it).
template <class In, class M>
In make_in(const Opmath<M>& c) {
  if constexpr (std::is_same_v<In, WideIn<M>>) return In(c);
  else return In{};
}
template <class F, class C, class M>
void ternary_loop_wide(const ElementwiseDesc& desc) {
  ElementwiseDesc d = desc;
  const Opmath<M> c = opmath_of<M>(d.in[2].dtype);
  ScalarSlot<bool> cslot;
  alignas(8) unsigned char number[8];
  if (d.scalar_mask) {
    const int k = d.scalar_mask & 1 ? 0 : d.scalar_mask & 2 ? 1 : 2;
    if (k == 0 && std::is_same_v<C, bool>) {
      cslot.bind(d.in[0], d.scalar);
    } else {
      const M v = is_floating(d.scalar.dtype) ? kern::convert<M>(d.scalar.f) : kern::convert<M>(d.scalar.i);
      c.narrow(number, &v, 1);
      d.in[k].data = number;
      for (int64_t& st : d.in[k].strides) st = 0;
    }
  }
  for_each_row<4>(d.iter, {&d.out, &d.in[0], &d.in[1], &d.in[2]}, [&c](auto p, int64_t n, auto s) {
    using CondIn = std::conditional_t<std::is_same_v<C, bool>, BlockIn<bool, kWideBlock>, WideIn<M>>;
    CondIn inc = make_in<CondIn>(c);
    WideIn<M> ina(c), inb(c);
    alignas(64) M out[kWideBlock];
    for (int64_t i = 0; i < n; i += kWideBlock) {
      const int64_t m = std::min(kWideBlock, n - i);
      ternary_contig<F, C, M>(out, inc.get(p[1] + i * s[1], s[1], m), ina.get(p[2] + i * s[2], s[2], m),
                              inb.get(p[3] + i * s[3], s[3], m), m);
      store_block(p[0] + i * s[0], s[0], out, m, c);
    }
  });
}

// ---- dtype dispatch for one op ------------------------------------------------------------
// Runs own(T{}) with in[k]'s storage type when the op's kernels compute in it (a native dtype,
// or a one-byte integer for an op exact in its width: kern::exact_in_narrow_ints), else
// wide(M{}) with its opmath type (the half and narrow rows, on converted blocks). Only the byte
// types take own-width loops: their vectors hold 4x the int32 lanes, where the 2-byte types and
// uint32 would gain 2x for as much build time again.
template <class F, class Own, class Wide>
void dispatch(const ElementwiseDesc& d, int k, Own&& own, Wide&& wide) {
  const DType t = d.in[k].dtype;
  if (opmath_dtype(t) == t) {
    ND_DISPATCH(t, T, own(T{}));
    return;
  }
  if constexpr (kern::exact_in_narrow_ints<F>) {
    if (is_integer(t) && dtype_size(t) == 1) {
      ND_DISPATCH_NARROW(t, S, if constexpr (sizeof(S) == 1) own(S{}));
      return;
    }
  }
  ND_DISPATCH_MATH(t, M, wide(M{}));
}
template <class F, OpClass C>
void run_unary(const ElementwiseDesc& d) {
  dispatch<F>(d, 0, [&](auto t) {
    using T = decltype(t);
    if constexpr (supports<C, T>()) unary_loop<F, T, Out<C, T>>(d);
    else bad_dtype(d);
  }, [&](auto m) {
    using M = decltype(m);
    if constexpr (supports<C, M>()) unary_loop_wide<F, M, Out<C, M>>(d);
    else bad_dtype(d);
  });
}
template <class F, OpClass C>
void run_binary(const ElementwiseDesc& d) {
  dispatch<F>(d, 1, [&](auto t) {
    using T = decltype(t);
    if constexpr (supports<C, T>()) binary_loop<F, T, Out<C, T>>(d);
    else bad_dtype(d);
  }, [&](auto m) {
    using M = decltype(m);
    if constexpr (supports<C, M>()) binary_loop_wide<F, M, Out<C, M>>(d);
    else bad_dtype(d);
  });
}
template <class F, OpClass C>
void run_ternary(const ElementwiseDesc& d) {
  dispatch<F>(d, 2, [&](auto t) {  // where's condition is read as bool, clip's x as the values
    using T = decltype(t);
    if constexpr (supports<C, T>()) ternary_loop<F, std::conditional_t<C == OpClass::select, bool, T>, T>(d);
    else bad_dtype(d);
  }, [&](auto m) {
    using M = decltype(m);
    if constexpr (supports<C, M>()) ternary_loop_wide<F, std::conditional_t<C == OpClass::select, bool, M>, M>(d);
    else bad_dtype(d);
  });
}

}  // namespace nd::cpu::ew
