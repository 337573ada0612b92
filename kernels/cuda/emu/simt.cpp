// The SIMT emulator's engine: fibers, barriers, warp collectives, and the two-schedule launch.
// See simt.hpp for the contract and docs/emulation.md for what it checks and what it cannot.
#include "cuda/emu/simt.hpp"

#include <dlfcn.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cuda/emu/fiber_context.hpp"
#include "cuda/emu/fiber_sanitizers.hpp"
#include "cuda/emu/traffic_model.hpp"
#include "ndgpu/error.hpp"

#if defined(__x86_64__)
// ndgpu_emu_switch(save_sp, load_sp) (fiber_context.hpp): push the callee-saved registers, store
// rsp to *save_sp, load rsp from load_sp, pop the other context's registers and return into it.
asm(R"(
  .pushsection .text
  .globl ndgpu_emu_switch
  .type ndgpu_emu_switch, @function
ndgpu_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size ndgpu_emu_switch, .-ndgpu_emu_switch
  .popsection
)");
#endif

namespace nd::emu {

__thread const ThreadCoords* tl_thread = nullptr;
__thread const BlockCoords* tl_block = nullptr;

namespace {

enum class Wait : uint8_t { runnable, barrier, warp, done };

struct Stack {
  char* base = nullptr;  // lowest address (guard page)
  size_t size = 0;       // usable bytes above the guard page
  char* usable() const { return base + kGuard; }
  static constexpr size_t kGuard = 4096;
};

#if ND_ASAN
constexpr size_t kStackSize = 128 << 10;  // ASan frames are larger
#else
constexpr size_t kStackSize = 64 << 10;
#endif

// Fiber stacks, kept for reuse across launches (launches are serialised).
std::vector<Stack>& stack_pool(size_t n) {
  static std::vector<Stack> pool;
  while (pool.size() < n) {
    void* p = mmap(nullptr, kStackSize + Stack::kGuard, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw DeviceError("SIMT emulation: cannot map a fiber stack");
    mprotect(p, Stack::kGuard, PROT_NONE);  // overflow faults instead of corrupting a neighbour
    pool.push_back({static_cast<char*>(p), kStackSize});
  }
  return pool;
}

struct Fiber {
  FiberContext ctx;
  ThreadCoords coords;
  Wait wait = Wait::runnable;
  FiberSwitch sw;
};

struct WarpState {
  Collective kind = Collective::sync;
  unsigned mask = 0, arrived = 0;
  int width = 32;
  uint64_t value[32] = {};
  int arg[32] = {};
  uint64_t result[32] = {};
};

struct BlockRun {
  const LaunchSpec* spec = nullptr;
  BlockCoords coords;
  int nthreads = 0;
  std::vector<Fiber> fibers;
  std::vector<WarpState> warps;
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::unique_ptr<unsigned char[], Free> dyn_smem;  // exactly shared_bytes: ASan sees overflows
  FiberContext sched_ctx;
  FiberSwitch sched_sw;
  Fiber* current = nullptr;
  std::exception_ptr error;
};
thread_local BlockRun* tl_run = nullptr;

const char* collective_name(Collective k) {
  switch (k) {
    case Collective::shfl: return "__shfl_sync";
    case Collective::shfl_xor: return "__shfl_xor_sync";
    case Collective::shfl_down: return "__shfl_down_sync";
    case Collective::shfl_up: return "__shfl_up_sync";
    case Collective::ballot: return "__ballot_sync";
    case Collective::any: return "__any_sync";
    case Collective::all: return "__all_sync";
    case Collective::sync: return "__syncwarp";
  }
  return "?";
}

std::string hex(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}
std::string dim_str(uint3 d) {
  return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," + std::to_string(d.z) + ")";
}

// The kernel's signature out of kernel_name<K>()'s "... [with K = void (*)(int*, bool)]".
std::string signature(const char* pretty) {
  std::string s = pretty;
  const size_t at = s.find("K = ");
  if (at == std::string::npos) return s;
  const size_t end = s.find_last_of(']');
  return s.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
}

// "SIMT emulation, kernel void (*)(...), block (0,0,0)[, thread (3,0,0)]: "
std::string where(const BlockRun& r, const Fiber* f) {
  std::string s = "SIMT emulation, kernel " + signature(r.spec->kernel_name) + ", block " +
                  dim_str(r.coords.block_idx);
  if (f) s += ", thread " + dim_str(f->coords.thread_idx);
  return s + ": ";
}

BlockRun& running(const char* what) {
  if (!tl_run || !tl_run->current) throw DeviceError(std::string(what) + " called outside a kernel");
  return *tl_run;
}

void fiber_main() {
  BlockRun& r = *tl_run;
  Fiber& f = *r.current;
  f.sw.arrived(r.sched_sw);
  try {
    r.spec->invoke(r.spec->ctx);
  } catch (...) {
    if (!r.error) r.error = std::current_exception();
  }
  f.wait = Wait::done;
  f.sw.leave_for_good(r.sched_sw);
  switch_context(f.ctx, r.sched_ctx);  // never returns
}

// From a fiber: wait (state w) until the scheduler resumes this fiber.
void block_and_yield(BlockRun& r, Wait w) {
  Fiber& f = *r.current;
  f.wait = w;
  f.sw.leave(r.sched_sw);
  switch_context(f.ctx, r.sched_ctx);
  f.sw.arrived(r.sched_sw);
}

// From the scheduler: run fiber f until it blocks or finishes.
void resume(BlockRun& r, Fiber& f) {
  r.current = &f;
  tl_thread = &f.coords;
  r.sched_sw.leave(f.sw);
  switch_context(r.sched_ctx, f.ctx);
  r.sched_sw.arrived(f.sw);
  tl_thread = nullptr;
  r.current = nullptr;
}

// All lanes of a collective have arrived: compute every lane's result (CUDA's lane rules).
void complete(BlockRun& r, WarpState& ws, int warp) {
  uint64_t votes = 0;
  for (int l = 0; l < 32; ++l)
    if ((ws.mask >> l) & 1u && ws.value[l]) votes |= uint64_t(1) << l;
  for (int l = 0; l < 32; ++l) {
    if (!((ws.mask >> l) & 1u)) continue;
    const int seg = l & ~(ws.width - 1), w = ws.width, a = ws.arg[l];
    int src = l;
    switch (ws.kind) {
      case Collective::shfl: src = seg + (((a % w) + w) % w); break;
      case Collective::shfl_xor: src = l ^ a; if (src < seg || src >= seg + w) src = l; break;
      case Collective::shfl_down: src = l + a; if (src >= seg + w) src = l; break;
      case Collective::shfl_up: src = l - a; if (src < seg) src = l; break;
      case Collective::ballot: ws.result[l] = votes; continue;
      case Collective::any: ws.result[l] = votes != 0; continue;
      case Collective::all: ws.result[l] = votes == ws.mask; continue;
      case Collective::sync: ws.result[l] = 0; continue;
    }
    if (!((ws.mask >> src) & 1u)) {
      Fiber& f = r.fibers[warp * 32 + l];
      throw DeviceError(where(r, &f) + "lane " + std::to_string(l) + " of warp " +
                        std::to_string(warp) + " reads lane " + std::to_string(src) + " in " +
                        collective_name(ws.kind) + ", which is not in the mask " + hex(ws.mask) +
                        " (undefined in CUDA)");
    }
    ws.result[l] = ws.value[src];
  }
}

// Reports why no thread of the block can make progress.
[[noreturn]] void deadlock(BlockRun& r) {
  int at_barrier = 0, at_warp = 0, done = 0;
  std::string detail;
  for (Fiber& f : r.fibers) {
    if (f.wait == Wait::barrier) ++at_barrier;
    if (f.wait == Wait::done) ++done;
    if (f.wait == Wait::warp) ++at_warp;
  }
  for (size_t w = 0; w < r.warps.size(); ++w) {
    const WarpState& ws = r.warps[w];
    if (!ws.arrived) continue;
    detail += "; warp " + std::to_string(w) + ": lanes " + hex(ws.arrived) + " wait in " +
              collective_name(ws.kind) + " with mask " + hex(ws.mask) + ", lanes " +
              hex(ws.mask & ~ws.arrived) + " never arrive";
  }
  throw DeviceError(where(r, nullptr) + "threads can never all meet: " + std::to_string(at_barrier) +
                    " wait at __syncthreads, " + std::to_string(at_warp) +
                    " in warp collectives, " + std::to_string(done) + " exited of " +
                    std::to_string(r.nthreads) + detail +
                    " (a barrier or collective not reached by every thread it names)");
}

// Runs one block: fibers in `order` until each blocks, then releases barriers, until all exit.
// Whether the last block ended early, leaving suspended frames (and their redzones) on the
// stacks. Launches are serialised, each schedule's thread joined before the next starts.
bool stacks_may_hold_redzones = true;

void run_block(BlockRun& r, const std::vector<Stack>& stacks, bool reverse) {
  const dim3 bd = r.coords.block_dim;
  r.error = nullptr;
  const bool dirty = std::exchange(stacks_may_hold_redzones, true);  // until every fiber is done
  for (int t = 0; t < r.nthreads; ++t) {
    Fiber& f = r.fibers[t];
    f.coords.linear = t;
    f.coords.thread_idx = {t % bd.x, (t / bd.x) % bd.y, t / (bd.x * bd.y)};
    f.wait = Wait::runnable;
    f.sw.set_stack(stacks[t].usable(), stacks[t].size, dirty);
    f.ctx.start(stacks[t].usable(), stacks[t].size, fiber_main);
  }
  for (WarpState& ws : r.warps) ws = WarpState{};
  std::fill_n(r.dyn_smem.get(), r.spec->shared_bytes, 0xFF);  // uninitialised reads show up
  tl_block = &r.coords;
  tl_run = &r;
  model::block_begin(r.dyn_smem.get(), r.spec->shared_bytes);
  struct Reset {
    ~Reset() { tl_run = nullptr; tl_block = nullptr; }
  } reset;
  for (;;) {
    bool ran = false;
    for (int k = 0; k < r.nthreads; ++k) {
      Fiber& f = r.fibers[reverse ? r.nthreads - 1 - k : k];
      if (f.wait != Wait::runnable) continue;
      resume(r, f);
      ran = true;
      if (r.error) std::rethrow_exception(r.error);
    }
    if (ran) continue;
    int at_barrier = 0, done = 0;
    for (Fiber& f : r.fibers) {
      at_barrier += f.wait == Wait::barrier;
      done += f.wait == Wait::done;
    }
    if (done == r.nthreads) {
      stacks_may_hold_redzones = false;
      model::block_end();
      return;
    }
    if (at_barrier != r.nthreads) deadlock(r);  // exited threads never reach a barrier
    for (Fiber& f : r.fibers) f.wait = Wait::runnable;
  }
}

void validate(const LaunchSpec& s) {
  const dim3 b = s.block, g = s.grid;
  const uint64_t threads = uint64_t(b.x) * b.y * b.z;
  std::string bad;
  if (threads == 0 || threads > 1024 || b.x > 1024 || b.y > 1024 || b.z > 64)
    bad = "block " + dim_str(b) + " (at most 1024 threads, z <= 64)";
  else if (g.x == 0 || g.y == 0 || g.z == 0 || g.x > 2147483647u || g.y > 65535 || g.z > 65535)
    bad = "grid " + dim_str(g);
  else if (s.shared_bytes > 48 * 1024)
    bad = "dynamic shared memory of " + std::to_string(s.shared_bytes) +
          " bytes (over 48 KiB needs cudaFuncSetAttribute, which the emulator does not model)";
  else if (!valid_stream(s.stream))
    bad = "stream (not a live stream)";
  if (!bad.empty())
    throw DeviceError("SIMT emulation, kernel " + signature(s.kernel_name) +
                      ": invalid launch configuration: " + bad);
}

// Runs every block of the launch under one schedule.
void run_grid(const LaunchSpec& s, bool reverse) {
  BlockRun r;
  r.spec = &s;
  r.nthreads = static_cast<int>(s.block.x * s.block.y * s.block.z);
  r.fibers.resize(r.nthreads);
  r.warps.resize((r.nthreads + 31) / 32);
  void* smem = nullptr;
  if (posix_memalign(&smem, 16, s.shared_bytes ? s.shared_bytes : 1) != 0)
    throw DeviceError("SIMT emulation: cannot allocate shared memory");
  r.dyn_smem.reset(static_cast<unsigned char*>(smem));
  r.coords.block_dim = s.block;
  r.coords.grid_dim = s.grid;
  const std::vector<Stack>& stacks = stack_pool(r.nthreads);
  const uint64_t nblocks = uint64_t(s.grid.x) * s.grid.y * s.grid.z;
  for (uint64_t k = 0; k < nblocks; ++k) {
    const uint64_t b = reverse ? nblocks - 1 - k : k;
    r.coords.block_idx = {static_cast<unsigned>(b % s.grid.x),
                          static_cast<unsigned>((b / s.grid.x) % s.grid.y),
                          static_cast<unsigned>(b / (uint64_t(s.grid.x) * s.grid.y))};
    run_block(r, stacks, reverse);
  }
}

}  // namespace

// ---- device-side entry points ----

[[noreturn]] void kernel_error(const char* what) {
  BlockRun& r = running(what);
  throw DeviceError(where(r, r.current) + what);
}

void syncthreads() {
  BlockRun& r = running("__syncthreads");
  block_and_yield(r, Wait::barrier);
}

void* dynamic_shared() { return running("dynamic shared memory").dyn_smem.get(); }

uint64_t collective(Collective kind, unsigned mask, uint64_t value, int arg, int width) {
  BlockRun& r = running(collective_name(kind));
  Fiber& f = *r.current;
  const int lane = f.coords.linear % 32, warp = f.coords.linear / 32;
  const int lanes = std::min(32, r.nthreads - warp * 32);
  const unsigned existing = lanes == 32 ? ~0u : (1u << lanes) - 1;
  const char* name = collective_name(kind);
  if (!((mask >> lane) & 1u))
    throw DeviceError(where(r, &f) + name + " with mask " + hex(mask) + " that excludes the calling lane " +
                      std::to_string(lane));
  if (mask & ~existing)
    throw DeviceError(where(r, &f) + name + " with mask " + hex(mask) + " names lanes " +
                      hex(mask & ~existing) + " that do not exist (block of " +
                      std::to_string(r.nthreads) + " threads)");
  if (width < 1 || width > 32 || (width & (width - 1)))
    throw DeviceError(where(r, &f) + name + " with width " + std::to_string(width) +
                      " (must be a power of two up to 32)");
  WarpState& ws = r.warps[warp];
  if (ws.arrived == 0) {
    ws.kind = kind;
    ws.mask = mask;
    ws.width = width;
  } else if (ws.kind != kind || ws.mask != mask || ws.width != width) {
    throw DeviceError(where(r, &f) + "lanes of warp " + std::to_string(warp) + " diverge: lane " +
                      std::to_string(lane) + " calls " + name + " with mask " + hex(mask) +
                      " while lanes " + hex(ws.arrived) + " wait in " + collective_name(ws.kind) +
                      " with mask " + hex(ws.mask));
  }
  ws.value[lane] = value;
  ws.arg[lane] = arg;
  ws.arrived |= 1u << lane;
  if (ws.arrived == ws.mask) {
    complete(r, ws, warp);
    for (int l = 0; l < 32; ++l)
      if (l != lane && ((ws.mask >> l) & 1u)) r.fibers[warp * 32 + l].wait = Wait::runnable;
    ws.arrived = 0;
    return ws.result[lane];
  }
  block_and_yield(r, Wait::warp);
  return ws.result[lane];
}

void syncwarp(unsigned mask) { (void)collective(Collective::sync, mask, 0, 0, 32); }

// ---- the launch ----

namespace {

std::mutex& launch_mutex() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}

// Launches that can reach more device memory than this run one schedule only: snapshots of
// multi-GiB (mostly untouched) buffers would cost more than the check is worth.
constexpr size_t kMaxSnapshotBytes = size_t(256) << 20;

int schedules() {
  static const int n = [] {
    const char* e = std::getenv("NDGPU_EMU_SCHEDULES");
    return e && std::string(e) == "1" ? 1 : 2;
  }();
  return n;
}

// Device allocations the launch can reach: those that a pointer-sized word of an argument points
// into (kernels reach global memory only through pointers passed in their arguments).
std::vector<Segment> reachable_segments(const LaunchSpec& s) {
  std::vector<Segment> segs;
  for (int a = 0; a < s.nargs; ++a) {
    const char* bytes = static_cast<const char*>(s.arg_ptrs[a]);
    for (size_t off = 0; off + sizeof(void*) <= s.arg_sizes[a]; off += sizeof(void*)) {
      void* p;
      std::memcpy(&p, bytes + off, sizeof p);
      Segment seg;
      if (!p || !find_segment(p, &seg)) continue;
      if (std::none_of(segs.begin(), segs.end(), [&](const Segment& x) { return x.base == seg.base; }))
        segs.push_back(seg);
    }
  }
  return segs;
}

// Each schedule runs on a fresh OS thread: static __shared__ variables are thread_local, so
// every schedule starts from the same (zeroed) shared memory.
void run_schedule(const LaunchSpec& s, bool reverse) {
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      run_grid(s, reverse);
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
}

// With NDGPU_EMU_LAUNCH_LOG=<file>, every kernel that ran is written there at exit as
// "<module> <offset of the kernel's symbol, hex>", one line per distinct kernel instantiation;
// scripts/emu_kernel_coverage.py names them (nm) and checks that every __global__ function in
// kernels/cuda ran (issue 7). Called with launch_mutex held.
void log_launch(const void* kernel) {
  static const char* path = std::getenv("NDGPU_EMU_LAUNCH_LOG");
  if (!path || !*path) return;
  static std::set<const void*>* launched = [] {
    auto* set = new std::set<const void*>;  // leaked on purpose: read by the atexit writer
    std::atexit([] {
      FILE* f = std::fopen(path, "w");
      if (!f) return;
      for (const void* k : *launched) {
        Dl_info info;
        if (dladdr(k, &info) && info.dli_fname)
          std::fprintf(f, "%s %zx\n", info.dli_fname,
                       static_cast<size_t>(static_cast<const char*>(k) -
                                           static_cast<const char*>(info.dli_fbase)));
      }
      std::fclose(f);
    });
    return set;
  }();
  launched->insert(kernel);
}

}  // namespace

