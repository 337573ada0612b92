// CPU matrix products: float32/float64 through OpenBLAS's CBLAS (float16 / bfloat16 operands on
// float32 tiles), integer and bool through our own cache-blocked loop with NumPy's wrapping
// arithmetic. OpenBLAS runs on the calling thread only (cpu_blas.hpp): the products are split
// over ndgpu's pool here -- batch entries first, then rows of C (or columns, when C has fewer
// rows than columns).
#include "cpu_blas.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/gemm_amx.hpp"
#include "cpu/loops.hpp"
#include "cpu/opmath_convert.hpp"
#include "cpu/parallel.hpp"
#include "cpu/scratch.hpp"

namespace nd::cpu {
namespace {

// Calls blas(m, n, a, b, c) for pieces covering every entry's C, spread over the pool. A and B
// hold T (their storage), C holds Tc.
template <class T, class Tc = T, class Blas>
void float_gemm(const GemmDesc& d, Blas&& blas) {
  const int64_t entries = d.batch.numel(), threads = num_threads();
  const double flops = 2.0 * d.m * d.n * d.k;
  // Split entries into pieces only while there are fewer entries than threads and each piece
  // keeps >= 4 MFLOP (smaller ones cost more in wake-ups than they save).
  const int64_t parts = entries >= threads ? 1 : std::clamp<int64_t>(static_cast<int64_t>(flops / 4e6), 1, threads / entries);
  const bool by_rows = d.m >= d.n;
  const int64_t len = by_rows ? d.m : d.n;
  const auto* A = static_cast<const T*>(d.a);
  const auto* B = static_cast<const T*>(d.b);
  auto* C = static_cast<Tc*>(d.c);
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(4e6 / std::max(flops / parts, 1.0)));
  parallel_for(entries * parts, grain, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      int64_t off[3];
      point_offsets(d.batch, d.batch_stride, t / parts, off);
      const int64_t p = t % parts, s0 = len * p / parts, s1 = len * (p + 1) / parts;
      if (s0 == s1) continue;
      if (by_rows)  // rows s0..s1 of op(A) and C
        blas(s1 - s0, d.n, A + off[0] + (d.trans_a ? s0 : s0 * d.lda), B + off[1], C + off[2] + s0 * d.ldc);
      else  // columns s0..s1 of op(B) and C
        blas(d.m, s1 - s0, A + off[0], B + off[1] + (d.trans_b ? s0 * d.ldb : s0), C + off[2] + s0);
    }
  });
}

// A Gram product, op(A) op(B) = A^T A or A A^T of one stored matrix (x.T @ x): the same operand
// on both sides, transposed on one. Like NumPy, these go to SYRK, which computes only C's upper
// triangle (half the flops); the lower one is mirrored from it, so C is exactly symmetric.
bool is_gram(const GemmDesc& d) {
  if (d.a != d.b || d.trans_a == d.trans_b || d.m != d.n || d.lda != d.ldb || d.n < 32) return false;
  for (int i = 0; i < d.batch.ndim; ++i)
    if (d.batch_stride[0][i] != d.batch_stride[1][i]) return false;
  return true;
}

