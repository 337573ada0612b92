// The timing modes of every benchmark (bench/README.md "Timing modes"); the last component of a
// benchmark name. Shared by the bench_*.cpp files and the main job's report.
#pragma once
#include <array>
#include <string_view>

namespace ndbench {

enum class Mode { latency, throughput, enqueue };
inline constexpr std::array<Mode, 3> kModes = {Mode::latency, Mode::throughput, Mode::enqueue};

inline constexpr std::string_view mode_name(Mode m) {
  return m == Mode::latency ? "latency" : m == Mode::throughput ? "throughput" : "enqueue";
}

// Calls enqueued without a synchronise, at most, in throughput and enqueue mode: the GPU queue and
// the allocator's in-flight blocks stay bounded. compare_frameworks.py batches CuPy and PyTorch
// the same way (BATCH there).
inline constexpr int kMaxInFlight = 64;

}  // namespace ndbench
