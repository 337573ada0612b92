// CBLAS-backed cuBLAS for the emulated device (see cublas_emu.hpp). cuBLAS is column-major;
// CBLAS is called with CblasColMajor, so arguments pass through unchanged.
#include "cuda/emu/cublas_emu.hpp"

#include "cpu_blas.hpp"
#include "ndgpu/half.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <set>
#include <type_traits>
#include <vector>

struct ThreadToken;

struct cublasContext {
  std::mutex mu;  // the emulator's own bookkeeping; cuBLAS itself gives no thread safety
  const ThreadToken* owner = nullptr;  // the live thread using the handle
  cudaStream_t stream = nullptr;
  cublasMath_t math = CUBLAS_DEFAULT_MATH;
  void* workspace = nullptr;
  size_t workspace_bytes = 0;
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

}  // namespace

// A thread's claim on the handles it used, given up when the thread exits.
struct ThreadToken {
  std::set<cublasHandle_t> owned;
  ~ThreadToken() {
    std::lock_guard<std::mutex> lock(handles_mu());
    for (cublasHandle_t h : owned) {
      if (!handles().count(h)) continue;
      std::lock_guard<std::mutex> hl(h->mu);
      if (h->owner == this) h->owner = nullptr;
    }
  }
};

namespace {

thread_local ThreadToken t_token;

// The calling thread uses h (h->mu held): false when another live thread uses it.
bool claim(cublasHandle_t h) {
  if (h->owner && h->owner != &t_token) return false;
  h->owner = &t_token;
  t_token.owned.insert(h);
  return true;
}

// Is the column-major matrix (rows x cols, leading dim ld, element size es) in device memory?
bool on_device(const void* p, int rows, int cols, int ld, size_t es) {
  if (rows == 0 || cols == 0) return true;
  nd::emu::Segment seg;
  if (!nd::emu::find_segment(p, &seg)) return false;
  const size_t last = (static_cast<size_t>(cols - 1) * ld + rows) * es;
  return static_cast<const char*>(p) + last <= seg.base + seg.size;
}

// float32 -> TF32 (10 explicit mantissa bits), rounding to nearest, ties away from zero.
float to_tf32(float x) {
  if (!std::isfinite(x)) return x;
  uint32_t u;
  std::memcpy(&u, &x, 4);
  u = (u + 0x1000u) & ~0x1FFFu;
  std::memcpy(&x, &u, 4);
  return x;
}

// A column-major matrix copied with every element rounded to TF32 (ld kept).
std::vector<float> tf32_copy(const float* p, int rows, int cols, int ld) {
  std::vector<float> v(static_cast<size_t>(ld) * (cols - 1) + rows);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) v[size_t(j) * ld + i] = to_tf32(p[size_t(j) * ld + i]);
  return v;
}

