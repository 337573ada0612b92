// Reductions with NumPy's names and rules: sum, prod, mean, var, std, max, min, argmax, argmin,
// any, all (nd::all(x) is the call form of the nd::all index tag), and nd::linalg::norm.
//
// Axes: none given = every axis; an int = one axis (negative from the end); {a, b} = several.
// keepdims keeps reduced axes as size 1, so the result broadcasts back against x.
// dtypes: sum/prod of bool/int32/int64 accumulate and return int64 (NumPy); float stays itself.
//   mean/var/std/norm of bool or integers return float32 (ndgpu's rule that float math on
//   integers gives float32, docs/design.md 4), computed in float64 first.
// Order and accuracy: every float reduction follows kernels/reduce_order.hpp (32 lanes, 256-element
//   tiles, a fixed pairwise tree), along ANY axis: error <= 4 ceil(log2 n) eps sum|x|, and CPU and
//   CUDA give the same bits. var/std are one pass (per-tile two-pass + Chan's combine).
// Empty and NaN rules (docs/reliability.md 4): sum/prod/any/all and norms of nothing give the
//   identity; mean/var/std of nothing give NaN; max/min raise ValueError("zero-size array to
//   reduction operation maximum which has no identity"); argmax/argmin raise
//   ValueError("attempt to get argmax of an empty sequence"). NaN propagates through max/min;
//   argmax/argmin return the FIRST extremum (a NaN counts as the extremum). ddof >= n gives
//   inf/nan, never an exception.
#pragma once
#include <optional>

#include "ndgpu/array.hpp"

namespace nd {

/// Sum over `axes` (NumPy's sum); bool and integers accumulate and return int64.
Array sum(const Array& x, Axes axes = {}, bool keepdims = false);
/// Product over `axes` (NumPy's prod); bool and integers accumulate and return int64.
Array prod(const Array& x, Axes axes = {}, bool keepdims = false);
/// Arithmetic mean over `axes`; bool and integers give float32.
Array mean(const Array& x, Axes axes = {}, bool keepdims = false);
/// Variance over `axes`, divided by n - ddof (NumPy's var).
Array var(const Array& x, Axes axes = {}, bool keepdims = false, int64_t ddof = 0);
/// Standard deviation over `axes`, sqrt of var with the same ddof.
Array std(const Array& x, Axes axes = {}, bool keepdims = false, int64_t ddof = 0);
/// Largest element over `axes`; NaN propagates; empty input: ValueError.
Array max(const Array& x, Axes axes = {}, bool keepdims = false);
/// Smallest element over `axes`; NaN propagates; empty input: ValueError.
Array min(const Array& x, Axes axes = {}, bool keepdims = false);
/// The same as max (NumPy's alias).
Array amax(const Array& x, Axes axes = {}, bool keepdims = false);
/// The same as min (NumPy's alias).
Array amin(const Array& x, Axes axes = {}, bool keepdims = false);
/// Index of the first largest element along `axis` (of the flattened array when none); int64.
Array argmax(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
/// Index of the first smallest element along `axis` (of the flattened array when none); int64.
Array argmin(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
/// Whether any element over `axes` is non-zero; bool.
Array any(const Array& x, Axes axes = {}, bool keepdims = false);
// all(x, axes, keepdims): nd::all(x) -- see AllTag in array.hpp.

namespace linalg {

/// A norm order, NumPy's `ord`: Ord{1}, Ord{2}, Ord{0}, Ord{inf}, Ord{-inf}
/// (inf = std::numeric_limits<double>::infinity()).
struct Ord {
  double p;  ///< the order p (inf and -inf for the max and min norms)
};

/// ord=None: the 2-norm of the flattened array (axes all), of vectors along one axis, or the
/// Frobenius norm over two axes. norm(x, 1, true): along axis 1, keepdims.
Array norm(const Array& x, Axes axes = {}, bool keepdims = false);
/// Explicit ord. Vectors (one axis, or a 1-D x): 0, 1, 2, inf, -inf. Matrices (two axes, or a
/// 2-D x with no axes): 1, -1, inf, -inf ("fro" is the ord-less form). Other orders: ValueError.
Array norm(const Array& x, Ord ord, Axes axes = {}, bool keepdims = false);

}  // namespace linalg
}  // namespace nd
