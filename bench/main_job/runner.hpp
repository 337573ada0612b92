// Runs one Google Benchmark registration by its exact name and keeps the median time per call.
#pragma once
#include <string>

namespace ndbench {

struct Measurement {
  bool ran = false;        // false: no benchmark of that name is registered (op not built)
  bool error = false;      // the body called SkipWithError
  std::string message;
  double median_s = 0;     // median over repetitions of (time / iterations), manual time
  int samples = 0;
  long long iterations = 0;
};

// Flags passed to Google Benchmark once, before the first run.
void init_google_benchmark(const char* argv0, double min_time_s, int repetitions);
Measurement run_benchmark(const std::string& name);

}  // namespace ndbench
