// CUDA elementwise kernels and their launchers, shared by the elementwise_*.cu files:
//  - contiguous operands: 16-byte vector loads/stores (float4-sized) per thread, grid-stride;
//  - a C++ number operand arrives by value (uniform `mode`), never from device memory;
//  - a unary or binary op over 2-D rows (contiguous output rows, each input contiguous along them
//    or one value per row: X + row, X * col, exp(X[:, :384])): rows in the grid's y, vector
//    accesses where aligned (a branch of the strided kernels);
//  - anything else (broadcast stride 0, negative or gapped strides): a strided grid-stride kernel
//    over the coalesced Iter (cuda/strided.cuh: no hardware divide).
// Kernels see one compute dtype T; host/ has already cast mismatched operands.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "common.hpp"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"
#include "cuda/vec_access.cuh"
#include "op_list.hpp"

namespace nd::cuda::ew {

using kern::OpClass;
constexpr int kBlock = 256;

// mode bit k set: input k is the by-value scalar `s`.
template <class T, int V>
__device__ __forceinline__ Vec<T, V> load_vec(const T* p, int64_t i, bool is_scalar, T s) {
  Vec<T, V> x;
  if (is_scalar) {
    for (int k = 0; k < V; ++k) x.v[k] = s;
  } else {
    x = vec_load(reinterpret_cast<const Vec<T, V>*>(p) + i);
  }
  return x;
}

template <class F, class T, class O>
__global__ void unary_vec_kernel(O* out, const T* a, int64_t n) {
  constexpr int V = kVec<T>;
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const F f;
  for (int64_t i = first; i < n / V; i += step) {
    const Vec<T, V> x = vec_load(reinterpret_cast<const Vec<T, V>*>(a) + i);
    Vec<O, V> y;
    for (int k = 0; k < V; ++k) y.v[k] = f(x.v[k]);
    vec_store(reinterpret_cast<Vec<O, V>*>(out) + i, y);
  }
  for (int64_t i = (n / V) * V + first; i < n; i += step) out[i] = f(a[i]);  // tail
}

template <class F, class T, class O>
__global__ void binary_vec_kernel(O* out, const T* a, const T* b, T s, int mode, int64_t n) {
  constexpr int V = kVec<T>;
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const F f;
  for (int64_t i = first; i < n / V; i += step) {
    const Vec<T, V> x = load_vec<T, V>(a, i, mode & 1, s);
    const Vec<T, V> y = load_vec<T, V>(b, i, mode & 2, s);
    Vec<O, V> r;
    for (int k = 0; k < V; ++k) r.v[k] = f(x.v[k], y.v[k]);
    vec_store(reinterpret_cast<Vec<O, V>*>(out) + i, r);
  }
  for (int64_t i = (n / V) * V + first; i < n; i += step)
    out[i] = f((mode & 1) ? s : a[i], (mode & 2) ? s : b[i]);
}

// A 2-D iteration whose output rows are contiguous and whose array inputs are contiguous rows or
// one value per row (X + row, X * col, (X - mean) / std written by hand): rows in the grid's y,
// each thread a 16-byte vector of a row when every row start allows it (else one element), and
// no division anywhere. rs: row strides in elements; inner[k]: 1 contiguous, 0 one value per row.
struct Rows2 {
  int64_t rows = 0, cols = 0, out_rs = 0, rs[2] = {};
  int inner[2] = {};
  bool vec = false;
};

template <class T, int V>
__device__ __forceinline__ Vec<T, V> row_vec(const T* row, int64_t j, bool scalar, T s, int inner) {
  Vec<T, V> x;
  if (scalar || !inner) {
    const T v = scalar ? s : row[0];
    for (int k = 0; k < V; ++k) x.v[k] = v;
  } else {
    x = vec_load(reinterpret_cast<const Vec<T, V>*>(row) + j);
  }
  return x;
}

// f(a, b) over the rows of g; mode bit k set: input k is the by-value scalar s.
template <class F, class T, class O>
__device__ __forceinline__ void rows_apply(O* out, const T* a, const T* b, T s, int mode, const Rows2& g) {
  constexpr int V = kVec<T>;
  const F f;
  const int64_t vcols = g.vec ? g.cols / V : 0;
  const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t r = blockIdx.y; r < g.rows; r += gridDim.y) {
    const T* ar = (mode & 1) ? a : a + r * g.rs[0];
    const T* br = (mode & 2) ? b : b + r * g.rs[1];
    O* orow = out + r * g.out_rs;
    for (int64_t j = first; j < vcols; j += step) {
      const Vec<T, V> x = row_vec<T, V>(ar, j, mode & 1, s, g.inner[0]);
      const Vec<T, V> y = row_vec<T, V>(br, j, mode & 2, s, g.inner[1]);
      Vec<O, V> z;
      for (int k = 0; k < V; ++k) z.v[k] = f(x.v[k], y.v[k]);
      vec_store(reinterpret_cast<Vec<O, V>*>(orow) + j, z);
    }
    for (int64_t j = vcols * V + first; j < g.cols; j += step) {
      const T x = (mode & 1) ? s : ar[g.inner[0] ? j : 0];
      const T y = (mode & 2) ? s : br[g.inner[1] ? j : 0];
      orow[j] = f(x, y);
    }
  }
}

