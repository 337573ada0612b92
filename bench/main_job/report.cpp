// Console table and JSON for the main job.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace ndbench {
namespace {

std::string fmt_time(double s) {
  char buf[32];
  if (s < 1e-3) std::snprintf(buf, sizeof buf, "%.2f us", s * 1e6);
  else if (s < 1.0) std::snprintf(buf, sizeof buf, "%.3f ms", s * 1e3);
  else std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

std::string fmt_rate(const Workload& w, const Measurement& m, const DeviceColumn& d) {
  double r = rate(w, m);
  if (r <= 0) return "-";
  char buf[48];
  double pct = percent_of_limit(w, m, d);
  const char* unit = w.unit == Unit::bytes ? "GB/s" : "GFLOP/s";
  if (pct > 0) std::snprintf(buf, sizeof buf, "%.1f %s (%.0f%%)", r, unit, pct);
  else std::snprintf(buf, sizeof buf, "%.1f %s", r, unit);
  return buf;
}

// A mode not registered for a workload that another mode has (the latency-only loops) reads "-".
std::string cell(const PerMode& modes, Mode mode, bool gpu) {
  const Measurement& m = modes[static_cast<size_t>(mode)];
  if (!m.ran) {
    for (const Measurement& other : modes)
      if (other.ran) return "-";
    return gpu ? "no GPU" : "not built";
  }
  if (m.error) return "error";
  return fmt_time(m.median_s);
}

const Measurement& in(const PerMode& modes, Mode mode) { return modes[static_cast<size_t>(mode)]; }

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream os;
  os << std::setprecision(6) << v;
  return os.str();
}

}  // namespace

double rate(const Workload& w, const Measurement& m) {
  if (!m.ran || m.error || m.median_s <= 0 || w.unit == Unit::none) return 0;
  return w.work / m.median_s / 1e9;
}

double percent_of_limit(const Workload& w, const Measurement& m, const DeviceColumn& d) {
  double r = rate(w, m);
  double limit = w.unit == Unit::bytes ? d.limit_gbs : d.limit_gflops;
  return r > 0 && limit > 0 ? 100.0 * r / limit : 0;
}

void print_table(std::ostream& os, const RunInfo& info, const std::vector<DeviceColumn>& devices,
                 const std::vector<Row>& rows) {
  os << "\nndgpu main job  " << info.date << "  commit " << info.commit << "  (" << info.mode << ")\n";
  os << "CPU: " << info.cpu_model << ", " << info.cpu.threads << " threads; triad "
     << num(info.cpu.triad_gbs) << " GB/s (end of run " << num(info.triad_end_gbs)
     << "); OpenBLAS SGEMM " << info.cpu.sgemm_n << "^3 " << num(info.cpu.sgemm_gflops)
     << " GFLOP/s, kernel " << info.cpu.blas_core << ", " << info.cpu.blas_threads << " threads"
     << " (" << info.blas_env << ")\n";
  for (size_t g = 0; g < info.gpus.size(); ++g)
    os << "GPU cuda:" << g << ": " << info.gpus[g].name << "; copy kernel " << num(info.gpus[g].copy_gbs)
       << " GB/s; cuBLAS SGEMM " << info.gpus[g].sgemm_n << "^3 " << num(info.gpus[g].sgemm_gflops)
       << " GFLOP/s; empty launch " << num(info.gpus[g].launch_us) << " us\n";
  if (info.gpus.empty()) os << "GPU: none usable on this machine (no GPU columns)\n";

  // Per device: latency, throughput, enqueue; GPU/CPU and the rates use throughput mode.
  const DeviceColumn& cpu = devices[0];
  const DeviceColumn* gpu = devices.size() > 1 ? &devices[1] : nullptr;
  auto group = [&](const std::string& title) {
    std::string t = " " + title + " ";
    const size_t width = 33, left = (width - t.size()) / 2;
    return std::string(left, '-') + t + std::string(width - left - t.size(), '-');
  };
  os << "\n" << std::string(30, ' ') << "  " << group("ndgpu CPU");
  if (gpu) os << "   " << group("ndgpu GPU " + gpu->display);
  os << "\n" << std::left << std::setw(30) << "workload" << std::right;
  for (size_t d = 0; d < (gpu ? 2u : 1u); ++d) {
    os << (d ? "   " : "  ");
    for (Mode m : kModes) os << std::setw(11) << mode_name(m);
  }
  if (gpu) os << std::setw(10) << "GPU/CPU";
  os << "   " << std::left << std::setw(26) << "CPU rate (% of limit)" << (gpu ? "GPU rate (% of limit)" : "")
     << "\n";
  std::string section;
  for (const Row& r : rows) {
    const Workload& w = *r.workload;
    if (section != w.section) os << "-- " << (section = w.section) << "\n";
    os << std::left << std::setw(30) << w.label << std::right << "  ";
    for (Mode m : kModes) os << std::setw(11) << cell(r.per_device[0], m, false);
    if (gpu) {
      os << "   ";
      for (Mode m : kModes) os << std::setw(11) << cell(r.per_device[1], m, true);
      const Measurement &c = in(r.per_device[0], Mode::throughput), &g = in(r.per_device[1], Mode::throughput);
      std::string speedup = "-";
      if (c.ran && g.ran && !c.error && !g.error && g.median_s > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1fx", c.median_s / g.median_s);
        speedup = buf;
      }
      os << std::setw(10) << speedup;
    }
    os << "   " << std::left << std::setw(26) << fmt_rate(w, in(r.per_device[0], Mode::throughput), cpu)
       << (gpu ? fmt_rate(w, in(r.per_device[1], Mode::throughput), *gpu) : "") << "\n";
  }
  os << std::right;
  os << "modes (per call): latency = call + synchronise; throughput = calls back to back, one\n"
        "synchronise per " << kMaxInFlight << "; enqueue = host time of the call alone. GPU/CPU and rates: throughput.\n"
        "limits: CPU % of same-run triad (bandwidth) or OpenBLAS SGEMM (FLOPs); GPU % of same-run\n"
        "copy kernel or cuBLAS SGEMM. \"not built\": the op's benchmark is not registered yet.\n";
}

