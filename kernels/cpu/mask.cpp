// Boolean masks and whole-row gathers on the CPU (MaskDesc, RowsDesc): x[mask], x[mask] = v and
// nonzero in one pass over the mask (a count per chunk, an exclusive prefix, then each chunk
// writes its true points from its own offset on), and x[idx] / x[idx] = v as row copies.
// Elements move as raw words of the element size (host/ has already cast to one dtype).
#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "common.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/isa.hpp"
#include "cpu/loops.hpp"
#include "cpu/simd.hpp"

namespace nd::cpu {
namespace {

// ---- points of the mask ------------------------------------------------------------------------

// C-contiguous over iter (point i at element i; host/ has usually coalesced this to one dim).
bool c_contiguous(const Iter& it, const int64_t* strides, int64_t unit) {
  for (int k = it.ndim - 1; k >= 0; --k) {
    if (it.shape[k] != 1 && strides[k] != unit) return false;
    unit *= it.shape[k];
  }
  return true;
}
bool mask_contiguous(const MaskDesc& d) { return c_contiguous(d.iter, d.mask.strides, 1); }
// ... and the data's rows back to back too.
bool data_contiguous(const MaskDesc& d) { return c_contiguous(d.iter, d.data.strides, d.inner); }

template <class M>
bool truth(const char* p) {
  M v;
  std::memcpy(&v, p, sizeof v);
  return v != M(0);
}

// f(is_true, data_element_offset, coords) for the points [b, e) of d.iter, in order.
template <class M, class F>
void walk(const MaskDesc& d, int64_t b, int64_t e, F&& f) {
  const Iter& it = d.iter;
  const int nd = it.ndim;
  int64_t idx[kMaxDims] = {};
  for (int64_t rem = b, k = nd - 1; k >= 0; --k) {
    idx[k] = rem % it.shape[k];
    rem /= it.shape[k];
  }
  int64_t mo = 0, dof = 0;
  for (int k = 0; k < nd; ++k) {
    mo += idx[k] * d.mask.strides[k];
    dof += idx[k] * d.data.strides[k];
  }
  const char* mask = static_cast<const char*>(d.mask.data);
  const int64_t msize = sizeof(M);
  for (int64_t i = b; i < e; ++i) {
    if (!f(truth<M>(mask + mo * msize), dof, idx)) return;
    for (int k = nd - 1; k >= 0; --k) {  // odometer
      mo += d.mask.strides[k];
      dof += d.data.strides[k];
      if (++idx[k] < it.shape[k]) break;
      mo -= it.shape[k] * d.mask.strides[k];
      dof -= it.shape[k] * d.data.strides[k];
      idx[k] = 0;
    }
  }
}

ND_SIMD_CLONES int64_t count_bytes(const uint8_t* p, int64_t n) {
  int64_t c = 0;
  for (int64_t i = 0; i < n; ++i) c += p[i] != 0;
  return c;
}

template <class M>
int64_t count_chunk(const MaskDesc& d, int64_t b, int64_t e) {
  if (sizeof(M) == 1 && mask_contiguous(d)) return count_bytes(static_cast<const uint8_t*>(d.mask.data) + b, e - b);
  int64_t c = 0;
  walk<M>(d, b, e, [&](bool t, int64_t, const int64_t*) { c += t; return true; });
  return c;
}

// Runs body(c) for every chunk: inline when the work is small, else across the pool.
template <class Body>
void for_chunks(const MaskDesc& d, Body&& body) {
  const int64_t nc = d.nchunks();
  if (d.iter.numel() * std::max<int64_t>(d.inner, 1) < 2 * kParallelGrain || nc == 1) {
    for (int64_t c = 0; c < nc; ++c) body(c);
    return;
  }
  parallel_for(nc, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) body(c);
  });
}

template <class M>
void count_all(const MaskDesc& d) {
  const int64_t n = d.iter.numel();
  for_chunks(d, [&](int64_t c) { d.counts[c] = count_chunk<M>(d, c * d.chunk, std::min(n, (c + 1) * d.chunk)); });
  int64_t run = 0;
  for (int64_t c = 0; c < d.nchunks(); ++c) {
    const int64_t k = d.counts[c];
    d.counts[c] = run;
    run += k;
  }
  d.counts[d.nchunks()] = run;
}

// ---- compaction: a contiguous mask over contiguous words ---------------------------------------

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define ND_MASK_AVX2 1
// perm[b] moves the lanes set in b to the front, in order.
struct CompressTable {
  alignas(32) int32_t perm[256][8];
  CompressTable() {
    for (int b = 0; b < 256; ++b) {
      int k = 0;
      for (int l = 0; l < 8; ++l)
        if (b >> l & 1) perm[b][k++] = l;
      for (; k < 8; ++k) perm[b][k] = 0;
    }
  }
};
const CompressTable& compress_table() {
  static const CompressTable t;
  return t;
}

