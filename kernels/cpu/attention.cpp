// CPU fused attention, the flash-attention scheme: out = softmax(scale q k^T) v without the
// (sq, sk) scores in memory. A task owns kQ queries of one batch entry: it packs them transposed
// (16 query lanes per panel, scale folded in), then walks the keys kK at a time --
//   scores^T tile (keys x queries) = K_block . Q^T        6 x 16 (AVX2) or 6 x 32 (AVX-512) FMA
//                                                         micro-kernel (panel_kernel.hpp)
//   online softmax per query lane: running max m, sum l, O rescaled by e^(m_old - m_new)
//   O (queries x dv) += P . V_block                       the same shape, V rows as panels
// -- and writes O / l. Causal: key blocks past the task's last query are skipped and the
// diagonal block masked. Transposing the scores tile makes every softmax step a vector op over
// queries and lets both products read K and V rows as they lie (no packing of K or V). float32
// on CPUs with AVX2 and FMA, on the widest panel the CPU has (attention_block.inc, compiled once
// per ISA); elsewhere attention() returns false and host/ runs the unfused matmul, softmax, matmul.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/isa.hpp"
#include "cpu/loops.hpp"
#include "cpu/parallel.hpp"
#include "cpu/panel_kernel.hpp"
#include "fast_math.hpp"

namespace nd::cpu {
namespace {

constexpr int64_t kQ = 96;    // queries per task: 6 panels of 16 lanes (AVX2) or 3 of 32 (AVX-512)
constexpr int64_t kK = 192;   // keys per step: 32 groups of 6 (scores^T tile 72 KiB, in L2)
using panel::kRows;           // keys (or queries) per micro-kernel call

// One task's buffers, reused across the tasks a worker runs.
struct Scratch {
  std::vector<float> qt, st, o, m, l, alpha;
  Scratch(int64_t d, int64_t dv)
      : qt(kQ * d), st(kK * kQ), o(kQ * dv), m(kQ), l(kQ), alpha(kQ) {}
};

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
namespace avx2 {
using panel::avx2::kLanes;
using panel::avx2::rows_times_panel;
#include "cpu/attention_block.inc"
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx512f,fma"))), apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
#endif
namespace avx512 {
using panel::avx512::kLanes;
using panel::avx512::rows_times_panel;
#include "cpu/attention_block.inc"
}  // namespace avx512
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

}  // namespace

bool attention(const AttentionDesc& a) {
  const Isa isa = cpu_isa();
  if (isa == Isa::generic || a.dtype != DType::float32) return false;
  const auto attend_block = isa == Isa::avx512 ? avx512::attend_block : avx2::attend_block;
  const int64_t blocks = (a.sq + kQ - 1) / kQ, tasks = a.batch.numel() * blocks;
  // Tasks are claimed one at a time, the costliest first (causal: the last query blocks), so
  // the workers finish together whatever the mix.
  std::atomic<int64_t> next{0};
  parallel_for(std::min<int64_t>(tasks, num_threads()), 1, [&](int64_t, int64_t) {
    Scratch s(a.d, a.dv);
    for (int64_t t; (t = next.fetch_add(1)) < tasks;) {
      const int64_t entry = t % a.batch.numel(), block = blocks - 1 - t / a.batch.numel();
      int64_t off[4];
      point_offsets(a.batch, a.batch_stride, entry, off);
      const int64_t i0 = block * kQ;
      attend_block(a, static_cast<const float*>(a.q) + off[0], static_cast<const float*>(a.k) + off[1],
                   static_cast<const float*>(a.v) + off[2], static_cast<float*>(a.out) + off[3], i0,
                   std::min(kQ, a.sq - i0), s);
    }
  });
  return true;
}

}  // namespace nd::cpu
