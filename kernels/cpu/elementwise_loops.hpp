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
#include "cpu/half_convert.hpp"
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
  if constexpr (kern::has_rare_split<F, T>) {  // sin/cos/tan: vectorised unless a block has a
    for (int64_t i0 = 0; i0 < n; i0 += kBlock) {  // huge argument (or inf / NaN)
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
template <class F, class T, class O>
ND_SIMD_CLONES void binary_vv(O* o, const T* a, const T* b, int64_t n) {
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
  binary_rows<F, T>(o, Row<T>{a}, Same<T>{b}, n);
}
template <class F, class T, class O>
ND_SIMD_CLONES void binary_sv(O* o, T a, const T* b, int64_t n) {
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

// ---- the 16-bit floats: their float32 math on converted blocks --------------------------------
// A half operand's block is widened to float32 (a contiguous row in one vector conversion; a
// strided or broadcast one gathered first), the float32 kernel above computes it, and a half
// result is narrowed back as it is stored: float32 math rounded once per op (docs/design.md 4),
// in one pass, with the vectorised float32 kernels and no float32 copy of the arrays.

// Elements per block of the half loops: larger than kBlock, as each block also pays a widening
// per input and a narrowing (three 4 KiB float buffers stay in L1).
constexpr int64_t kHalfBlock = 1024;

// One input's blocks as float32 (S a 16-bit float, widened after BlockIn's gather) or as they
// are (any other S: bool conditions).
template <class S>
struct WideIn {
  using type = std::conditional_t<is_half_v<S>, float, S>;
  BlockIn<S, kHalfBlock> in;
  float buf[is_half_v<S> ? kHalfBlock : 1];
  const type* get(const char* p, int64_t stride, int64_t n) {
    const S* src = in.get(p, stride, n);
    if constexpr (!is_half_v<S>) {
      return src;
    } else {
      widen(buf, src, n);
      return buf;
    }
  }
};
// Stores a block of the float32 kernel's results v (float, or bool) into a row of OS at p.
template <class OS, class O>
inline void store_block(char* p, int64_t stride, const O* v, int64_t m) {
  OS tmp[std::is_same_v<OS, O> ? 1 : kHalfBlock];
  const OS* src;
  if constexpr (std::is_same_v<OS, O>) {
    src = v;
  } else if (stride == static_cast<int64_t>(sizeof(OS))) {
    return narrow(reinterpret_cast<OS*>(p), v, m);
  } else {
    narrow(tmp, v, m);
    src = tmp;
  }
  if (stride == static_cast<int64_t>(sizeof(OS))) {
    std::memcpy(p, src, m * sizeof(OS));
    return;
  }
  for (int64_t j = 0; j < m; ++j) *reinterpret_cast<OS*>(p + j * stride) = src[j];
}
// The stored type of a float32 kernel's result O for inputs of the 16-bit float S.
template <class S, class O>
using HalfOut = std::conditional_t<std::is_same_v<O, float>, S, O>;

template <class F, class S, class O>
void unary_loop_half(const ElementwiseDesc& d) {
  for_each_row<2>(d.iter, {&d.out, &d.in[0]}, [](auto p, int64_t n, auto s) {
    WideIn<S> in;
    O out[kHalfBlock];
    for (int64_t i = 0; i < n; i += kHalfBlock) {
      const int64_t m = std::min(kHalfBlock, n - i);
      unary_contig<F, float, O>(out, in.get(p[1] + i * s[1], s[1], m), m);
      store_block<HalfOut<S, O>>(p[0] + i * s[0], s[0], out, m);
    }
  }, kParallelGrain / kern::op_cost<F>());
}

// A C++ number operand enters the float32 math as a float32 (as the float32 fallback path and
// PyTorch's opmath have it; NumPy would first round it to float16).
template <class F, class S, class O>
void binary_loop_half(const ElementwiseDesc& desc) {
  ElementwiseDesc d = desc;
  const int scalar = d.scalar_mask & 1 ? 0 : d.scalar_mask & 2 ? 1 : -1;
  const float value = is_floating(d.scalar.dtype) ? static_cast<float>(d.scalar.f) : kern::convert<float>(d.scalar.i);
  if (scalar >= 0) {  // a stride-0 operand whose bytes are never read
    d.in[scalar].data = d.out.data;
    for (int64_t& st : d.in[scalar].strides) st = 0;
  }
  for_each_row<3>(d.iter, {&d.out, &d.in[0], &d.in[1]}, [scalar, value](auto p, int64_t n, auto s) {
    WideIn<S> ina, inb;
    O out[kHalfBlock];
    for (int64_t i = 0; i < n; i += kHalfBlock) {
      const int64_t m = std::min(kHalfBlock, n - i);
      if (scalar == 0) binary_sv<F, float, O>(out, value, inb.get(p[2] + i * s[2], s[2], m), m);
      else if (scalar == 1) binary_vs<F, float, O>(out, ina.get(p[1] + i * s[1], s[1], m), value, m);
      else binary_vv<F, float, O>(out, ina.get(p[1] + i * s[1], s[1], m), inb.get(p[2] + i * s[2], s[2], m), m);
      store_block<HalfOut<S, O>>(p[0] + i * s[0], s[0], out, m);
    }
  }, kParallelGrain / kern::op_cost<F>());
}

// where / clip: the condition as it is (bool) or widened (clip's x), the values widened.
template <class F, class C, class S>
void ternary_loop_half(const ElementwiseDesc& desc) {
  ElementwiseDesc d = desc;
  ScalarSlot<S> slot;
  ScalarSlot<C> cslot;
  if (d.scalar_mask & 1) cslot.bind(d.in[0], d.scalar);
  if (d.scalar_mask & 2) slot.bind(d.in[1], d.scalar);
  if (d.scalar_mask & 4) slot.bind(d.in[2], d.scalar);
  for_each_row<4>(d.iter, {&d.out, &d.in[0], &d.in[1], &d.in[2]}, [](auto p, int64_t n, auto s) {
    WideIn<C> inc;
    WideIn<S> ina, inb;
    float out[kHalfBlock];
    for (int64_t i = 0; i < n; i += kHalfBlock) {
      const int64_t m = std::min(kHalfBlock, n - i);
      ternary_contig<F, typename WideIn<C>::type, float>(out, inc.get(p[1] + i * s[1], s[1], m),
                                                         ina.get(p[2] + i * s[2], s[2], m),
                                                         inb.get(p[3] + i * s[3], s[3], m), m);
      store_block<S>(p[0] + i * s[0], s[0], out, m);
    }
  });
}

// ---- dtype dispatch for one op ------------------------------------------------------------
// The native dtypes run their own kernels; the 16-bit floats (the dtype table's half rows)
// the float32 ones on converted blocks.
template <class F, OpClass C>
void run_unary(const ElementwiseDesc& d) {
  if (is_half(d.in[0].dtype)) {
    if constexpr (supports<C, float>()) {
      ND_DISPATCH_HALF(d.in[0].dtype, S, unary_loop_half<F, S, Out<C, float>>(d));
    } else {
      bad_dtype(d);
    }
    return;
  }
  ND_DISPATCH(d.in[0].dtype, T, {
    if constexpr (supports<C, T>()) unary_loop<F, T, Out<C, T>>(d);
    else bad_dtype(d);
  });
}
template <class F, OpClass C>
void run_binary(const ElementwiseDesc& d) {
  if (is_half(d.in[1].dtype)) {
    if constexpr (supports<C, float>()) {
      ND_DISPATCH_HALF(d.in[1].dtype, S, binary_loop_half<F, S, Out<C, float>>(d));
    } else {
      bad_dtype(d);
    }
    return;
  }
  ND_DISPATCH(d.in[1].dtype, T, {
    if constexpr (supports<C, T>()) binary_loop<F, T, Out<C, T>>(d);
    else bad_dtype(d);
  });
}
template <class F, OpClass C>
void run_ternary(const ElementwiseDesc& d) {
  if (is_half(d.in[2].dtype)) {
    if constexpr (!supports<C, float>()) {
      bad_dtype(d);
    } else if constexpr (C == OpClass::select) {
      ND_DISPATCH_HALF(d.in[2].dtype, S, ternary_loop_half<F, bool, S>(d));
    } else {
      ND_DISPATCH_HALF(d.in[2].dtype, S, ternary_loop_half<F, S, S>(d));
    }
    return;
  }
  ND_DISPATCH(d.in[2].dtype, T, {
    if constexpr (!supports<C, T>()) bad_dtype(d);
    else if constexpr (C == OpClass::select) ternary_loop<F, bool, T>(d);
    else ternary_loop<F, T, T>(d);
  });
}

}  // namespace nd::cpu::ew
