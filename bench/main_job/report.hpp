// The main job's results: the console table and the JSON file (report.py renders both the
// Markdown table and the PNG chart from that JSON).
#pragma once
#include <array>
#include <iosfwd>
#include <string>
#include <vector>

#include "limits.hpp"
#include "runner.hpp"
#include "support/modes.hpp"
#include "workloads.hpp"

namespace ndbench {

struct DeviceColumn {
  std::string key;      // "cpu", "cuda0": the suffix register_pair gives the benchmark names
  std::string display;  // "cpu", "cuda:0"
  double limit_gbs = 0;     // triad (CPU) or copy kernel (GPU)
  double limit_gflops = 0;  // SGEMM: OpenBLAS (CPU) or cuBLAS (GPU)
};

// One measurement per timing mode, in kModes order (latency, throughput, enqueue).
using PerMode = std::array<Measurement, kModes.size()>;

struct Row {
  const Workload* workload;
  std::vector<PerMode> per_device;  // same order as the device columns
};

struct RunInfo {
  std::string date, commit, cpu_model, blas_env, mode;
  long long l3_bytes = 0;
  CpuLimits cpu;
  double triad_end_gbs = 0;
  std::vector<GpuLimits> gpus;
  double wall_s = 0;
  std::array<Sampling, kModes.size()> sampling;  // per mode, kModes order
};

// GB/s or GFLOP/s of one measurement (0 when it did not run or the workload has no unit).
double rate(const Workload& w, const Measurement& m);
double percent_of_limit(const Workload& w, const Measurement& m, const DeviceColumn& d);

void print_table(std::ostream& os, const RunInfo& info, const std::vector<DeviceColumn>& devices,
                 const std::vector<Row>& rows);
void write_json(const std::string& path, const RunInfo& info,
                const std::vector<DeviceColumn>& devices, const std::vector<Row>& rows);

}  // namespace ndbench
