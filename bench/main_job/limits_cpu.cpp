// CPU limits: a STREAM-like triad over both cores (huge pages, first touch by the thread that
// streams it) and OpenBLAS SGEMM, both measured in the main job's own process.
#include "cpu_blas.hpp"
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "limits.hpp"

namespace ndbench {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

float* alloc_huge(size_t n) {
  size_t bytes = (n * sizeof(float) + (2u << 20) - 1) & ~size_t((2u << 20) - 1);
  void* p = nullptr;
  if (posix_memalign(&p, 2u << 20, bytes) != 0) return nullptr;
  madvise(p, bytes, MADV_HUGEPAGE);  // as NumPy and ndgpu's host pool do for large buffers
  return static_cast<float*>(p);
}

// Runs fn(begin, end) on `threads` threads over [0, n), each thread always the same chunk.
template <class Fn>
void run_chunks(int threads, size_t n, Fn fn) {
  std::vector<std::thread> pool;
  size_t chunk = (n + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    size_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    pool.emplace_back([=] { fn(b, e); });
  }
  for (auto& th : pool) th.join();
}

}  // namespace

double measure_cpu_triad_gbs(int threads) {
  const size_t n = 40'000'000;  // 3 x 160 MB: far beyond any L3
  float *a = alloc_huge(n), *b = alloc_huge(n), *c = alloc_huge(n);
  if (!a || !b || !c) return 0;
  run_chunks(threads, n, [=](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) a[i] = 0.f, b[i] = 1.f, c[i] = 2.f;
  });
  std::vector<double> gbs;
  for (int rep = 0; rep < 7; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    run_chunks(threads, n, [=](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; ++i) a[i] = b[i] + 3.f * c[i];
    });
    gbs.push_back(3.0 * n * sizeof(float) / seconds_since(t0) / 1e9);  // STREAM: no write-allocate
  }
  std::free(a), std::free(b), std::free(c);
  return median(gbs);
}

CpuLimits measure_cpu_limits(bool full) {
  CpuLimits L;
  L.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (const char* e = std::getenv("NDGPU_NUM_THREADS"); e && std::atoi(e) > 0) L.threads = std::atoi(e);
  L.triad_gbs = measure_cpu_triad_gbs(L.threads);

  L.blas_core = ND_BLAS(openblas_get_corename)();
  L.blas_config = ND_BLAS(openblas_get_config)();
  // OpenBLAS on every core, its own threads: the limit, whatever ndgpu's setting (the library
  // runs it on the calling thread and splits products over its pool, docs/blas.md).
  const int library_threads = ND_BLAS(openblas_get_num_threads)();
  ND_BLAS(openblas_set_num_threads)(L.threads);
  L.blas_threads = ND_BLAS(openblas_get_num_threads)();
  const int n = full ? 4096 : 2048;
  L.sgemm_n = n;
  std::vector<float> A(size_t(n) * n, 0.5f), B(size_t(n) * n, 0.25f), C(size_t(n) * n);
  auto gemm = [&] {
    ND_BLAS(cblas_sgemm)(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, A.data(), n, B.data(), n,
                0.f, C.data(), n);
  };
  gemm();  // warm-up: BLAS threads start, pages fault in
  std::vector<double> gf;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    gemm();
    gf.push_back(2.0 * n * n * double(n) / seconds_since(t0) / 1e9);
  }
  L.sgemm_gflops = median(gf);
  ND_BLAS(openblas_set_num_threads)(library_threads);
  return L;
}

#ifndef NDGPU_BENCH_CUDA
GpuLimits measure_gpu_limits(int, bool) { return {}; }
#endif

}  // namespace ndbench