// A and B hold T, C (and alpha, beta) TC.
template <class T, class TC, class Gemm>
cublasStatus_t gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                            int n, int k, const TC* alpha, const T* A, int lda, long long sA,
                            const T* B, int ldb, long long sB, const TC* beta, TC* C, int ldc,
                            long long sC, int batch, Gemm gemm) {
  if (!live(h)) return CUBLAS_STATUS_NOT_INITIALIZED;
  bool tf32 = false;
  {
    std::lock_guard<std::mutex> lock(h->mu);
    if (!claim(h)) return CUBLAS_STATUS_EXECUTION_FAILED;  // shared between threads: see the header
    tf32 = std::is_same_v<T, float> && h->math == CUBLAS_TF32_TENSOR_OP_MATH;
  }
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
    TC* Cb = C + b * sC;
    if ((k > 0 && (!on_device(Ab, a_rows, a_cols, lda, sizeof(T)) ||
                   !on_device(Bb, b_rows, b_cols, ldb, sizeof(T)))) ||
        !on_device(Cb, m, n, ldc, sizeof(TC)))
      return CUBLAS_STATUS_INVALID_VALUE;
    if constexpr (std::is_same_v<T, float>) {
      if (tf32 && k > 0) {
        const std::vector<float> a32 = tf32_copy(Ab, a_rows, a_cols, lda);
        const std::vector<float> b32 = tf32_copy(Bb, b_rows, b_cols, ldb);
        gemm(CblasColMajor, nta ? CblasNoTrans : CblasTrans, ntb ? CblasNoTrans : CblasTrans, m, n,
             k, *alpha, a32.data(), lda, b32.data(), ldb, *beta, Cb, ldc);
        continue;
      }
    }
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
  std::lock_guard<std::mutex> lock(handle->mu);
  if (!claim(handle)) return CUBLAS_STATUS_EXECUTION_FAILED;
  handle->stream = stream;
  handle->workspace = nullptr;  // as cuBLAS: setting the stream resets the workspace
  handle->workspace_bytes = 0;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGetStream(cublasHandle_t handle, cudaStream_t* stream) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  std::lock_guard<std::mutex> lock(handle->mu);
  *stream = handle->stream;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  std::lock_guard<std::mutex> lock(handle->mu);
  handle->math = mode;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t* mode) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  std::lock_guard<std::mutex> lock(handle->mu);
  *mode = handle->math;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetWorkspace(cublasHandle_t handle, void* workspace, size_t bytes) {
  if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
  nd::emu::Segment seg;
  if (bytes && (!nd::emu::find_segment(workspace, &seg) ||
                static_cast<char*>(workspace) + bytes > seg.base + seg.size))
    return CUBLAS_STATUS_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(handle->mu);
  handle->workspace = workspace;
  handle->workspace_bytes = bytes;
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
    case CUBLAS_STATUS_EXECUTION_FAILED: return "the GPU program failed to execute";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "the functionality requested is not supported";
    default: return "cuBLAS error";
  }
}

cublasStatus_t cublasSgemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                           int n, int k, const float* alpha, const float* A, int lda,
                           const float* B, int ldb, const float* beta, float* C, int ldc) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1,
                      ND_BLAS(cblas_sgemm));
}
cublasStatus_t cublasDgemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                           int n, int k, const double* alpha, const double* A, int lda,
                           const double* B, int ldb, const double* beta, double* C, int ldc) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1,
                      ND_BLAS(cblas_dgemm));
}
cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta,
                                         cublasOperation_t tb, int m, int n, int k,
                                         const float* alpha, const float* A, int lda, long long sA,
                                         const float* B, int ldb, long long sB, const float* beta,
                                         float* C, int ldc, long long sC, int batch) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc, sC, batch,
                      ND_BLAS(cblas_sgemm));
}
cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta,
                                         cublasOperation_t tb, int m, int n, int k,
                                         const double* alpha, const double* A, int lda, long long sA,
                                         const double* B, int ldb, long long sB, const double* beta,
                                         double* C, int ldc, long long sC, int batch) {
  return gemm_batched(h, ta, tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc, sC, batch,
                      ND_BLAS(cblas_dgemm));
}

// The 64-bit API: the same GEMM, for sizes CBLAS's int arguments hold (the emulator's memory
// could not hold larger operands anyway).
namespace {
bool fits_int(std::initializer_list<int64_t> v) {
  for (int64_t x : v)
    if (x < INT_MIN || x > INT_MAX) return false;
  return true;
}
}  // namespace

