// Views: basic indexing (integers, slices, newaxis, ellipsis) and the shape ops that return views.
#include <algorithm>
#include <numeric>

#include "detail.hpp"

namespace nd {
namespace {

// Python's slice.indices(): clamps start/stop for the given length; never an error but step 0.
void slice_indices(const Slice& s, int64_t len, int64_t* start, int64_t* stop, int64_t* step) {
  const int64_t st = s.step.value_or(1);
  if (st == 0) throw ValueError("slice step cannot be zero");
  auto clamp = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t x = *v;
    if (x < 0) {
      x += len;
      if (x < 0) x = st < 0 ? -1 : 0;
    } else if (x >= len) {
      x = st < 0 ? len - 1 : len;
    }
    return x;
  };
  *step = st;
  *start = clamp(s.start, st < 0 ? len - 1 : 0);
  *stop = clamp(s.stop, st < 0 ? -1 : len);
}

int64_t slice_length(int64_t start, int64_t stop, int64_t step) {
  if (step > 0) return start < stop ? (stop - start - 1) / step + 1 : 0;
  return stop < start ? (start - stop - 1) / (-step) + 1 : 0;
}

}  // namespace

Index::Index(const Array& a) : kind_(Kind::array), arr_(std::make_shared<const Array>(a)) {}

Array Array::index(const std::vector<Index>& idx) const {
  detail::check_defined(*this, "index");
  for (const Index& ix : idx)
    if (ix.kind() == Index::Kind::array) {
      Array out = detail::advanced_index(*this, idx);
      return out;
    }
  // Count the entries that consume an axis; expand the ellipsis (at most one).
  int consumed = 0, ellipses = 0;
  for (const Index& ix : idx) {
    if (ix.kind() == Index::Kind::integer || ix.kind() == Index::Kind::slice) ++consumed;
    if (ix.kind() == Index::Kind::ellipsis) ++ellipses;
  }
  if (ellipses > 1) throw IndexError("an index can only have a single ellipsis ('...')");
  if (consumed > ndim())
    throw IndexError("too many indices for array: array is " + std::to_string(ndim()) +
                     "-dimensional, but " + std::to_string(consumed) + " were indexed");
  Shape shape, strides;
  int64_t offset = offset_;
  int axis = 0;
  for (const Index& ix : idx) {
    switch (ix.kind()) {
      case Index::Kind::integer: {
        int64_t i = ix.integer(), n = shape_[axis];
        if (i < -n || i >= n)
          throw IndexError("index " + std::to_string(i) + " is out of bounds for axis " +
                           std::to_string(axis) + " with size " + std::to_string(n));
        if (i < 0) i += n;
        offset += i * strides_[axis];
        ++axis;
        break;
      }
      case Index::Kind::slice: {
        int64_t start, stop, step;
        slice_indices(ix.slice(), shape_[axis], &start, &stop, &step);
        const int64_t len = slice_length(start, stop, step);
        if (len > 0) offset += start * strides_[axis];
        shape.push_back(len);
        // stride * step as NumPy; a step so large that it overflows selects at most one element,
        // whose stride never matters (the fuzzer found ::-2^60 on a stride of 9).
        int64_t stride;
        strides.push_back(__builtin_mul_overflow(strides_[axis], step, &stride) ? strides_[axis] : stride);
        ++axis;
        break;
      }
      case Index::Kind::newaxis:
        shape.push_back(1);
        strides.push_back(0);
        break;
      case Index::Kind::ellipsis:
        for (int k = 0; k < ndim() - consumed; ++k, ++axis) {
          shape.push_back(shape_[axis]);
          strides.push_back(strides_[axis]);
        }
        break;
      case Index::Kind::array:
        break;  // handled above
    }
  }
  for (; axis < ndim(); ++axis) {  // trailing axes are kept whole
    shape.push_back(shape_[axis]);
    strides.push_back(strides_[axis]);
  }
  return Array(storage_, dtype_, std::move(shape), std::move(strides), offset, readonly_);
}