// Rows [r0, r1) of a Gram product's C: the diagonal block by SYRK, the block right of it by GEMM,
// then that band mirrored into the columns [r0, r1) below the diagonal. `a` is the stored operand,
// (k, n) for A^T A (trans_a) and (n, k) for A A^T.
template <class T>
void gram_band(const GemmDesc& d, const T* a, T* c, int64_t r0, int64_t r1) {
  const int64_t n = d.n, k = d.k, lda = d.lda, ldc = d.ldc, rows = r1 - r0;
  const T alpha = static_cast<T>(d.alpha);
  // Row i of op(A) (= column i of op(B)) starts at a + i (A^T A) or a + i * lda (A A^T).
  const int64_t step = d.trans_a ? 1 : lda;
  const auto tr = d.trans_a ? CblasTrans : CblasNoTrans;
  const auto tb = d.trans_a ? CblasNoTrans : CblasTrans;
  T* diag = c + r0 * ldc + r0;
  if constexpr (std::is_same_v<T, float>) {
    ND_BLAS(cblas_ssyrk)(CblasRowMajor, CblasUpper, tr, rows, k, alpha, a + r0 * step, lda, 0.0f, diag, ldc);
    if (r1 < n) ND_BLAS(cblas_sgemm)(CblasRowMajor, tr, tb, rows, n - r1, k, alpha, a + r0 * step, lda, a + r1 * step, lda, 0.0f, diag + rows, ldc);
  } else {
    ND_BLAS(cblas_dsyrk)(CblasRowMajor, CblasUpper, tr, rows, k, alpha, a + r0 * step, lda, 0.0, diag, ldc);
    if (r1 < n) ND_BLAS(cblas_dgemm)(CblasRowMajor, tr, tb, rows, n - r1, k, alpha, a + r0 * step, lda, a + r1 * step, lda, 0.0, diag + rows, ldc);
  }
  // Mirror in 32 x 32 tiles: c[j][i] = c[i][j] for i in [r0, r1), j > i.
  constexpr int64_t kTile = 32;
  for (int64_t j0 = r0; j0 < n; j0 += kTile) {
    for (int64_t i0 = r0; i0 < std::min(r1, j0 + kTile); i0 += kTile) {
      const int64_t j1 = std::min(n, j0 + kTile), i1 = std::min(r1, i0 + kTile);
      for (int64_t j = j0; j < j1; ++j)
        for (int64_t i = i0; i < std::min(i1, j); ++i) c[j * ldc + i] = c[i * ldc + j];
    }
  }
}

// Gram products split into row bands of equal work: band p of P ends where the upper triangle's
// rows above it hold p/P of its area, r = n (1 - sqrt(1 - p/P)).
template <class T>
void gram_gemm(const GemmDesc& d) {
  const int64_t entries = d.batch.numel(), threads = num_threads(), n = d.n;
  const double flops = 1.0 * n * n * d.k;
  const int64_t bands = entries >= threads ? 1 : std::clamp<int64_t>(static_cast<int64_t>(flops / 4e6), 1, threads / entries);
  auto edge = [&](int64_t p) {
    return p == bands ? n : static_cast<int64_t>(static_cast<double>(n) * (1.0 - std::sqrt(1.0 - static_cast<double>(p) / bands)));
  };
  parallel_for(entries * bands, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      int64_t off[3];
      point_offsets(d.batch, d.batch_stride, t / bands, off);
      const int64_t p = t % bands, r0 = edge(p), r1 = edge(p + 1);
      if (r0 < r1) gram_band(d, static_cast<const T*>(d.a) + off[0], static_cast<T*>(d.c) + off[2], r0, r1);
    }
  });
}

// NumPy's integer matmul wraps on overflow: accumulate in the unsigned type (defined wrapping).
template <class T> struct Wrapping { using type = std::make_unsigned_t<T>; };
template <> struct Wrapping<bool> { using type = bool; };

template <class T>
void int_gemm(const GemmDesc& d, const T* a, const T* b, T* c) {
  using U = typename Wrapping<T>::type;
  const int64_t m = d.m, n = d.n, k = d.k;
  auto A = [&](int64_t i, int64_t p) { return d.trans_a ? a[p * d.lda + i] : a[i * d.lda + p]; };
  auto B = [&](int64_t p, int64_t j) { return d.trans_b ? b[j * d.ldb + p] : b[p * d.ldb + j]; };
  parallel_for(m, std::max<int64_t>(1, 4096 / std::max<int64_t>(n * k, 1)), [&](int64_t i0, int64_t i1) {
    std::vector<U> acc(static_cast<size_t>(n));
    for (int64_t i = i0; i < i1; ++i) {
      std::fill(acc.begin(), acc.end(), U(0));
      for (int64_t p = 0; p < k; ++p) {
        const U av = static_cast<U>(A(i, p));
        if constexpr (std::is_same_v<T, bool>) {
          if (!av) continue;
          for (int64_t j = 0; j < n; ++j) acc[j] = acc[j] || B(p, j);
        } else {
          for (int64_t j = 0; j < n; ++j) acc[j] += av * static_cast<U>(B(p, j));
        }
      }
      for (int64_t j = 0; j < n; ++j) c[i * d.ldc + j] = static_cast<T>(acc[j]);
    }
  });
}

