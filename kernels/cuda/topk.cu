// CUDA top-k along an axis. Both paths rank (key, index) pairs, key = kern::topk_key (smaller
// first, then the lower index): that is kern::topk_before's order, so they select exactly what
// the CPU selects, bit for bit, for every k up to the axis size. Neither is quadratic.
//   k <= 256, warp select: each warp reads its slice of a row once, keeping its best k as a
//     sorted list spread over the lanes' registers (32 x L entries); a ballot finds the few
//     elements that beat the list's k-th entry, and each is put in by shifting the list one
//     rank. A block's warps merge their lists in shared memory. A row split over several blocks
//     (few, long rows) leaves each block's k best in a workspace; one more launch merges them.
//   larger k, radix select then sort: the row's keys; 4-bit digits from the top find the k-th
//     key and how many keys equal to it to take; a stable partition moves the k selected, in
//     index order, to a buffer; a stable LSD radix sort orders them. Every pass is linear in the
//     row. Positions come from per-tile bucket counts and their exclusive scan, never from
//     atomics, so the memory written is the same under any schedule.
#include <cstdint>

#include "common.hpp"
#include "cuda/block_reduce.cuh"
#include "cuda/cuda_backend.cuh"
#include "cuda/launch.cuh"
#include "cuda/strided.cuh"
#include "nn_ops.hpp"

namespace nd::cuda {
namespace {

struct TopkParams {
  StridedIndexer<1> ix;  // byte offset of each row's first element
  const char* in = nullptr;
  int64_t rows = 0, len = 0, k = 0, stride = 1;
  bool largest = true;
  void* values = nullptr;
  int64_t* indices = nullptr;
};

template <class T>
__device__ __forceinline__ const T* row_of(const TopkParams& p, int64_t row) {
  int64_t off[1];
  p.ix.offsets(row, off);
  return reinterpret_cast<const T*>(p.in + off[0]);
}

// Writes rank r of a row's answer: the element at index i (values keep their bits: NaN payloads,
// the sign of zero).
template <class T>
__device__ __forceinline__ void put_answer(const TopkParams& p, const T* x, int64_t row, int64_t r, int64_t i) {
  static_cast<T*>(p.values)[row * p.k + r] = x[i * p.stride];
  p.indices[row * p.k + r] = i;
}

constexpr long long kNone = 0x7fffffffffffffffLL;  // index of an empty slot: after every element

template <class K>
struct Entry {
  K key;
  long long idx;
};

template <class K>
__device__ __forceinline__ bool before(K ka, long long ia, K kb, long long ib) {
  return ka < kb || (ka == kb && ia < ib);
}

// ---------------------------------------------------------------------------------------------
// Warp select (k <= kWarpMaxK)

constexpr int64_t kWarpMaxK = 256;
constexpr int kSelectWarps = 4;         // per block
constexpr int64_t kMinSlice = 1024;     // elements per warp at least when a row is split
constexpr int64_t kTargetBlocks = 1024; // rows x chunks to aim for on few, long rows

// A warp's best entries, sorted: rank r = lane * L + s lives in lane r / L, slot r % L. Every
// lane holds the threshold (the entry at rank k - 1; empty until k entries came).
template <class K, int L>
struct WarpList {
  K key[L];
  long long idx[L];
  K tkey;
  long long tidx;
  int k;

  __device__ void clear(int k_) {
#pragma unroll
    for (int s = 0; s < L; ++s) key[s] = ~K(0), idx[s] = kNone;
    tkey = ~K(0), tidx = kNone, k = k_;
  }
  __device__ bool beats(K ck, long long ci) const { return before(ck, ci, tkey, tidx); }

