// The machine's limits that the main job reports each workload against, measured in the same run:
// CPU STREAM-like triad bandwidth and OpenBLAS SGEMM; GPU copy-kernel bandwidth and cuBLAS SGEMM.
#pragma once
#include <string>

namespace ndbench {

struct CpuLimits {
  int threads = 0;              // threads the triad used (= ndgpu's CPU thread count)
  double triad_gbs = 0;         // STREAM-like triad a = b + s*c, 3 x 4e7 f32, median GB/s
  double sgemm_gflops = 0;      // cblas_sgemm n^3, all BLAS threads, median GFLOP/s
  int sgemm_n = 0;
  std::string blas_core;        // OpenBLAS kernel that ran (openblas_get_corename)
  std::string blas_config;      // openblas_get_config
  int blas_threads = 0;
};

struct GpuLimits {
  bool present = false;
  std::string name;             // cudaDeviceProp::name
  int sm_count = 0;
  double copy_gbs = 0;          // float4 copy kernel over 1 GiB, read + write counted, median
  double sgemm_gflops = 0;      // cublasSgemm n^3 FP32 (no TF32), median
  int sgemm_n = 0;
  double launch_us = 0;         // empty kernel launch + synchronise
};

// Triad bandwidth only (cheap, ~0.3 s): used at the start and the end of a run.
double measure_cpu_triad_gbs(int threads);
CpuLimits measure_cpu_limits(bool full);
// For CUDA device `index`; present == false in a build without CUDA or without a usable GPU.
GpuLimits measure_gpu_limits(int index, bool full);

}  // namespace ndbench