template <class T>
void int_batches(const GemmDesc& d) {
  for (int64_t i = 0; i < d.batch.numel(); ++i) {
    int64_t off[3];
    point_offsets(d.batch, d.batch_stride, i, off);
    int_gemm<T>(d, static_cast<const T*>(d.a) + off[0], static_cast<const T*>(d.b) + off[1], static_cast<T*>(d.c) + off[2]);
  }
}

// One BLAS call for a piece of C (m x n): a dot or a matrix-vector product when C is a single
// element, row or column (GEMM kernels pack panels and waste most of their lanes there: dot of two
// 1e6 vectors took 1.8 ms as an SGEMM, 0.14 ms as SDOT), else the GEMM.
template <class T>
void blas_product(const GemmDesc& d, int64_t m, int64_t n, const T* a, const T* b, T* c) {
  constexpr bool f32 = std::is_same_v<T, float>;
  const T alpha = static_cast<T>(d.alpha);
  const int64_t k = d.k;
  // Element strides of A's row and B's column as vectors (a 1 x k row of A, a k x 1 column of B).
  const int64_t a_inc = d.trans_a ? d.lda : 1, b_inc = d.trans_b ? 1 : d.ldb;
  if (m == 1 && n == 1) {
    // A long dot is split over the pool (OpenBLAS runs on the calling thread only): one SDOT per
    // piece, the partial sums added in piece order.
    auto dot = [&](int64_t k0, int64_t len) -> T {
      const T* pa = a + k0 * a_inc;
      const T* pb = b + k0 * b_inc;
      if constexpr (f32) return ND_BLAS(cblas_sdot)(len, pa, a_inc, pb, b_inc);
      else return ND_BLAS(cblas_ddot)(len, pa, a_inc, pb, b_inc);
    };
    const int64_t parts = k >= (int64_t{1} << 17) ? std::min<int64_t>(num_threads(), 16) : 1;
    T part[16];
    parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) part[p] = dot(k * p / parts, k * (p + 1) / parts - k * p / parts);
    });
    T sum = part[0];
    for (int64_t p = 1; p < parts; ++p) sum += part[p];
    *c = alpha * sum;
    return;
  }
  auto gemv = [&](CBLAS_TRANSPOSE t, int64_t rows, int64_t cols, const T* mat, int64_t ld, const T* x,
                  int64_t incx, T* y, int64_t incy) {
    if constexpr (f32) ND_BLAS(cblas_sgemv)(CblasRowMajor, t, rows, cols, alpha, mat, ld, x, incx, 0.0f, y, incy);
    else ND_BLAS(cblas_dgemv)(CblasRowMajor, t, rows, cols, alpha, mat, ld, x, incx, 0.0, y, incy);
  };
  if (n == 1) {  // C column = op(A) b: A stored (m, k), or (k, m) when transposed
    if (d.trans_a) gemv(CblasTrans, k, m, a, d.lda, b, b_inc, c, d.ldc);
    else gemv(CblasNoTrans, m, k, a, d.lda, b, b_inc, c, d.ldc);
    return;
  }
  if (m == 1) {  // C row = a op(B) = op(B)^T a: B stored (k, n), or (n, k) when transposed
    if (d.trans_b) gemv(CblasNoTrans, n, k, b, d.ldb, a, a_inc, c, 1);
    else gemv(CblasTrans, k, n, b, d.ldb, a, a_inc, c, 1);
    return;
  }
  const auto ta = d.trans_a ? CblasTrans : CblasNoTrans;
  const auto tb = d.trans_b ? CblasTrans : CblasNoTrans;
  if constexpr (f32) ND_BLAS(cblas_sgemm)(CblasRowMajor, ta, tb, m, n, k, alpha, a, d.lda, b, d.ldb, 0.0f, c, d.ldc);
  else ND_BLAS(cblas_dgemm)(CblasRowMajor, ta, tb, m, n, k, alpha, a, d.lda, b, d.ldb, 0.0, c, d.ldc);
}

