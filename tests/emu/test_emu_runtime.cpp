// The emulated CUDA runtime and cuBLAS (issue 7): error codes as CUDA gives them, device-pointer
// checks on copies, CBLAS-backed GEMM with cuBLAS's column-major semantics, and ND_CUDA_CHECK.
#if NDGPU_CUDA_EMULATION
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cuda/cublas_api.hpp"
#include "cuda/cuda_check.hpp"
#include "emu/emu_buffer.hpp"
#include "ndgpu/error.hpp"

TEST(EmuRuntime, CopiesCheckTheDeviceSide) {
  DeviceBuffer<float> d(8);
  std::vector<float> host(8, 1.f);
  EXPECT_EQ(cudaMemcpy(d.get(), host.data(), 32, cudaMemcpyHostToDevice), cudaSuccess);
  // A host pointer where a device pointer belongs, and a copy running past the allocation.
  EXPECT_EQ(cudaMemcpy(host.data(), host.data(), 32, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);  // reading the error clears it
  EXPECT_EQ(cudaMemcpy(host.data(), d.get() + 4, 32, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemset(d.get(), 0, 33), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(host.data()), cudaErrorInvalidValue);
  (void)cudaGetLastError();
}

TEST(EmuRuntime, AllocationBeyondTheDeviceFails) {
  void* p = nullptr;
  EXPECT_EQ(cudaMalloc(&p, size_t(1) << 44), cudaErrorMemoryAllocation);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(cudaGetLastError(), cudaErrorMemoryAllocation);
  size_t free_b = 0, total = 0;
  EXPECT_EQ(cudaMemGetInfo(&free_b, &total), cudaSuccess);
  EXPECT_LE(free_b, total);
}

TEST(EmuRuntime, StreamsAndEventsAreValidatedHandles) {
  cudaStream_t s = nullptr;
  cudaEvent_t e = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), cudaSuccess);
  EXPECT_EQ(cudaEventRecord(e, s), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(e), cudaSuccess);  // work runs synchronously: always complete
  EXPECT_EQ(cudaStreamSynchronize(s), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(e), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(e), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaStreamDestroy(s), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(s), cudaErrorInvalidResourceHandle);
  (void)cudaGetLastError();
}

TEST(EmuRuntime, CudaCheckThrowsTheRightClassWithCallAndLocation) {
  try {
    ND_CUDA_CHECK(cudaSetDevice(3));
    ADD_FAILURE() << "no throw";
  } catch (const nd::DeviceError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("invalid device ordinal (cudaErrorInvalidDevice) in cudaSetDevice(3) at "), std::string::npos) << m;
    EXPECT_NE(m.find("test_emu_runtime.cpp:"), std::string::npos) << m;
  }
  void* p = nullptr;
  EXPECT_THROW(ND_CUDA_CHECK(cudaMalloc(&p, size_t(1) << 44)), nd::OutOfMemory);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);  // the check cleared it
  EXPECT_TRUE(ND_CUDA_CHECK_NOTHROW(cudaErrorCudartUnloading));  // process exit counts as success
  EXPECT_FALSE(ND_CUDA_CHECK_NOTHROW(cudaErrorInvalidValue));
}

// Around a real launch (kernels/cuda/launch.cuh): an error pending from earlier asynchronous work
// is named as such, before or after the launch; the launch's own error is the launch's.
TEST(EmuRuntime, LaunchChecksNameAnEarlierAsynchronousErrorAsSuch) {
  auto message = [](auto check) {
    try {
      check();
    } catch (const nd::DeviceError& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  EXPECT_NO_THROW(nd::cuda::check_before_launch("k.cu", 1));
  nd::emu::set_last_error(cudaErrorIllegalAddress);
  std::string m = message([] { nd::cuda::check_before_launch("k.cu", 7); });
  EXPECT_NE(m.find("an illegal memory access was encountered (cudaErrorIllegalAddress) from an earlier "
                   "asynchronous operation"), std::string::npos) << m;
  EXPECT_NE(m.find("detected before the kernel launch at k.cu:7"), std::string::npos) << m;
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  nd::emu::set_last_error(cudaErrorLaunchFailure);
  m = message([] { nd::cuda::check_launch("k.cu", 8); });
  EXPECT_NE(m.find("from an earlier asynchronous operation"), std::string::npos) << m;
  EXPECT_NE(m.find("reported at the kernel launch at k.cu:8"), std::string::npos) << m;
  nd::emu::set_last_error(cudaErrorInvalidConfiguration);
  m = message([] { nd::cuda::check_launch("k.cu", 9); });
  EXPECT_NE(m.find("(cudaErrorInvalidConfiguration) in kernel launch at k.cu:9"), std::string::npos) << m;
  EXPECT_EQ(m.find("earlier"), std::string::npos) << m;
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

// A held stream's events stay pending until it is released or the host waits on them.
TEST(EmuRuntime, HeldStreamsKeepTheirEventsPendingUntilTheHostWaits) {
  cudaStream_t s = nullptr;
  cudaEvent_t e = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), cudaSuccess);
  nd::emu::hold_stream(s);
  EXPECT_EQ(cudaEventRecord(e, s), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(e), cudaErrorNotReady);
  EXPECT_EQ(cudaStreamQuery(s), cudaErrorNotReady);
  nd::emu::release_stream(s);
  EXPECT_EQ(cudaEventQuery(e), cudaSuccess);
  nd::emu::hold_stream(s);
  EXPECT_EQ(cudaEventRecord(e, s), cudaSuccess);
  EXPECT_EQ(cudaEventSynchronize(e), cudaSuccess);  // waiting finishes the held work
  EXPECT_EQ(cudaEventQuery(e), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(s), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(e), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(s), cudaSuccess);
}

namespace {
// C = alpha * op(A) * op(B) + beta * C, column-major, the naive way.
std::vector<double> naive_gemm(bool ta, bool tb, int m, int n, int k, double alpha,
                               const std::vector<double>& A, int lda, const std::vector<double>& B,
                               int ldb, double beta, std::vector<double> C, int ldc) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double s = 0;
      for (int p = 0; p < k; ++p)
        s += (ta ? A[p + i * lda] : A[i + p * lda]) * (tb ? B[j + p * ldb] : B[p + j * ldb]);
      C[i + j * ldc] = alpha * s + beta * C[i + j * ldc];
    }
  return C;
}
}  // namespace