// A unary op as rows_apply's binary one (the second input a scalar it ignores).
template <class F>
struct FirstOf {
  template <class T>
  __device__ __forceinline__ auto operator()(T x, T) const { return F{}(x); }
};

template <class T>
__device__ __forceinline__ T load_at(const char* p, int64_t off) {
  return *reinterpret_cast<const T*>(p + off);
}

// Any unary iteration the vector kernel does not take; the 2-D rows form when g.rows > 0.
template <class F, class T, class O>
__global__ void unary_strided_kernel(StridedIndexer<2> ix, Rows2 g, char* out, const char* a, int64_t n) {
  if (g.rows > 0) {
    rows_apply<FirstOf<F>, T, O>(reinterpret_cast<O*>(out), reinterpret_cast<const T*>(a), nullptr, T{}, 2, g);
    return;
  }
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  const F f;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t off[2];
    ix.offsets(i, off);
    *reinterpret_cast<O*>(out + off[0]) = f(load_at<T>(a, off[1]));
  }
}

// Any other binary iteration; also the 2-D rows form when g.rows > 0 (one kernel for both: an
// instantiation per op and dtype is what the CUDA build's time is made of).
template <class F, class T, class O>
__global__ void binary_strided_kernel(StridedIndexer<3> ix, Rows2 g, char* out, const char* a, const char* b,
                                      T s, int mode, int64_t n) {
  if (g.rows > 0) {
    rows_apply<F, T, O>(reinterpret_cast<O*>(out), reinterpret_cast<const T*>(a), reinterpret_cast<const T*>(b), s,
                        mode, g);
    return;
  }
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  const F f;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t off[3];
    ix.offsets(i, off);
    const T x = (mode & 1) ? s : load_at<T>(a, off[1]);
    const T y = (mode & 2) ? s : load_at<T>(b, off[2]);
    *reinterpret_cast<O*>(out + off[0]) = f(x, y);
  }
}

// where (C = bool) and clip (C = T); at most one by-value scalar, the rest are arrays.
template <class F, class C, class T>
__global__ void ternary_strided_kernel(StridedIndexer<4> ix, char* out, const char* c, const char* a,
                                       const char* b, T s, int mode, int64_t n) {
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  const F f;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t off[4];
    ix.offsets(i, off);
    const C x = (mode & 1) ? static_cast<C>(s) : load_at<C>(c, off[1]);
    const T y = (mode & 2) ? s : load_at<T>(a, off[2]);
    const T z = (mode & 4) ? s : load_at<T>(b, off[3]);
    *reinterpret_cast<T*>(out + off[0]) = f(x, y, z);
  }
}