// 32-bit words: 32 points per step, 8 at a time through one permute; each store writes 8 lanes,
// so it runs while 32 more stay inside this chunk's output [.., room). Returns where it stopped.
__attribute__((target("avx2,popcnt"))) int64_t compress32_avx2(const uint8_t* m, const uint32_t* src, uint32_t* dst,
                                                              int64_t n, int64_t& r, int64_t room) {
  const CompressTable& t = compress_table();
  const __m256i zero = _mm256_setzero_si256();
  int64_t i = 0;
  for (; i + 32 <= n && r + 32 <= room; i += 32) {
    const __m256i mv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m + i));
    const uint32_t bits = ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(mv, zero)));
    if (bits == 0) continue;
    for (int g = 0; g < 4; ++g) {
      const uint32_t b8 = (bits >> (8 * g)) & 0xFFu;
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 8 * g));
      const __m256i p = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.perm[b8]));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + r), _mm256_permutevar8x32_epi32(v, p));
      r += _mm_popcnt_u32(b8);
    }
  }
  return i;
}
bool have_avx2() {  // cpu/isa.hpp's choice, and POPCNT
  static const bool yes = cpu_isa() != Isa::generic && __builtin_cpu_supports("popcnt");
  return yes;
}
#endif

// Points [b, e) of a contiguous mask over contiguous words: out[r...] = src[i] where m[i].
// Branch-free: every point stores, only true ones advance r; it stops once the chunk's
// `room` is full, so no store lands in another chunk's output.
template <class W>
void compress_words(const uint8_t* m, const W* src, W* dst, int64_t b, int64_t e, int64_t r, int64_t room) {
  int64_t i = b;
#ifdef ND_MASK_AVX2
  if constexpr (sizeof(W) == 4)
    if (have_avx2())
      i += compress32_avx2(m + b, reinterpret_cast<const uint32_t*>(src + b), reinterpret_cast<uint32_t*>(dst), e - b, r, room);
#endif
  for (; i < e && r < room; ++i) {
    dst[r] = src[i];
    r += m[i] != 0;
  }
}

// data[i] = value[r++] where m[i] (the inverse of compress_words), same stopping rule.
template <class W>
void expand_words(const uint8_t* m, W* data, const W* value, int64_t b, int64_t e, int64_t r, int64_t room) {
  for (int64_t i = b; i < e && r < room; ++i) {
    const W v = value[r];
    const bool t = m[i] != 0;
    data[i] = t ? v : data[i];
    r += t;
  }
}

template <class W>
ND_VINLINE void fill_words_body(const uint8_t* m, W* data, W v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) data[i] = m[i] ? v : data[i];
}
ND_SIMD_CLONES void fill_words(const uint8_t* m, uint8_t* data, uint8_t v, int64_t n) { fill_words_body(m, data, v, n); }
ND_SIMD_CLONES void fill_words(const uint8_t* m, uint16_t* data, uint16_t v, int64_t n) { fill_words_body(m, data, v, n); }
ND_SIMD_CLONES void fill_words(const uint8_t* m, uint32_t* data, uint32_t v, int64_t n) { fill_words_body(m, data, v, n); }
ND_SIMD_CLONES void fill_words(const uint8_t* m, uint64_t* data, uint64_t v, int64_t n) { fill_words_body(m, data, v, n); }

// ---- mask_apply --------------------------------------------------------------------------------

template <class W>
void apply_words(const MaskDesc& d) {
  const int64_t n = d.iter.numel(), inner = d.inner;
  const uint8_t* m = static_cast<const uint8_t*>(d.mask.data);
  W* data = static_cast<W*>(d.data.data);
  const bool fast = mask_contiguous(d) && data_contiguous(d);
  if (d.op == MaskOp::fill) {
    W v;
    std::memcpy(&v, d.value, sizeof v);
    for_chunks(d, [&](int64_t c) {
      const int64_t b = c * d.chunk, e = std::min(n, b + d.chunk);
      if (fast && inner == 1) return fill_words(m + b, data + b, v, e - b);
      walk<uint8_t>(d, b, e, [&](bool t, int64_t off, const int64_t*) {
        if (t) std::fill(data + off, data + off + inner, v);
        return true;
      });
    });
    return;
  }
  const bool select = d.op == MaskOp::select;
  W* out = static_cast<W*>(d.out);
  const W* value = static_cast<const W*>(d.value);
  for_chunks(d, [&](int64_t c) {
    const int64_t b = c * d.chunk, e = std::min(n, b + d.chunk);
    int64_t r = d.counts[c];
    const int64_t room = d.counts[c + 1];
    if (r == room) return;
    if (fast && inner == 1) {
      if (select) return compress_words(m, data, out, b, e, r, room);
      return expand_words(m, data, value, b, e, r, room);
    }
    const int64_t bytes = inner * static_cast<int64_t>(sizeof(W));
    walk<uint8_t>(d, b, e, [&](bool t, int64_t off, const int64_t*) {
      if (!t) return true;
      if (select) std::memcpy(out + r * inner, data + off, bytes);
      else std::memcpy(data + off, value + r * inner, bytes);
      return ++r < room;
    });
  });
}

