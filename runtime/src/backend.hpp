// The Backend interface: what a device must do. Op-agnostic: ops arrive as opaque codes plus
// descriptors built by host/, and kernels/ turns the codes back into functors.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "ndgpu/device.hpp"
#include "ndgpu/dtype.hpp"
#include "ndgpu/error.hpp"

namespace nd {

constexpr int kMaxDims = 8;

// A value of any dtype, passed by value into kernels.
struct Scalar {
  DType dtype = DType::float64;
  double f = 0;   // valid when dtype is floating or bool
  int64_t i = 0;  // valid when dtype is integer or bool (exact for int64)
  static Scalar of_double(double v, DType t) { return {t, v, static_cast<int64_t>(v)}; }
};

// A strided view into device memory: data already includes the view's offset (bytes).
struct Operand {
  void* data = nullptr;
  DType dtype = DType::float32;
  int64_t strides[kMaxDims] = {};  // in elements
};

// Iteration space shared by every descriptor: shape in elements, already coalesced by host/.
struct Iter {
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= shape[d];
    return n;
  }
};

// dst[i] = cast(src[i]) over `iter` (any strides, negative and 0 included on src).
struct CopyDesc {
  Iter iter;
  Operand dst, src;
};

// dst[i] = value (cast to dst's dtype), or for the other kinds a function of the flat index i of
// a 1-D `iter` (host/ passes fresh contiguous arrays), computed where dst lives with NumPy's
// arithmetic (kernels/fill_ramp.hpp, shared by both backends):
//   arange:   i = 0 -> value, i = 1 -> next, else value + i * (next - value), all in dst's dtype
//   linspace: float64 (i * step + start, or (i / div) * delta + start when step underflows to 0;
//             i * delta + start when div <= 0), the last element `stop` when endpoint; floored
//             for integer dtypes, then cast
//   eye:      1 at i = first + t * stride for t < count, else 0
enum class FillKind : uint8_t { constant, arange, linspace, eye };
struct FillDesc {
  Iter iter;
  Operand dst;
  Scalar value;
  FillKind kind = FillKind::constant;
  Scalar next;                                    // arange: start + step (NumPy's second element)
  double start = 0, stop = 0, delta = 0;          // linspace (delta = stop - start)
  int64_t div = 0;                                // linspace: num - 1 with endpoint, else num
  bool endpoint = false;                          // linspace
  int64_t first = 0, stride = 1, count = 0;       // eye: flat index of the first one, step, ones
};

// out[i] = op(in[0][i], in[1][i], ...). Inputs share one compute dtype; `out` may differ
// (bool for comparisons). An input flagged in scalar_mask is read from `scalar` instead.
struct ElementwiseDesc {
  uint16_t op = 0;
  int nin = 0;
  Iter iter;
  Operand out;
  Operand in[3];
  Scalar scalar;
  uint8_t scalar_mask = 0;  // bit k: input k is `scalar`
};

// Counter-based random numbers (Philox4x32-10): element i of the (contiguous) output depends only
// on (seed, counter + i / k, i % k), k values per 128-bit counter (kernels/random_draw.hpp), so
// CPU and CUDA give identical bits.
enum class RandomDist : uint8_t { uniform, normal, integers };
struct RandomDesc {
  RandomDist dist = RandomDist::uniform;
  uint64_t seed = 0;
  uint64_t counter = 0;  // stream position, advanced by the caller
  int64_t n = 0;
  Operand out;           // contiguous
  double a = 0, b = 1;   // uniform [a,b) / normal (mean a, std b) / integers [a,b)
};