// ---- host-side launchers ----------------------------------------------------------------------
template <class T>
T scalar_value(const Scalar& s) {
  return is_floating(s.dtype) ? kern::convert<T>(s.f) : kern::convert<T>(s.i);
}

inline bool aligned(const void* p, int64_t bytes) {
  return reinterpret_cast<uintptr_t>(p) % static_cast<uintptr_t>(bytes) == 0;
}

// One flat run of memory per array operand (scalars excluded), each 16-byte aligned.
template <class T, class O>
bool vectorisable(const ElementwiseDesc& d) {
  if (d.iter.ndim > 1) return false;
  const bool flat = d.iter.ndim == 0 || d.out.strides[0] == 1;
  if (!flat || !aligned(d.out.data, sizeof(O) * kVec<T>)) return false;
  for (int k = 0; k < d.nin; ++k) {
    if (d.scalar_mask & (1 << k)) continue;
    if ((d.iter.ndim == 1 && d.in[k].strides[0] != 1) || !aligned(d.in[k].data, 16)) return false;
  }
  return true;
}

// The Rows2 form of a unary or binary op's iteration, or false (not 2-D, output rows not
// contiguous, an input strided along its rows, or rows too short to fill a warp).
template <class T, class O>
bool rows_2d(const ElementwiseDesc& d, Rows2& g) {
  if (d.iter.ndim != 2 || d.out.strides[1] != 1 || d.iter.shape[1] < 64) return false;
  constexpr int V = kVec<T>;
  g.rows = d.iter.shape[0];
  g.cols = d.iter.shape[1];
  g.out_rs = d.out.strides[0];
  g.vec = aligned(d.out.data, sizeof(O) * V) && g.out_rs % V == 0;
  for (int k = 0; k < d.nin; ++k) {
    if (d.scalar_mask & (1 << k)) continue;
    const int64_t inner = d.in[k].strides[1];
    if (inner != 0 && inner != 1) return false;
    g.inner[k] = static_cast<int>(inner);
    g.rs[k] = d.in[k].strides[0];
    if (inner == 1) g.vec = g.vec && aligned(d.in[k].data, 16) && g.rs[k] % V == 0;
  }
  return true;
}

// The grid of a Rows2 launch: a row's vectors (or elements) in x, rows in y, capped as grid_for
// caps a 1-D grid (and by y's limit).
template <class T>
dim3 rows_grid(const Rows2& g, int block) {
  const int64_t per_row = g.vec ? (g.cols + kVec<T> - 1) / kVec<T> : g.cols;
  const unsigned gx = grid_for(per_row, block);
  const int64_t gy = std::max<int64_t>(1, grid_for(g.rows * gx * block, block) / gx);
  return dim3(gx, static_cast<unsigned>(std::min<int64_t>(65535, gy)), 1);
}

[[noreturn]] inline void bad_dtype(const ElementwiseDesc& d) {
  throw TypeError(std::string("ufunc '") + kern::op_info(static_cast<kern::OpCode>(d.op)).name +
                  "' has no CUDA kernel for dtype " + std::string(dtype_name(d.in[d.nin - 1].dtype)));
}

template <class F, class T, class O>
void launch_unary(const ElementwiseDesc& d, cudaStream_t stream) {
  const int64_t n = d.iter.numel();
  if (vectorisable<T, O>(d)) {
    launch(unary_vec_kernel<F, T, O>, grid_for((n + kVec<T> - 1) / kVec<T>, kBlock), kBlock, 0, stream,
           static_cast<O*>(d.out.data), static_cast<const T*>(d.in[0].data), n);
    return;
  }
  Rows2 g;
  if (rows_2d<T, O>(d, g)) {
    launch(unary_strided_kernel<F, T, O>, rows_grid<T>(g, kBlock), kBlock, 0, stream, StridedIndexer<2>(), g,
           static_cast<char*>(d.out.data), static_cast<const char*>(d.in[0].data), n);
    return;
  }
  const Operand* ops[2] = {&d.out, &d.in[0]};
  launch(unary_strided_kernel<F, T, O>, grid_for(n, kBlock), kBlock, 0, stream, StridedIndexer<2>(d.iter, ops), Rows2{},
         static_cast<char*>(d.out.data), static_cast<const char*>(d.in[0].data), n);
}