void run_launch(const LaunchSpec& s) {
  validate(s);
  std::lock_guard<std::mutex> lock(launch_mutex());
  log_launch(s.kernel_addr);
  // The traffic model (NDGPU_EMU_MODEL) records the forward schedule only.
  struct Recording {
    Recording(const LaunchSpec& s, const std::vector<Segment>& segs) { model::launch_begin(s, segs); }
    ~Recording() { model::launch_end(); }
  };
  if (schedules() == 1) {
    Recording rec(s, model::available() ? reachable_segments(s) : std::vector<Segment>{});
    run_schedule(s, false);
    return;
  }
  // Run forward from the starting memory, keep the result, restore, run reversed, compare.
  const std::vector<Segment> segs = reachable_segments(s);
  size_t reachable = 0;
  for (const Segment& g : segs) reachable += g.size;
  if (reachable > kMaxSnapshotBytes) {  // e.g. a sparse multi-GiB buffer of a large-offset test
    Recording rec(s, segs);
    run_schedule(s, false);
    return;
  }
  std::vector<std::vector<char>> before(segs.size()), forward(segs.size());
  for (size_t i = 0; i < segs.size(); ++i) before[i] = raw_read(segs[i].base, segs[i].size);
  {
    Recording rec(s, segs);
    run_schedule(s, false);
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    forward[i] = raw_read(segs[i].base, segs[i].size);
    // Only what the launch wrote: its inputs may be read by other host threads meanwhile.
    if (forward[i] != before[i]) raw_write(segs[i].base, before[i]);
  }
  run_schedule(s, true);
  for (size_t i = 0; i < segs.size(); ++i) {
    const size_t at = raw_mismatch(segs[i].base, forward[i]);
    if (at == segs[i].size) continue;
    unsigned char a = static_cast<unsigned char>(forward[i][at]), b = raw_byte(segs[i].base + at);
    throw DeviceError("SIMT emulation, kernel " + signature(s.kernel_name) +
                      ": results differ between forward and reverse thread/block order (a race: a "
                      "missing __syncthreads, or threads writing the same address): byte " +
                      std::to_string(at) + " of a " + std::to_string(segs[i].size) +
                      "-byte device allocation is " + std::to_string(a) + " vs " + std::to_string(b));
  }
}

}  // namespace nd::emu
