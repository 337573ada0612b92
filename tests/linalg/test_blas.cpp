// The CPU BLAS check at start-up (docs/blas.md): a generic OpenBLAS kernel on a CPU with AVX2 or
// AVX-512 is never silent. Forced in a child process, where OpenBLAS reads OPENBLAS_CORETYPE as it
// loads.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "cpu_blas.hpp"
#include "ndgpu/ndgpu.hpp"
#include "support/subprocess.hpp"

namespace {

const char* const kWarning = "ndgpu: warning: the CPU BLAS (OpenBLAS) runs its generic";

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

}  // namespace

TEST(CpuBlas, GenericKernelWarningNamesTheKernelAndTheFix) {
  const std::string w = nd::blas::generic_kernel_warning("Prescott", true, true);
  EXPECT_NE(w.find("generic 'Prescott' kernel on a CPU with AVX-512"), std::string::npos) << w;
  EXPECT_NE(w.find("OPENBLAS_CORETYPE=SkylakeX"), std::string::npos) << w;
  EXPECT_NE(w.find("scipy-openblas32"), std::string::npos) << w;
  EXPECT_NE(nd::blas::generic_kernel_warning("Katmai", true, false).find("OPENBLAS_CORETYPE=Haswell"),
            std::string::npos);
  EXPECT_EQ(nd::blas::generic_kernel_warning("Prescott", false, false), "");  // an old CPU: right kernel
  EXPECT_EQ(nd::blas::generic_kernel_warning("Haswell", true, false), "");
  EXPECT_EQ(nd::blas::generic_kernel_warning("SkylakeX", true, true), "");
  EXPECT_EQ(nd::blas::generic_kernel_warning("Zen", true, false), "");
}

// The child: any CPU work starts the CPU backend, which checks the BLAS once.
TEST(CpuBlas, DISABLED_ChildMultipliesMatrices) {
  const nd::Array a = nd::ones({4, 4}, nd::float32, nd::Device::cpu());
  EXPECT_EQ(nd::matmul(a, a).sum().item<float>(), 64.f);
  EXPECT_EQ((a + a).sum().item<float>(), 32.f);
}

TEST(CpuBlas, AGenericKernelIsReportedOnceAtStartUp) {
  if (!cpu_has_avx2()) GTEST_SKIP() << "skipped: this CPU has no AVX2 (a generic kernel is right)";
  const ChildResult forced = run_test_in_child("CpuBlas.DISABLED_ChildMultipliesMatrices",
                                               {{"OPENBLAS_CORETYPE", "Prescott"}});
  EXPECT_EQ(forced.exit_code, 0) << forced.output;
  const size_t at = forced.output.find(kWarning);
  EXPECT_NE(at, std::string::npos) << forced.output;
  EXPECT_EQ(forced.output.find(kWarning, at + 1), std::string::npos) << "warned twice:\n" << forced.output;
  const ChildResult tuned = run_test_in_child("CpuBlas.DISABLED_ChildMultipliesMatrices",
                                              {{"OPENBLAS_CORETYPE", "Haswell"}});
  EXPECT_EQ(tuned.exit_code, 0) << tuned.output;
  EXPECT_EQ(tuned.output.find(kWarning), std::string::npos) << tuned.output;
}

// The child: multiplies (which loads the BLAS), then reports its threads and environment.
TEST(CpuBlas, DISABLED_ChildCountsItsThreads) {
  const nd::Array a = nd::ones({64, 64}, nd::float32, nd::Device::cpu());
  EXPECT_EQ(nd::matmul(a, a).sum().item<float>(), 64.f * 64 * 64);
  int threads = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) threads += entry.exists();
  std::printf("threads: %d\nOPENBLAS_NUM_THREADS %s\n", threads, std::getenv("OPENBLAS_NUM_THREADS") ? "set" : "unset");
}

// OpenBLAS loaded with the program would start a worker per core, each spinning for ~100 ms
// (docs/blas.md, "Threads"): ndgpu loads it on first use with OPENBLAS_NUM_THREADS=1 and restores
// the environment. With a one-thread pool the child has no other thread.
TEST(CpuBlas, OpenBlasStartsNoWorkersAndTheEnvironmentIsLeftAlone) {
  if (std::getenv("OPENBLAS_NUM_THREADS")) GTEST_SKIP() << "skipped: OPENBLAS_NUM_THREADS is set by the user";
  const ChildResult child = run_test_in_child("CpuBlas.DISABLED_ChildCountsItsThreads", {{"NDGPU_NUM_THREADS", "1"}});
  EXPECT_EQ(child.exit_code, 0) << child.output;
  EXPECT_NE(child.output.find("threads: 1\n"), std::string::npos) << child.output;
  EXPECT_NE(child.output.find("OPENBLAS_NUM_THREADS unset"), std::string::npos) << child.output;
}

// Products big enough to be split over the pool (kernels/cpu/gemm_cblas.cpp: >= 4 MFLOP a piece),
// by rows and by columns of C, with transposed operands and a batch smaller than the pool, agree
// with the same product in float64; OpenBLAS itself runs on the calling thread only.
TEST(CpuBlas, SplitProductsMatchFloat64) {
  nd::random::seed(31);
  const nd::Device cpu = nd::Device::cpu();
  auto check = [](const nd::Array& a, const nd::Array& b) {
    const nd::Array got = nd::matmul(a, b).astype(nd::float64);
    const nd::Array want = nd::matmul(a.astype(nd::float64), b.astype(nd::float64));
    EXPECT_LT(nd::abs(got - want).max().item<double>(), 1e-3) << nd::shape_str(got.shape());
  };
  const nd::Array tall = nd::random::randn({300, 200}, nd::float32, cpu);
  const nd::Array wide = nd::random::randn({200, 1000}, nd::float32, cpu);
  check(tall, wide);                              // rows of C split
  check(nd::random::randn({200, 300}, nd::float32, cpu).T()(nd::slice(0, 37)), wide);  // few rows: columns split, A transposed
  check(tall(nd::slice(0, 37)), nd::random::randn({1000, 200}, nd::float32, cpu).T());  // columns split, B transposed
  check(wide.T(), tall.T());                      // both transposed, rows split
  check(nd::random::randn({3, 40, 200}, nd::float32, cpu).swapaxes(-1, -2), nd::random::randn({3, 40, 500}, nd::float32, cpu));  // 3 entries
  EXPECT_EQ(ND_BLAS(openblas_get_num_threads)(), 1);
}
