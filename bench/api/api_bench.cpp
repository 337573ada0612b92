// ndgpu-api-bench: times every row of api_rows.cpp on the CPU, one call at a time back to back
// (each CPU call returns finished work), and writes {id: seconds per call} as JSON.
//   ndgpu-api-bench --list                 the rows, tab-separated: id op form dtype shape layout param
//   ndgpu-api-bench --json OUT [--filter S] [--budget SECONDS_PER_ROW]
//   --set sweep                            with either: the size sweep's rows (sweep_rows.cpp)
// Timing (api_peers.py does exactly the same for NumPy and PyTorch): one warm-up call, then
// batches of calls lasting >= budget/5 each; the result is the fastest batch's time per call.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "api_rows.hpp"

namespace {

double now() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

double time_per_call(const ndapi::Timed& call, double budget) {
  call();  // warm-up (first-touch pages, caches)
  const double t0 = now();
  call();
  const double one = std::max(now() - t0, 1e-9);
  const long per_batch = std::max(1L, static_cast<long>(budget / 5 / one));
  double best = one;
  for (int b = 0; b < 5; ++b) {
    const double s = now();
    for (long i = 0; i < per_batch; ++i) call();
    best = std::min(best, (now() - s) / per_batch);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out, filter;
  bool list = false, sweep = false;
  double budget = 0.1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--list") list = true;
    else if (a == "--json" && i + 1 < argc) out = argv[++i];
    else if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "--budget" && i + 1 < argc) budget = std::stod(argv[++i]);
    else if (a == "--set" && i + 1 < argc && (std::strcmp(argv[i + 1], "sweep") == 0 || std::strcmp(argv[i + 1], "api") == 0))
      sweep = std::strcmp(argv[++i], "sweep") == 0;
    else {
      std::fprintf(stderr, "usage: %s [--set api|sweep] --list | --json OUT [--filter S] [--budget S]\n", argv[0]);
      return 2;
    }
  }
  const auto rows = sweep ? ndapi::sweep_rows() : ndapi::all_rows();
  if (list) {
    for (const auto& r : rows)
      std::printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.id().c_str(), r.op.c_str(), r.form.c_str(),
                  r.dtype.c_str(), r.shape.c_str(), r.layout.c_str(), r.param.c_str());
    return 0;
  }
  if (out.empty()) {
    std::fprintf(stderr, "--json OUT or --list\n");
    return 2;
  }
  std::ofstream f(out);
  f << "{\n";
  bool first = true;
  for (const auto& r : rows) {
    const std::string id = r.id();
    if (!filter.empty() && id.find(filter) == std::string::npos) continue;
    const double t = time_per_call(r.setup(), budget);
    std::fprintf(stderr, "%-60s %12.3f us\n", id.c_str(), t * 1e6);
    f << (first ? "" : ",\n") << "  \"" << id << "\": " << t;
    first = false;
  }
  f << "\n}\n";
  return 0;
}
