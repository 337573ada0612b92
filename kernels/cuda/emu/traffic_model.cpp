// The memory-traffic model's recorder (traffic_model.hpp, docs/gpu_model.md): the compiler's
// load/store/edge callbacks, grouped into warp-level requests at the end of each block.
// This file is not instrumented itself (only kernels/cuda/*.cu are).
#include "cuda/emu/traffic_model.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "cuda/emu/simt.hpp"

namespace nd::emu::model {

void Counters::add(const Counters& c) {
  launches += c.launches;
  blocks += c.blocks;
  threads += c.threads;
  max_blocks = std::max(max_blocks, c.max_blocks);
  ld_requests += c.ld_requests;
  ld_sectors += c.ld_sectors;
  ld_bytes += c.ld_bytes;
  ld_lane_bytes += c.ld_lane_bytes;
  st_requests += c.st_requests;
  st_sectors += c.st_sectors;
  st_bytes += c.st_bytes;
  unique_read += c.unique_read;
  unique_written += c.unique_written;
  sh_requests += c.sh_requests;
  sh_wavefronts += c.sh_wavefronts;
  sh_max_ways = std::max(sh_max_ways, c.sh_max_ways);
  edge_lanes += c.edge_lanes;
  edge_warps += c.edge_warps;
}
double Counters::coalescing() const {
  const int64_t moved = 32 * (ld_sectors + st_sectors);
  return moved ? double(ld_bytes + st_bytes) / double(moved) : 1.0;
}
double Counters::bank_ways() const { return sh_requests ? double(sh_wavefronts) / double(sh_requests) : 1.0; }
double Counters::warp_efficiency() const {
  return edge_warps ? double(edge_lanes) / (32.0 * double(edge_warps)) : 1.0;
}

#if NDGPU_EMU_MODEL
#if !defined(__x86_64__)
#error "the traffic model finds static __shared__ variables through the x86-64 thread pointer"
#endif

namespace {

enum Space : uint8_t { kGlobal, kShared };

struct Access {
  uintptr_t site;  // the instruction (return address of the callback) or the edge's guard
  uint32_t n;      // this lane's n-th execution of the site in the block
  uint16_t warp;
  uint8_t size;
  uint8_t kind;  // 0 load, 1 store (global or shared: see space), 2 edge
  uint8_t space;
  uintptr_t addr;
  bool operator<(const Access& o) const {
    if (kind != o.kind) return kind < o.kind;
    if (site != o.site) return site < o.site;
    if (warp != o.warp) return warp < o.warp;
    if (n != o.n) return n < o.n;
    return addr < o.addr;
  }
  bool same_request(const Access& o) const {
    return kind == o.kind && site == o.site && warp == o.warp && n == o.n;
  }
};

struct SegmentBits {             // the sectors of one device allocation a launch read and wrote
  uintptr_t first = 0, end = 0;  // the allocation's bytes
  uintptr_t first_sector = 0;
  std::vector<uint64_t> read, written;
  void mark(uintptr_t a, int size, bool store) {
    auto& bits = store ? written : read;
    for (uintptr_t s = a / 32; s <= (a + size - 1) / 32; ++s)
      bits[(s - first_sector) / 64] |= uint64_t(1) << ((s - first_sector) % 64);
  }
};

struct State {
  bool recording = false;  // inside the forward schedule of a launch
  bool in_op = false;
  uintptr_t smem = 0, smem_end = 0, tls_lo = 0, tls_hi = 0;
  std::vector<SegmentBits> segs;
  std::vector<Access> acc;
  std::unordered_map<uint64_t, uint32_t> executions;  // (site, lane) -> executions so far
  Counters cur;
  std::string kernel;
  std::vector<Launch> op;
};
State& state() {
  static State* s = new State;  // never destroyed: launches may outlive static destruction order
  return *s;
}

// The executable's static TLS block, where the emulator keeps static __shared__ variables
// (thread_local per schedule thread): [thread pointer - its size, thread pointer) on x86-64.
size_t static_tls_size() {
  static const size_t size = [] {
    size_t sz = 0;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* out) {
          for (int i = 0; i < info->dlpi_phnum; ++i)
            if (info->dlpi_phdr[i].p_type == PT_TLS) {
              const size_t align = std::max<size_t>(info->dlpi_phdr[i].p_align, 1);
              *static_cast<size_t*>(out) = (info->dlpi_phdr[i].p_memsz + align - 1) / align * align;
            }
          return 1;  // the first object is the executable
        },
        &sz);
    return sz;
  }();
  return size;
}
uintptr_t thread_pointer() {
  uintptr_t tp;
  asm("mov %%fs:0, %0" : "=r"(tp));
  return tp;
}