// A C-contiguous mask: row by row along the last dim, branch-free (every point stores its
// coordinates, only true ones advance r; it stops once the chunk's `room` is full).
template <class M>
void nonzero_contiguous(const MaskDesc& d, int64_t b, int64_t e, int64_t r, int64_t room) {
  const int nd = d.iter.ndim;
  const int64_t total = d.total, last = d.iter.shape[nd - 1];
  const M* m = static_cast<const M*>(d.mask.data);
  int64_t* out = static_cast<int64_t*>(d.out);
  int64_t* out_last = out + (nd - 1) * total;
  int64_t idx[kMaxDims] = {};
  for (int64_t rem = b, k = nd - 1; k >= 0; --k) {
    idx[k] = rem % d.iter.shape[k];
    rem /= d.iter.shape[k];
  }
  for (int64_t i = b; i < e && r < room;) {
    const int64_t j0 = idx[nd - 1], j1 = std::min(last, j0 + (e - i));
    const M* row = m + (i - j0);
    if (nd == 1) {
      for (int64_t j = j0; j < j1 && r < room; ++j) {
        out_last[r] = j;
        r += row[j] != M(0);
      }
    } else {
      for (int64_t j = j0; j < j1 && r < room; ++j) {
        for (int k = 0; k < nd - 1; ++k) out[k * total + r] = idx[k];
        out_last[r] = j;
        r += row[j] != M(0);
      }
    }
    i += j1 - j0;
    idx[nd - 1] = 0;
    for (int k = nd - 2; k >= 0; --k) {  // next row
      if (++idx[k] < d.iter.shape[k]) break;
      idx[k] = 0;
    }
  }
}

template <class M>
void nonzero_points(const MaskDesc& d) {
  const int64_t n = d.iter.numel(), total = d.total;
  int64_t* out = static_cast<int64_t*>(d.out);
  for_chunks(d, [&](int64_t c) {
    const int64_t b = c * d.chunk, e = std::min(n, b + d.chunk);
    int64_t r = d.counts[c];
    const int64_t room = d.counts[c + 1];
    if (r == room) return;
    if (d.iter.ndim > 0 && mask_contiguous(d)) return nonzero_contiguous<M>(d, b, e, r, room);
    walk<M>(d, b, e, [&](bool t, int64_t, const int64_t* idx) {
      if (!t) return true;
      for (int k = 0; k < d.iter.ndim; ++k) out[k * total + r] = idx[k];
      return ++r < room;
    });
  });
}

template <template <class> class Fn>
void by_mask_dtype(const MaskDesc& d) {
  ND_DISPATCH(d.mask.dtype, T, Fn<kern::mask_read_t<T>>::run(d));
}
template <class M> struct CountFn { static void run(const MaskDesc& d) { count_all<M>(d); } };
template <class M> struct NonzeroFn { static void run(const MaskDesc& d) { nonzero_points<M>(d); } };

// ---- rows --------------------------------------------------------------------------------------

constexpr int64_t kRowsParallelBytes = int64_t{1} << 20;

template <class I>
int64_t first_bad(const I* index, int64_t n, int64_t len) {
  I lo = 0, hi = 0;  // a vectorisable min/max first; the position only when something is out
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, index[i]);
    hi = std::max(hi, index[i]);
  }
  if (n == 0 || (lo >= -len && hi < len)) return -1;
  for (int64_t i = 0; i < n; ++i)
    if (index[i] < -len || index[i] >= len) return i;
  return -1;
}

// Rows whose elements are not adjacent (x.T[idx]: each row is a column of the stored matrix) move
// in blocks of kStridedBlock rows, element by element across the block, so when the indices are
// close the block's reads of one element share cache lines and its writes stay in a few lines.
constexpr int64_t kStridedBlock = 16;
constexpr int64_t kStridedParallelBytes = int64_t{256} << 10;