// ---- shape ops ------------------------------------------------------------------------------

// NumPy's convert_shape_to_string for reshape errors: leading unknown (negative) dimensions are
// dropped and later ones print as "newaxis", so (-1,5) prints "(5)" and (0,-1) "(0,newaxis)".
static std::string reshape_shape_str(const Shape& s) {
  size_t i = 0;
  while (i < s.size() && s[i] < 0) ++i;
  if (i == s.size()) return "()";
  std::string out = std::to_string(s[i++]);
  for (; i < s.size(); ++i) out += s[i] < 0 ? ",newaxis" : "," + std::to_string(s[i]);
  return i == 1 ? "(" + out + ",)" : "(" + out + ")";
}

Array Array::reshape(const Shape& new_shape_in) const {
  detail::check_defined(*this, "reshape");
  Shape ns = new_shape_in;
  int unknown = -1;
  int64_t known = 1;
  for (int d = 0; d < static_cast<int>(ns.size()); ++d) {
    if (ns[d] < 0) {  // NumPy takes any negative value as the unknown dimension
      if (unknown >= 0) throw ValueError("can only specify one unknown dimension");
      unknown = d;
    } else {
      known = checked_mul(known, ns[d]);
    }
  }
  if (unknown >= 0 ? (known == 0 || size() % known != 0) : known != size())
    throw ValueError("cannot reshape array of size " + std::to_string(size()) + " into shape " +
                     reshape_shape_str(new_shape_in));
  if (unknown >= 0) ns[unknown] = size() / known;
  // A view when the strides allow: walk groups of old axes that map onto groups of new axes.
  int64_t old_shape[kMaxNdim], old_strides[kMaxNdim];
  int old_n = 0;
  for (int d = 0; d < ndim(); ++d)
    if (shape_[d] != 1) {
      old_shape[old_n] = shape_[d];
      old_strides[old_n++] = strides_[d];
    }
  Shape ns_strides(ns.size(), 0);
  bool viewable = true;
  if (size() == 0) {
    ns_strides = contiguous_strides(ns);
  } else {
    size_t oi = 0, ni = 0;
    while (ni < ns.size() && viewable) {
      if (ns[ni] == 1) { ns_strides[ni] = 0; ++ni; continue; }
      size_t oj = oi, nj = ni;
      int64_t op = old_shape[oi], np_ = ns[ni];
      while (op != np_) {
        if (op < np_) op *= old_shape[++oj];
        else np_ *= ns[++nj];
      }
      for (size_t k = oi; k < oj; ++k)  // the old group must be contiguous with itself
        if (old_strides[k] != old_strides[k + 1] * old_shape[k + 1]) viewable = false;
      int64_t st = old_strides[oj];
      for (size_t k = nj + 1; k-- > ni;) {
        ns_strides[k] = st;
        st *= ns[k];
      }
      oi = oj + 1;
      ni = nj + 1;
    }
    for (int d = 0; d < static_cast<int>(ns.size()); ++d)
      if (ns[d] == 1) ns_strides[d] = 0;
  }
  if (viewable) return Array(storage_, dtype_, std::move(ns), std::move(ns_strides), offset_, readonly_);
  return copy().reshape(ns);
}

Array Array::flatten() const { return copy().reshape({size()}); }

Array Array::ravel() const {
  // The common case without reshape's general walk: a contiguous array of more than one element
  // (reshape gives a size-1 axis stride 0).
  if (defined() && size() > 1 && is_contiguous())
    return Array(storage_, dtype_, Shape{size()}, Shape{1}, offset_, readonly_);
  return reshape({size()});
}