  // Puts (ck, ci), the same on every lane, at its rank; the last entry falls off.
  __device__ void insert(K ck, long long ci) {
    const int lane = threadIdx.x & 31;
    // Its rank p: L for every lane whose last entry ranks before it, plus the entries before it
    // in the first lane that is not all before (the list is sorted across and within lanes).
    const int whole = __popc(__ballot_sync(kFullMask, before(key[L - 1], idx[L - 1], ck, ci)));
    int mine = 0;
#pragma unroll
    for (int s = 0; s < L; ++s) mine += before(key[s], idx[s], ck, ci) ? 1 : 0;
    const int edge = __shfl_sync(kFullMask, mine, whole < 32 ? whole : 31);
    const int p = whole * L + (whole < 32 ? edge : 0);
    const K up_key = __shfl_up_sync(kFullMask, key[L - 1], 1);
    const long long up_idx = __shfl_up_sync(kFullMask, idx[L - 1], 1);
#pragma unroll
    for (int s = L - 1; s >= 0; --s) {  // downwards: slot s - 1 is still the old entry
      const int r = lane * L + s;
      if (r > p) {
        key[s] = s > 0 ? key[s > 0 ? s - 1 : 0] : up_key;
        idx[s] = s > 0 ? idx[s > 0 ? s - 1 : 0] : up_idx;
      } else if (r == p) {
        key[s] = ck, idx[s] = ci;
      }
    }
    const int ts = (k - 1) % L;
    K t = key[0];
    long long ti = idx[0];
#pragma unroll
    for (int s = 1; s < L; ++s)
      if (s == ts) t = key[s], ti = idx[s];
    tkey = __shfl_sync(kFullMask, t, (k - 1) / L);
    tidx = __shfl_sync(kFullMask, ti, (k - 1) / L);
  }

  // Offers candidates get(j), j in [lo, hi), 32 at a time (four groups' loads in flight); the
  // beaters of each group go in lane order, each checked again against the moving threshold.
  template <class Get>
  __device__ void stream(int64_t lo, int64_t hi, Get get) {
    constexpr int kGroups = 4;
    const int lane = threadIdx.x & 31;
    for (int64_t j0 = lo; j0 < hi; j0 += 32 * kGroups) {
      Entry<K> e[kGroups];
#pragma unroll
      for (int g = 0; g < kGroups; ++g) {
        const int64_t j = j0 + 32 * g + lane;
        e[g] = j < hi ? get(j) : Entry<K>{~K(0), kNone};
      }
      bool any = false;  // usually none of the 128 beats the k-th: one vote for them all
#pragma unroll
      for (int g = 0; g < kGroups; ++g) any = any || beats(e[g].key, e[g].idx);
      if (!__any_sync(kFullMask, any)) continue;
#pragma unroll
      for (int g = 0; g < kGroups; ++g) {
        for (unsigned m = __ballot_sync(kFullMask, beats(e[g].key, e[g].idx)); m; m &= m - 1) {
          const int b = __ffs(static_cast<int>(m)) - 1;
          const K ck = __shfl_sync(kFullMask, e[g].key, b);
          const long long ci = __shfl_sync(kFullMask, e[g].idx, b);
          if (beats(ck, ci)) insert(ck, ci);
        }
      }
    }
  }

