// The CPU reduction driver (header so the op families compile in separate files): picks a layout
// (contiguous rows, strided rows, or columns reduced side by side), splits long reductions into
// aligned power-of-two tile groups when there are too few outputs to keep both cores busy, and
// finishes group partials with the canonical tree (reduce_order.hpp).
#pragma once
#include <bit>
#include <cstdlib>
#include <memory>
#include <string>

#include "cpu/cpu_backend.hpp"
#include "cpu/loops.hpp"
#include "cpu/parallel.hpp"
#include "cpu/reduce_tiles.hpp"

namespace nd::cpu::red {


using kern::order::num_tiles;
using kern::order::pow2_ceil;

// Byte-free element offsets of output o over the first `nd` kept axes.
struct Odometer {
  const Iter& it;
  int nd;
  const int64_t* s_in;
  const int64_t* s_out;
  int64_t idx[kMaxDims] = {};
  int64_t off_in = 0, off_out = 0;

  Odometer(const Iter& iter, int ndims, const int64_t* in_strides, const int64_t* out_strides,
           int64_t o)
      : it(iter), nd(ndims), s_in(in_strides), s_out(out_strides) {
    for (int d = nd - 1; d >= 0; --d) {
      idx[d] = o % it.shape[d];
      o /= it.shape[d];
      off_in += idx[d] * s_in[d];
      off_out += idx[d] * s_out[d];
    }
  }
  void next() {
    for (int d = nd - 1; d >= 0; --d) {
      off_in += s_in[d];
      off_out += s_out[d];
      if (++idx[d] < it.shape[d]) return;
      off_in -= it.shape[d] * s_in[d];
      off_out -= it.shape[d] * s_out[d];
      idx[d] = 0;
    }
  }
};

// Tiles per group when there are too few outputs to share out (fewer than 4 per core): a power
// of two that cuts the reduction into 16-32 groups per core, so the one contiguous chunk each core
// gets is within a group or so of the others' (a full sum over 300000 tiles was 5 groups of 65536,
// split 2 : 3). 1 group: no split.
inline int64_t group_tiles(int64_t tiles, int64_t tasks) {
  const int64_t cores = static_cast<int64_t>(num_threads());
  if (tasks >= 4 * cores || tiles <= 16) return pow2_ceil(tiles);
  const int64_t groups = (16 * cores + tasks - 1) / tasks;
  return std::max<int64_t>(16, static_cast<int64_t>(std::bit_floor(static_cast<uint64_t>((tiles + groups - 1) / groups))));
}

// Op over In: a native dtype, or a 16-bit float whose tiles are widened for Op over float.
template <class Op, class In>
class Reducer {
 public:
  using S = typename Op::State;
  using Out = typename Op::Out;
  using M = std::conditional_t<is_half_v<In>, float, In>;  // the type the tiles read
  // Columns per block: 1 KiB of a row, so each row read is long and contiguous; the 32 lanes of
  // accumulators (32 KiB) stay in L1/L2.
  static constexpr int kVC = static_cast<int>(1024 / sizeof(M));

  explicit Reducer(const ReduceDesc& d) : d_(d), in_(static_cast<const In*>(d.in.data)) {
    nd_ = d.outer.ndim;
    nout_ = d.outer.numel();
    tiles_ = num_tiles(d.n);
    const int64_t last_in = nd_ ? std::llabs(d.in.strides[nd_ - 1]) : 0;
    columns_ = nd_ > 0 && d.in_stride != 1 && last_in < std::llabs(d.in_stride);
  }

  void run() {
    if (nout_ == 0) return;
    if (columns_) run_columns();
    else run_rows();
  }

 private:
  void write(int64_t off_out, const S& s) {
    static_cast<Out*>(d_.out.data)[off_out] = Op::finalize(s, d_.n, d_.ddof);
  }

  S row_partial(int64_t off_in, int64_t t0, int64_t t1) const {
    const In* row = in_ + off_in;
    if constexpr (is_half_v<In>) return red::half_row_range<Op>(row, d_.in_stride, d_.n, t0, t1);
    if (d_.in_stride == 1) return red::row_range<Op, In, true>(row, 1, d_.n, t0, t1);
    return red::row_range<Op, In, false>(row, d_.in_stride, d_.n, t0, t1);
  }

  // Tasks per chunk so that a chunk reads at least kParallelGrain elements: a small reduction runs
  // on the calling thread (waking a worker costs more than 16 x 768 elements take to add).
  int64_t task_grain(int64_t tasks) const {
    const int64_t per_task = std::max<int64_t>(1, nout_ * d_.n / std::max<int64_t>(tasks, 1));
    return std::max<int64_t>(1, kParallelGrain / per_task);
  }

