// CPU matrix products: float32/float64 through OpenBLAS's CBLAS (one call per batch entry),
// integer and bool through our own cache-blocked loop with NumPy's wrapping arithmetic.
#include "cpu_blas.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/parallel.hpp"

namespace nd::cpu {
namespace {

// Calls fn(a, b, c) for every batch entry, walking the batch Iter like an odometer.
template <class Fn>
void for_each_batch(const GemmDesc& d, int64_t elem, Fn&& fn) {
  const int nd = d.batch.ndim;
  const int64_t count = d.batch.numel();
  for (int64_t i = 0; i < count; ++i) {
    int64_t rem = i, off[3] = {0, 0, 0};
    for (int dim = nd - 1; dim >= 0; --dim) {
      const int64_t ix = rem % d.batch.shape[dim];
      rem /= d.batch.shape[dim];
      for (int o = 0; o < 3; ++o) off[o] += ix * d.batch_stride[o][dim];
    }
    fn(static_cast<const char*>(d.a) + off[0] * elem, static_cast<const char*>(d.b) + off[1] * elem,
       static_cast<char*>(d.c) + off[2] * elem);
  }
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
  for_each_batch(d, sizeof(T), [&](const char* a, const char* b, char* c) {
    int_gemm<T>(d, reinterpret_cast<const T*>(a), reinterpret_cast<const T*>(b), reinterpret_cast<T*>(c));
  });
}

}  // namespace

void gemm(const GemmDesc& d) {
  const auto ta = d.trans_a ? CblasTrans : CblasNoTrans;
  const auto tb = d.trans_b ? CblasTrans : CblasNoTrans;
  switch (d.dtype) {
    case DType::float32:
      for_each_batch(d, 4, [&](const char* a, const char* b, char* c) {
        ND_BLAS(cblas_sgemm)(CblasRowMajor, ta, tb, d.m, d.n, d.k, static_cast<float>(d.alpha),
                    reinterpret_cast<const float*>(a), d.lda, reinterpret_cast<const float*>(b), d.ldb,
                    0.0f, reinterpret_cast<float*>(c), d.ldc);
      });
      break;
    case DType::float64:
      for_each_batch(d, 8, [&](const char* a, const char* b, char* c) {
        ND_BLAS(cblas_dgemm)(CblasRowMajor, ta, tb, d.m, d.n, d.k, d.alpha, reinterpret_cast<const double*>(a),
                    d.lda, reinterpret_cast<const double*>(b), d.ldb, 0.0,
                    reinterpret_cast<double*>(c), d.ldc);
      });
      break;
    case DType::int32: int_batches<int32_t>(d); break;
    case DType::int64: int_batches<int64_t>(d); break;
    case DType::bool_: int_batches<bool>(d); break;
  }
}

}  // namespace nd::cpu