  template <class Put>
  __device__ void emit(Put put) const {
    const int lane = threadIdx.x & 31;
#pragma unroll
    for (int s = 0; s < L; ++s)
      if (lane * L + s < k) put(lane * L + s, Entry<K>{key[s], idx[s]});
  }
};

// The k best of candidates get(0..n): each warp streams a quarter, warp 0 merges the quarters'
// lists from shared memory and hands its k entries (rank order) to put(r, entry).
template <class K, int L, class Get, class Put>
__device__ void block_select(int64_t n, int k, Get get, Put put, Entry<K>* sh) {
  const int warp = threadIdx.x >> 5;
  WarpList<K, L> list;
  list.clear(k);
  list.stream(n * warp / kSelectWarps, n * (warp + 1) / kSelectWarps, get);
  list.emit([&](int r, Entry<K> e) { sh[warp * k + r] = e; });
  __syncthreads();
  if (warp == 0) {
    list.clear(k);
    list.stream(0, int64_t(kSelectWarps) * k, [&](int64_t j) { return sh[j]; });
    list.emit(put);
  }
  __syncthreads();  // sh is rewritten by the block's next row
}

// Block b = row * chunks + c takes elements [c chunk, (c + 1) chunk) of its row: the answer when
// chunks == 1, else its k best to part[b * k ...].
template <class T, int L>
__global__ __launch_bounds__(kSelectWarps * 32) void topk_select_kernel(TopkParams p, int64_t chunks, int64_t chunk, Entry<kern::TopkKey<T>>* part) {
  using K = kern::TopkKey<T>;
  __shared__ Entry<K> sh[kSelectWarps * 32 * L];
  for (int64_t b = blockIdx.x; b < p.rows * chunks; b += gridDim.x) {
    const int64_t row = b / chunks, lo = b % chunks * chunk;
    const int64_t n = p.len - lo < chunk ? p.len - lo : chunk;
    const T* x = row_of<T>(p, row);
    block_select<K, L>(
        n, static_cast<int>(p.k),
        [&](int64_t j) { return Entry<K>{kern::topk_key<T>(x[(lo + j) * p.stride], p.largest), lo + j}; },
        [&](int r, Entry<K> e) {
          if (part) part[b * p.k + r] = e;
          else put_answer<T>(p, x, row, r, e.idx);
        },
        sh);
  }
}

// A row's answer from its chunks' k best (chunks * k candidates; empty slots rank last).
template <class T, int L>
__global__ __launch_bounds__(kSelectWarps * 32) void topk_merge_kernel(TopkParams p, int64_t chunks, const Entry<kern::TopkKey<T>>* part) {
  using K = kern::TopkKey<T>;
  __shared__ Entry<K> sh[kSelectWarps * 32 * L];
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
    const Entry<K>* cand = part + row * chunks * p.k;
    const T* x = row_of<T>(p, row);
    block_select<K, L>(
        chunks * p.k, static_cast<int>(p.k), [&](int64_t j) { return cand[j]; },
        [&](int r, Entry<K> e) { put_answer<T>(p, x, row, r, e.idx); }, sh);
  }
}

template <class T, int L>
void launch_warp_select(const TopkParams& p, cudaStream_t stream, Backend& mem) {
  using K = kern::TopkKey<T>;
  // Few, long rows are split so that about kTargetBlocks blocks run, each warp a slice of at
  // least kMinSlice elements and 4 k (a block's k best are at most 1/16 of its chunk, so the
  // merge reads little).
  int64_t chunks = 1;
  if (p.rows < kTargetBlocks) {
    const int64_t slice = kMinSlice > 4 * p.k ? kMinSlice : 4 * p.k;
    chunks = div_up(p.len, slice * kSelectWarps);
    const int64_t want = div_up(kTargetBlocks, p.rows);
    if (chunks > want) chunks = want;
    if (chunks < 1) chunks = 1;
  }
  const int64_t chunk = div_up(p.len, chunks);
  chunks = div_up(p.len, chunk);
  const int block = kSelectWarps * 32;
  if (chunks == 1) {
    launch(topk_select_kernel<T, L>, grid_for(p.rows, 1), block, 0, stream, p, int64_t(1), chunk,
           static_cast<Entry<K>*>(nullptr));
    return;
  }
  Workspace part(mem, p.rows * chunks * p.k * static_cast<int64_t>(sizeof(Entry<K>)));
  launch(topk_select_kernel<T, L>, grid_for(p.rows * chunks, 1), block, 0, stream, p, chunks, chunk,
         static_cast<Entry<K>*>(part.p));
  launch(topk_merge_kernel<T, L>, grid_for(p.rows, 1), block, 0, stream, p, chunks,
         static_cast<const Entry<K>*>(part.p));
}

// ---------------------------------------------------------------------------------------------
// Radix select and sort (k > kWarpMaxK)

constexpr int kDigitBits = 4, kBuckets = 1 << kDigitBits;
constexpr int kRadixThreads = 256, kRun = 8;  // a thread's run of consecutive elements
constexpr int64_t kTile = kRadixThreads * kRun;

template <class K>
struct RowState {  // per row, while selecting: the k-th key's digits found so far
  K prefix;
  long long need;  // how many of the keys matching prefix still to take
};

enum class PassKind : int {
  select,     // bucket: the digit at `shift` of keys matching the prefix above it; others none
  partition,  // bucket: 0 key < k-th key, 1 equal, 2 greater; positions past out_len dropped
  sort,       // bucket: the digit at `shift`
};

// One counting or scattering pass over rows of `len` keys (tiles of kTile).
template <class K>
struct RadixPass {
  PassKind kind = PassKind::sort;
  int shift = 0;
  int64_t rows = 0, len = 0, tiles = 0;
  const K* keys = nullptr;
  const long long* idx = nullptr;  // nullptr: the index is the position in the row
  const RowState<K>* state = nullptr;
  int64_t* counts = nullptr;  // per row: kBuckets * tiles + 1, bucket-major
  K* out_keys = nullptr;
  long long* out_idx = nullptr;
  int64_t out_len = 0;  // per row
};

template <class K>
__device__ __forceinline__ K high_bits(K v, int from) {
  return from >= int(8 * sizeof(K)) ? K(0) : v >> from;
}

template <class K>
__device__ __forceinline__ int bucket_of(const RadixPass<K>& p, K key, const RowState<K>& st) {
  switch (p.kind) {
    case PassKind::select:
      return high_bits<K>(key ^ st.prefix, p.shift + kDigitBits) == 0 ? int(key >> p.shift) & (kBuckets - 1) : -1;
    case PassKind::partition:
      return key < st.prefix ? 0 : key == st.prefix ? 1 : 2;
    default:
      return int(key >> p.shift) & (kBuckets - 1);
  }
}

// A tile's bucket positions. Thread t owns the run [lo + t kRun, lo + (t + 1) kRun): after
// tile_scan, at[b][t] is the tile-relative position of its first element in bucket b (buckets
// in order, threads in order within a bucket) and start[b] that of the bucket's first element
// (start[kBuckets]: the tile's count).
struct TileScan {
  int at[kBuckets][kRadixThreads];
  int start[kBuckets + 1];
  int warp_sum[kRadixThreads / 32];
};

template <class Bucket>
__device__ void tile_scan(TileScan& s, int64_t lo, int64_t hi, Bucket bucket) {
  const int t = threadIdx.x, lane = t & 31, warp = t >> 5;
  for (int b = 0; b < kBuckets; ++b) s.at[b][t] = 0;
  for (int e = 0; e < kRun; ++e) {
    const int64_t i = lo + int64_t(t) * kRun + e;
    const int b = i < hi ? bucket(i) : -1;
    if (b >= 0) ++s.at[b][t];  // the thread's own column
  }
  __syncthreads();
  // Exclusive scan of at[][] read bucket-major: thread t takes the 16 flat entries from t * 16.
  int* flat = &s.at[0][0];
  constexpr int kPer = kBuckets * kRadixThreads / kRadixThreads;
  int v[kPer], sum = 0;
  for (int q = 0; q < kPer; ++q) v[q] = flat[t * kPer + q], sum += v[q];
  int incl = sum;
  for (int o = 1; o < 32; o <<= 1) {
    const int u = __shfl_up_sync(kFullMask, incl, o);
    if (lane >= o) incl += u;
  }
  if (lane == 31) s.warp_sum[warp] = incl;
  __syncthreads();
  int run = incl - sum;
  for (int w = 0; w < warp; ++w) run += s.warp_sum[w];
  for (int q = 0; q < kPer; ++q) flat[t * kPer + q] = run, run += v[q];
  if (t == kRadixThreads - 1) s.start[kBuckets] = run;
  __syncthreads();
  if (t < kBuckets) s.start[t] = s.at[t][0];
  __syncthreads();
}

// Per row: counts -> exclusive offsets (bucket-major, so a bucket's tiles follow each other).
__global__ __launch_bounds__(kRadixThreads) void radix_scan_kernel(int64_t* counts, int64_t rows, int64_t n) {
  __shared__ int64_t part[kRadixThreads];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) block_exclusive_scan(counts + row * (n + 1), n, part);
}