  void run_rows() {
    const int64_t g = group_tiles(tiles_, nout_);
    const int64_t groups = (tiles_ + g - 1) / g;
    if (groups == 1) {
      const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 15) / d_.n);
      parallel_for(nout_, grain, [&](int64_t o0, int64_t o1) {
        Odometer od(d_.outer, nd_, d_.in.strides, d_.out.strides, o0);
        for (int64_t o = o0; o < o1; ++o, od.next()) write(od.off_out, row_partial(od.off_in, 0, tiles_));
      });
      return;
    }
    std::unique_ptr<S[]> part(new S[nout_ * groups]);  // not vector: S may be bool
    parallel_for(nout_ * groups, task_grain(nout_ * groups), [&](int64_t b, int64_t e) {
      for (int64_t w = b; w < e; ++w) {
        const int64_t o = w / groups, gi = w % groups;
        Odometer od(d_.outer, nd_, d_.in.strides, d_.out.strides, o);
        part[w] = row_partial(od.off_in, gi * g, std::min(tiles_, (gi + 1) * g));
      }
    });
    kern::CombineOf<Op> c;
    for (int64_t o = 0; o < nout_; ++o) {
      Odometer od(d_.outer, nd_, d_.in.strides, d_.out.strides, o);
      write(od.off_out, kern::order::tree_in_place(&part[o * groups], groups, c));
    }
  }

  // Kept axis nd_-1 holds the columns; every (outer row, column block, tile group) is a task.
  void run_columns() {
    const int64_t width = d_.outer.shape[nd_ - 1];
    const int64_t cs = d_.in.strides[nd_ - 1], cs_out = d_.out.strides[nd_ - 1];
    const int64_t rows = nout_ / width;
    // Column blocks of at most kVC columns; more of them (down to 32 columns) when that leaves
    // too few tasks to share out, with edges that split the width evenly on cache lines: 768
    // columns as 3 blocks of 256 kept one of two threads idle a third of the time, and 1300 as 7
    // blocks of 192 one thread a block behind the other.
    const int64_t want = 4 * static_cast<int64_t>(num_threads());
    constexpr int64_t kLine = std::max<int64_t>(1, 64 / static_cast<int64_t>(sizeof(M)));
    int64_t blocks = (width + kVC - 1) / kVC;
    if (rows * blocks < want) blocks = std::clamp<int64_t>((want + rows - 1) / rows, blocks, std::max<int64_t>(blocks, width / 32));
    auto edge = [&](int64_t b) { return std::min(width, (b * width / blocks + kLine - 1) / kLine * kLine); };
    const int64_t g = group_tiles(tiles_, rows * blocks);
    const int64_t groups = (tiles_ + g - 1) / g;
    const int64_t tasks = rows * blocks * groups;
    std::vector<red::Block<S, kVC>> part(groups > 1 ? static_cast<size_t>(tasks) : 0);
    auto task = [&](int64_t w) {
      const int64_t gi = w % groups, rb = w / groups, r = rb / blocks, b = rb % blocks;
      Odometer od(d_.outer, nd_ - 1, d_.in.strides, d_.out.strides, r);
      const int64_t c0 = edge(b);
      const int cols = static_cast<int>(edge(b + 1) - c0);
      const In* x = in_ + od.off_in + c0 * cs;
      const int64_t t0 = gi * g, t1 = std::min(tiles_, (gi + 1) * g);
      Block<S, kVC> blk;
      if constexpr (is_half_v<In>) blk = red::half_col_range<Op, In, kVC>(x, d_.in_stride, cs, cols, d_.n, t0, t1);
      else blk = red::col_range<Op, In, kVC>(x, d_.in_stride, cs, cols, d_.n, t0, t1);
      if (groups > 1) {
        part[w] = blk;
        return;
      }
      for (int q = 0; q < cols; ++q) write(od.off_out + (c0 + q) * cs_out, blk.v[q]);
    };
    parallel_for(tasks, task_grain(tasks), [&](int64_t b, int64_t e) {
      for (int64_t w = b; w < e; ++w) task(w);
    });
    if (groups == 1) return;
    red::BlockCombine<Op, kVC> c{kVC};
    for (int64_t rb = 0; rb < rows * blocks; ++rb) {
      const int64_t r = rb / blocks, b = rb % blocks;
      Odometer od(d_.outer, nd_ - 1, d_.in.strides, d_.out.strides, r);
      const int64_t c0 = edge(b);
      const int cols = static_cast<int>(edge(b + 1) - c0);
      c.w = cols;
      auto blk = kern::order::tree_in_place(&part[rb * groups], groups, c);
      for (int q = 0; q < cols; ++q) write(od.off_out + (c0 + q) * cs_out, blk.v[q]);
    }
  }

  const ReduceDesc& d_;
  const In* in_;
  int nd_ = 0;
  int64_t nout_ = 0, tiles_ = 0;
  bool columns_ = false;
};

// A native dtype's own op, or (the 16-bit floats) the float32 op over widened tiles.
template <template <class> class F>
inline void reduce_as(const ReduceDesc& d) {
  if (is_half(d.in.dtype)) {
    ND_DISPATCH_HALF(d.in.dtype, H, Reducer<F<float>, H>(d).run());
  } else {
    ND_DISPATCH(d.in.dtype, T, Reducer<F<T>, T>(d).run());
  }
}

}  // namespace nd::cpu::red