void write_json(const std::string& path, const RunInfo& info,
                const std::vector<DeviceColumn>& devices, const std::vector<Row>& rows) {
  std::ofstream f(path);
  f << "{\n  \"tool\": \"ndgpu-bench\",\n";
  f << "  \"date\": \"" << json_escape(info.date) << "\",\n";
  f << "  \"commit\": \"" << json_escape(info.commit) << "\",\n";
  f << "  \"mode\": \"" << json_escape(info.mode) << "\",\n";
  f << "  \"wall_s\": " << num(info.wall_s) << ",\n";
  f << "  \"timing_modes\": {\"max_in_flight\": " << kMaxInFlight;
  for (Mode m : kModes) {
    const Sampling& smp = info.sampling[static_cast<size_t>(m)];
    f << ", \"" << mode_name(m) << "\": {\"min_time_s\": " << num(smp.min_time_s)
      << ", \"repetitions\": " << smp.repetitions << "}";
  }
  f << "},\n";
  f << "  \"host\": {\"cpu_model\": \"" << json_escape(info.cpu_model) << "\", \"threads\": "
    << info.cpu.threads << ", \"l3_bytes\": " << info.l3_bytes << "},\n";
  f << "  \"limits\": {\n    \"cpu\": {\"triad_gbs\": " << num(info.cpu.triad_gbs)
    << ", \"triad_end_gbs\": " << num(info.triad_end_gbs) << ", \"sgemm_gflops\": "
    << num(info.cpu.sgemm_gflops) << ", \"sgemm_n\": " << info.cpu.sgemm_n
    << ", \"blas_core\": \"" << json_escape(info.cpu.blas_core) << "\", \"blas_config\": \""
    << json_escape(info.cpu.blas_config) << "\", \"blas_threads\": " << info.cpu.blas_threads
    << ", \"blas_env\": \"" << json_escape(info.blas_env) << "\"}";
  for (size_t g = 0; g < info.gpus.size(); ++g) {
    const GpuLimits& L = info.gpus[g];
    f << ",\n    \"cuda" << g << "\": {\"name\": \"" << json_escape(L.name) << "\", \"sm_count\": "
      << L.sm_count << ", \"copy_gbs\": " << num(L.copy_gbs) << ", \"sgemm_gflops\": "
      << num(L.sgemm_gflops) << ", \"sgemm_n\": " << L.sgemm_n << ", \"launch_us\": "
      << num(L.launch_us) << "}";
  }
  f << "\n  },\n  \"devices\": [";
  for (size_t d = 0; d < devices.size(); ++d)
    f << (d ? ", " : "") << "{\"key\": \"" << devices[d].key << "\", \"display\": \""
      << devices[d].display << "\", \"limit_gbs\": " << num(devices[d].limit_gbs)
      << ", \"limit_gflops\": " << num(devices[d].limit_gflops) << "}";
  f << "],\n  \"workloads\": [\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Workload& w = *rows[i].workload;
    f << "    {\"section\": \"" << w.section << "\", \"label\": \"" << json_escape(w.label)
      << "\", \"bench\": \"" << json_escape(w.bench) << "\", \"unit\": \""
      << (w.unit == Unit::bytes ? "bytes" : w.unit == Unit::flops ? "flops" : "none")
      << "\", \"work\": " << num(w.work) << ", \"results\": {";
    for (size_t d = 0; d < devices.size(); ++d) {
      const PerMode& modes = rows[i].per_device[d];
      f << (d ? ", " : "") << "\"" << devices[d].key << "\": ";
      if (std::none_of(modes.begin(), modes.end(), [](const Measurement& m) { return m.ran; })) {
        f << "null";
        continue;
      }
      f << "{";
      for (Mode mode : kModes) {
        const Measurement& m = in(modes, mode);
        f << (mode == kModes[0] ? "" : ", ") << "\"" << mode_name(mode) << "\": ";
        if (!m.ran) {
          f << "null";
          continue;
        }
        f << "{\"median_s\": " << (m.error ? "null" : num(m.median_s)) << ", \"samples\": "
          << m.samples << ", \"iterations\": " << m.iterations;
        if (mode != Mode::enqueue)  // enqueue times the host only: no device rate
          f << ", \"rate\": " << num(rate(w, m)) << ", \"pct_of_limit\": "
            << num(percent_of_limit(w, m, devices[d]));
        if (m.error) f << ", \"error\": \"" << json_escape(m.message) << "\"";
        f << "}";
      }
      f << "}";
    }
    f << "}}" << (i + 1 < rows.size() ? "," : "") << "\n";
  }
  f << "  ]\n}\n";
}

}  // namespace ndbench