// A product of 16-bit float operands (GemmDesc::ab_dtype): each piece of C, in float32, from
// float32 tiles of op(A) (up to kTile floats: rows by the whole k) and op(B) (columns by the
// whole k), widened as they are used and then multiplied by the float32 BLAS, so no operand is
// ever widened as a whole. Every element of C still sums its whole k in one BLAS call.
void half_gemm(const GemmDesc& d) {
  constexpr int64_t kTile = int64_t{1} << 21;
  const Opmath<float> cv = opmath_of<float>(d.ab_dtype);
  const int64_t k = d.k, rows = std::max<int64_t>(16, kTile / k), cols = rows;
  // Copies `runs` runs of `len` elements, `ld` apart from `src`, widened into dst (packed).
  auto widen_runs = [&](float* dst, const uint16_t* src, int64_t runs, int64_t len, int64_t ld) {
    for (int64_t r = 0; r < runs; ++r) cv.widen(dst + r * len, src + r * ld, len);
  };
  float_gemm<uint16_t, float>(d, [&](int64_t m, int64_t n, const uint16_t* a, const uint16_t* b, float* c) {
    Scratch<float> a_tile, b_tile;
    float* at = a_tile.get(std::min(rows, m) * k);
    float* bt = b_tile.get(std::min(cols, n) * k);
    GemmDesc t = d;  // the tiles' layout: packed, transposed as the operands are stored
    for (int64_t i0 = 0; i0 < m; i0 += rows) {
      const int64_t mi = std::min(rows, m - i0);
      if (d.trans_a) widen_runs(at, a + i0, k, mi, d.lda);  // stored (k, m): k runs of mi
      else widen_runs(at, a + i0 * d.lda, mi, k, d.lda);    // stored (m, k): mi runs of k
      t.lda = d.trans_a ? mi : k;
      for (int64_t j0 = 0; j0 < n; j0 += cols) {
        const int64_t nj = std::min(cols, n - j0);
        if (d.trans_b) widen_runs(bt, b + j0 * d.ldb, nj, k, d.ldb);  // stored (n, k)
        else widen_runs(bt, b + j0, k, nj, d.ldb);                   // stored (k, n)
        t.ldb = d.trans_b ? k : nj;
        blas_product<float>(t, mi, nj, at, bt, c + i0 * d.ldc + j0);
      }
    }
  });
}

}  // namespace

void gemm(const GemmDesc& d) {
  if (is_half(d.ab_dtype)) {
    if (amx_bf16_gemm(d)) return;  // bfloat16 on AMX tiles where the CPU has them
    return half_gemm(d);
  }
  switch (d.dtype) {
    case DType::float32:
      if (is_gram(d)) return gram_gemm<float>(d);
      float_gemm<float>(d, [&](int64_t m, int64_t n, const float* a, const float* b, float* c) {
        blas_product(d, m, n, a, b, c);
      });
      break;
    case DType::float64:
      if (is_gram(d)) return gram_gemm<double>(d);
      float_gemm<double>(d, [&](int64_t m, int64_t n, const double* a, const double* b, double* c) {
        blas_product(d, m, n, a, b, c);
      });
      break;
    case DType::int32: int_batches<int32_t>(d); break;
    case DType::int64: int_batches<int64_t>(d); break;
    case DType::bool_: int_batches<bool>(d); break;
    default: kern::no_kernel("matmul", d.dtype);
  }
}

}  // namespace nd::cpu
