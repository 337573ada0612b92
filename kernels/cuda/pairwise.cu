// CUDA pairwise scores out[i,j] = metric(x_i, y_j) (cosine_similarity, cdist, nearest, kmeans).
// Every pair is summed the same way whichever kernel runs: float64 terms added one feature after
// another in feature order (so huge or tiny float32 vectors neither overflow nor underflow, and a
// query's scores have the same bits alone or in a batch). Cosine accumulates x.y, x.x and y.y in
// the same pass and finishes with kern::cosine_finish.
//   many rows on both sides: 16x16 output tiles, the two row panels staged through shared
//     memory 16 features at a time;
//   few rows on one side (<= kFewRows queries, or centroids): a thread per row of the other
//     side (the corpus), 128 corpus rows staged per block 32 features at a time with coalesced
//     loads, each thread scoring its row against every query: the corpus is read once.
// Rows of 16-bit floats (PairwiseDesc::x_dtype / y_dtype) are widened as the tiles load them: the
// scores are the float32 rows' bit for bit, and the corpus is never converted.
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

constexpr int kFewRows = 32, kFewThreads = 128, kFewChunk = 32;

// x or y has at most kFewRows rows (few_is_x says which); the other is the corpus. SF: the few
// rows' storage type, SC: the corpus's.
template <class SF, class SC, class T>
__global__ void pairwise_few_kernel(PairwiseDesc p, bool few_is_x) {
  __shared__ T cs[kFewThreads][kFewChunk + 1];  // corpus rows x features
  __shared__ T fs[kFewRows][kFewChunk];         // few rows x features
  __shared__ double fnorm[kFewRows];            // sum of squares of each few row
  const auto metric = static_cast<PairMetric>(p.metric);
  const SF* f = static_cast<const SF*>(few_is_x ? p.x : p.y);
  const SC* c = static_cast<const SC*>(few_is_x ? p.y : p.x);
  const int64_t nf = few_is_x ? p.m : p.n, nc = few_is_x ? p.n : p.m;
  const int64_t fstride = few_is_x ? p.x_row_stride : p.y_row_stride, cstride = few_is_x ? p.y_row_stride : p.x_row_stride;
  const int t = threadIdx.x, lane = t & 31, warp = t >> 5;
  if (t < nf) {  // each few row's norm, in feature order (the tile kernel's xx or yy)
    double ff = 0;
    for (int64_t k = 0; k < p.d; ++k) {
      const double a = static_cast<T>(f[t * fstride + k]);
      ff += a * a;
    }
    fnorm[t] = ff;
  }
  __syncthreads();
  for (int64_t r0 = int64_t(blockIdx.x) * kFewThreads; r0 < nc; r0 += int64_t(gridDim.x) * kFewThreads) {
    const int64_t row = r0 + t;
    double acc[kFewRows], cc = 0;
#pragma unroll
    for (int q = 0; q < kFewRows; ++q) acc[q] = 0;
    for (int64_t k0 = 0; k0 < p.d; k0 += kFewChunk) {
      const int64_t k = k0 + lane;
      __syncthreads();  // the previous chunk's readers are done
      for (int r = warp; r < kFewThreads; r += kFewThreads / 32)  // a warp per row: 128 B a load
        cs[r][lane] = r0 + r < nc && k < p.d ? static_cast<T>(c[(r0 + r) * cstride + k]) : T(0);
      for (int q = warp; q < nf; q += kFewThreads / 32)
        fs[q][lane] = k < p.d ? static_cast<T>(f[q * fstride + k]) : T(0);
      __syncthreads();
      const int kn = p.d - k0 < kFewChunk ? static_cast<int>(p.d - k0) : kFewChunk;
      for (int j = 0; j < kn; ++j) {
        const double b = cs[t][j];  // each pair's terms added as the tile kernel adds them
        if (metric == PairMetric::euclidean) {
#pragma unroll
          for (int q = 0; q < kFewRows; ++q)
            if (q < nf) acc[q] += (fs[q][j] - b) * (fs[q][j] - b);
        } else {
          cc += b * b;
#pragma unroll
          for (int q = 0; q < kFewRows; ++q)
            if (q < nf) acc[q] += fs[q][j] * b;
        }
      }
    }
    if (row < nc) {
#pragma unroll
      for (int q = 0; q < kFewRows; ++q) {
        if (q >= nf) continue;
        double r = acc[q];
        if (metric == PairMetric::euclidean) r = sqrt(r);
        else if (metric == PairMetric::cosine)
          r = few_is_x ? kern::cosine_finish(r, sqrt(fnorm[q]), sqrt(cc), p.eps)
                       : kern::cosine_finish(r, sqrt(cc), sqrt(fnorm[q]), p.eps);
        static_cast<T*>(p.out)[few_is_x ? q * p.n + row : row * p.n + q] = static_cast<T>(r);
      }
    }
  }
}