// C[b] = alpha * op(A[b]) @ op(B[b]) for every batch index b (linalg: matmul, dot, outer).
// Row-major matrices, leading dimensions and batch strides in elements. A is (m,k) stored as
// (k,m) when trans_a; B is (k,n) stored as (n,k) when trans_b. C is written, never read (k >= 1:
// host fills k == 0 with zeros). All three share `dtype`; integer dtypes wrap like NumPy.
struct GemmDesc {
  DType dtype = DType::float32;
  // A's and B's dtype: dtype, or (backends that take_opmath(Opmath::matmul) only) a 16-bit float
  // whose opmath type is dtype: float32 products and sums, C in float32.
  DType ab_dtype = DType::float32;
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  const void* a = nullptr;
  const void* b = nullptr;
  void* c = nullptr;
  int64_t lda = 0, ldb = 0, ldc = 0;
  double alpha = 1;
  Iter batch;  // ndim 0: a single product
  int64_t batch_stride[3][kMaxDims] = {};  // [a, b, c][dim], elements (0 = broadcast)
  bool allow_tf32 = false;                 // CUDA float32 only (nd::set_matmul_precision)
};

// One row op applied along an axis: out_row = f(in_row). `op` is a kernels/row_ops.hpp RowOp.
// The rows are the points of `outer`; operand strides cover outer's dims, axis strides the row.
// in and out may alias exactly (in-place). float32 / float64 only.
struct RowDesc {
  uint16_t op = 0;
  Iter outer;
  int64_t len = 0;  // row length (>= 1)
  Operand in, out;
  int64_t in_axis_stride = 1, out_axis_stride = 1;
  double eps = 0;
  int64_t causal_offset = -1;  // softmax only: >= 0 masks column j > row + offset (attention)
  int64_t causal_rows = 0;     // rows per causal matrix (row index = point index % causal_rows)
};

// out[i, j] = metric(x[i, :], y[j, :]) for x (m, d) and y (n, d), rows strided, inner dim
// contiguous; out is (m, n) contiguous. `metric` is a kernels/nn_ops.hpp PairMetric.
struct PairwiseDesc {
  uint16_t metric = 0;
  DType dtype = DType::float32;  // of out and the math
  // The rows' own dtypes: dtype, or (takes_opmath(Opmath::search)) a 16-bit float whose opmath
  // type is dtype, whose rows the backend widens a few at a time, never as a whole.
  DType x_dtype = DType::float32, y_dtype = DType::float32;
  int64_t m = 0, n = 0, d = 0;
  const void* x = nullptr;
  const void* y = nullptr;
  void* out = nullptr;
  int64_t x_row_stride = 0, y_row_stride = 0;  // elements
  double eps = 1e-8;
};

// The k best of each row by the total order of kernels/nn_ops.hpp (NaN highest, ties by lower
// index), in rank order. values (dtype of in) and indices (int64) are (rows, k) contiguous.
struct TopkDesc {
  Iter outer;
  int64_t len = 0, k = 0;
  bool largest = true;
  Operand in;
  int64_t in_axis_stride = 1;
  void* values = nullptr;
  int64_t* indices = nullptr;
};

// Gather / scatter through element offsets (advanced indexing). `iter` is the indexing result's
// shape with the index arrays' dimensions flattened into the one axis `index_axis`. Along that
// axis the `indexed` operand's address is offsets[i] (elements, int64 memory on this device) and
// its own stride there is 0. gather: dense = indexed; scatter: indexed = dense (with repeated
// offsets, which write lands is unspecified). Both operands have the same dtype (host casts).
struct GatherDesc {
  Iter iter;
  int index_axis = 0;
  Operand dense, indexed;
  const int64_t* offsets = nullptr;
  bool scatter = false;
};

