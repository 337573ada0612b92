// Property tests of views: random shapes and random chains of slices (negative steps, index
// strings), integer indexing, transposes, reshapes, expand/squeeze, newaxis and broadcast_to,
// each checked against a naive element-by-element reference (the base element each view
// position reads). Writes through the final view are checked the same way. Seeded loops: a
// failure prints the seed and the op chain.
#include <random>
#include <sstream>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

// The reference: the view's shape and, in C order, the flat base index of every element.
struct Ref {
  Shape shape;
  std::vector<int64_t> map;
};

Shape c_strides(const Shape& s) {
  Shape st(s.size(), 1);
  for (int d = static_cast<int>(s.size()) - 2; d >= 0; --d) st[d] = st[d + 1] * std::max<int64_t>(s[d + 1], 1);
  return st;
}

// Builds a new reference of `shape` whose element at multi-index i reads from(i) of the old one.
template <class F>
Ref remap(const Ref& r, const Shape& shape, F&& from) {
  Ref out{shape, {}};
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<int64_t> idx(shape.size(), 0);
  const Shape old_st = c_strides(r.shape);
  for (int64_t k = 0; k < n; ++k) {
    std::vector<int64_t> old = from(idx);
    int64_t flat = 0;
    for (size_t d = 0; d < old.size(); ++d) flat += old[d] * old_st[d];
    out.map.push_back(r.map[flat]);
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

// Python's list slicing, written out directly: the selected positions of range(n).
std::vector<int64_t> python_slice(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop,
                                  int64_t step) {
  std::vector<int64_t> out;
  if (step > 0) {
    int64_t b = start.value_or(0), e = stop.value_or(n);
    if (b < 0) b += n;
    if (e < 0) e += n;
    b = std::clamp<int64_t>(b, 0, n);
    e = std::clamp<int64_t>(e, 0, n);
    for (int64_t i = b; i < e; i += step) out.push_back(i);
  } else {
    int64_t b = start.value_or(n - 1), e = stop ? *stop : -1;
    if (start && b < 0) b += n;
    if (stop && e < 0) e += n;
    b = std::clamp<int64_t>(b, -1, n - 1);
    e = std::clamp<int64_t>(e, -1, n - 1);
    for (int64_t i = b; i > e; i += step) out.push_back(i);
  }
  return out;
}

std::string opt_str(std::optional<int64_t> v) { return v ? std::to_string(*v) : ""; }

class Chain {
 public:
  Chain(uint64_t seed, Device dev) : rng_(seed), dev_(dev) {}

  void run() {
    Shape shape = random_shape();
    const int64_t n = checked_numel(shape);
    base_ = arange(0, n, 1, int64, dev_).reshape(shape);
    Array v = base_;
    Ref ref{shape, {}};
    for (int64_t i = 0; i < n; ++i) ref.map.push_back(i);
    const int steps = pick(1, 6);
    for (int s = 0; s < steps; ++s) {
      step(v, ref);
      SCOPED_TRACE(log_.str());
      ASSERT_EQ(v.shape(), ref.shape);
      ASSERT_EQ(v.to_vector<int64_t>(), ref.map);
      check_bounds(v);
      if (::testing::Test::HasFailure()) return;
    }
    SCOPED_TRACE(log_.str());
    EXPECT_EQ(to_string(v), to_string(v.copy()));  // printing walks any strides
    if (!v.is_readonly() && v.storage() == base_.storage()) check_write(v, ref);
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Shape random_shape() {
    Shape s(pick(0, 4));
    for (auto& d : s) d = pick(0, 9) == 0 ? 0 : pick(1, 5);
    return s;
  }

  void step(Array& v, Ref& ref) {
    const int nd = v.ndim();
    switch (pick(0, 7)) {
      case 0:
      case 1: {  // a slice on one axis, half the time spelled as an index string
        if (nd == 0) return;
        const int ax = pick(0, nd - 1);
        const int64_t len = v.shape()[ax];
        auto bound = [&]() -> std::optional<int64_t> {
          if (pick(0, 3) == 0) return std::nullopt;
          return pick(static_cast<int>(-len - 2), static_cast<int>(len + 2));
        };
        std::optional<int64_t> b = bound(), e = bound();
        int64_t st = pick(1, 3) * (pick(0, 1) ? 1 : -1);
        std::vector<int64_t> sel = python_slice(len, b, e, st);
        Shape shape = ref.shape;
        shape[ax] = static_cast<int64_t>(sel.size());
        ref = remap(ref, shape, [&](std::vector<int64_t> i) { i[ax] = sel[i[ax]]; return i; });
        if (pick(0, 1)) {
          std::string text;
          for (int d = 0; d < ax; ++d) text += ":, ";
          text += opt_str(b) + ":" + opt_str(e) + ":" + std::to_string(st);
          log_ << " [\"" << text << "\"]";
          v = v[text];
        } else {
          std::vector<Index> idx(ax, Index(all));
          idx.push_back(Slice{b, e, st});
          log_ << " slice(ax" << ax << "," << opt_str(b) << "," << opt_str(e) << "," << st << ")";
          v = v.index(idx);
        }
        return;
      }
      case 2: {  // an integer on one axis
        if (nd == 0) return;
        const int ax = pick(0, nd - 1);
        const int64_t len = v.shape()[ax];
        if (len == 0) return;
        int64_t i = pick(0, static_cast<int>(len) - 1) - (pick(0, 1) ? len : 0);
        Shape shape = ref.shape;
        shape.erase(shape.begin() + ax);
        ref = remap(ref, shape, [&](std::vector<int64_t> x) {
          x.insert(x.begin() + ax, i < 0 ? i + len : i);
          return x;
        });
        std::vector<Index> idx(ax, Index(all));
        idx.push_back(i);
        log_ << " int(ax" << ax << "," << i << ")";
        v = v.index(idx);
        return;
      }
      case 3: {  // a random permutation (T() when it is the reversal)
        std::vector<int> perm(nd);
        std::iota(perm.begin(), perm.end(), 0);
        std::shuffle(perm.begin(), perm.end(), rng_);
        Shape shape;
        for (int p : perm) shape.push_back(ref.shape[p]);
        ref = remap(ref, shape, [&](const std::vector<int64_t>& x) {
          std::vector<int64_t> o(nd);
          for (int d = 0; d < nd; ++d) o[perm[d]] = x[d];
          return o;
        });
        log_ << " transpose";
        v = v.transpose(perm);
        return;
      }
      case 4: {  // reshape to a random factorisation (C order: the map is unchanged)
        int64_t rest = v.size();
        Shape shape;
        const int new_nd = pick(0, 4);
        for (int d = 0; d < new_nd - 1; ++d) {
          std::vector<int64_t> divs;
          for (int64_t k = 1; k <= std::max<int64_t>(rest, 1) && k <= 12; ++k)
            if (rest == 0 ? k <= 3 : rest % k == 0) divs.push_back(rest == 0 ? k - 1 : k);
          int64_t k = divs[pick(0, static_cast<int>(divs.size()) - 1)];
          shape.push_back(k);
          if (k != 0) rest /= k;
        }
        if (new_nd == 0 && rest != 1) shape.push_back(rest);
        else if (new_nd > 0) shape.push_back(rest);
        if (checked_numel(shape) != v.size()) return;  // a zero already placed: skip
        Shape arg = shape;
        if (!arg.empty() && v.size() > 0 && pick(0, 1)) arg[pick(0, static_cast<int>(arg.size()) - 1)] = -1;
        log_ << " reshape" << shape_str(arg);
        ref.shape = shape;
        v = v.reshape(arg);
        return;
      }
      case 5: {  // expand_dims / squeeze
        if (pick(0, 1) || nd == 0) {
          if (nd >= 7) return;
          const int ax = pick(0, nd);
          Shape shape = ref.shape;
          shape.insert(shape.begin() + ax, 1);
          ref = remap(ref, shape, [&](std::vector<int64_t> x) { x.erase(x.begin() + ax); return x; });
          log_ << " expand_dims(" << ax << ")";
          v = v.expand_dims(ax);
        } else {
          Shape shape;
          for (int64_t d : ref.shape) if (d != 1) shape.push_back(d);
          ref = remap(ref, shape, [&](const std::vector<int64_t>& x) {
            std::vector<int64_t> o;
            size_t k = 0;
            for (int64_t d : ref.shape) o.push_back(d == 1 ? 0 : x[k++]);
            return o;
          });
          log_ << " squeeze";
          v = v.squeeze();
        }
        return;
      }
      case 6: {  // broadcast_to: size-1 axes stretched, one leading axis added
        if (nd >= 7) return;
        Shape shape = ref.shape;
        for (auto& d : shape) if (d == 1 && pick(0, 1)) d = pick(0, 3);
        shape.insert(shape.begin(), pick(1, 3));
        const Shape old = ref.shape;
        ref = remap(ref, shape, [&](const std::vector<int64_t>& x) {
          std::vector<int64_t> o;
          for (size_t d = 0; d < old.size(); ++d) o.push_back(old[d] == 1 ? 0 : x[d + 1]);
          return o;
        });
        log_ << " broadcast_to" << shape_str(shape);
        v = v.broadcast_to(shape);
        return;
      }
      default: {  // newaxis / ellipsis through an index string
        if (nd >= 7) return;
        Shape shape = ref.shape;
        shape.push_back(1);
        ref = remap(ref, shape, [&](std::vector<int64_t> x) { x.pop_back(); return x; });
        log_ << " [\"..., None\"]";
        v = v["..., None"];
        return;
      }
    }
  }

  // Every address the view can reach lies inside the base allocation.
  void check_bounds(const Array& v) {
    if (v.size() == 0) return;
    int64_t lo = v.offset(), hi = v.offset();
    for (int d = 0; d < v.ndim(); ++d) {
      const int64_t span = (v.shape()[d] - 1) * v.strides()[d];
      (span < 0 ? lo : hi) += span;
    }
    EXPECT_GE(lo, 0);
    EXPECT_LT(hi, v.storage()->nbytes() / 8);
  }

  // Writes -(k+1) through the view (in C order) and checks the base against the reference.
  void check_write(const Array& v, const Ref& ref) {
    const int64_t n = v.size();
    std::vector<int64_t> expect = base_.to_vector<int64_t>();
    for (int64_t k = 0; k < n; ++k) expect[ref.map[k]] = -(k + 1);
    v.assign(arange(-1, -n - 1, -1, int64, dev_).reshape(v.shape()));
    EXPECT_EQ(base_.to_vector<int64_t>(), expect) << "write through the view";
  }

  std::mt19937_64 rng_;
  Device dev_;
  Array base_;
  std::ostringstream log_;
};

}  // namespace

class ViewProperties : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(ViewProperties);

TEST_P(ViewProperties, RandomChainsMatchNaiveReference) {
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun: Chain(seed, dev).run())");
    Chain(seed, device()).run();
    if (HasFailure()) return;
  }
}

