// Google Benchmark driven one registration at a time, so the main job decides the order, shows
// progress, and learns which workloads are registered (an op not built yet matches nothing).
#include "runner.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <vector>

#include "support/bench_util.hpp"

namespace ndbench {
namespace {

// Collects the per-repetition runs; prints nothing.
class Collector : public benchmark::BenchmarkReporter {
 public:
  std::vector<Run> runs;
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& report) override {
    for (const Run& r : report)
      if (r.run_type == Run::RT_Iteration) runs.push_back(r);
  }
};

class NullBuffer : public std::streambuf {
  int overflow(int c) override { return c; }
};

std::string regex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

void init_google_benchmark(const char* argv0, Sampling defaults) {
  static std::vector<std::string> args;
  args = {argv0, "--benchmark_min_time=" + std::to_string(defaults.min_time_s),
          "--benchmark_repetitions=" + std::to_string(defaults.repetitions)};
  static std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());
}

Measurement run_benchmark(const std::string& name, Sampling sampling) {
  if (auto it = registry().find(name); it != registry().end())
    it->second->MinTime(sampling.min_time_s)->Repetitions(sampling.repetitions);
  Collector collector;
  NullBuffer null_buffer;
  std::ostream null_stream(&null_buffer);
  collector.SetOutputStream(&null_stream);
  collector.SetErrorStream(&null_stream);  // "Failed to match any benchmarks" is expected here
  Measurement m;
  // Google Benchmark appends "/iterations:1", "/repeats:3", "/manual_time"... to the family name.
  const std::string spec =
      "^" + regex_escape(name) + "(/[a-z_]+:[0-9.]+)*(/manual_time|/real_time)?$";
  size_t matched = benchmark::RunSpecifiedBenchmarks(&collector, spec);
  if (matched == 0) return m;
  m.ran = true;
  std::vector<double> per_call;
  for (const auto& r : collector.runs) {
    if (r.error_occurred) {
      m.error = true;
      m.message = r.error_message;
      continue;
    }
    if (r.iterations > 0) per_call.push_back(r.real_accumulated_time / double(r.iterations));
    m.iterations += r.iterations;
  }
  if (per_call.empty()) {
    m.error = true;
    return m;
  }
  std::sort(per_call.begin(), per_call.end());
  size_t n = per_call.size();
  m.median_s = n % 2 ? per_call[n / 2] : 0.5 * (per_call[n / 2 - 1] + per_call[n / 2]);
  m.samples = static_cast<int>(n);
  return m;
}

}  // namespace ndbench
