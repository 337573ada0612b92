// CUDA matrix products: float32/float64 through cuBLAS strided-batched GEMM (TF32 only when
// nd::set_matmul_precision(high) asked for it), float16 / bfloat16 operands through
// cublasGemmEx (tensor cores, float32 accumulation and C), integer and bool through our own
// 16x16 tiled kernel with NumPy's wrapping arithmetic. Row-major C = A B is column-major C^T = B^T A^T, so
// cuBLAS gets the operands swapped. Sizes go through cuBLAS's 64-bit (_64) API: no dimension is
// truncated to int. The handle is this thread's own (cublas_handles.hpp).
#include <type_traits>

#include "common.hpp"
#include "cuda/cublas_handles.hpp"
#include "cuda/cuda_backend.cuh"
#include "cuda/cuda_check.hpp"
#include "cuda/launch.cuh"

namespace nd::cuda {
namespace {

// Batch entry b -> element offsets of a, b, c (the batch Iter minus its innermost dim).
struct BatchWalk {
  int nd = 0;
  int64_t shape[kMaxDims] = {};
  int64_t stride[3][kMaxDims] = {};
  ND_HD void offsets(int64_t b, int64_t (&off)[3]) const {
    off[0] = off[1] = off[2] = 0;
    for (int d = nd - 1; d >= 0; --d) {
      const int64_t ix = b % shape[d];
      b /= shape[d];
      for (int o = 0; o < 3; ++o) off[o] += ix * stride[o][d];
    }
  }
};

template <class T> struct Wrapping { using type = std::make_unsigned_t<T>; };
template <> struct Wrapping<bool> { using type = bool; };

constexpr int kTile = 16;

template <class T>
__global__ void int_gemm_kernel(GemmDesc d, BatchWalk walk, int64_t batches) {
  using U = typename Wrapping<T>::type;
  __shared__ T as[kTile][kTile + 1];
  __shared__ T bs[kTile][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  for (int64_t bz = blockIdx.z; bz < batches; bz += gridDim.z) {
    int64_t off[3];
    walk.offsets(bz, off);
    const T* a = static_cast<const T*>(d.a) + off[0];
    const T* b = static_cast<const T*>(d.b) + off[1];
    T* c = static_cast<T*>(d.c) + off[2];
    for (int64_t bi = blockIdx.y; bi * kTile < d.m; bi += gridDim.y) {
      for (int64_t bj = blockIdx.x; bj * kTile < d.n; bj += gridDim.x) {
        const int64_t i = bi * kTile + ty, j = bj * kTile + tx;
        U acc = U(0);
        for (int64_t k0 = 0; k0 < d.k; k0 += kTile) {
          const int64_t ka = k0 + tx, kb = k0 + ty;
          as[ty][tx] = i < d.m && ka < d.k ? (d.trans_a ? a[ka * d.lda + i] : a[i * d.lda + ka]) : T(0);
          bs[ty][tx] = kb < d.k && j < d.n ? (d.trans_b ? b[j * d.ldb + kb] : b[kb * d.ldb + j]) : T(0);
          __syncthreads();
          for (int q = 0; q < kTile; ++q) {
            if constexpr (std::is_same_v<T, bool>) acc = acc || (as[ty][q] && bs[q][tx]);
            else acc += static_cast<U>(as[ty][q]) * static_cast<U>(bs[q][tx]);
          }
          __syncthreads();
        }
        if (i < d.m && j < d.n) c[i * d.ldc + j] = static_cast<T>(acc);
      }
    }
  }
}

template <class T>
void float_gemm(const GemmDesc& d, cudaStream_t stream) {
  int device = 0;
  ND_CUDA_CHECK(cudaGetDevice(&device));  // the backend made it current
  cublasHandle_t h = cublas_handle(device, stream);
  const bool tf32 = std::is_same_v<T, float> && d.allow_tf32;
  check_cublas(cublasSetMathMode(h, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
               "cublasSetMathMode");
  // The innermost batch dim becomes cuBLAS's strided batch; outer batch dims loop here.
  const int nb = d.batch.ndim;
  const int64_t count = nb ? d.batch.shape[nb - 1] : 1;
  const long long sa = nb ? d.batch_stride[0][nb - 1] : 0, sb = nb ? d.batch_stride[1][nb - 1] : 0,
                  sc = nb ? d.batch_stride[2][nb - 1] : 0;
  BatchWalk outer;
  outer.nd = nb > 1 ? nb - 1 : 0;
  for (int dim = 0; dim < outer.nd; ++dim) {
    outer.shape[dim] = d.batch.shape[dim];
    for (int o = 0; o < 3; ++o) outer.stride[o][dim] = d.batch_stride[o][dim];
  }
  int64_t outer_count = 1;
  for (int dim = 0; dim < outer.nd; ++dim) outer_count *= outer.shape[dim];
  const T alpha = static_cast<T>(d.alpha), beta = T(0);
  const auto op_a = d.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, op_b = d.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  const bool half = is_half(d.ab_dtype);  // 16-bit float A and B, float32 math and C
  const size_t ab_size = dtype_size(d.ab_dtype);
  for (int64_t ob = 0; ob < outer_count; ++ob) {
    int64_t off[3];
    outer.offsets(ob, off);
    const void* a = static_cast<const char*>(d.a) + off[0] * ab_size;
    const void* b = static_cast<const char*>(d.b) + off[1] * ab_size;
    T* c = static_cast<T*>(d.c) + off[2];
    cublasStatus_t st;
    if constexpr (std::is_same_v<T, float>) {
      if (half) {
        const cudaDataType t = d.ab_dtype == DType::float16 ? CUDA_R_16F : CUDA_R_16BF;
        st = cublasGemmStridedBatchedEx_64(h, op_b, op_a, d.n, d.m, d.k, &alpha, b, t, d.ldb, sb, a, t,
                                           d.lda, sa, &beta, c, CUDA_R_32F, d.ldc, sc, count,
                                           CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
      } else {
        st = cublasSgemmStridedBatched_64(h, op_b, op_a, d.n, d.m, d.k, &alpha, static_cast<const T*>(b),
                                          d.ldb, sb, static_cast<const T*>(a), d.lda, sa, &beta, c, d.ldc,
                                          sc, count);
      }
    } else {
      st = cublasDgemmStridedBatched_64(h, op_b, op_a, d.n, d.m, d.k, &alpha, static_cast<const T*>(b),
                                        d.ldb, sb, static_cast<const T*>(a), d.lda, sa, &beta, c, d.ldc, sc,
                                        count);
    }
    check_cublas(st, "gemmStridedBatched");
  }
}

template <class T>
void int_gemm(const GemmDesc& d, cudaStream_t stream) {
  BatchWalk walk;
  walk.nd = d.batch.ndim;
  for (int dim = 0; dim < walk.nd; ++dim) {
    walk.shape[dim] = d.batch.shape[dim];
    for (int o = 0; o < 3; ++o) walk.stride[o][dim] = d.batch_stride[o][dim];
  }
  const int64_t batches = d.batch.numel();
  auto clamp = [](int64_t v) { return static_cast<unsigned>(v < 65535 ? (v > 0 ? v : 1) : 65535); };
  const dim3 grid(grid_for(d.n, kTile), clamp((d.m + kTile - 1) / kTile), clamp(batches));
  launch(int_gemm_kernel<T>, grid, dim3(kTile, kTile), 0, stream, d, walk, batches);
}

}  // namespace

void gemm(const GemmDesc& d, cudaStream_t stream) {
  if (d.m == 0 || d.n == 0 || d.k == 0 || d.batch.numel() == 0) return;
  switch (d.dtype) {
    case DType::float32: float_gemm<float>(d, stream); break;
    case DType::float64: float_gemm<double>(d, stream); break;
    case DType::int32: int_gemm<int32_t>(d, stream); break;
    case DType::int64: int_gemm<int64_t>(d, stream); break;
    case DType::bool_: int_gemm<bool>(d, stream); break;
    default: kern::no_kernel("matmul", d.dtype);
  }
}

}  // namespace nd::cuda