// The mangled name of the function at `addr`: kernels are local symbols (static, anonymous
// namespaces), which dladdr does not see, so the object file's own symbol table is read.
std::string symbol_at(const void* addr) {
  Dl_info info;
  if (!dladdr(addr, &info) || !info.dli_fname) return "?";
  if (info.dli_sname) return info.dli_sname;
  const char* path = info.dli_fname[0] ? info.dli_fname : "/proc/self/exe";
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return "?";
  struct stat st;
  std::string name = "?";
  void* map = fstat(fd, &st) == 0 ? mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  close(fd);
  if (map == MAP_FAILED) return name;
  const char* base = static_cast<const char*>(map);
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(base);
  const auto* sh = reinterpret_cast<const Elf64_Shdr*>(base + eh->e_shoff);
  const uintptr_t want = reinterpret_cast<uintptr_t>(addr) -
                         (eh->e_type == ET_DYN ? reinterpret_cast<uintptr_t>(info.dli_fbase) : 0);
  for (int i = 0; i < eh->e_shnum && name == "?"; ++i) {
    if (sh[i].sh_type != SHT_SYMTAB) continue;
    const auto* sym = reinterpret_cast<const Elf64_Sym*>(base + sh[i].sh_offset);
    const char* strtab = base + sh[sh[i].sh_link].sh_offset;
    for (size_t k = 0; k < sh[i].sh_size / sizeof(Elf64_Sym); ++k)
      if (ELF64_ST_TYPE(sym[k].st_info) == STT_FUNC && want >= sym[k].st_value &&
          want < sym[k].st_value + sym[k].st_size) {
        name = strtab + sym[k].st_name;
        break;
      }
  }
  munmap(map, st.st_size);
  return name;
}

// "void nd::cuda::(anonymous namespace)::rows_kernel<float, ...>(...)" -> "rows_kernel".
std::string short_name(const void* kernel) {
  static std::map<const void*, std::string> cache;
  auto [it, fresh] = cache.try_emplace(kernel);
  if (!fresh) return it->second;
  std::string name = symbol_at(kernel);
  int status = 0;
  char* d = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status == 0 && d) name = d;
  std::free(d);
  for (size_t at; (at = name.find("(anonymous namespace)")) != std::string::npos;)
    name.replace(at, 21, "anon");
  // Cut at the first '<' or '(' outside the return type, then keep the last name component.
  name = name.substr(0, name.find_first_of("<("));
  if (const size_t sp = name.rfind(' '); sp != std::string::npos) name = name.substr(sp + 1);
  if (const size_t colon = name.rfind("::"); colon != std::string::npos) name = name.substr(colon + 2);
  return it->second = name;
}

inline void record(const void* p, int size, uint8_t kind, uintptr_t site) {
  const ThreadCoords* t = tl_thread;
  if (!t) return;  // host code of an instrumented file, or another OS thread
  State& s = state();
  if (!s.recording) return;
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  uint8_t space;
  auto seg = std::find_if(s.segs.begin(), s.segs.end(),
                          [&](const SegmentBits& g) { return a >= g.first && a < g.end; });
  if (seg != s.segs.end()) {
    space = kGlobal;
    seg->mark(a, size, kind == 1);
  } else if ((a >= s.smem && a < s.smem_end) ||
             (a >= s.tls_lo && a < s.tls_hi && p != &tl_thread && p != &tl_block)) {
    space = kShared;
  } else {
    return;  // other: fiber stacks and host memory (a GPU's registers or local memory)
  }
  const int lane = t->linear;
  const uint32_t n = s.executions[site * 1024 + uint64_t(lane)]++;
  s.acc.push_back({site, n, static_cast<uint16_t>(lane / 32), static_cast<uint8_t>(size), kind, space, a});
}

