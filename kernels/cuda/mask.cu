// Boolean masks and whole-row gathers on CUDA (MaskDesc, RowsDesc; see backend.hpp).
//   masks: a block per chunk counts its true points (mask_count_kernel), one block turns the
//          counts into exclusive offsets (mask_scan_kernel), then a block per chunk ranks its
//          points tile by tile (warp ballots + the warps' totals) and moves their rows
//          (mask_apply_kernel, mask_nonzero_kernel); a fill needs no ranks (mask_fill_kernel).
//   rows:  one kernel checks every index (the first bad position by atomicMax) and, for a
//          scatter, picks the last position writing each row; the copy kernel then moves words
//          unless an index was bad.
// Elements move as raw words of the element size; 64-bit indices throughout.
#include <algorithm>

#include "common.hpp"
#include "cuda/block_reduce.cuh"
#include "cuda/cuda_backend.cuh"
#include "cuda/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"

namespace nd::cuda {
namespace {

constexpr int kBlock = 256;  // 8 warps
constexpr int kWarps = kBlock / 32;

template <class M>
__device__ __forceinline__ bool truth(const char* p) {
  return *reinterpret_cast<const M*>(p) != M(0);
}

// Element offsets (in elements) of point i: [0] mask, [1] data.
__device__ __forceinline__ void point(const MaskDesc& d, int64_t i, int64_t& mo, int64_t& dof) {
  if (d.iter.ndim == 1) {  // the usual case after host/ coalesced: no divisions
    mo = i * d.mask.strides[0];
    dof = i * d.data.strides[0];
    return;
  }
  mo = 0;
  dof = 0;
  for (int k = d.iter.ndim - 1; k >= 0; --k) {
    const int64_t x = i % d.iter.shape[k];
    i /= d.iter.shape[k];
    mo += x * d.mask.strides[k];
    dof += x * d.data.strides[k];
  }
}

template <class M>
__device__ __forceinline__ bool point_true(const MaskDesc& d, int64_t i, int64_t& dof) {
  int64_t mo;
  point(d, i, mo, dof);
  return truth<M>(static_cast<const char*>(d.mask.data) + mo * static_cast<int64_t>(sizeof(M)));
}

template <class M>
__global__ void mask_count_kernel(MaskDesc d, int64_t n, int64_t nc) {
  __shared__ int warp_sum[kWarps];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int64_t c = blockIdx.x; c < nc; c += gridDim.x) {
    const int64_t b = c * d.chunk, e = b + d.chunk < n ? b + d.chunk : n;
    int cnt = 0;
    for (int64_t i = b + threadIdx.x; i < e; i += blockDim.x) {
      int64_t dof;
      cnt += point_true<M>(d, i, dof);
    }
    for (int o = 16; o > 0; o >>= 1) cnt += __shfl_xor_sync(kFullMask, cnt, o);
    if (lane == 0) warp_sum[warp] = cnt;
    __syncthreads();
    if (threadIdx.x == 0) {
      int64_t s = 0;
      for (int w = 0; w < kWarps; ++w) s += warp_sum[w];
      d.counts[c] = s;
    }
    __syncthreads();
  }
}

// One block: counts[0..n) -> exclusive offsets, counts[n] = the total.
__global__ void mask_scan_kernel(int64_t* counts, int64_t n) {
  __shared__ int64_t part[kBlock];
  block_exclusive_scan(counts, n, part);
}

// Ranks the points of one tile [base, base + blockDim) in order: returns the point's rank inside
// the tile (valid where flag) and sets `tile_total`. Ends with a barrier.
__device__ __forceinline__ int tile_rank(bool flag, int* warp_tot, int& tile_total) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const unsigned bal = __ballot_sync(kFullMask, flag);
  if (lane == 0) warp_tot[warp] = __popc(bal);
  __syncthreads();
  int before = 0, total = 0;
  for (int w = 0; w < kWarps; ++w) {
    before += w < warp ? warp_tot[w] : 0;
    total += warp_tot[w];
  }
  tile_total = total;
  __syncthreads();  // warp_tot may be rewritten by the next tile
  return before + __popc(bal & ((1u << lane) - 1u));
}