// After a select pass's scan: the bucket holding the need-th matching key becomes the prefix's
// next digit; the keys in lower buckets are taken.
template <class K>
__global__ void radix_find_kernel(RowState<K>* state, const int64_t* counts, int64_t rows, int64_t tiles, int shift) {
  for (int64_t row = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; row < rows; row += int64_t(gridDim.x) * blockDim.x) {
    const int64_t* c = counts + row * (kBuckets * tiles + 1);
    RowState<K> st = state[row];
    int b = 0;
    while (b + 1 < kBuckets && c[(b + 1) * tiles] < st.need) ++b;
    st.need -= c[b * tiles];
    st.prefix |= K(b) << shift;
    state[row] = st;
  }
}

// Moves each key of the tile [lo, hi) (and its index) to base(b) + its rank within bucket b in
// the tile: stable. tile_scan must have just run on the same tile.
template <class K, class Base>
__device__ __forceinline__ void scatter_tile(const RadixPass<K>& p, TileScan& s, int64_t row, int64_t lo, int64_t hi,
                                             const RowState<K>& st, Base base) {
  const K* keys = p.keys + row * p.len;
  const int t = threadIdx.x;
  for (int e = 0; e < kRun; ++e) {
    const int64_t i = lo + int64_t(t) * kRun + e;
    const int b = i < hi ? bucket_of(p, keys[i], st) : -1;
    if (b < 0) continue;
    const int64_t pos = base(b) + (s.at[b][t]++ - s.start[b]);
    if (pos < p.out_len) {
      p.out_keys[row * p.out_len + pos] = keys[i];
      p.out_idx[row * p.out_len + pos] = p.idx ? p.idx[row * p.len + i] : i;
    }
  }
}