template <class F, class T, class O>
void launch_binary(const ElementwiseDesc& d, cudaStream_t stream) {
  const int64_t n = d.iter.numel();
  const T s = d.scalar_mask ? scalar_value<T>(d.scalar) : T{};
  const int mode = d.scalar_mask;
  if (vectorisable<T, O>(d)) {
    launch(binary_vec_kernel<F, T, O>, grid_for((n + kVec<T> - 1) / kVec<T>, kBlock), kBlock, 0, stream,
           static_cast<O*>(d.out.data), static_cast<const T*>(d.in[0].data),
           static_cast<const T*>(d.in[1].data), s, mode, n);
    return;
  }
  Rows2 g;
  if (rows_2d<T, O>(d, g)) {
    launch(binary_strided_kernel<F, T, O>, rows_grid<T>(g, kBlock), kBlock, 0, stream, StridedIndexer<3>(), g,
           static_cast<char*>(d.out.data), static_cast<const char*>(d.in[0].data),
           static_cast<const char*>(d.in[1].data), s, mode, n);
    return;
  }
  const Operand* ops[3] = {&d.out, &d.in[0], &d.in[1]};
  launch(binary_strided_kernel<F, T, O>, grid_for(n, kBlock), kBlock, 0, stream, StridedIndexer<3>(d.iter, ops), Rows2{},
         static_cast<char*>(d.out.data), static_cast<const char*>(d.in[0].data),
         static_cast<const char*>(d.in[1].data), s, mode, n);
}

template <class F, class C, class T>
void launch_ternary(const ElementwiseDesc& d, cudaStream_t stream) {
  const int64_t n = d.iter.numel();
  const T s = d.scalar_mask ? scalar_value<T>(d.scalar) : T{};
  const Operand* ops[4] = {&d.out, &d.in[0], &d.in[1], &d.in[2]};
  launch(ternary_strided_kernel<F, C, T>, grid_for(n, kBlock), kBlock, 0, stream, StridedIndexer<4>(d.iter, ops),
         static_cast<char*>(d.out.data), static_cast<const char*>(d.in[0].data),
         static_cast<const char*>(d.in[1].data), static_cast<const char*>(d.in[2].data), s,
         static_cast<int>(d.scalar_mask), n);
}

// ---- dtype dispatch for one op --------------------------------------------------------------
template <class F, OpClass Cls>
void run_unary(const ElementwiseDesc& d, cudaStream_t stream) {
  ND_DISPATCH(d.in[0].dtype, T, {
    if constexpr (kern::class_supports<Cls, T>()) launch_unary<F, T, kern::ResultT<Cls, T>>(d, stream);
    else bad_dtype(d);
  });
}
template <class F, OpClass Cls>
void run_binary(const ElementwiseDesc& d, cudaStream_t stream) {
  ND_DISPATCH(d.in[1].dtype, T, {
    if constexpr (kern::class_supports<Cls, T>()) launch_binary<F, T, kern::ResultT<Cls, T>>(d, stream);
    else bad_dtype(d);
  });
}
template <class F, OpClass Cls>
void run_ternary(const ElementwiseDesc& d, cudaStream_t stream) {
  ND_DISPATCH(d.in[2].dtype, T, {
    if constexpr (!kern::class_supports<Cls, T>()) bad_dtype(d);
    else if constexpr (Cls == OpClass::select) launch_ternary<F, bool, T>(d, stream);
    else launch_ternary<F, T, T>(d, stream);
  });
}

}  // namespace nd::cuda::ew
