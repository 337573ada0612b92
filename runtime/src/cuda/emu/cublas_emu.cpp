// CBLAS-backed cuBLAS for the emulated device (see cublas_emu.hpp). cuBLAS is column-major;
// CBLAS is called with CblasColMajor, so arguments pass through unchanged.
#include "cuda/emu/cublas_emu.hpp"

#include <cblas.h>

#include <algorithm>
#include <mutex>
#include <set>

struct cublasContext {
  cudaStream_t stream = nullptr;
  cublasMath_t math = CUBLAS_DEFAULT_MATH;
};

namespace {

std::mutex& handles_mu() {
  static auto* mu = new std::mutex;
  return *mu;
}
std::set<cublasHandle_t>& handles() {
  static auto* s = new std::set<cublasHandle_t>;
  return *s;
}
bool live(cublasHandle_t h) {
  std::lock_guard<std::mutex> lock(handles_mu());
  return handles().count(h) != 0;
}

// Is the column-major matrix (rows x cols, leading dim ld, element size es) in device memory?
bool on_device(const void* p, int rows, int cols, int ld, size_t es) {
  if (rows == 0 || cols == 0) return true;
  nd::emu::Segment seg;
  if (!nd::emu::find_segment(p, &seg)) return false;
  const size_t last = (static_cast<size_t>(cols - 1) * ld + rows) * es;
  return static_cast<const char*>(p) + last <= seg.base + seg.size;
}

template <class T, class Gemm>
cublasStatus_t gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                            int n, int k, const T* alpha, const T* A, int lda, long long sA,
                            const T* B, int ldb, long long sB, const T* beta, T* C, int ldc,
                            long long sC, int batch, Gemm gemm) {
  if (!live(h)) return CUBLAS_STATUS_NOT_INITIALIZED;
  const bool nta = ta == CUBLAS_OP_N, ntb = tb == CUBLAS_OP_N;
  const int a_rows = nta ? m : k, a_cols = nta ? k : m;
  const int b_rows = ntb ? k : n, b_cols = ntb ? n : k;
  if (m < 0 || n < 0 || k < 0 || batch < 0 || lda < std::max(1, a_rows) ||
      ldb < std::max(1, b_rows) || ldc < std::max(1, m) || !alpha || !beta)
    return CUBLAS_STATUS_INVALID_VALUE;
  if (m == 0 || n == 0 || batch == 0) return CUBLAS_STATUS_SUCCESS;
  for (int b = 0; b < batch; ++b) {
    const T* Ab = A + b * sA;
    const T* Bb = B + b * sB;
    T* Cb = C + b * sC;
    if ((k > 0 && (!on_device(Ab, a_rows, a_cols, lda, sizeof(T)) ||
                   !on_device(Bb, b_rows, b_cols, ldb, sizeof(T)))) ||
        !on_device(Cb, m, n, ldc, sizeof(T)))
      return CUBLAS_STATUS_INVALID_VALUE;
    gemm(CblasColMajor, nta ? CblasNoTrans : CblasTrans, ntb ? CblasNoTrans : CblasTrans, m, n, k,
         *alpha, Ab, lda, Bb, ldb, *beta, Cb, ldc);
  }
  return CUBLAS_STATUS_SUCCESS;
}

}  // namespace

cublasStatus_t cublasCreate(cublasHandle_t* handle) {
  auto* h = new cublasContext;
  std::lock_guard<std::mutex> lock(handles_mu());
  handles().insert(h);
  *handle = h;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDestroy(cublasHandle_t handle) {
  std::lock_guard<std::mutex> lock(handles_mu());
  if (!handles().erase(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetStream(cublasHandle_t handle, cudaStream_t stream) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!nd::emu::valid_stream(stream)) return CUBLAS_STATUS_INVALID_VALUE;
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGetStream(cublasHandle_t handle, cudaStream_t* stream) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  *stream = handle->stream;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  handle->math = mode;  // the emulator always computes in full precision
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t* mode) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  *mode = handle->math;
  return CUBLAS_STATUS_SUCCESS;
}

const char* cublasGetStatusName(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
  }
  return "CUBLAS_STATUS_UNKNOWN";
}
const char* cublasGetStatusString(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS: return "success";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "the library was not initialized";
    case CUBLAS_STATUS_INVALID_VALUE: return "an invalid numeric value was used as an argument";
    default: return "cuBLAS error";
  }
}

cublasStatus_t cublasSgemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                           int n, int k, const float* alpha, const float* A, int lda,
                           const float* B, int ldb, const float* beta, float* C, int ldc) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1,
                      cblas_sgemm);
}
cublasStatus_t cublasDgemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                           int n, int k, const double* alpha, const double* A, int lda,
                           const double* B, int ldb, const double* beta, double* C, int ldc) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1,
                      cblas_dgemm);
}
cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta,
                                         cublasOperation_t tb, int m, int n, int k,
                                         const float* alpha, const float* A, int lda, long long sA,
                                         const float* B, int ldb, long long sB, const float* beta,
                                         float* C, int ldc, long long sC, int batch) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc, sC, batch,
                      cblas_sgemm);
}
cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta,
                                         cublasOperation_t tb, int m, int n, int k,
                                         const double* alpha, const double* A, int lda, long long sA,
                                         const double* B, int ldb, long long sB, const double* beta,
                                         double* C, int ldc, long long sC, int batch) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc, sC, batch,
                      cblas_dgemm);
}