// select / assign: rows of `inner` words between the true points and out / value.
template <class W>
__global__ void mask_apply_kernel(MaskDesc d, int64_t n, int64_t nc) {
  __shared__ int warp_tot[kWarps];
  __shared__ int64_t sel[kBlock];  // data offsets of the tile's true points, in rank order
  const int64_t inner = d.inner;
  const bool select = d.op == MaskOp::select;
  W* data = static_cast<W*>(d.data.data);
  W* out = static_cast<W*>(d.out);
  const W* value = static_cast<const W*>(d.value);
  for (int64_t c = blockIdx.x; c < nc; c += gridDim.x) {
    const int64_t b = c * d.chunk, e = b + d.chunk < n ? b + d.chunk : n;
    int64_t rank0 = d.counts[c];
    if (rank0 == d.counts[c + 1]) continue;  // no true point (uniform over the block)
    for (int64_t base = b; base < e; base += blockDim.x) {
      const int64_t i = base + threadIdx.x;
      int64_t dof = 0;
      const bool flag = i < e && point_true<uint8_t>(d, i, dof);
      int tile_total;
      const int r = tile_rank(flag, warp_tot, tile_total);
      if (inner == 1) {
        if (flag) {
          if (select) out[rank0 + r] = data[dof];
          else data[dof] = value[rank0 + r];
        }
      } else {
        if (flag) sel[r] = dof;
        __syncthreads();
        for (int64_t k = threadIdx.x; k < tile_total * inner; k += blockDim.x) {
          const int64_t j = k / inner, q = k % inner, row = (rank0 + j) * inner + q;
          if (select) out[row] = data[sel[j] + q];
          else data[sel[j] + q] = value[row];
        }
        __syncthreads();  // sel is rewritten by the next tile
      }
      rank0 += tile_total;
    }
  }
}

// data at the true points = value[0] (no ranks needed).
template <class W>
__global__ void mask_fill_kernel(MaskDesc d, int64_t n) {  // n: points * inner
  W* data = static_cast<W*>(d.data.data);
  const W v = *static_cast<const W*>(d.value);
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < n; k += step) {
    int64_t dof;
    const int64_t p = d.inner == 1 ? k : k / d.inner;
    if (point_true<uint8_t>(d, p, dof)) data[dof + (k - p * d.inner)] = v;
  }
}

// out (ndim, total) = the coordinates of the true points.
template <class M>
__global__ void mask_nonzero_kernel(MaskDesc d, int64_t n, int64_t nc) {
  __shared__ int warp_tot[kWarps];
  int64_t* out = static_cast<int64_t*>(d.out);
  for (int64_t c = blockIdx.x; c < nc; c += gridDim.x) {
    const int64_t b = c * d.chunk, e = b + d.chunk < n ? b + d.chunk : n;
    int64_t rank0 = d.counts[c];
    if (rank0 == d.counts[c + 1]) continue;
    for (int64_t base = b; base < e; base += blockDim.x) {
      const int64_t i = base + threadIdx.x;
      int64_t dof;
      const bool flag = i < e && point_true<M>(d, i, dof);
      int tile_total;
      const int r = tile_rank(flag, warp_tot, tile_total);
      if (flag) {
        int64_t rem = i;
        for (int k = d.iter.ndim - 1; k >= 0; --k) {
          out[k * d.total + rank0 + r] = rem % d.iter.shape[k];
          rem /= d.iter.shape[k];
        }
      }
      rank0 += tile_total;
    }
  }
}

template <class M>
void count_as(const MaskDesc& d, cudaStream_t s) {
  launch(mask_count_kernel<M>, grid_for(d.nchunks() * kBlock, kBlock), kBlock, 0, s, d, d.iter.numel(), d.nchunks());
}

template <class W>
void apply_as(const MaskDesc& d, cudaStream_t s) {
  if (d.op == MaskOp::fill) {
    const int64_t n = d.iter.numel() * d.inner;
    return launch(mask_fill_kernel<W>, grid_for(n, kBlock), kBlock, 0, s, d, n);
  }
  launch(mask_apply_kernel<W>, grid_for(d.nchunks() * kBlock, kBlock), kBlock, 0, s, d, d.iter.numel(), d.nchunks());
}

template <class M>
void nonzero_as(const MaskDesc& d, cudaStream_t s) {
  launch(mask_nonzero_kernel<M>, grid_for(d.nchunks() * kBlock, kBlock), kBlock, 0, s, d, d.iter.numel(), d.nchunks());
}

// ---- rows --------------------------------------------------------------------------------------

