// The view-ops harness: shared by fuzz_view_ops (libFuzzer) and the regression replay in
// tests/io/test_fuzz_regressions.cpp. bytes -> a base shape (<= 6 dims, sizes 0..7), then a chain of view ops (slice,
// transpose, reshape, broadcast_to, expand_dims, squeeze, integer index, swapaxes, and string
// indices once the slice parser exists). Oracle, after every op: shape equals a naive reference
// that tracks, per logical element, which base element it is; every address of a view stays
// inside its storage; the materialised values equal the reference; errors are exactly the ones
// the reference predicts, of the documented class.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ndgpu/ndgpu.hpp"

namespace view_ops_harness {

// Thrown when the library disagrees with the reference.
struct Violation : std::logic_error {
  using std::logic_error::logic_error;
};
[[noreturn]] inline void fail(const std::string& what) { throw Violation(what); }

struct Bytes {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t next() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  int small(int lo, int hi) { return lo + next() % (hi - lo + 1); }  // in [lo, hi]
};

using nd::Shape;

inline int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// The reference: shape + the base element behind each logical element (C order).
struct Ref {
  Shape shape;
  std::vector<int64_t> elems;
};

// New reference of `shape` whose element at index i is old's element at map(i).
inline Ref remap(const Ref& old, const Shape& shape, const std::function<Shape(const Shape&)>& map) {
  Ref r{shape, {}};
  const int64_t n = numel(shape);
  r.elems.reserve(n);
  Shape idx(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    Shape o = map(idx);
    int64_t flat = 0;
    for (size_t d = 0; d < o.size(); ++d) flat = flat * old.shape[d] + o[d];
    r.elems.push_back(old.elems[flat]);
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return r;
}

// The indices a Python slice selects from range(len), enumerated the plain way.
inline std::vector<int64_t> slice_reference(std::optional<int64_t> start, std::optional<int64_t> stop,
                                     int64_t step, int64_t len) {
  std::vector<int64_t> out;
  if (step > 0) {
    int64_t lo = !start ? 0 : *start < 0 ? std::max<int64_t>(0, *start + len) : std::min(*start, len);
    int64_t hi = !stop ? len : *stop < 0 ? std::max<int64_t>(0, *stop + len) : std::min(*stop, len);
    for (int64_t i = lo; i < hi; i += step) out.push_back(i);
  } else {
    int64_t hi = !start ? len - 1 : *start < 0 ? std::max<int64_t>(-1, *start + len) : std::min(*start, len - 1);
    int64_t lo = !stop ? -1 : *stop < 0 ? std::max<int64_t>(-1, *stop + len) : std::min(*stop, len - 1);
    for (int64_t i = hi; i > lo; i += step) out.push_back(i);
  }
  return out;
}

enum class Expect { ok, value_error, index_error, axis_error };

// Runs `op`; checks the exception (if any) against the prediction. Returns whether it succeeded.
inline bool attempt(Expect expect, const std::function<void()>& op, const char* name) {
  Expect got = Expect::ok;
  std::string msg;
  try {
    op();
  } catch (const nd::AxisError& e) {
    got = Expect::axis_error;
    msg = e.what();
  } catch (const nd::IndexError& e) {
    got = Expect::index_error;
    msg = e.what();
  } catch (const nd::ValueError& e) {
    got = Expect::value_error;
    msg = e.what();
  }
  if (got != expect)
    fail(std::string(name) + ": expected outcome " + std::to_string(int(expect)) + ", got " +
         std::to_string(int(got)) + " (" + msg + ")");
  return got == Expect::ok;
}

inline void check_view(const nd::Array& v, const Ref& ref, const char* after) {
  if (v.shape() != ref.shape)
    fail(std::string(after) + ": shape " + nd::shape_str(v.shape()) + " != reference " + nd::shape_str(ref.shape));
  if (v.size() > 0) {
    int64_t lo = v.offset(), hi = v.offset();
    for (int d = 0; d < v.ndim(); ++d) {
      const int64_t span = (v.shape()[d] - 1) * v.strides()[d];
      (span < 0 ? lo : hi) += span;
    }
    if (lo < 0 || (hi + 1) * v.itemsize() > v.storage()->nbytes())
      fail(std::string(after) + ": view reaches outside its storage");
  }
  std::vector<int64_t> got = v.to_vector<int64_t>();
  if (got != ref.elems) fail(std::string(after) + ": values differ from the reference");
}

inline nd::Index all_index() { return nd::Index(nd::all); }

// Runs one input; throws Violation when an invariant fails.
inline void run(const uint8_t* data, size_t size) {
  Bytes in{data, size};
  Shape shape(in.small(0, 6));
  for (int64_t& d : shape) d = in.small(0, 7);
  while (numel(shape) > 1024) --shape[in.next() % shape.size()];  // keep one input fast
  Ref ref{shape, {}};
  for (int64_t i = 0; i < numel(shape); ++i) ref.elems.push_back(i);
  nd::Array v = nd::arange(numel(shape), nd::int64, nd::Device::cpu()).reshape(shape);
  check_view(v, ref, "base");

  for (int step = 0; step < 12 && !in.empty(); ++step) {
    const int nd_ = static_cast<int>(ref.shape.size());
    const int op = in.next() % 8;
    nd::Array out;
    Ref next;
    Expect expect = Expect::ok;
    const char* name = "?";
    if (op == 0 && nd_ > 0) {  // slice one axis
      name = "slice";
      const int axis = in.next() % nd_;
      auto part = [&](int lo, int hi) -> std::optional<int64_t> {
        if (in.next() & 1) return std::nullopt;
        return in.small(lo, hi);
      };
      std::optional<int64_t> start = part(-10, 10), stop = part(-10, 10), st = part(-3, 3);
      const int64_t stp = st.value_or(1);
      if (stp == 0) {
        expect = Expect::value_error;
      } else {
        std::vector<int64_t> pick = slice_reference(start, stop, stp, ref.shape[axis]);
        Shape s = ref.shape;
        s[axis] = static_cast<int64_t>(pick.size());
        next = remap(ref, s, [&](const Shape& i) { Shape o = i; o[axis] = pick[i[axis]]; return o; });
      }
      std::vector<nd::Index> idx(axis, all_index());
      idx.push_back(nd::Slice{start, stop, st});
      attempt(expect, [&] { out = v.index(idx); }, name);
    } else if (op == 1) {  // transpose by a permutation (or .T)
      name = "transpose";
      std::vector<int> perm(nd_);
      for (int d = 0; d < nd_; ++d) perm[d] = d;
      const bool full_reverse = in.next() & 1;
      if (full_reverse) std::reverse(perm.begin(), perm.end());
      else for (int d = nd_ - 1; d > 0; --d) std::swap(perm[d], perm[in.next() % (d + 1)]);
      Shape s(nd_);
      for (int d = 0; d < nd_; ++d) s[d] = ref.shape[perm[d]];
      next = remap(ref, s, [&](const Shape& i) { Shape o(nd_); for (int d = 0; d < nd_; ++d) o[perm[d]] = i[d]; return o; });
      attempt(expect, [&] { out = full_reverse ? v.T() : v.transpose(perm); }, name);
    } else if (op == 2) {  // reshape to a random factorisation (sometimes with -1, sometimes wrong)
      name = "reshape";
      int64_t left = numel(ref.shape);
      Shape s;
      const int k = in.small(0, 4);
      for (int d = 0; d < k; ++d) {
        if (left == 0) { s.push_back(in.small(0, 3)); continue; }
        std::vector<int64_t> divs;
        for (int64_t q = 1; q <= left; ++q) if (left % q == 0) divs.push_back(q);
        s.push_back(divs[in.next() % divs.size()]);
        left /= s.back();
      }
      if (left == 0) {
        if (numel(s) != 0) s.push_back(0);
      } else {
        s.push_back(left);
      }
      const uint8_t twist = in.next() % 8;
      Shape ask = s;
      if (twist == 0) {
        ask.back() += 1;  // wrong size, unless a 0 elsewhere keeps it empty
        if (numel(ask) != numel(s)) expect = Expect::value_error;
        else s = ask;
      } else if (twist == 1 && numel(s) > 0) {
        ask[in.next() % ask.size()] = -1;
      }
      if (s.size() > static_cast<size_t>(nd::kMaxNdim) && expect == Expect::ok) expect = Expect::value_error;
      if (expect == Expect::ok) next = Ref{s, ref.elems};
      attempt(expect, [&] { out = v.reshape(ask); }, name);
    } else if (op == 3) {  // broadcast_to: new leading axes, size-1 axes stretched
      name = "broadcast_to";
      Shape s;
      const int lead = in.small(0, 2);
      for (int d = 0; d < lead; ++d) s.push_back(in.small(0, 3));
      for (int64_t d : ref.shape) s.push_back(d == 1 ? in.small(0, 3) : d);
      if (!ref.shape.empty() && in.next() % 8 == 0 && ref.shape.back() > 1) {
        s.back() = ref.shape.back() + 1;  // incompatible
        expect = Expect::value_error;
      }
      if (numel(s) > 4096) continue;
      if (s.size() > static_cast<size_t>(nd::kMaxNdim)) expect = Expect::value_error;
      if (expect == Expect::ok) {
        const int off = static_cast<int>(s.size()) - nd_;
        next = remap(ref, s, [&](const Shape& i) {
          Shape o(nd_);
          for (int d = 0; d < nd_; ++d) o[d] = ref.shape[d] == 1 ? 0 : i[d + off];
          return o;
        });
      }
      attempt(expect, [&] { out = v.broadcast_to(s); }, name);
    } else if (op == 4) {  // expand_dims, axis possibly out of range
      name = "expand_dims";
      const int axis = in.small(-nd_ - 2, nd_ + 1);
      if (axis < -nd_ - 1 || axis > nd_) {
        expect = Expect::axis_error;
      } else if (nd_ + 1 > nd::kMaxNdim) {
        expect = Expect::value_error;
      } else {
        const int a = axis < 0 ? axis + nd_ + 1 : axis;
        Shape s = ref.shape;
        s.insert(s.begin() + a, 1);
        next = Ref{s, ref.elems};
      }
      attempt(expect, [&] { out = v.expand_dims(axis); }, name);
    } else if (op == 5) {  // squeeze all, or one axis (must have size 1)
      name = "squeeze";
      if (in.next() & 1) {
        Shape s;
        for (int64_t d : ref.shape) if (d != 1) s.push_back(d);
        next = Ref{s, ref.elems};
        attempt(expect, [&] { out = v.squeeze(); }, name);
      } else {
        const int axis = in.small(-nd_ - 1, nd_);
        if (axis < -nd_ || axis >= nd_) {
          expect = Expect::axis_error;
        } else {
          const int a = axis < 0 ? axis + nd_ : axis;
          if (ref.shape[a] != 1) {
            expect = Expect::value_error;
          } else {
            Shape s = ref.shape;
            s.erase(s.begin() + a);
            next = Ref{s, ref.elems};
          }
        }
        attempt(expect, [&] { out = v.squeeze(axis); }, name);
      }
    } else if (op == 6 && nd_ > 0) {  // one integer index, possibly out of range
      name = "integer index";
      const int axis = in.next() % nd_;
      const int64_t len = ref.shape[axis];
      const int64_t i = in.small(static_cast<int>(-len - 2), static_cast<int>(len + 1));
      if (i < -len || i >= len) {
        expect = Expect::index_error;
      } else {
        const int64_t ii = i < 0 ? i + len : i;
        Shape s = ref.shape;
        s.erase(s.begin() + axis);
        next = remap(ref, s, [&](const Shape& x) { Shape o = x; o.insert(o.begin() + axis, ii); return o; });
      }
      std::vector<nd::Index> idx(axis, all_index());
      idx.push_back(nd::Index(i));
      attempt(expect, [&] { out = v.index(idx); }, name);
    } else if (op == 7) {  // swapaxes
      name = "swapaxes";
      const int a = in.small(-nd_ - 1, nd_), b = in.small(-nd_ - 1, nd_);
      if (a < -nd_ || a >= nd_ || b < -nd_ || b >= nd_) {
        expect = Expect::axis_error;
      } else {
        const int aa = a < 0 ? a + nd_ : a, bb = b < 0 ? b + nd_ : b;
        Shape s = ref.shape;
        std::swap(s[aa], s[bb]);
        next = remap(ref, s, [&](const Shape& i) { Shape o = i; std::swap(o[aa], o[bb]); return o; });
      }
      attempt(expect, [&] { out = v.swapaxes(a, b); }, name);
    } else {
      continue;
    }
    if (expect != Expect::ok) continue;  // the array is unchanged; go on from it
    check_view(out, next, name);
    v = out;
    ref = std::move(next);
  }
}

}  // namespace view_ops_harness