Array Array::transpose(const std::vector<int>& perm) const {
  detail::check_defined(*this, "transpose");
  if (static_cast<int>(perm.size()) != ndim()) throw ValueError("axes don't match array");
  bool seen[kMaxNdim] = {};
  Shape sh, st;
  sh.reserve(perm.size());
  st.reserve(perm.size());
  for (int p : perm) {
    int a = normalize_axis(p, ndim());
    if (seen[a]) throw ValueError("repeated axis in transpose");
    seen[a] = true;
    sh.push_back(shape_[a]);
    st.push_back(strides_[a]);
  }
  return Array(storage_, dtype_, std::move(sh), std::move(st), offset_, readonly_);
}

Array Array::T() const {
  detail::check_defined(*this, "transpose");
  return Array(storage_, dtype_, Shape(shape_.rbegin(), shape_.rend()),
               Shape(strides_.rbegin(), strides_.rend()), offset_, readonly_);
}

Array Array::swapaxes(int a, int b) const {
  std::vector<int> perm(ndim());
  std::iota(perm.begin(), perm.end(), 0);
  auto axis_arg = [&](int v, const char* name) {  // NumPy prefixes the argument name
    try {
      return normalize_axis(v, ndim());
    } catch (const AxisError& e) {
      throw AxisError(std::string(name) + ": " + e.what());
    }
  };
  std::swap(perm[axis_arg(a, "axis1")], perm[axis_arg(b, "axis2")]);
  return transpose(perm);
}

Array Array::squeeze() const {
  Shape sh, st;
  sh.reserve(shape_.size());
  st.reserve(shape_.size());
  for (int d = 0; d < ndim(); ++d)
    if (shape_[d] != 1) { sh.push_back(shape_[d]); st.push_back(strides_[d]); }
  return Array(storage_, dtype_, std::move(sh), std::move(st), offset_, readonly_);
}

Array Array::squeeze(int axis) const {
  int a = normalize_axis(axis, ndim());
  if (shape_[a] != 1)
    throw ValueError("cannot select an axis to squeeze out which has size not equal to one");
  Shape sh = shape_, st = strides_;
  sh.erase(sh.begin() + a);
  st.erase(st.begin() + a);
  return Array(storage_, dtype_, std::move(sh), std::move(st), offset_, readonly_);
}

Array Array::expand_dims(int axis) const {
  int a = normalize_axis(axis, ndim() + 1);
  Shape sh = shape_, st = strides_;
  sh.insert(sh.begin() + a, 1);
  st.insert(st.begin() + a, 0);
  return Array(storage_, dtype_, std::move(sh), std::move(st), offset_, readonly_);
}

Array Array::broadcast_to(const Shape& shape) const {
  detail::check_defined(*this, "broadcast_to");
  const int n = static_cast<int>(shape.size());
  auto fail = [&] {
    throw ValueError("operands could not be broadcast together with remapped shapes [original->remapped]: " +
                     shape_str(shape_) + "  and requested shape " + shape_str(shape));
  };
  if (n < ndim()) throw ValueError("input operand has more dimensions than allowed by the axis remapping");
  Shape st(n, 0);
  for (int d = 0; d < n; ++d) {
    int src = d - (n - ndim());
    if (shape[d] < 0) throw ValueError("all elements of broadcast shape must be non-negative");
    if (src < 0) continue;
    if (shape_[src] == shape[d]) st[d] = strides_[src];
    else if (shape_[src] == 1) st[d] = 0;
    else fail();
  }
  bool same = n == ndim() && shape == shape_;
  return Array(storage_, dtype_, shape, st, offset_, readonly_ || !same);
}

Array reshape(const Array& a, const Shape& shape) { return a.reshape(shape); }
Array transpose(const Array& a) { return a.T(); }
Array transpose(const Array& a, const std::vector<int>& perm) { return a.transpose(perm); }
Array swapaxes(const Array& a, int a1, int a2) { return a.swapaxes(a1, a2); }
Array squeeze(const Array& a) { return a.squeeze(); }
Array expand_dims(const Array& a, int axis) { return a.expand_dims(axis); }
Array broadcast_to(const Array& a, const Shape& shape) { return a.broadcast_to(shape); }
Array ravel(const Array& a) { return a.ravel(); }

}  // namespace nd