// Rows x of SX, y of SY: few rows on one side take pairwise_few_kernel, else the tiles.
template <class SX, class SY, class T>
void launch_pair(const PairwiseDesc& d, cudaStream_t stream) {
  if (d.m <= kFewRows || d.n <= kFewRows) {
    const bool few_is_x = d.m <= d.n;
    const unsigned grid = grid_for(few_is_x ? d.n : d.m, kFewThreads);
    if (few_is_x) return launch(pairwise_few_kernel<SX, SY, T>, grid, kFewThreads, 0, stream, d, true);
    return launch(pairwise_few_kernel<SY, SX, T>, grid, kFewThreads, 0, stream, d, false);
  }
  const dim3 block(kTile, kTile);
  const dim3 grid(grid_for(d.n, kTile), static_cast<unsigned>((d.m + kTile - 1) / kTile < 65535 ? (d.m + kTile - 1) / kTile : 65535));
  launch(pairwise_kernel<SX, SY, T>, grid, block, 0, stream, d);
}

// x's rows in SX: y holds x's dtype or the math dtype (k-means' float32 centroids against
// 16-bit rows); the instantiations host/ asks for, no others.
template <class SX, class T>
void launch_x(const PairwiseDesc& d, cudaStream_t stream) {
  if (d.y_dtype == d.dtype) return launch_pair<SX, T, T>(d, stream);
  if constexpr (!std::is_same_v<SX, T>)
    if (d.y_dtype == d.x_dtype) return launch_pair<SX, SX, T>(d, stream);
  kern::no_kernel("pairwise", d.y_dtype);
}

template <class T>
void launch_rows(const PairwiseDesc& d, cudaStream_t stream) {
  if (d.x_dtype == d.dtype) return launch_x<T, T>(d, stream);
  if constexpr (std::is_same_v<T, float>) {
    ND_DISPATCH_HALF(d.x_dtype, S, launch_x<S, T>(d, stream));
  } else {
    kern::no_kernel("pairwise", d.x_dtype);
  }
}

// ---- k-means step: distances by the kernels above, each row's nearest centroid, cluster sums ----

// The first centroid at the smallest distance (NaN never wins), as the CPU's step picks.
template <class T>
__global__ void nearest_centroid_kernel(const T* dist, int64_t n, int64_t k, int64_t* labels) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    T best_v = T(INFINITY);
    int64_t best = 0;
    for (int64_t c = 0; c < k; ++c) {
      const T v = dist[i * k + c];
      if (v < best_v) best_v = v, best = c;
    }
    labels[i] = best;
  }
}

// A thread per (cluster, feature): the rows of that cluster added in float64 in
// kern::kmeans_parts' order (the CPU's), so the same labels give the CPU's sums bit for bit.
// Each warp reads 32 features of a row (coalesced) and every label (a broadcast).
template <class SX, class T>
__global__ void cluster_sums_kernel(const SX* x, const int64_t* labels, int64_t n, int64_t d, int64_t k,
                                    int64_t parts, double* sums) {
  for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < k * d; t += int64_t(gridDim.x) * blockDim.x) {
    const int64_t c = t / d, f = t % d;
    double total = 0;
    for (int64_t p = 0; p < parts; ++p) {
      double part = 0;
      for (int64_t i = p * n / parts; i < (p + 1) * n / parts; ++i)
        if (labels[i] == c) part += static_cast<double>(static_cast<T>(x[i * d + f]));
      total = p == 0 ? part : total + part;
    }
    sums[t] = total;
  }
}

template <class SX, class T>
void launch_kmeans_step(const KMeansStepDesc& s, cudaStream_t stream, Backend& mem) {
  Workspace dist(mem, s.n * s.k * int64_t(sizeof(T)));
  PairwiseDesc p;
  p.metric = static_cast<uint16_t>(PairMetric::euclidean);
  p.dtype = s.dtype;
  p.x_dtype = s.x_dtype;
  p.y_dtype = s.dtype;
  p.m = s.n;
  p.n = s.k;
  p.d = s.d;
  p.x = s.x;
  p.y = s.centroids;
  p.out = dist.p;
  p.x_row_stride = p.y_row_stride = s.d;
  launch_pair<SX, T, T>(p, stream);
  launch(nearest_centroid_kernel<T>, grid_for(s.n, 256), 256, 0, stream, static_cast<const T*>(dist.p), s.n, s.k,
         s.labels);
  launch(cluster_sums_kernel<SX, T>, grid_for(s.k * s.d, 256), 256, 0, stream, static_cast<const SX*>(s.x),
         static_cast<const int64_t*>(s.labels), s.n, s.d, s.k, kern::kmeans_parts(s.n, s.k, s.d), s.sums);
}

}  // namespace

void pairwise(const PairwiseDesc& d, cudaStream_t stream) {
  if (d.m == 0 || d.n == 0) return;
  ND_DISPATCH_FLOAT(d.dtype, T, "pairwise", launch_rows<T>(d, stream));
}

// Labels by euclidean distance (the CPU ranks by |c|^2 - 2 x.c: the same nearest centroid except
// at near-ties), sums in the CPU's order.
bool kmeans_step(const KMeansStepDesc& s, cudaStream_t stream, Backend& mem) {
  if (s.n == 0 || s.k == 0) return false;
  if (s.dtype == DType::float64 && s.x_dtype == DType::float64) {
    launch_kmeans_step<double, double>(s, stream, mem);
  } else if (s.dtype == DType::float32 && s.x_dtype == DType::float32) {
    launch_kmeans_step<float, float>(s, stream, mem);
  } else if (s.dtype == DType::float32 && is_half(s.x_dtype)) {
    ND_DISPATCH_HALF(s.x_dtype, S, launch_kmeans_step<S, float>(s, stream, mem));
  } else {
    return false;
  }
  return true;
}

}  // namespace nd::cuda