cublasStatus_t cublasSgemmStridedBatched_64(cublasHandle_t h, cublasOperation_t ta,
                                            cublasOperation_t tb, int64_t m, int64_t n, int64_t k,
                                            const float* alpha, const float* A, int64_t lda,
                                            long long sA, const float* B, int64_t ldb, long long sB,
                                            const float* beta, float* C, int64_t ldc, long long sC,
                                            int64_t batch) {
  if (!fits_int({m, n, k, lda, ldb, ldc, batch})) return CUBLAS_STATUS_NOT_SUPPORTED;
  return gemm_batched(h, ta, tb, int(m), int(n), int(k), alpha, A, int(lda), sA, B, int(ldb), sB,
                      beta, C, int(ldc), sC, int(batch), ND_BLAS(cblas_sgemm));
}
cublasStatus_t cublasDgemmStridedBatched_64(cublasHandle_t h, cublasOperation_t ta,
                                            cublasOperation_t tb, int64_t m, int64_t n, int64_t k,
                                            const double* alpha, const double* A, int64_t lda,
                                            long long sA, const double* B, int64_t ldb,
                                            long long sB, const double* beta, double* C,
                                            int64_t ldc, long long sC, int64_t batch) {
  if (!fits_int({m, n, k, lda, ldb, ldc, batch})) return CUBLAS_STATUS_NOT_SUPPORTED;
  return gemm_batched(h, ta, tb, int(m), int(n), int(k), alpha, A, int(lda), sA, B, int(ldb), sB,
                      beta, C, int(ldc), sC, int(batch), ND_BLAS(cblas_dgemm));
}

// The 16-bit float product: A and B widened to float32 exactly, then SGEMM (cuBLAS sums in
// float32 as well, though on tensor cores in an order of its own).
cublasStatus_t cublasGemmStridedBatchedEx_64(cublasHandle_t h, cublasOperation_t ta,
                                             cublasOperation_t tb, int64_t m, int64_t n, int64_t k,
                                             const void* alpha, const void* A, cudaDataType Atype,
                                             int64_t lda, long long sA, const void* B,
                                             cudaDataType Btype, int64_t ldb, long long sB,
                                             const void* beta, void* C, cudaDataType Ctype,
                                             int64_t ldc, long long sC, int64_t batch,
                                             cublasComputeType_t compute, cublasGemmAlgo_t) {
  if (Atype != Btype || (Atype != CUDA_R_16F && Atype != CUDA_R_16BF) || Ctype != CUDA_R_32F ||
      compute != CUBLAS_COMPUTE_32F || !fits_int({m, n, k, lda, ldb, ldc, batch}))
    return CUBLAS_STATUS_NOT_SUPPORTED;
  const bool bf16 = Atype == CUDA_R_16BF;
  // A column-major rows x cols matrix of 16-bit floats (leading dim ld), widened, ld kept.
  auto widened = [bf16](const uint16_t* p, int rows, int cols, int ld) {
    std::vector<float> v(cols > 0 ? static_cast<size_t>(ld) * (cols - 1) + rows : 1);
    for (int j = 0; j < cols; ++j)
      for (int i = 0; i < rows; ++i) {
        const uint16_t x = p[size_t(j) * ld + i];
        v[size_t(j) * ld + i] = bf16 ? nd::half_bits::bfloat16_to_float(x) : nd::half_bits::float16_to_float(x);
      }
    return v;
  };
  auto sgemm = [&](CBLAS_ORDER o, CBLAS_TRANSPOSE t_a, CBLAS_TRANSPOSE t_b, int m_, int n_, int k_,
                   float al, const uint16_t* a, int lda_, const uint16_t* b, int ldb_, float be,
                   float* c, int ldc_) {
    const bool na = t_a == CblasNoTrans, nb = t_b == CblasNoTrans;
    const std::vector<float> a32 = widened(a, na ? m_ : k_, na ? k_ : m_, lda_);
    const std::vector<float> b32 = widened(b, nb ? k_ : n_, nb ? n_ : k_, ldb_);
    ND_BLAS(cblas_sgemm)(o, t_a, t_b, m_, n_, k_, al, a32.data(), lda_, b32.data(), ldb_, be, c, ldc_);
  };
  return gemm_batched(h, ta, tb, int(m), int(n), int(k), static_cast<const float*>(alpha),
                      static_cast<const uint16_t*>(A), int(lda), sA, static_cast<const uint16_t*>(B),
                      int(ldb), sB, static_cast<const float*>(beta), static_cast<float*>(C), int(ldc),
                      sC, int(batch), sgemm);
}
