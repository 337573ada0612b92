// CPU row ops: the loops around the row-op table (kernels/row_ops.hpp). Per row: the prepass (a
// vector max), the statistic by the reductions' own tile routines (reduce_tiles.hpp, so in the
// canonical order, as on CUDA), then the apply loop; the row is read from memory once and
// revisited in L1/L2. Strided rows are gathered into a per-thread buffer first; 16-bit float rows
// are widened to float32 and narrowed as they are stored.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/parallel.hpp"
#include "cpu/reduce_tiles.hpp"
#include "cpu/scratch.hpp"
#include "cpu/simd.hpp"
#include "row_ops.hpp"

namespace nd::cpu {
namespace {

namespace row = kern::row;

// Step 1: the max of pre_lift(x) in 32 lanes (any order gives the same value: row_ops.hpp).
template <class Op, class T>
ND_VINLINE T prepass(const T* x, int64_t n) {
  constexpr int kW = 32;
  T m[kW];
  for (auto& v : m) v = -std::numeric_limits<T>::infinity();
  int64_t i = 0;
  for (; i + kW <= n; i += kW)
    for (int k = 0; k < kW; ++k) m[k] = row::pre_max(m[k], row::pre_lift<Op>(x[i + k]));
  T r = m[0];
  for (int k = 1; k < kW; ++k) r = row::pre_max(r, m[k]);
  for (; i < n; ++i) r = row::pre_max(r, row::pre_lift<Op>(x[i]));
  return r;
}

// Step 2, tile by tile: each tile's terms computed into out (when apply reads them) or a one-tile
// buffer and reduced at once by the reductions' tile routine, the tile values pushed on the tile
// stack: row_range's order.
template <class Op, class T>
ND_VINLINE row::Stat<Op, T> statistic(const T* x, T* out, T* tile, T p, int64_t n) {
  using StatOp = row::StatOp<Op, T>;
  using kern::order::kTile;
  kern::order::TileStack<row::Stat<Op, T>> st;
  kern::CombineOf<StatOp> c;
  for (int64_t j0 = 0; j0 < n; j0 += kTile) {
    const int64_t cnt = std::min<int64_t>(kTile, n - j0);
    T* t = Op::kApplyToTerm ? out + j0 : tile;
#pragma GCC ivdep  // t may be x itself, element for element: no carried dependence
    for (int64_t i = 0; i < cnt; ++i) t[i] = Op::term(x[j0 + i], p);
    st.push(red::row_tile<StatOp, T, true>(t, 1, j0, cnt), c);
  }
  return st.fold(c);
}

// One contiguous row: out may be x itself.
template <class Op, class T>
ND_SIMD_CLONES void one_row(const T* x, T* out, int64_t n, double eps) {
  alignas(64) T tile[kern::order::kTile];
  // With p = 1 a kApplyToTerm op's terms are x itself (standardize), so a redo reads x intact even
  // when out is x.
  T p;
  const row::Stat<Op, T> st = row::statistic_after_prepass<Op>(
      p, [&]() ND_CLONE_LAMBDA { return prepass<Op>(x, n); },
      [&](T pv) ND_CLONE_LAMBDA { return statistic<Op>(x, out, tile, pv, n); });
  const row::Consts<T> k = Op::finish(p, st, n, eps);
  const T* src = Op::kApplyToTerm ? out : x;
#pragma GCC ivdep
  for (int64_t i = 0; i < n; ++i) out[i] = Op::apply(src[i], k);
}

// Rows of storage type S computed in T: S itself, or float32 for the 16-bit floats, whose rows
// are widened into a buffer (F16C) and narrowed back as they are stored (float32 math rounded
// once, as every op on them: docs/design.md 4).
template <class Op, class S>
void run_rows(const RowDesc& d) {
  using T = std::conditional_t<is_half_v<S>, float, S>;
  constexpr bool convert = !std::is_same_v<S, T>;
  const int64_t rows = d.outer.numel(), n = d.len;
  const int nd = d.outer.ndim;
  parallel_for(rows, std::max<int64_t>(1, 4096 / n), [&](int64_t r0, int64_t r1) {
    // Pool memory: whole cache lines for the row kernels' vector loads and stores.
    Scratch<T> in_scratch, out_scratch;
    Scratch<S> raw_scratch;
    T* in_buf = d.in_axis_stride != 1 || convert ? in_scratch.get(n) : nullptr;
    T* out_buf = d.out_axis_stride != 1 || convert ? out_scratch.get(n) : nullptr;
    S* raw = convert && (d.in_axis_stride != 1 || d.out_axis_stride != 1) ? raw_scratch.get(n) : nullptr;
    for (int64_t r = r0; r < r1; ++r) {
      int64_t rem = r, in_off = 0, out_off = 0;
      for (int dim = nd - 1; dim >= 0; --dim) {
        const int64_t ix = rem % d.outer.shape[dim];
        rem /= d.outer.shape[dim];
        in_off += ix * d.in.strides[dim];
        out_off += ix * d.out.strides[dim];
      }
      const S* row_in = static_cast<const S*>(d.in.data) + in_off;
      S* dst = static_cast<S*>(d.out.data) + out_off;
      const T* src;
      if constexpr (convert) {
        if (d.in_axis_stride != 1) {
          for (int64_t i = 0; i < n; ++i) raw[i] = row_in[i * d.in_axis_stride];
          row_in = raw;
        }
        widen(in_buf, row_in, n);
        src = in_buf;
      } else {
        src = row_in;
        if (d.in_axis_stride != 1) {
          for (int64_t i = 0; i < n; ++i) in_buf[i] = row_in[i * d.in_axis_stride];
          src = in_buf;
        }
      }
      T* row_out;
      if constexpr (convert) row_out = out_buf;
      else row_out = d.out_axis_stride != 1 ? out_buf : dst;
      int64_t live = n;  // causal softmax: columns past row + offset are masked (weight 0)
      if (d.causal_offset >= 0) live = std::min(n, r % d.causal_rows + d.causal_offset + 1);
      one_row<Op, T>(src, row_out, live, d.eps);
      for (int64_t i = live; i < n; ++i) row_out[i] = Op::template masked<T>();
      if constexpr (convert) {
        if (d.out_axis_stride == 1) {
          narrow(dst, row_out, n);
        } else {
          narrow(raw, row_out, n);
          for (int64_t i = 0; i < n; ++i) dst[i * d.out_axis_stride] = raw[i];
        }
      } else if (d.out_axis_stride != 1) {
        for (int64_t i = 0; i < n; ++i) dst[i * d.out_axis_stride] = row_out[i];
      }
    }
  });
}

}  // namespace

void rowwise(const RowDesc& d) {
  if (d.len == 0 || d.outer.numel() == 0) return;
  const bool known = kern::with_row_op(static_cast<kern::RowOp>(d.op), [&](auto op) {
    using Op = decltype(op);
    if (is_half(d.in.dtype)) {
      ND_DISPATCH_HALF(d.in.dtype, S, run_rows<Op, S>(d));
      return;
    }
    ND_DISPATCH_FLOAT(d.in.dtype, T, "row op", run_rows<Op, T>(d));
  });
  if (!known) throw ValueError("unknown row op " + std::to_string(d.op));
}

}  // namespace nd::cpu
