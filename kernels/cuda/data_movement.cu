// Strided copy / cast, fill and random numbers on CUDA: grid-stride loops with 64-bit indices over
// any strides (negative and 0 too). Few instantiations: same-dtype copies move raw words of the
// element size, casts get one kernel per (to, from) pair, fills one per element size.
#include <algorithm>
#include <cstring>

#include "common.hpp"
#include "cuda/cuda_backend.cuh"
#include "cuda/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"
#include "cuda/vec_access.cuh"
#include "fill_ramp.hpp"
#include "random_draw.hpp"

namespace nd::cuda {
namespace {

constexpr int kBlock = 256;

template <class To, class From>
__global__ void copy_kernel(StridedIndexer<2> ix, char* dst, const char* src, int64_t n) {
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t off[2];
    ix.offsets(i, off);
    *reinterpret_cast<To*>(dst + off[0]) =
        kern::convert<To>(*reinterpret_cast<const From*>(src + off[1]));
  }
}

// A transposing copy, same dtype (raw words W): dst (rows x cols, row stride dst_ld) from a
// source whose fast axis is dst's slow one (element (r, c) at src[r + c * src_ld]), batch
// dimension z. 32 x 32 tiles through shared memory, so both the reads (along r) and the writes
// (along c) are coalesced; the tile's padding column keeps the transposed reads conflict-free.
struct TransposeParams {
  int64_t rows, cols, dst_ld, src_ld, batch, dst_batch, src_batch;  // strides in elements
};
constexpr int kTile = 32, kTileRows = 8;
template <class W>
__global__ void transpose_copy_kernel(W* dst, const W* src, TransposeParams t) {
  __shared__ W tile[kTile][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int64_t tiles_r = (t.rows + kTile - 1) / kTile;
  for (int64_t z = blockIdx.z; z < t.batch; z += gridDim.z)
    for (int64_t by = blockIdx.y; by < tiles_r; by += gridDim.y) {
      const int64_t r0 = by * kTile, c0 = static_cast<int64_t>(blockIdx.x) * kTile;
      const W* s = src + z * t.src_batch;
      W* o = dst + z * t.dst_batch;
      for (int j = ty; j < kTile; j += kTileRows)
        if (r0 + tx < t.rows && c0 + j < t.cols) tile[j][tx] = s[(r0 + tx) + (c0 + j) * t.src_ld];
      __syncthreads();
      for (int j = ty; j < kTile; j += kTileRows)
        if (r0 + j < t.rows && c0 + tx < t.cols) o[(r0 + j) * t.dst_ld + c0 + tx] = tile[tx][j];
      __syncthreads();
    }
}

template <class W>
__global__ void fill_kernel(StridedIndexer<1> ix, char* dst, W value, int64_t n) {
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t off[1];
    ix.offsets(i, off);
    *reinterpret_cast<W*>(dst + off[0]) = value;
  }
}

// The index-dependent fills (kernels/fill_ramp.hpp): out[i * stride] = f(i), one dtype each.
template <class T, class F>
__global__ void index_fill_kernel(F f, T* out, int64_t stride, int64_t n) {
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step)
    out[i * stride] = f(i);
}

// One thread per Philox counter: counter d.counter + j writes elements [j * per, (j + 1) * per)
// below d.n (kernels/random_draw.hpp).
template <class T>
__global__ void random_kernel(RandomDesc d, int64_t counters) {
  constexpr int kMaxPer = 4;
  T* out = static_cast<T*>(d.out.data);
  const int per = kern::values_per_counter(d.dist, d.out.dtype);
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < counters; j += step) {
    T vals[kMaxPer];
    kern::random_counter<T>(d, static_cast<uint64_t>(j), vals);
    const int64_t i0 = j * per;
    if constexpr (sizeof(T) >= 4) {  // a counter's 16 bytes in one store, not per strided stores
      constexpr int V = kVec<T>;
      if (per == V && i0 + V <= d.n && reinterpret_cast<uintptr_t>(out) % 16 == 0) {
        Vec<T, V> v;
        for (int s = 0; s < V; ++s) v.v[s] = vals[s];
        vec_store(reinterpret_cast<Vec<T, V>*>(out + i0), v);
        continue;
      }
    }
    for (int s = 0; s < per; ++s)
      if (i0 + s < d.n) out[i0 + s] = vals[s];
  }
}

// Templates, so the branches not taken are never instantiated (no kernel<bool, bool> stubs).
template <class To, class From>
void launch_cast(const StridedIndexer<2>& ix, const CopyDesc& d, int64_t n, cudaStream_t stream) {
  if constexpr (!std::is_same_v<To, From>)
    launch(copy_kernel<To, From>, grid_for(n, kBlock), kBlock, 0, stream, ix,
           static_cast<char*>(d.dst.data), static_cast<const char*>(d.src.data), n);
}
template <class T>
void launch_random(const RandomDesc& d, cudaStream_t stream) {
  if constexpr (std::is_same_v<T, bool>)
    throw TypeError("random numbers of dtype bool are not supported");
  else
    launch(random_kernel<T>, grid_for(kern::random_counters(d), kBlock), kBlock, 0, stream, d,
           kern::random_counters(d));
}