// Boolean masks in one pass over the mask, with no per-element offsets (x[mask], x[mask] = v,
// nonzero). The mask's points (row-major over `iter`) are cut into chunks of `chunk` points.
// mask_count writes each chunk's number of true points to counts[c] and then turns counts into
// exclusive offsets, counts[nchunks] = the total. mask_apply writes the true points of chunk c,
// in order, from rank counts[c] on (fill needs no counts). At every point `data` holds `inner`
// contiguous elements (the trailing dims' row; 1 for a full mask), its strides over iter's dims.
// True means != 0 (NaN is true); the mask is bool except for nonzero.
//   select:  out (total, inner) contiguous = data at the true points
//   assign:  data at the true points = value (total, inner) contiguous
//   fill:    data at the true points = value[0]
//   nonzero: out (iter.ndim, total) int64 = the coordinates of the true points (iter uncoalesced)
enum class MaskOp : uint8_t { select, assign, fill, nonzero };
struct MaskDesc {
  MaskOp op = MaskOp::select;
  Iter iter;
  Operand mask, data;  // data's dtype gives the element size
  int64_t inner = 1;
  int64_t chunk = 1;
  int64_t* counts = nullptr;  // nchunks() + 1 int64 on this device
  void* out = nullptr;
  const void* value = nullptr;
  int64_t total = 0;  // counts[nchunks] (select, assign, nonzero)
  int64_t nchunks() const { return chunk > 0 ? (iter.numel() + chunk - 1) / chunk : 0; }
};

// Whole-row gather / scatter along one axis (x[idx], x[idx] = v with idx on the first axis and
// contiguous trailing dims): dense row i <-> table row index[i] (negative indices count from the
// end). Rows are row_len contiguous elements, row_stride elements apart in table, dense_stride
// apart in dense (row_len: (n, row_len) contiguous; 0, scatter only: one row for all). Every index is checked first: *bad = 0 when all are in range, else
// n - (position of the first out-of-range index), and then a scatter writes nothing (a gather's
// output is to be discarded). A scatter with repeated indices writes the last one (NumPy).
struct RowsDesc {
  bool scatter = false;
  int64_t n = 0;
  const void* index = nullptr;  // n contiguous int32 or int64 on this device
  DType index_dtype = DType::int64;
  int64_t axis_len = 0;
  void* table = nullptr;
  int64_t row_stride = 0, row_len = 1;
  int64_t elem_stride = 1;  // elements between a table row's elements (x.T[idx]: the column's)
  void* dense = nullptr;
  int64_t dense_stride = 0;
  DType dtype = DType::float32;  // of table and dense (element size)
  int64_t* bad = nullptr;        // one int64 on this device, written by the backend
};

// Reduction of one axis: out[o] = op over j < n of in[o][j], for every output element o.
// host/ has already: checked the axes, moved/merged the reduced axes into ONE strided axis
// (copying when they do not merge), coalesced the kept axes jointly for in and out (sorted by
// decreasing input stride, so a unit-stride kept axis comes last), and handled n == 0.
// The backend follows kernels/reduce_order.hpp, so every backend writes the same bits.
struct ReduceDesc {
  uint16_t op = 0;        // kernels' ReduceOp code
  Iter outer;             // kept axes (output elements); ndim 0 for a full reduction
  Operand in;             // strides over the kept axes; dtype = input dtype
  Operand out;            // strides over the kept axes; dtype = reduce_kernel_out_dtype(op, in)
  int64_t n = 0;          // reduced length, >= 1
  int64_t in_stride = 0;  // stride of the reduced axis in `in` (elements, any sign)
  int64_t ddof = 0;       // var/std only
};

// out (batch..., sq, dv) = softmax(scale * q k^T, causal: key j > query i masked) v, fused: no
// (sq, sk) scores in memory. q (sq, d), k (sk, d), v (sk, dv) and out (sq, dv) per batch entry,
// rows `ld` elements apart, inner stride 1; sq, sk, d, dv >= 1. Batch strides 0 broadcast.
struct AttentionDesc {
  DType dtype = DType::float32;
  int64_t sq = 0, sk = 0, d = 0, dv = 0;
  const void* q = nullptr;
  const void* k = nullptr;
  const void* v = nullptr;
  void* out = nullptr;
  int64_t q_ld = 0, k_ld = 0, v_ld = 0, out_ld = 0;
  double scale = 1;
  bool causal = false;
  Iter batch;  // ndim 0: one attention
  int64_t batch_stride[4][kMaxDims] = {};  // [q, k, v, out][dim], elements
};