// Grid-stride over (row, tile). Counting: the tile's count per bucket into counts[row][b][tile].
// Scattering (counts scanned since): each key to its position.
template <class K>
__global__ __launch_bounds__(kRadixThreads) void radix_tiles_kernel(RadixPass<K> p, bool scatter) {
  __shared__ TileScan s;
  for (int64_t w = blockIdx.x; w < p.rows * p.tiles; w += gridDim.x) {
    const int64_t row = w / p.tiles, tile = w % p.tiles, lo = tile * kTile;
    const int64_t hi = lo + kTile < p.len ? lo + kTile : p.len;
    const K* keys = p.keys + row * p.len;
    const RowState<K> st = p.state ? p.state[row] : RowState<K>{K(0), 0};
    tile_scan(s, lo, hi, [&](int64_t i) { return bucket_of(p, keys[i], st); });
    int64_t* c = p.counts + row * (kBuckets * p.tiles + 1) + tile;
    if (scatter) scatter_tile(p, s, row, lo, hi, st, [&](int b) { return c[b * p.tiles]; });
    else if (threadIdx.x < kBuckets) c[threadIdx.x * p.tiles] = s.start[threadIdx.x + 1] - s.start[threadIdx.x];
    __syncthreads();  // s is rewritten by the next tile
  }
}

// ---- a block per row: every pass in one launch (rows of at most kOwnedMaxLen, or many rows) ----

constexpr int64_t kOwnedMaxLen = 16 * kTile;
constexpr int64_t kOwnedMinRows = 128;

// sum[b] = the row's keys in bucket b (a pass over its tiles).
template <class K>
__device__ void owned_count(const RadixPass<K>& p, TileScan& s, int64_t row, const RowState<K>& st, long long* sum) {
  const int t = threadIdx.x;
  const K* keys = p.keys + row * p.len;
  if (t < kBuckets) sum[t] = 0;
  for (int64_t lo = 0; lo < p.len; lo += kTile) {
    const int64_t hi = lo + kTile < p.len ? lo + kTile : p.len;
    tile_scan(s, lo, hi, [&](int64_t i) { return bucket_of(p, keys[i], st); });
    if (t < kBuckets) sum[t] += s.start[t + 1] - s.start[t];  // only thread t touches sum[t]
  }
  __syncthreads();
}

// The pass's scatter over the row: the buckets' starts from owned_count, then tile by tile.
template <class K>
__device__ void owned_scatter(const RadixPass<K>& p, TileScan& s, int64_t row, const RowState<K>& st, long long* base) {
  const int t = threadIdx.x;
  const K* keys = p.keys + row * p.len;
  owned_count(p, s, row, st, base);
  if (t == 0)
    for (long long b = 0, run = 0; b < kBuckets; ++b) {
      const long long c = base[b];
      base[b] = run, run += c;
    }
  __syncthreads();
  for (int64_t lo = 0; lo < p.len; lo += kTile) {
    const int64_t hi = lo + kTile < p.len ? lo + kTile : p.len;
    tile_scan(s, lo, hi, [&](int64_t i) { return bucket_of(p, keys[i], st); });
    scatter_tile(p, s, row, lo, hi, st, [&](int b) { return static_cast<int64_t>(base[b]); });
    __syncthreads();  // every thread has read base
    if (t < kBuckets) base[t] += s.start[t + 1] - s.start[t];
  }
  __syncthreads();
}

