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

// Sample length: each repetition runs until min_time_s of manual time; median of the repetitions.
struct Sampling {
  double min_time_s = 0.05;
  int repetitions = 5;
};

// Flags passed to Google Benchmark once, before the first run: the sampling of registrations
// made outside register_pair (the Exercise 3 loops keep their own iteration counts).
void init_google_benchmark(const char* argv0, Sampling defaults);
// Runs the registration `name` (a register_pair one with `sampling`); ran == false if none.
Measurement run_benchmark(const std::string& name, Sampling sampling);

}  // namespace ndbench
