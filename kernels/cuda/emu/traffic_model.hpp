// The memory-traffic model (issue 23, docs/gpu_model.md): in a build with NDGPU_EMU_MODEL, every
// load and store the kernels in kernels/cuda execute on the SIMT emulator is reported by the
// compiler (clang's -fsanitize-coverage=trace-loads,trace-stores; trace-pc-guard for the branch
// edges) and attributed to (launch, block, warp, code site, the lane's n-th execution of that
// site). Accesses of one warp at one site and execution count form one warp-level request, as the
// hardware's load/store unit sees it; from those the model counts what a GPU would move: 32-byte
// sectors per request, unique global bytes per launch (DRAM traffic if L2 kept every reuse),
// shared-memory bank conflicts, and the lanes a warp keeps active at each edge.
// It is a model of the kernel's code, not of a card: no caches beyond "L2 keeps reuse within a
// launch", no latency hiding, no tensor cores.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nd::emu {
struct LaunchSpec;
struct Segment;
}

namespace nd::emu::model {

struct Counters {
  int64_t launches = 0, blocks = 0, max_blocks = 0, threads = 0;
  // Global memory, loads and stores: warp-level requests, the 32-byte sectors they touch, the
  // distinct bytes they ask for, and the bytes every lane asks for (reuse shows as lane > unique).
  int64_t ld_requests = 0, ld_sectors = 0, ld_bytes = 0, ld_lane_bytes = 0;
  int64_t st_requests = 0, st_sectors = 0, st_bytes = 0;
  int64_t unique_read = 0, unique_written = 0;  // sectors x 32, per launch, summed over launches
  // Shared memory: requests and the wavefronts they take (1 per request without bank conflicts).
  int64_t sh_requests = 0, sh_wavefronts = 0, sh_max_ways = 0;
  // Branch edges: executions by single lanes, warp-level executions, the active lanes in them.
  int64_t edge_lanes = 0, edge_warps = 0;

  void add(const Counters& c);
  double coalescing() const;      // distinct bytes requested / bytes in the sectors moved
  double bank_ways() const;       // wavefronts per shared request (1 = no conflicts)
  double warp_efficiency() const;  // active lanes per warp-level edge / 32
  int64_t traffic() const { return unique_read + unique_written; }
};

// Whether this build has the model (NDGPU_EMU_MODEL): otherwise nothing is recorded.
bool available();
// Starts recording launches as one op; end_op returns the op's launches (kernel names, counters).
void begin_op();
struct Launch {
  std::string kernel;  // the __global__ function's name, without template arguments
  Counters c;
};
std::vector<Launch> end_op();

// The emulator's hooks (simt.cpp): a launch's forward schedule, each block of it.
void launch_begin(const LaunchSpec& spec, const std::vector<Segment>& reachable);
void launch_end();
void block_begin(const void* dyn_smem, size_t dyn_smem_bytes);
void block_end();

}  // namespace nd::emu::model