// One Lloyd step of k-means, where the backend fuses it. x (n, d) and centroids (k, d) are
// C-contiguous in `dtype`; n, d, k >= 1. labels[i] (int64, n): the nearest centroid by squared
// euclidean distance (ties: the lower index). sums (float64, (k, d)): each cluster's rows added in
// row order, so the result does not depend on the thread count.
struct KMeansStepDesc {
  DType dtype = DType::float32;    // of the centroids and the math
  DType x_dtype = DType::float32;  // of x: dtype, or a 16-bit float (takes_opmath(Opmath::search))
  int64_t n = 0, d = 0, k = 0;
  const void* x = nullptr;
  const void* centroids = nullptr;
  int64_t* labels = nullptr;
  double* sums = nullptr;
};

// The families of entry points in which a backend may take the dtypes that compute wider (the
// half and narrow rows of the dtype table) as they are stored: elementwise() (half and narrow
// rows), rowwise() and reduce() (16-bit floats), pairwise() and kmeans_step() (16-bit float rows:
// PairwiseDesc::x_dtype / y_dtype, KMeansStepDesc::x_dtype) and gemm() (GemmDesc::ab_dtype).
enum class Opmath : uint8_t { elementwise, rows, reduce, search, matmul };

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Device device() const = 0;

  // Memory: allocate never returns null (throws OutOfMemory); deallocate never throws.
  virtual void* allocate(int64_t nbytes) = 0;
  virtual void deallocate(void* p, int64_t nbytes) noexcept = 0;
  virtual void copy_from_host(void* dst, const void* src, int64_t nbytes) = 0;
  virtual void copy_to_host(void* dst, const void* src, int64_t nbytes) = 0;
  virtual void synchronize() = 0;
  virtual MemoryStats memory_stats() const = 0;
  virtual void reset_peak_memory_stats() = 0;  // peak = allocated
  virtual void empty_cache() noexcept = 0;

  // Data movement.
  virtual void copy(const CopyDesc& d) = 0;
  virtual void fill(const FillDesc& d) = 0;
  virtual void random(const RandomDesc& d) = 0;
  virtual void gather(const GatherDesc&) { unsupported("gather"); }
  virtual void mask_count(const MaskDesc&) { unsupported("mask_count"); }
  virtual void mask_apply(const MaskDesc&) { unsupported("mask_apply"); }
  virtual void rows(const RowsDesc&) { unsupported("rows"); }

  // Math.
  virtual void elementwise(const ElementwiseDesc&) { unsupported("elementwise"); }
  // Whether the backend takes the dtypes that compute wider for one family of its entry points
  // (Opmath) and widens them itself, a block at a time; else host/ casts them to their opmath
  // dtype around the native kernels.
  virtual bool takes_opmath(Opmath) const { return false; }
  virtual void gemm(const GemmDesc&) { unsupported("gemm"); }
  virtual void rowwise(const RowDesc&) { unsupported("rowwise"); }
  virtual void pairwise(const PairwiseDesc&) { unsupported("pairwise"); }
  virtual void topk(const TopkDesc&) { unsupported("topk"); }
  virtual void reduce(const ReduceDesc&) { unsupported("reduce"); }
  // Fused attention where the backend has it (else false: host/ runs matmul, softmax, matmul).
  virtual bool attention(const AttentionDesc&) { return false; }
  // Fused k-means step where the backend has it (else false: host/ runs cdist, argmin and a
  // one-hot matmul).
  virtual bool kmeans_step(const KMeansStepDesc&) { return false; }

 protected:
  [[noreturn]] void unsupported(const char* what) const {
    throw DeviceError(std::string(what) + " is not implemented on " + device().str());
  }
};

// The registry: the CPU backend always; CUDA backends when built and a device exists.
// Throws DeviceError for a device that is not available.
Backend& backend_for(Device d);

using BackendFactory = std::unique_ptr<Backend> (*)(int index);
void register_backend(DeviceKind kind, BackendFactory make);

}  // namespace nd