// One warp-level request: accesses [b, e) of one warp at one site and execution count.
void count_request(State& s, const Access* b, const Access* e) {
  Counters& c = s.cur;
  if (b->kind == 2) {
    c.edge_warps += 1;
    c.edge_lanes += e - b;
    return;
  }
  if (b->space == kShared) {
    // 32 banks of 4-byte words; lanes reading the same word share it (a broadcast).
    int64_t words_in_bank[32] = {}, ways = 0;
    uintptr_t last = ~uintptr_t(0);
    std::vector<uintptr_t> words;
    for (const Access* x = b; x != e; ++x)
      for (uintptr_t w = x->addr / 4; w <= (x->addr + x->size - 1) / 4; ++w) words.push_back(w);
    std::sort(words.begin(), words.end());
    for (uintptr_t w : words)
      if (w != last) {
        ways = std::max(ways, ++words_in_bank[w % 32]);
        last = w;
      }
    c.sh_requests += 1;
    c.sh_wavefronts += ways;
    c.sh_max_ways = std::max(c.sh_max_ways, ways);
    return;
  }
  // Global: the distinct bytes asked for and the 32-byte sectors holding them (sorted by address).
  int64_t bytes = 0, lane_bytes = 0, sectors = 0;
  uintptr_t covered = 0, last_sector = ~uintptr_t(0);
  for (const Access* x = b; x != e; ++x) {
    lane_bytes += x->size;
    const uintptr_t lo = std::max(x->addr, covered), hi = x->addr + x->size;
    if (hi > lo) {
      bytes += hi - lo;
      covered = hi;
    }
    for (uintptr_t sct = x->addr / 32; sct <= (hi - 1) / 32; ++sct)
      if (last_sector == ~uintptr_t(0) || sct > last_sector) {
        ++sectors;
        last_sector = sct;
      }
  }
  const bool store = b->kind == 1;
  (store ? c.st_requests : c.ld_requests) += 1;
  (store ? c.st_sectors : c.ld_sectors) += sectors;
  (store ? c.st_bytes : c.ld_bytes) += bytes;
  if (!store) c.ld_lane_bytes += lane_bytes;
}

}  // namespace

bool available() { return true; }
}  // namespace nd::emu::model

int64_t nd::emu::max_grid_blocks() { return model::state().in_op ? 4096 : 8; }