// keys, bk and bi: per row len, 2 k and 2 k slots of workspace.
template <class T>
__global__ __launch_bounds__(kRadixThreads) void topk_radix_rows_kernel(TopkParams p, kern::TopkKey<T>* keys,
                                                                        kern::TopkKey<T>* bk, long long* bi) {
  using K = kern::TopkKey<T>;
  constexpr int kBits = 8 * sizeof(T);
  __shared__ TileScan s;
  __shared__ long long sum[kBuckets];
  __shared__ RowState<K> st;
  const int t = threadIdx.x;
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
    const T* x = row_of<T>(p, row);
    for (int64_t i = t; i < p.len; i += blockDim.x) keys[row * p.len + i] = kern::topk_key<T>(x[i * p.stride], p.largest);
    if (t == 0) st = {K(0), static_cast<long long>(p.k)};
    __syncthreads();
    RadixPass<K> pass;
    pass.rows = p.rows;
    pass.keys = keys;
    pass.len = p.len;
    for (int shift = kBits - kDigitBits; shift >= 0; shift -= kDigitBits) {  // the k-th key
      pass.kind = PassKind::select;
      pass.shift = shift;
      owned_count(pass, s, row, st, sum);
      if (t == 0) {
        long long before = 0;
        int b = 0;
        while (b + 1 < kBuckets && before + sum[b] < st.need) before += sum[b++];
        st.need -= before;
        st.prefix |= K(b) << shift;
      }
      __syncthreads();
    }
    K *from_k = bk, *to_k = bk + p.rows * p.k;  // ping-pong buffers
    long long *from_i = bi, *to_i = bi + p.rows * p.k;
    pass.kind = PassKind::partition;
    pass.out_keys = from_k;
    pass.out_idx = from_i;
    pass.out_len = p.k;
    owned_scatter(pass, s, row, st, sum);
    pass.kind = PassKind::sort;
    pass.len = p.k;
    for (int shift = 0; shift < kBits; shift += kDigitBits) {
      pass.shift = shift;
      pass.keys = from_k;
      pass.idx = from_i;
      pass.out_keys = to_k;
      pass.out_idx = to_i;
      owned_scatter(pass, s, row, st, sum);
      K* tk = from_k;
      from_k = to_k, to_k = tk;
      long long* ti = from_i;
      from_i = to_i, to_i = ti;
    }
    for (int64_t r = t; r < p.k; r += blockDim.x) put_answer<T>(p, x, row, r, from_i[row * p.k + r]);
    __syncthreads();
  }
}

template <class T>
__global__ void topk_keys_kernel(TopkParams p, kern::TopkKey<T>* keys, RowState<kern::TopkKey<T>>* state) {
  const int64_t n = p.rows * p.len;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t row = i / p.len, j = i % p.len;
    keys[i] = kern::topk_key<T>(row_of<T>(p, row)[j * p.stride], p.largest);
    if (j == 0) state[row] = {kern::TopkKey<T>(0), static_cast<long long>(p.k)};
  }
}

template <class T>
__global__ void topk_answer_kernel(TopkParams p, const long long* idx) {
  const int64_t n = p.rows * p.k;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t row = i / p.k;
    put_answer<T>(p, row_of<T>(p, row), row, i % p.k, idx[i]);
  }
}

template <class K>
void radix_pass(RadixPass<K> pass, cudaStream_t stream) {
  pass.tiles = div_up(pass.len, kTile);
  const unsigned grid = grid_for(pass.rows * pass.tiles, 1);
  launch(radix_tiles_kernel<K>, grid, kRadixThreads, 0, stream, pass, false);
  launch(radix_scan_kernel, grid_for(pass.rows, 1), kRadixThreads, 0, stream, pass.counts, pass.rows,
         kBuckets * pass.tiles);
  if (pass.kind == PassKind::select) {
    launch(radix_find_kernel<K>, grid_for(pass.rows, kRadixThreads), kRadixThreads, 0, stream,
           const_cast<RowState<K>*>(pass.state), static_cast<const int64_t*>(pass.counts), pass.rows,
           pass.tiles, pass.shift);
  } else {
    launch(radix_tiles_kernel<K>, grid, kRadixThreads, 0, stream, pass, true);
  }
}