template <class W, class I>
void rows_words(const RowsDesc& d) {
  const I* index = static_cast<const I*>(d.index);
  const int64_t n = d.n, len = d.axis_len, row = d.row_len, rs = d.row_stride, ds = d.dense_stride,
                es = d.elem_stride;
  const int64_t bad = first_bad(index, n, len);
  *d.bad = bad < 0 ? 0 : n - bad;
  if (bad >= 0 || row == 0) return;
  W* table = static_cast<W*>(d.table);
  W* dense = static_cast<W*>(d.dense);
  auto src_row = [&](int64_t i) {
    const int64_t v = index[i];
    return table + (v < 0 ? v + len : v) * rs;
  };
  const int64_t bytes = n * row * static_cast<int64_t>(sizeof(W));
  if (es != 1 && row > 1) {
    if (!d.scatter) {
      auto run = [&](int64_t b0, int64_t b1) {
        for (int64_t i0 = b0 * kStridedBlock; i0 < std::min(n, b1 * kStridedBlock); i0 += kStridedBlock) {
          const int64_t m = std::min(kStridedBlock, n - i0);
          const W* from[kStridedBlock];
          for (int64_t r = 0; r < m; ++r) from[r] = src_row(i0 + r);
          W* out = dense + i0 * row;
          if (m == kStridedBlock) {  // a fixed trip count: unrolled, the row pointers in registers
            for (int64_t q = 0; q < row; ++q)
              for (int64_t r = 0; r < kStridedBlock; ++r) out[r * row + q] = from[r][q * es];
          } else {
            for (int64_t q = 0; q < row; ++q)
              for (int64_t r = 0; r < m; ++r) out[r * row + q] = from[r][q * es];
          }
        }
      };
      const int64_t blocks = (n + kStridedBlock - 1) / kStridedBlock;
      if (bytes < kStridedParallelBytes) return run(0, blocks);
      return parallel_for(blocks, 1, run);
    }
    // Scatter: each thread takes its own elements of every row, rows in order (last write wins).
    auto run_cols = [&](int64_t q0, int64_t q1) {
      for (int64_t i0 = 0; i0 < n; i0 += kStridedBlock) {
        const int64_t m = std::min(kStridedBlock, n - i0);
        W* to[kStridedBlock];
        for (int64_t r = 0; r < m; ++r) to[r] = src_row(i0 + r);
        const W* in = dense + i0 * ds;
        for (int64_t q = q0; q < q1; ++q)
          for (int64_t r = 0; r < m; ++r) to[r][q * es] = in[r * ds + q];
      }
    };
    if (bytes < kStridedParallelBytes) return run_cols(0, row);
    return parallel_for(row, 32, run_cols);
  }
  // Row copies are memcpy. From 1 MiB both threads copy: 650 random rows of 768 floats (2 MiB)
  // took 161 us on one thread and 47 us on two on the AVX-512 Xeon (the copies wait on memory,
  // and two threads keep twice the misses in flight).
  const bool big = bytes >= kRowsParallelBytes;
  if (!d.scatter) {
    auto run = [&](int64_t i0, int64_t i1) {
      if (row == 1)
        for (int64_t i = i0; i < i1; ++i) dense[i] = *src_row(i);
      else
        for (int64_t i = i0; i < i1; ++i) std::memcpy(dense + i * row, src_row(i), row * sizeof(W));
    };
    if (!big) return run(0, n);
    return parallel_for(n, std::max<int64_t>(1, kParallelGrain / row), run);
  }
  // Scatter: every thread goes through the indices in order over its own columns, so with
  // repeated indices the last one wins, as in NumPy.
  auto run_cols = [&](int64_t c0, int64_t c1) {
    for (int64_t i = 0; i < n; ++i) std::memcpy(src_row(i) + c0, dense + i * ds + c0, (c1 - c0) * sizeof(W));
  };
  if (!big || row < 128) {
    if (row == 1)
      for (int64_t i = 0; i < n; ++i) *src_row(i) = dense[i * ds];
    else
      run_cols(0, row);
    return;
  }
  parallel_for(row, 32, run_cols);
}

template <class W>
void rows_by_index(const RowsDesc& d) {
  if (d.index_dtype == DType::int32) rows_words<W, int32_t>(d);
  else rows_words<W, int64_t>(d);
}

}  // namespace

void mask_count(const MaskDesc& d) {
  if (d.iter.numel() == 0) {
    d.counts[0] = 0;
    return;
  }
  by_mask_dtype<CountFn>(d);
}

void mask_apply(const MaskDesc& d) {
  if (d.iter.numel() == 0 || (d.op != MaskOp::fill && d.total == 0)) return;
  if (d.op == MaskOp::nonzero) return by_mask_dtype<NonzeroFn>(d);
  ND_DISPATCH_WORD(d.data.dtype, W, "masked copy", apply_words<W>(d));
}

void rows(const RowsDesc& d) {
  ND_DISPATCH_WORD(d.dtype, W, "row gather", rows_by_index<W>(d));
}

}  // namespace nd::cpu
