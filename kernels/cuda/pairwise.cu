// CUDA pairwise scores out[i,j] = metric(x_i, y_j) (cosine_similarity, cdist, nearest, kmeans):
// 16x16 output tiles, the two row panels staged through shared memory 16 features at a time,
// float64 accumulation (so huge or tiny float32 vectors neither overflow nor underflow). Cosine
// accumulates x.y, x.x and y.y in the same pass and finishes with kern::cosine_finish. Rows of
// 16-bit floats (PairwiseDesc::x_dtype / y_dtype) are widened as the tiles load them: the scores
// are the float32 rows' bit for bit, and the corpus is never converted.
#include <cmath>
#include <type_traits>

#include "common.hpp"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"
#include "nn_ops.hpp"

namespace nd::cuda {
namespace {

using kern::PairMetric;
constexpr int kTile = 16;

// x holds SX, y SY (T, or a 16-bit float when T is float); out and the tiles hold T.
template <class SX, class SY, class T>
__global__ void pairwise_kernel(PairwiseDesc p) {
  __shared__ T xs[kTile][kTile + 1];
  __shared__ T ys[kTile][kTile + 1];
  const SX* x = static_cast<const SX*>(p.x);
  const SY* y = static_cast<const SY*>(p.y);
  const auto metric = static_cast<PairMetric>(p.metric);
  const int tx = threadIdx.x, ty = threadIdx.y;
  for (int64_t bi = blockIdx.y; bi * kTile < p.m; bi += gridDim.y) {
    for (int64_t bj = blockIdx.x; bj * kTile < p.n; bj += gridDim.x) {
      const int64_t i = bi * kTile + ty, j = bj * kTile + tx;
      double acc = 0, xx = 0, yy = 0;
      for (int64_t k0 = 0; k0 < p.d; k0 += kTile) {
        // Thread (ty, tx) loads feature k0+tx of x row bi*16+ty and of y row bj*16+ty.
        const int64_t xi = bi * kTile + ty, yj = bj * kTile + ty, k = k0 + tx;
        xs[ty][tx] = xi < p.m && k < p.d ? static_cast<T>(x[xi * p.x_row_stride + k]) : T(0);
        ys[ty][tx] = yj < p.n && k < p.d ? static_cast<T>(y[yj * p.y_row_stride + k]) : T(0);
        __syncthreads();
        const int kn = p.d - k0 < kTile ? static_cast<int>(p.d - k0) : kTile;
        for (int q = 0; q < kn; ++q) {
          const double a = xs[ty][q], b = ys[tx][q];
          if (metric == PairMetric::euclidean) {
            acc += (a - b) * (a - b);
          } else {
            acc += a * b;
            xx += a * a;
            yy += b * b;
          }
        }
        __syncthreads();
      }
      if (i < p.m && j < p.n) {
        double r = acc;
        if (metric == PairMetric::euclidean) r = sqrt(acc);
        else if (metric == PairMetric::cosine) r = kern::cosine_finish(acc, sqrt(xx), sqrt(yy), p.eps);
        static_cast<T*>(p.out)[i * p.n + j] = static_cast<T>(r);
      }
    }
  }
}

// x's rows in SX: y holds x's dtype or the math dtype (k-means' float32 centroids against
// 16-bit rows); the instantiations host/ asks for, no others.
template <class SX, class T>
void launch_x(const PairwiseDesc& d, dim3 grid, dim3 block, cudaStream_t stream) {
  if (d.y_dtype == d.dtype) return launch(pairwise_kernel<SX, T, T>, grid, block, 0, stream, d);
  if constexpr (!std::is_same_v<SX, T>)
    if (d.y_dtype == d.x_dtype) return launch(pairwise_kernel<SX, SX, T>, grid, block, 0, stream, d);
  kern::no_kernel("pairwise", d.y_dtype);
}

template <class T>
void launch_rows(const PairwiseDesc& d, dim3 grid, dim3 block, cudaStream_t stream) {
  if (d.x_dtype == d.dtype) return launch_x<T, T>(d, grid, block, stream);
  if constexpr (std::is_same_v<T, float>) {
    ND_DISPATCH_HALF(d.x_dtype, S, launch_x<S, T>(d, grid, block, stream));
  } else {
    kern::no_kernel("pairwise", d.x_dtype);
  }
}

}  // namespace

void pairwise(const PairwiseDesc& d, cudaStream_t stream) {
  if (d.m == 0 || d.n == 0) return;
  const dim3 block(kTile, kTile);
  const dim3 grid(grid_for(d.n, kTile), static_cast<unsigned>((d.m + kTile - 1) / kTile < 65535 ? (d.m + kTile - 1) / kTile : 65535));
  ND_DISPATCH_FLOAT(d.dtype, T, "pairwise", launch_rows<T>(d, grid, block, stream));
}

}  // namespace nd::cuda