template <class T>
void launch_radix(const TopkParams& p, cudaStream_t stream, Backend& mem) {
  using K = kern::TopkKey<T>;
  constexpr int kBits = 8 * sizeof(T);
  const int64_t rows = p.rows, len = p.len, k = p.k;
  Workspace keys(mem, rows * len * int64_t(sizeof(K)));
  Workspace buf_keys(mem, 2 * rows * k * int64_t(sizeof(K)));  // the k selected, two copies for
  Workspace buf_idx(mem, 2 * rows * k * int64_t(sizeof(long long)));  // the sort's ping-pong
  if (len <= kOwnedMaxLen || rows >= kOwnedMinRows) {
    launch(topk_radix_rows_kernel<T>, grid_for(rows, 1), kRadixThreads, 0, stream, p, static_cast<K*>(keys.p),
           static_cast<K*>(buf_keys.p), static_cast<long long*>(buf_idx.p));
    return;
  }
  Workspace state(mem, rows * int64_t(sizeof(RowState<K>)));
  Workspace counts(mem, rows * (kBuckets * div_up(len, kTile) + 1) * int64_t(sizeof(int64_t)));
  K* bk[2] = {static_cast<K*>(buf_keys.p), static_cast<K*>(buf_keys.p) + rows * k};
  long long* bi[2] = {static_cast<long long*>(buf_idx.p), static_cast<long long*>(buf_idx.p) + rows * k};
  auto* st = static_cast<RowState<K>*>(state.p);
  launch(topk_keys_kernel<T>, grid_for(rows * len, kRadixThreads), kRadixThreads, 0, stream, p,
         static_cast<K*>(keys.p), st);

  RadixPass<K> pass;
  pass.rows = rows;
  pass.counts = static_cast<int64_t*>(counts.p);
  pass.state = st;
  pass.keys = static_cast<const K*>(keys.p);
  pass.len = len;
  for (int shift = kBits - kDigitBits; shift >= 0; shift -= kDigitBits) {  // the k-th key
    pass.kind = PassKind::select;
    pass.shift = shift;
    radix_pass(pass, stream);
  }
  pass.kind = PassKind::partition;  // the k selected, in index order
  pass.out_keys = bk[0];
  pass.out_idx = bi[0];
  pass.out_len = k;
  radix_pass(pass, stream);

  pass.kind = PassKind::sort;  // ordered by key, stable: equal keys stay in index order
  pass.state = nullptr;
  pass.len = k;
  int cur = 0;
  for (int shift = 0; shift < kBits; shift += kDigitBits, cur ^= 1) {
    pass.shift = shift;
    pass.keys = bk[cur];
    pass.idx = bi[cur];
    pass.out_keys = bk[cur ^ 1];
    pass.out_idx = bi[cur ^ 1];
    radix_pass(pass, stream);
  }
  launch(topk_answer_kernel<T>, grid_for(rows * k, kRadixThreads), kRadixThreads, 0, stream, p,
         static_cast<const long long*>(bi[cur]));
}

template <class T>
void launch_topk(const TopkParams& p, cudaStream_t stream, Backend& mem) {
  if (p.k <= 32) return launch_warp_select<T, 1>(p, stream, mem);
  if (p.k <= kWarpMaxK) return launch_warp_select<T, 8>(p, stream, mem);
  launch_radix<T>(p, stream, mem);
}

}  // namespace

void topk(const TopkDesc& d, cudaStream_t stream, Backend& mem) {
  TopkParams p;
  const Operand* ops[1] = {&d.in};
  p.ix = StridedIndexer<1>(d.outer, ops);
  p.in = static_cast<const char*>(d.in.data);
  p.rows = d.outer.numel();
  p.len = d.len;
  p.k = d.k;
  p.stride = d.in_axis_stride;
  p.largest = d.largest;
  p.values = d.values;
  p.indices = d.indices;
  if (p.rows == 0 || p.k == 0) return;
  ND_DISPATCH(d.in.dtype, T, launch_topk<T>(p, stream, mem));
}

}  // namespace nd::cuda