template <class I>
__device__ __forceinline__ int64_t row_of(const RowsDesc& d, int64_t i) {
  const int64_t v = static_cast<const I*>(d.index)[i];
  return v < 0 ? v + d.axis_len : v;
}

// *bad = max over bad positions i of n - i (the first bad one); winner[row] = the last position
// writing it (scatter only; null otherwise).
template <class I>
__global__ void rows_check_kernel(RowsDesc d, int64_t* winner) {
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < d.n; i += step) {
    const int64_t v = static_cast<const I*>(d.index)[i];
    if (v < -d.axis_len || v >= d.axis_len)
      atomicMax(reinterpret_cast<long long*>(d.bad), static_cast<long long>(d.n - i));
    else if (winner)
      atomicMax(reinterpret_cast<long long*>(winner + (v < 0 ? v + d.axis_len : v)), static_cast<long long>(i));
  }
}

template <class W, class I>
__global__ void rows_copy_kernel(RowsDesc d, const int64_t* winner) {
  if (*d.bad != 0) return;  // an index was out of range: write nothing
  W* table = static_cast<W*>(d.table);
  W* dense = static_cast<W*>(d.dense);
  const int64_t n = d.n * d.row_len, step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < n; k += step) {
    const int64_t i = k / d.row_len, q = k % d.row_len, row = row_of<I>(d, i);
    const int64_t t = row * d.row_stride + q * d.elem_stride;
    if (!d.scatter) dense[k] = table[t];
    else if (!winner || winner[row] == i) table[t] = dense[i * d.dense_stride + q];
  }
}

// Scatters keep NumPy's last-write-wins with a winner per table row, up to this many rows.
constexpr int64_t kMaxWinnerRows = int64_t{1} << 24;

template <class W, class I>
void rows_as(const RowsDesc& d, cudaStream_t s, Backend& mem) {
  ND_CUDA_CHECK(cudaMemsetAsync(d.bad, 0, sizeof(int64_t), s));
  const bool winners = d.scatter && d.row_len > 0 && d.axis_len <= kMaxWinnerRows;
  Workspace w(mem, winners ? d.axis_len * static_cast<int64_t>(sizeof(int64_t)) : 0);
  int64_t* winner = static_cast<int64_t*>(w.p);
  if (winner) ND_CUDA_CHECK(cudaMemsetAsync(winner, 0xFF, w.bytes, s));  // -1: no writer
  launch(rows_check_kernel<I>, grid_for(d.n, kBlock), kBlock, 0, s, d, winner);
  if (d.row_len == 0) return;
  launch(rows_copy_kernel<W, I>, grid_for(d.n * d.row_len, kBlock), kBlock, 0, s, d,
         static_cast<const int64_t*>(winner));
}

template <class W>
void rows_by_index(const RowsDesc& d, cudaStream_t s, Backend& mem) {
  if (d.index_dtype == DType::int32) rows_as<W, int32_t>(d, s, mem);
  else rows_as<W, int64_t>(d, s, mem);
}

}  // namespace

void mask_count(const MaskDesc& d, cudaStream_t stream) {
  const int64_t nc = d.nchunks();
  if (nc == 0) {
    ND_CUDA_CHECK(cudaMemsetAsync(d.counts, 0, sizeof(int64_t), stream));
    return;
  }
  ND_DISPATCH(d.mask.dtype, T, count_as<kern::mask_read_t<T>>(d, stream));
  launch(mask_scan_kernel, dim3(1), kBlock, 0, stream, d.counts, nc);
}

void mask_apply(const MaskDesc& d, cudaStream_t stream) {
  if (d.iter.numel() == 0 || (d.op != MaskOp::fill && d.total == 0)) return;
  if (d.op == MaskOp::nonzero) {
    ND_DISPATCH(d.mask.dtype, T, nonzero_as<kern::mask_read_t<T>>(d, stream));
    return;
  }
  ND_DISPATCH_WORD(d.data.dtype, W, "masked copy", apply_as<W>(d, stream));
}

void rows(const RowsDesc& d, cudaStream_t stream, Backend& mem) {
  if (d.n == 0) {
    ND_CUDA_CHECK(cudaMemsetAsync(d.bad, 0, sizeof(int64_t), stream));
    return;
  }
  ND_DISPATCH_WORD(d.dtype, W, "row gather", rows_by_index<W>(d, stream, mem));
}

}  // namespace nd::cuda