TEST(EmuCublas, GemmMatchesTheColumnMajorDefinition) {
  cublasHandle_t h = nullptr;
  ASSERT_EQ(cublasCreate(&h), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(cublasSetStream(h, nullptr), CUBLAS_STATUS_SUCCESS);
  const int m = 5, n = 3, k = 4;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      const int lda = (ta ? k : m) + 1, ldb = (tb ? n : k) + 2, ldc = m + 1;
      std::vector<double> A(lda * (ta ? m : k)), B(ldb * (tb ? k : n)), C(ldc * n);
      for (size_t i = 0; i < A.size(); ++i) A[i] = 0.5 * static_cast<double>(i % 7) - 1;
      for (size_t i = 0; i < B.size(); ++i) B[i] = 0.25 * static_cast<double>(i % 5);
      for (size_t i = 0; i < C.size(); ++i) C[i] = static_cast<double>(i);
      DeviceBuffer<double> dA(A.size(), A), dB(B.size(), B), dC(C.size(), C);
      const double alpha = 1.5, beta = -0.5;
      ASSERT_EQ(cublasDgemm(h, ta ? CUBLAS_OP_T : CUBLAS_OP_N, tb ? CUBLAS_OP_T : CUBLAS_OP_N, m, n,
                            k, &alpha, dA.get(), lda, dB.get(), ldb, &beta, dC.get(), ldc),
                CUBLAS_STATUS_SUCCESS);
      EXPECT_EQ(dC.host(), naive_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc));
    }
  // Strided batches, float.
  const int batch = 3;
  std::vector<float> A(m * k * batch), B(k * n * batch), C(m * n * batch, 0.f);
  for (size_t i = 0; i < A.size(); ++i) A[i] = static_cast<float>(i % 3);
  for (size_t i = 0; i < B.size(); ++i) B[i] = static_cast<float>(i % 4) - 1.f;
  DeviceBuffer<float> dA(A.size(), A), dB(B.size(), B), dC(C.size(), C);
  const float one = 1.f, zero = 0.f;
  ASSERT_EQ(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, dA.get(), m, m * k,
                                      dB.get(), k, k * n, &zero, dC.get(), m, m * n, batch),
            CUBLAS_STATUS_SUCCESS);
  std::vector<float> got = dC.host();
  for (int b = 0; b < batch; ++b) {
    std::vector<double> a(A.begin() + b * m * k, A.begin() + (b + 1) * m * k);
    std::vector<double> bb(B.begin() + b * k * n, B.begin() + (b + 1) * k * n);
    std::vector<double> ref = naive_gemm(false, false, m, n, k, 1, a, m, bb, k, 0, std::vector<double>(m * n), m);
    for (int i = 0; i < m * n; ++i) EXPECT_EQ(got[b * m * n + i], static_cast<float>(ref[i]));
  }
  EXPECT_EQ(cublasDestroy(h), CUBLAS_STATUS_SUCCESS);
}

TEST(EmuCublas, InvalidArgumentsAndHostPointersAreRejected) {
  cublasHandle_t h = nullptr;
  ASSERT_EQ(cublasCreate(&h), CUBLAS_STATUS_SUCCESS);
  DeviceBuffer<float> d(64);
  std::vector<float> host(64);
  const float one = 1.f;
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, d.get(), 3, d.get(), 4, &one,
                        d.get(), 4),
            CUBLAS_STATUS_INVALID_VALUE);  // lda < m
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, host.data(), 4, d.get(), 4,
                        &one, d.get(), 4),
            CUBLAS_STATUS_INVALID_VALUE);  // A is host memory
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 8, 8, 8, &one, d.get(), 8, d.get(), 8, &one,
                        d.get(), 8),
            CUBLAS_STATUS_SUCCESS);  // 8x8 fits the 64 floats exactly
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 8, 8, 8, &one, d.get() + 1, 8, d.get(), 8, &one,
                        d.get(), 8),
            CUBLAS_STATUS_INVALID_VALUE);  // runs one element past the allocation
  EXPECT_EQ(cublasDestroy(h), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &one, d.get(), 1, d.get(), 1, &one,
                        d.get(), 1),
            CUBLAS_STATUS_NOT_INITIALIZED);
}

#endif  // NDGPU_CUDA_EMULATION