TEST_P(ViewProperties, AlgebraicIdentities) {
  std::mt19937_64 rng(7);
  for (int t = 0; t < 50; ++t) {
    SCOPED_TRACE("trial " + std::to_string(t));
    Shape s(rng() % 4 + 1);
    for (auto& d : s) d = static_cast<int64_t>(rng() % 4 + 1);
    Array x = arange(0, checked_numel(s), 1, int64, device()).reshape(s);
    EXPECT_EQ(x.T().T().strides(), x.strides());                       // x.T.T is the same view
    EXPECT_EQ(x.T().T().offset(), x.offset());
    std::vector<Index> rev(x.ndim(), Index(slice(_, _, -1)));
    Array rr = x.index(rev).index(rev);                                 // x[::-1][::-1]
    EXPECT_EQ(rr.strides(), x.strides());
    EXPECT_EQ(rr.offset(), x.offset());
    EXPECT_EQ(x.T().reshape({-1}).reshape(x.T().shape()).to_vector<int64_t>(), x.T().to_vector<int64_t>());
    std::vector<int> p(x.ndim()), inv(x.ndim());
    std::iota(p.begin(), p.end(), 0);
    std::shuffle(p.begin(), p.end(), rng);
    for (int d = 0; d < x.ndim(); ++d) inv[p[d]] = d;
    EXPECT_EQ(x.transpose(p).transpose(inv).strides(), x.strides());
  }
}

// item() reads the one element of a view at its offset, in the array's own dtype (straight to
// the host) or converted to another, and refuses any other size.
TEST_P(ViewProperties, ItemReadsTheViewsOwnElement) {
  const Array x = arange(0, 12, 1, float32, device()).reshape({3, 4});
  EXPECT_EQ(x(2, 3).item<float>(), 11.f);
  EXPECT_EQ(x.T()(1, 2).item<float>(), 9.f);
  EXPECT_EQ(x(1, slice(3, 4)).item<float>(), 7.f);
  EXPECT_EQ(x(2, 1).item<double>(), 9.0);
  EXPECT_EQ(x(0, 2).item<int64_t>(), 2);
  EXPECT_TRUE(x(1, 1).item<bool>());
  EXPECT_FALSE(x(0, 0).item<bool>());
  EXPECT_THROW(x(1).item<float>(), ValueError);
}
