// Fork-join cost of ndgpu's CPU pool (kernels/cpu/parallel.cpp) beside OpenMP and oneTBB, same
// process, same thread count (ndgpu's: NDGPU_NUM_THREADS or the hardware threads):
//   region:  an empty parallel region, back to back (the floor every parallel op pays)
//   sum n:   n floats summed in one chunk per thread, back to back (1e3 .. 1e6)
//   idle:    CPU time the runtime's threads burn in the 100 ms after a burst of regions (what
//            a program that calls one op now and then pays in cores it cannot use)
// Times are the fastest of 5 batches of back-to-back calls; one line per runtime, Markdown.
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cpu/parallel.hpp"
#if NDGPU_BENCH_TBB
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

// Seconds per call: the fastest of 5 batches, each about `budget` seconds.
double time_per_call(const std::function<void()>& f, double budget = 0.05) {
  f();
  int64_t reps = 1;
  for (;;) {
    const auto t0 = Clock::now();
    for (int64_t r = 0; r < reps; ++r) f();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s > budget / 4 || reps > (int64_t{1} << 24)) break;
    reps *= 4;
  }
  double best = 1e30;
  for (int b = 0; b < 5; ++b) {
    const auto t0 = Clock::now();
    for (int64_t r = 0; r < reps; ++r) f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count() / reps);
  }
  return best;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// A runtime: run(chunks, fn) calls fn(i) for i < chunks, one chunk per thread, and returns after all.
struct Runtime {
  std::string name;
  std::function<void(int, const std::function<void(int)>&)> run;
};

volatile float g_sink;

}  // namespace

int main() {
  const int threads = nd::cpu::num_threads();
  std::vector<Runtime> rts;
  rts.push_back({"ndgpu pool", [](int chunks, const std::function<void(int)>& fn) {
                   nd::cpu::parallel_for(chunks, 1, [&](int64_t b, int64_t e) {
                     for (int64_t i = b; i < e; ++i) fn(static_cast<int>(i));
                   });
                 }});
  omp_set_num_threads(threads);
  rts.push_back({std::string("OpenMP (libgomp") + (std::getenv("OMP_WAIT_POLICY") ? ", OMP_WAIT_POLICY set" : "") + ")",
                 [](int chunks, const std::function<void(int)>& fn) {
#pragma omp parallel for schedule(static, 1)
                   for (int i = 0; i < chunks; ++i) fn(i);
                 }});
#if NDGPU_BENCH_TBB
  static tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  static tbb::task_arena arena(threads);
  rts.push_back({"oneTBB", [](int chunks, const std::function<void(int)>& fn) {
                   arena.execute([&] {
                     tbb::parallel_for(0, chunks, 1, [&](int i) { fn(i); }, tbb::static_partitioner());
                   });
                 }});
#endif
  const std::vector<int64_t> sizes = {1000, 10000, 100000, 1000000};
  std::vector<float> data(sizes.back(), 1.0f);
  std::printf("Fork-join, %d threads; time per call, fastest of 5 batches back to back.\n\n", threads);
  std::printf("| runtime | empty region |");
  for (int64_t n : sizes) std::printf(" sum %.0e |", static_cast<double>(n));
  std::printf(" idle CPU after a burst |\n| --- | --- |");
  for (size_t i = 0; i < sizes.size(); ++i) std::printf(" --- |");
  std::printf(" --- |\n");
  std::printf("| serial (one thread) | - |");
  for (int64_t n : sizes)
    std::printf(" %.2f us |", 1e6 * time_per_call([&] {
                  float s = 0;
                  for (int64_t i = 0; i < n; ++i) s += data[i];
                  g_sink = s;
                }));
  std::printf(" - |\n");
  for (const Runtime& rt : rts) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the others' workers asleep
    const double region = time_per_call([&] { rt.run(threads, [](int) {}); });
    std::printf("| %s | %.2f us |", rt.name.c_str(), 1e6 * region);
    for (int64_t n : sizes) {
      std::vector<float> part(threads * 16);
      const double t = time_per_call([&] {
        rt.run(threads, [&](int c) {
          const int64_t b = n * c / threads, e = n * (c + 1) / threads;
          float s = 0;
          for (int64_t i = b; i < e; ++i) s += data[i];
          part[c * 16] = s;
        });
        g_sink = part[0];
      });
      std::printf(" %.2f us |", 1e6 * t);
    }
    for (int r = 0; r < 2000; ++r) rt.run(threads, [](int) {});
    const double c0 = cpu_seconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::printf(" %.1f ms CPU per 100 ms |\n", 1e3 * (cpu_seconds() - c0));
  }
  return 0;
}
