// ndgpu-bench: the main job. Runs every tutorial workload (the Google Benchmark registrations of
// bench/*.cpp, listed in workloads.hpp) on the CPU and on each usable GPU, in each timing mode
// (bench/README.md), against limits measured in the same run, prints the table, and writes
// ndgpu.json (+ report.md and report.png through report.py when python3 is there).
//   ndgpu-bench [--full] [--quick] [--out DIR] [--filter TEXT] [--no-chart] [--keep-blas-env]
#include "cpu_blas.hpp"
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <ndgpu/ndgpu.hpp>

#include "limits.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "support/bench_util.hpp"
#include "workloads.hpp"

namespace {

using namespace ndbench;

struct Options {
  bool full = false, quick = false, chart = true, keep_blas_env = false;
  std::string out = "main_job", filter;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--full") o.full = true;
    else if (a == "--quick") o.quick = true;
    else if (a == "--no-chart") o.chart = false;
    else if (a == "--keep-blas-env") o.keep_blas_env = true;
    else if (a == "--out" && i + 1 < argc) o.out = argv[++i];
    else if (a == "--filter" && i + 1 < argc) o.filter = argv[++i];
    else {
      std::cerr << "usage: ndgpu-bench [--full] [--quick] [--out DIR] [--filter TEXT] [--no-chart]"
                   " [--keep-blas-env]\n";
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  return o;
}

// OpenBLAS picks its kernel when it loads, from OPENBLAS_CORETYPE or by detecting the CPU. The
// main job drops overrides the environment may carry (OPENBLAS_CORETYPE=Haswell runs SGEMM 1.86x
// slower on AVX-512) and re-executes itself, so ndgpu runs the kernel its BLAS detects, as a user's
// program does: no pin (docs/blas.md). compare_frameworks.py runs NumPy the same way.
void drop_blas_overrides(char** argv, bool keep) {
  if (keep || !(std::getenv("OPENBLAS_CORETYPE") || std::getenv("OPENBLAS_L2_SIZE"))) return;
  unsetenv("OPENBLAS_CORETYPE");
  unsetenv("OPENBLAS_L2_SIZE");
  execv("/proc/self/exe", argv);
  std::perror("ndgpu-bench: re-exec without the OpenBLAS overrides failed; going on");
}

std::string shell_line(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// One line that rewrites itself on a terminal, one line per step otherwise (logs, CI).
void progress(int step, int total, const std::string& what) {
  static const bool tty = isatty(STDERR_FILENO);
  std::fprintf(stderr, tty ? "\r\033[K[%2d/%d] %s" : "[%2d/%d] %s\n", step, total, what.c_str());
  std::fflush(stderr);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  drop_blas_overrides(argv, opt.keep_blas_env);
  auto t_start = std::chrono::steady_clock::now();
  // Median of >= 5 samples (docs/performance.md 2); each sample at least min_time of manual time.
  // Throughput and enqueue samples are shorter (still >= 2 ms, docs/performance.md 2) so that three
  // modes cost about what one did: the default run stays near three minutes on 2 cores.
  const Sampling latency{opt.quick ? 0.01 : opt.full ? 0.2 : 0.05, opt.quick ? 3 : 5};
  const Sampling batched{opt.quick ? 0.005 : opt.full ? 0.05 : 0.01, opt.quick ? 3 : 5};
  init_google_benchmark(argv[0], latency);

  std::vector<const Workload*> selected;
  for (const Workload& w : workloads())
    if ((opt.full || !w.full_only) &&
        (opt.filter.empty() || std::string(w.label).find(opt.filter) != std::string::npos ||
         std::string(w.bench).find(opt.filter) != std::string::npos))
      selected.push_back(&w);

  std::vector<DeviceColumn> devices = {{"cpu", "cpu"}};
#ifdef NDGPU_BENCH_EMULATED
  const int n_gpus = 0;  // the emulated cuda:0 runs kernels on the CPU: no GPU column
#else
  const int n_gpus = nd::device_count();
#endif
  for (int g = 0; g < n_gpus; ++g)
    devices.push_back({"cuda" + std::to_string(g), "cuda:" + std::to_string(g)});

  const int total = 2 + static_cast<int>(selected.size() * devices.size() * kModes.size()) + n_gpus;
  int step = 0;
  RunInfo info;
  for (Mode m : kModes) info.sampling[static_cast<size_t>(m)] = m == Mode::latency ? latency : batched;
  info.date = utc_now();
  info.mode = opt.full ? "full" : opt.quick ? "quick" : "default";
  info.cpu_model = cpu_model();
  info.l3_bytes = sysconf(_SC_LEVEL3_CACHE_SIZE);
  std::string src = NDGPU_SOURCE_DIR;
  info.commit = shell_line("git -C '" + src + "' rev-parse --short HEAD 2>/dev/null");
  if (info.commit.empty()) info.commit = "unknown";
  else if (!shell_line("git -C '" + src + "' status --porcelain --untracked-files=no 2>/dev/null").empty())
    info.commit += "-dirty";
  info.blas_env = std::getenv("OPENBLAS_CORETYPE")
                      ? std::string("OPENBLAS_CORETYPE=") + std::getenv("OPENBLAS_CORETYPE")
                      : "OPENBLAS_CORETYPE unset";
  info.blas_env = std::string(NDGPU_BLAS_LABEL) + ", " + info.blas_env;

  progress(++step, total, "CPU limits: STREAM-like triad and OpenBLAS SGEMM");
  info.cpu = measure_cpu_limits(opt.full);
  devices[0].limit_gbs = info.cpu.triad_gbs;
  devices[0].limit_gflops = info.cpu.sgemm_gflops;
  for (int g = 0; g < n_gpus; ++g) {
    progress(++step, total, "GPU cuda:" + std::to_string(g) + " limits: copy kernel and cuBLAS SGEMM");
    info.gpus.push_back(measure_gpu_limits(g, opt.full));
    devices[g + 1].limit_gbs = info.gpus.back().copy_gbs;
    devices[g + 1].limit_gflops = info.gpus.back().sgemm_gflops;
  }

  std::vector<Row> rows;
  std::map<std::string, Measurement> done;  // a registration listed twice runs once
  for (const Workload* w : selected) {
    Row row{w, {}};
    for (const DeviceColumn& d : devices) {
      PerMode per_mode;
      for (Mode m : kModes) {
        std::string name = w->bench;
        name.replace(name.find("{dev}"), 5, d.key);
        name += "/" + std::string(mode_name(m));
        progress(++step, total, d.display + "  " + w->label + "  " + std::string(mode_name(m)));
        auto it = done.find(name);
        if (it == done.end())
          it = done.emplace(name, run_benchmark(name, info.sampling[static_cast<size_t>(m)])).first;
        per_mode[static_cast<size_t>(m)] = it->second;
      }
      row.per_device.push_back(per_mode);
    }
    rows.push_back(row);
  }
  ndbench::release_cached();  // the last workload's inputs
  progress(++step, total, "CPU triad again (bandwidth drift check)");
  info.triad_end_gbs = measure_cpu_triad_gbs(info.cpu.threads);
  info.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::fprintf(stderr, isatty(STDERR_FILENO) ? "\r\033[K" : "");

  print_table(std::cout, info, devices, rows);
  double drift = info.cpu.triad_gbs > 0 ? info.triad_end_gbs / info.cpu.triad_gbs : 1;
  if (drift < 0.9 || drift > 1.1)
    std::cout << "warning: CPU bandwidth moved " << int(100 * (drift - 1))
              << "% during the run (noisy machine): compare ratios, rerun before judging.\n";

  std::filesystem::create_directories(opt.out);
  std::string json = opt.out + "/ndgpu.json";
  write_json(json, info, devices, rows);
  std::cout << "wrote " << json << " (" << int(info.wall_s) << " s)\n";
  if (opt.chart) {
    std::string cmd = "python3 '" + src + "/bench/main_job/report.py' '" + json + "'";
    if (std::system(cmd.c_str()) != 0)
      std::cout << "report.py failed or python3 is missing: no report.md / report.png\n";
  }
  return 0;
}
