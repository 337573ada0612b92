// CPU row ops (softmax, log_softmax, L2 normalise, standardise): one fused kernel per row, the
// row read from memory once and revisited in L1/L2. float32 rows use 32 lanes of SIMD
// accumulators; float64 rows a plain loop. Strided rows are gathered into a per-thread buffer first.
#include <algorithm>
#include <cstring>
#include <cmath>
#include <limits>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/parallel.hpp"
#include "cpu/scratch.hpp"
#include "cpu/simd.hpp"
#include "fast_math.hpp"
#include "nn_ops.hpp"

namespace nd::cpu {
namespace {

using kern::RowOp;
using namespace simd;

// ---- float32 contiguous rows -----------------------------------------------------------------

// The row's max in four 8-lane vectors (v8f, simd.hpp: the 16-lane select spilled and took most
// of softmax's time). The lanes, the selects and the final order are those of the former two
// 16-lane vectors: the same result.
ND_VINLINE float row_max(const float* x, int64_t n) {
  v8f m[4];
  for (auto& v : m) v = v8f{} - INFINITY;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int c = 0; c < 4; ++c) {
      const v8f v = load8(x + i + 8 * c);
      m[c] = m[c] > v ? m[c] : v;
    }
  const v8f lo = m[0] > m[2] ? m[0] : m[2], hi = m[1] > m[3] ? m[1] : m[3];
  float lane[16];
  std::memcpy(lane, &lo, sizeof lo);
  std::memcpy(lane + 8, &hi, sizeof hi);
  float r = lane[0];
  for (int l = 1; l < 16; ++l) r = lane[l] > r ? lane[l] : r;
  for (; i < n; ++i) r = x[i] > r ? x[i] : r;
  return r;
}

// sum(exp(x - mx)); also stores the exponentials when out != nullptr. The exponentials come
// from kern::exp_f32, the elementwise exp, in runs of up to 256 written to out (or a buffer) by a
// plain loop, which vectorises as nd::exp's does (a fixed 32-wide inner loop stayed scalar); the
// sums then take them 32 at a time, in the same order as before.
ND_VINLINE double exp_sum(const float* x, float* out, int64_t n, float mx) {
  v16f s0{}, s1{};
  float buf[256];
  int64_t i = 0;
  while (n - i >= 32) {
    const int64_t m = std::min<int64_t>(256, (n - i) / 32 * 32);
    float* e = out ? out + i : buf;
#pragma GCC ivdep  // e may be x itself (in-place softmax), element for element: no carried dependence
    for (int64_t l = 0; l < m; ++l) e[l] = kern::exp_f32(x[i + l] - mx);
    for (int64_t l = 0; l < m; l += 32) {
      s0 += load(e + l);
      s1 += load(e + l + 16);
    }
    i += m;
  }
  double s = hsum(s0 + s1);
  for (; i < n; ++i) {
    const float e = kern::exp_f32(x[i] - mx);
    if (out) out[i] = e;
    s += e;
  }
  return s;
}

ND_VINLINE void scale_row(const float* x, float* out, int64_t n, float mul, float add) {
  const v16f vm = splat(mul), va = splat(add);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) store(out + i, load(x + i) * vm + va);
  for (; i < n; ++i) out[i] = x[i] * mul + add;
}

ND_SIMD_CLONES void softmax_f32(const float* x, float* out, int64_t n) {
  const float mx = row_max(x, n);
  const float inv = static_cast<float>(1.0 / exp_sum(x, out, n, mx));
  scale_row(out, out, n, inv, 0.0f);
}

ND_SIMD_CLONES void log_softmax_f32(const float* x, float* out, int64_t n) {
  const float mx = row_max(x, n);
  const double lse = std::log(exp_sum(x, nullptr, n, mx));
  const v16f vm = splat(mx), vl = splat(static_cast<float>(lse));
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) store(out + i, (load(x + i) - vm) - vl);
  for (; i < n; ++i) out[i] = (x[i] - mx) - static_cast<float>(lse);
}

// Row sums in four 8-lane accumulators (see row_max: 64-byte vectors spilled in the AVX2 clone);
// lanes as the former two 16-lane ones, so the same bits. f(v) is the term of an 8-lane chunk.
template <class F>
ND_VINLINE float lane_sum(const float* x, int64_t n, int64_t& i, F f) {
  v8f a[4] = {};
  for (i = 0; i + 32 <= n; i += 32)
    for (int c = 0; c < 4; ++c) a[c] += f(load8(x + i + 8 * c));
  return hsum(a[0] + a[2], a[1] + a[3]);
}