// Same-dtype copies as raw words of the element's size.
template <class F>
void with_word(DType t, F&& f) {
  ND_DISPATCH_WORD(t, W, "copy", f(W{}));
}

}  // namespace

void copy(const CopyDesc& d, cudaStream_t stream) {
  const int64_t n = d.iter.numel();
  if (n == 0) return;
  const Operand* ops[2] = {&d.dst, &d.src};
  if (d.dst.dtype == d.src.dtype) {
    if (all_contiguous(d.iter, ops)) {
      ND_CUDA_CHECK(cudaMemcpyAsync(d.dst.data, d.src.data, n * dtype_size(d.dst.dtype),
                                    cudaMemcpyDeviceToDevice, stream));
      return;
    }
    const int nd = d.iter.ndim;
    if ((nd == 2 || nd == 3) && d.dst.strides[nd - 1] == 1 && d.src.strides[nd - 2] == 1 &&
        d.src.strides[nd - 1] > 1 && d.iter.shape[nd - 1] > 1) {  // a transpose: tiles
      const TransposeParams t{d.iter.shape[nd - 2], d.iter.shape[nd - 1], d.dst.strides[nd - 2], d.src.strides[nd - 1],
                              nd == 3 ? d.iter.shape[0] : 1, nd == 3 ? d.dst.strides[0] : 0, nd == 3 ? d.src.strides[0] : 0};
      const dim3 grid(static_cast<unsigned>(div_up(t.cols, kTile)),
                      static_cast<unsigned>(std::min<int64_t>(div_up(t.rows, kTile), 65535)),
                      static_cast<unsigned>(std::min<int64_t>(t.batch, 65535)));
      with_word(d.dst.dtype, [&](auto w) {
        using W = decltype(w);
        launch(transpose_copy_kernel<W>, grid, dim3(kTile, kTileRows), 0, stream, static_cast<W*>(d.dst.data),
               static_cast<const W*>(d.src.data), t);
      });
      return;
    }
    with_word(d.dst.dtype, [&](auto w) {
      using W = decltype(w);
      launch(copy_kernel<W, W>, grid_for(n, kBlock), kBlock, 0, stream, StridedIndexer<2>(d.iter, ops),
             static_cast<char*>(d.dst.data), static_cast<const char*>(d.src.data), n);
    });
    return;
  }
  const StridedIndexer<2> ix(d.iter, ops);
  ND_DISPATCH_STORAGE(d.dst.dtype, To, ND_DISPATCH_STORAGE(d.src.dtype, From, launch_cast<To, From>(ix, d, n, stream)));
}

void fill(const FillDesc& d, cudaStream_t stream) {
  const int64_t n = d.iter.numel();
  if (n == 0) return;
  if (d.kind != FillKind::constant) {
    if (d.iter.ndim > 1) throw ValueError("fill: index-dependent fills take a 1-D iteration");
    const int64_t stride = d.iter.ndim ? d.dst.strides[0] : 1;
    ND_DISPATCH(d.dst.dtype, T, {
      T* out = static_cast<T*>(d.dst.data);
      auto go = [&](auto f) {
        launch(index_fill_kernel<T, decltype(f)>, grid_for(n, kBlock), kBlock, 0, stream, f, out,
               stride, n);
      };
      switch (d.kind) {
        case FillKind::arange: go(kern::ArangeFill<T>(d)); break;
        case FillKind::linspace: go(kern::LinspaceFill<T>(d)); break;
        case FillKind::eye: go(kern::EyeFill<T>(d)); break;
        case FillKind::constant: break;
      }
    });
    return;
  }
  const Operand* ops[1] = {&d.dst};
  uint64_t bits = 0;  // the value converted to the destination dtype, as raw bytes
  ND_DISPATCH_STORAGE(d.dst.dtype, T, {
    const T v = is_floating(d.value.dtype) ? kern::convert<T>(d.value.f) : kern::convert<T>(d.value.i);
    std::memcpy(&bits, &v, sizeof(T));
  });
  if (bits == 0 && all_contiguous(d.iter, ops)) {
    ND_CUDA_CHECK(cudaMemsetAsync(d.dst.data, 0, n * dtype_size(d.dst.dtype), stream));
    return;
  }
  with_word(d.dst.dtype, [&](auto w) {
    using W = decltype(w);
    W value;
    std::memcpy(&value, &bits, sizeof(W));
    launch(fill_kernel<W>, grid_for(n, kBlock), kBlock, 0, stream, StridedIndexer<1>(d.iter, ops),
           static_cast<char*>(d.dst.data), value, n);
  });
}

void random(const RandomDesc& d, cudaStream_t stream) {
  if (d.n == 0) return;
  ND_DISPATCH(d.out.dtype, T, launch_random<T>(d, stream));
}

}  // namespace nd::cuda
