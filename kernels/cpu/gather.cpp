// Gather / scatter through element offsets on the CPU (advanced indexing; see GatherDesc).
// Elements move as raw words of the element size: the host has already cast to one dtype.
#include <cstring>

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/loops.hpp"

namespace nd::cpu {
namespace {

template <class W>
void gather_words(const GatherDesc& d) {
  const Iter& it = d.iter;
  const int nd = it.ndim;
  W* dense = static_cast<W*>(d.dense.data);
  W* indexed = static_cast<W*>(d.indexed.data);
  parallel_for(it.numel(), kParallelGrain, [&](int64_t begin, int64_t end) {
    int64_t idx[kMaxDims] = {};
    for (int64_t rem = begin, k = nd - 1; k >= 0; --k) {
      idx[k] = rem % it.shape[k];
      rem /= it.shape[k];
    }
    for (int64_t i = begin; i < end; ++i) {
      int64_t od = 0, oi = d.offsets[idx[d.index_axis]];
      for (int k = 0; k < nd; ++k) {
        od += idx[k] * d.dense.strides[k];
        oi += idx[k] * d.indexed.strides[k];
      }
      if (d.scatter) indexed[oi] = dense[od];
      else dense[od] = indexed[oi];
      for (int k = nd - 1; k >= 0; --k) {  // odometer
        if (++idx[k] < it.shape[k]) break;
        idx[k] = 0;
      }
    }
  });
}

}  // namespace

void gather(const GatherDesc& d) {
  if (d.iter.numel() == 0) return;
  ND_DISPATCH_WORD(d.dense.dtype, W, "gather", gather_words<W>(d));
}

}  // namespace nd::cpu