// Sum of squares in float32 lanes; rows whose result could have overflowed or lost digits to
// underflow are redone in float64 (huge or tiny vectors must not break the norm).
ND_SIMD_CLONES double sumsq_impl(const float* x, int64_t n) {
  int64_t i;
  double s = lane_sum(x, n, i, [](v8f v) __attribute__((always_inline)) { return v * v; });
  for (; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  if (s < 1e30 && (s > 1e-30 || s == 0)) return s;
  double t = 0;
  for (int64_t j = 0; j < n; ++j) t += static_cast<double>(x[j]) * x[j];
  return t;
}

ND_SIMD_CLONES void normalize_f32(const float* x, float* out, int64_t n, double eps) {
  const double norm = std::sqrt(sumsq_impl(x, n));
  const double inv = 1.0 / std::max(norm, eps);
  if (std::isfinite(inv) && inv <= 3e38 && inv >= 1e-37) {
    scale_row(x, out, n, static_cast<float>(inv), 0.0f);
  } else {  // the scale itself is outside float32's range: scale in float64
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(x[i] * inv);
  }
}

ND_SIMD_CLONES void standardize_f32(const float* x, float* out, int64_t n, double eps) {
  int64_t i;
  double s = lane_sum(x, n, i, [](v8f v) __attribute__((always_inline)) { return v; });
  for (; i < n; ++i) s += x[i];
  const float mean = static_cast<float>(s / n);
  // Second pass over the cached row: sum of squared deviations (never E[x^2] - E[x]^2).
  const v8f vm = v8f{} + mean;
  double q = lane_sum(x, n, i, [vm](v8f v) __attribute__((always_inline)) { return (v - vm) * (v - vm); });
  for (; i < n; ++i) q += static_cast<double>(x[i] - mean) * (x[i] - mean);
  const double inv = 1.0 / std::sqrt(q / n + eps);
  const float fi = static_cast<float>(inv);
  scale_row(x, out, n, fi, -mean * fi);
}

// ---- float64 rows (plain loops) --------------------------------------------------------------

void row_f64(RowOp op, const double* x, double* out, int64_t n, double eps) {
  switch (op) {
    case RowOp::softmax:
    case RowOp::log_softmax: {
      double mx = -INFINITY;
      for (int64_t i = 0; i < n; ++i) mx = x[i] > mx ? x[i] : mx;
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += std::exp(x[i] - mx);
      if (op == RowOp::softmax) {
        for (int64_t i = 0; i < n; ++i) out[i] = std::exp(x[i] - mx) / s;
      } else {
        const double lse = std::log(s);
        for (int64_t i = 0; i < n; ++i) out[i] = (x[i] - mx) - lse;
      }
      break;
    }
    case RowOp::normalize: {
      double scale = 0;  // the largest magnitude: scaling keeps the sum of squares in range
      for (int64_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(x[i]));
      double ss = 0;
      if (scale > 0 && std::isfinite(scale))
        for (int64_t i = 0; i < n; ++i) ss += (x[i] / scale) * (x[i] / scale);
      const double norm = scale > 0 && std::isfinite(scale) ? scale * std::sqrt(ss) : scale;
      const double den = std::max(norm, eps);
      for (int64_t i = 0; i < n; ++i) out[i] = x[i] / den;
      break;
    }
    case RowOp::standardize: {
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += x[i];
      const double mean = s / n;
      double q = 0;
      for (int64_t i = 0; i < n; ++i) q += (x[i] - mean) * (x[i] - mean);
      const double den = std::sqrt(q / n + eps);
      for (int64_t i = 0; i < n; ++i) out[i] = (x[i] - mean) / den;
      break;
    }
  }
}

void row_f32(RowOp op, const float* x, float* out, int64_t n, double eps) {
  switch (op) {
    case RowOp::softmax: softmax_f32(x, out, n); break;
    case RowOp::log_softmax: log_softmax_f32(x, out, n); break;
    case RowOp::normalize: normalize_f32(x, out, n, eps); break;
    case RowOp::standardize: standardize_f32(x, out, n, eps); break;
  }
}

// Rows of storage type S computed in T: S itself, or float32 for the 16-bit floats, whose rows
// are widened into a buffer (F16C) and narrowed back as they are stored (float32 math rounded
// once, as every op on them: docs/design.md 4).
template <class S>
void run_rows(const RowDesc& d) {
  using T = std::conditional_t<is_half_v<S>, float, S>;
  constexpr bool convert = !std::is_same_v<S, T>;
  const RowOp op = static_cast<RowOp>(d.op);
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
      if constexpr (std::is_same_v<T, float>) {
        row_f32(op, src, row_out, live, d.eps);
      } else {
        row_f64(op, src, row_out, live, d.eps);
      }
      for (int64_t i = live; i < n; ++i)
        row_out[i] = op == RowOp::log_softmax ? -std::numeric_limits<T>::infinity() : T(0);
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

double simd::sumsq_f32(const float* x, int64_t n) { return sumsq_impl(x, n); }

void rowwise(const RowDesc& d) {
  if (d.len == 0 || d.outer.numel() == 0) return;
  if (is_half(d.in.dtype)) {
    ND_DISPATCH_HALF(d.in.dtype, S, run_rows<S>(d));
    return;
  }
  ND_DISPATCH_FLOAT(d.in.dtype, T, "row op", run_rows<T>(d));
}

}  // namespace nd::cpu
