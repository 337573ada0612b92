// Peak resident memory of a long CPU run against what the program keeps alive. Phase 1: k-means
// on 100000 x 768 float32 (k = 16, 100 Lloyd steps). Phase 2: 3000 ops on arrays of 10 to 1e7
// elements (log-uniform sizes; add, exp, row softmax, sums, masks, concatenation, products),
// keeping a rolling window of 8 results alive. After each op: the pool's live bytes
// (nd::memory_stats: allocated) and reserved bytes (live + cached), and the process's resident
// set (/proc/self/statm). The pool's idle cache is bounded (docs/runtime.md, "The host pool"): large
// blocks up to the live data (at least 256 MiB, at most 2 GiB), small ones up to 8 MiB; so the
// resident set should stay within live + that bound (+ the process's own base).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ndgpu/ndgpu.hpp"

namespace {

int64_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}
int64_t hwm_bytes() {  // peak resident set (VmHWM)
  std::ifstream f("/proc/self/status");
  std::string key;
  int64_t kb = 0;
  while (f >> key) {
    if (key == "VmHWM:") {
      f >> kb;
      return kb * 1024;
    }
  }
  return 0;
}
double mib(int64_t b) { return static_cast<double>(b) / (1 << 20); }

int64_t idle_bound(int64_t live) {
  return std::min(int64_t{2} << 30, std::max(int64_t{256} << 20, live)) + (int64_t{8} << 20);
}

struct Track {
  int64_t base = 0;  // the process without arrays: code, libraries, thread stacks
  int64_t peak_live = 0, peak_reserved = 0, peak_rss = 0;
  double worst = 0;  // the largest (rss - base) / (live + idle_bound(live)) of any sample
  void sample() {
    const nd::MemoryStats s = nd::memory_stats(nd::Device::cpu());
    const int64_t rss = rss_bytes();
    peak_live = std::max(peak_live, s.allocated);
    peak_reserved = std::max(peak_reserved, s.reserved);
    peak_rss = std::max(peak_rss, rss);
    worst = std::max(worst, static_cast<double>(rss - base) / static_cast<double>(s.allocated + idle_bound(s.allocated)));
  }
};

}  // namespace

int main() {
  using namespace nd;
  const int64_t base = rss_bytes();
  Track t{base};
  const auto t0 = std::chrono::steady_clock::now();
  {
    random::seed(1);
    const Array x = random::randn({100000, 768});
    t.sample();
    const KMeansResult r = kmeans(x, 16, {100, 7});
    t.sample();
    std::printf("phase 1: k-means 100000 x 768, k = 16: %d steps\n", r.iterations);
  }
  const Track kmeans_phase = t;
  t = Track{base};
  std::mt19937_64 rng(5);
  std::vector<Array> window(8);
  for (int i = 0; i < 3000; ++i) {
    const double lg = std::uniform_real_distribution<double>(1.0, 7.0)(rng);
    const int64_t n = std::max<int64_t>(16, static_cast<int64_t>(std::pow(10.0, lg)) / 16 * 16);
    const Array a = random::rand({n / 16, 16});
    Array out;
    switch (i % 8) {
      case 0: out = a + a * 0.5f; break;
      case 1: out = exp(a); break;
      case 2: out = softmax(a, -1); break;
      case 3: out = a.sum(0); break;
      case 4: out = a[a > 0.5f]; break;
      case 5: out = concatenate({a, a}, 0); break;
      case 6: out = matmul(a.T(), a); break;
      default: out = a.astype(float64).mean(1); break;
    }
    window[rng() % window.size()] = out;
    t.sample();
  }
  window.clear();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("phase 2: 3000 mixed ops, sizes 10 .. 1e7\n");
  std::printf("\n| phase | peak live (pool) | peak reserved (pool) | peak RSS above the base | "
              "largest RSS / (live + idle bound), any moment |\n| --- | --- | --- | --- | --- |\n");
  auto row = [&](const char* name, const Track& k) {
    std::printf("| %s | %.0f MiB | %.0f MiB | %.0f MiB | %.2f |\n", name, mib(k.peak_live), mib(k.peak_reserved),
                mib(k.peak_rss - base), k.worst);
  };
  row("k-means", kmeans_phase);
  row("mixed sizes", t);
  std::printf("\nprocess base RSS %.0f MiB, peak RSS of the run (VmHWM) %.0f MiB; %.1f s\n", mib(base),
              mib(hwm_bytes()), secs);
  empty_cache();
  std::printf("after empty_cache: reserved %.0f MiB, RSS %.0f MiB\n",
              mib(memory_stats(Device::cpu()).reserved), mib(rss_bytes()));
  return 0;
}