namespace nd::emu::model {

void begin_op() {
  state().in_op = true;
  state().op.clear();
}

std::vector<Launch> end_op() {
  State& s = state();
  s.in_op = false;
  return std::move(s.op);
}

void launch_begin(const LaunchSpec& spec, const std::vector<Segment>& reachable) {
  State& s = state();
  if (!s.in_op) return;  // only what an op being recorded launches
  s.segs.clear();
  for (const Segment& g : reachable) {
    SegmentBits b;
    b.first = reinterpret_cast<uintptr_t>(g.base);
    b.end = b.first + g.size;
    b.first_sector = b.first / 32;
    const size_t words = ((b.end - 1) / 32 - b.first_sector) / 64 + 1;
    b.read.assign(words, 0);
    b.written.assign(words, 0);
    s.segs.push_back(std::move(b));
  }
  s.cur = Counters{};
  s.cur.launches = 1;
  s.cur.blocks = s.cur.max_blocks = int64_t(spec.grid.x) * spec.grid.y * spec.grid.z;
  s.cur.threads = s.cur.blocks * spec.block.x * spec.block.y * spec.block.z;
  s.kernel = short_name(spec.kernel_addr);
  s.recording = true;
}

void launch_end() {
  State& s = state();
  if (!s.recording) return;
  s.recording = false;
  for (const SegmentBits& g : s.segs)
    for (size_t w = 0; w < g.read.size(); ++w) {
      s.cur.unique_read += 32 * __builtin_popcountll(g.read[w]);
      s.cur.unique_written += 32 * __builtin_popcountll(g.written[w]);
    }
  if (s.in_op) s.op.push_back({s.kernel, s.cur});
}

void block_begin(const void* dyn_smem, size_t dyn_smem_bytes) {
  State& s = state();
  s.smem = reinterpret_cast<uintptr_t>(dyn_smem);
  s.smem_end = s.smem + dyn_smem_bytes;
  s.tls_hi = thread_pointer();
  s.tls_lo = s.tls_hi - static_tls_size();
  s.acc.clear();
  s.executions.clear();
}

void block_end() {
  State& s = state();
  if (!s.recording) return;
  std::sort(s.acc.begin(), s.acc.end());
  for (size_t i = 0; i < s.acc.size();) {
    size_t j = i + 1;
    while (j < s.acc.size() && s.acc[j].same_request(s.acc[i])) ++j;
    count_request(s, s.acc.data() + i, s.acc.data() + j);
    i = j;
  }
  s.acc.clear();
  s.executions.clear();
}

}  // namespace nd::emu::model

// ---- the compiler's callbacks (clang -fsanitize-coverage=trace-loads,trace-stores,trace-pc-guard) ----

#define ND_MODEL_CALLBACK(name, T, kind)                                                                     \
  extern "C" void name(T* addr) {                                                                            \
    nd::emu::model::record(addr, sizeof(T), kind, reinterpret_cast<uintptr_t>(__builtin_return_address(0))); \
  }
ND_MODEL_CALLBACK(__sanitizer_cov_load1, uint8_t, 0)
ND_MODEL_CALLBACK(__sanitizer_cov_load2, uint16_t, 0)
ND_MODEL_CALLBACK(__sanitizer_cov_load4, uint32_t, 0)
ND_MODEL_CALLBACK(__sanitizer_cov_load8, uint64_t, 0)
ND_MODEL_CALLBACK(__sanitizer_cov_load16, __int128, 0)
ND_MODEL_CALLBACK(__sanitizer_cov_store1, uint8_t, 1)
ND_MODEL_CALLBACK(__sanitizer_cov_store2, uint16_t, 1)
ND_MODEL_CALLBACK(__sanitizer_cov_store4, uint32_t, 1)
ND_MODEL_CALLBACK(__sanitizer_cov_store8, uint64_t, 1)
ND_MODEL_CALLBACK(__sanitizer_cov_store16, __int128, 1)
#undef ND_MODEL_CALLBACK

extern "C" void __sanitizer_cov_trace_pc_guard_init(uint32_t*, uint32_t*) {}
// An edge: its guard's address names it; lanes of a warp at the same edge and count are one
// warp-level execution (the rest of the warp is masked off: divergence).
extern "C" void __sanitizer_cov_trace_pc_guard(uint32_t* guard) {
  using namespace nd::emu;
  const ThreadCoords* t = tl_thread;
  if (!t) return;
  model::State& s = model::state();
  if (!s.recording) return;
  const uintptr_t site = reinterpret_cast<uintptr_t>(guard);
  const uint32_t n = s.executions[site * 1024 + uint64_t(t->linear)]++;
  s.acc.push_back({site, n, static_cast<uint16_t>(t->linear / 32), 0, 2, 0, 0});
}

#else  // NDGPU_EMU_MODEL

bool available() { return false; }
void begin_op() {}
std::vector<Launch> end_op() { return {}; }
void launch_begin(const LaunchSpec&, const std::vector<Segment>&) {}
void launch_end() {}
void block_begin(const void*, size_t) {}
void block_end() {}

}  // namespace nd::emu::model

int64_t nd::emu::max_grid_blocks() { return 8; }

#endif  // NDGPU_EMU_MODEL
