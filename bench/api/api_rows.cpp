// The whole-API benchmark's rows (bench/README.md, "Whole API"): every public op of ndgpu at a
// small (16 x 768) and a ~1e6-element (1300 x 768) size, and with a transposed operand where the
// op reads one. Elementwise ops and reductions come from the op tables (kernels/op_list.hpp,
// the reduction list below mirrors reductions.hpp), so a new table entry gets rows by itself;
// everything else is listed by hand. api_peers.py builds the same inputs in NumPy and PyTorch
// from each row's fields, and scripts/check_api_bench.py fails CI when a public name has no row.
#include "api_rows.hpp"

#include <cstdio>
#include <filesystem>

#include <ndgpu/io.hpp>
#include <ndgpu/ndgpu.hpp>

#include "op_list.hpp"

namespace ndapi {
namespace {

using nd::Array;

constexpr int64_t kCols = 768;
struct Size {
  const char* tag;
  int64_t rows;
};
constexpr Size kSmall{"16x768", 16};
constexpr Size kLarge{"1300x768", 1300};

// x in [0.5, 1.5): every float function is defined there (log, sqrt, power).
Array input(int64_t rows, uint64_t seed, bool transposed) {
  nd::random::seed(seed);
  if (!transposed) return nd::random::rand({rows, kCols}) + 0.5f;
  return (nd::random::rand({kCols, rows}) + 0.5f).T();  // (rows, 768), not contiguous
}
std::string layout_tag(bool t) { return t ? "T" : "C"; }

// Call f(x) and keep the result alive until the next call (no dead-code elimination).
template <class F>
Timed keep(F f) {
  return [f] { volatile auto sink = f(); (void)sink; };
}

constexpr bool integer_only(nd::kern::OpClass c) { return c == nd::kern::OpClass::bitwise || c == nd::kern::OpClass::shift; }

void elementwise_rows(std::vector<Row>& rows) {
  for (Size s : {kSmall, kLarge}) {
    for (bool t : {false, true}) {
      if (t && s.rows == kSmall.rows) continue;  // the strided case at the large size only
      const std::string lay = layout_tag(t);
      // (the bitwise ops and shifts take integers: int32 x in [500, 1500), y in [10, 30))
#define ND_X(name, F, cls, ulp)                                                                 \
  if (!integer_only(nd::kern::OpClass::cls))                                                        \
    rows.push_back({#name, "unary", "f32", s.tag, lay, "", [s, t] {                              \
                      Array x = input(s.rows, 1, t);                                             \
                      return keep([x] { return nd::name(x).data_ptr(); });                       \
                    }});                                                                         \
  else                                                                                          \
    rows.push_back({#name, "bitwise", "i32", s.tag, lay, "", [s, t] {                            \
                      Array x = (input(s.rows, 1, t) * 1000.0f).astype(nd::int32);               \
                      return keep([x] { return nd::name(x).data_ptr(); });                       \
                    }});
      ND_UNARY_OPS(ND_X)
#undef ND_X
#define ND_X(name, F, cls, ulp)                                                                 \
  if (!integer_only(nd::kern::OpClass::cls))                                                        \
    rows.push_back({#name, "binary", "f32", s.tag, lay, "", [s, t] {                             \
                      Array x = input(s.rows, 1, t), y = input(s.rows, 2, false);               \
                      return keep([x, y] { return nd::name(x, y).data_ptr(); });                 \
                    }});                                                                         \
  else                                                                                          \
    rows.push_back({#name, "bitwise", "i32", s.tag, lay, "", [s, t] {                            \
                      Array x = (input(s.rows, 1, t) * 1000.0f).astype(nd::int32);               \
                      Array y = (input(s.rows, 2, false) * 20.0f).astype(nd::int32);             \
                      return keep([x, y] { return nd::name(x, y).data_ptr(); });                 \
                    }});
      ND_BINARY_OPS(ND_X)
#undef ND_X
      rows.push_back({"where", "ternary", "f32", s.tag, lay, "", [s, t] {
                        Array x = input(s.rows, 1, t), y = input(s.rows, 2, false), c = x > 1.0f;
                        return keep([c, x, y] { return nd::where(c, x, y).data_ptr(); });
                      }});
      rows.push_back({"clip", "ternary", "f32", s.tag, lay, "0.7,1.2", [s, t] {
                        Array x = input(s.rows, 1, t);
                        return keep([x] { return nd::clip(x, 0.7f, 1.2f).data_ptr(); });
                      }});
    }
  }
  // Scalar operands (NumPy's fast scalar paths), and the integer division the issue names.
  for (const char* p : {"2", "0.5", "2.5", "-1"})
    rows.push_back({"power", "binary_scalar", "f32", kLarge.tag, "C", p, [p] {
                      Array x = input(kLarge.rows, 1, false);
                      const double e = std::stod(p);
                      return keep([x, e] { return nd::power(x, e).data_ptr(); });
                    }});
  rows.push_back({"multiply", "binary_scalar", "f32", kLarge.tag, "C", "0.5", [] {
                    Array x = input(kLarge.rows, 1, false);
                    return keep([x] { return nd::multiply(x, 0.5f).data_ptr(); });
                  }});
  for (const char* op : {"floor_divide", "mod", "add", "multiply"})
    rows.push_back({op, "binary_scalar", "i64", kLarge.tag, "C", "7", [op = std::string(op)] {
                      nd::random::seed(3);
                      Array x = nd::random::integers(-1000, 1000, {kLarge.rows, kCols}, nd::int64);
                      if (op == "floor_divide") return keep([x] { return nd::floor_divide(x, 7).data_ptr(); });
                      if (op == "mod") return keep([x] { return nd::mod(x, 7).data_ptr(); });
                      if (op == "add") return keep([x] { return nd::add(x, 7).data_ptr(); });
                      return keep([x] { return nd::multiply(x, 7).data_ptr(); });
                    }});
  // The aliases: the same code as their targets, timed once so that no name goes untimed.
  rows.push_back({"bitwise_not", "bitwise", "i32", kLarge.tag, "C", "", [] {
                    Array x = (input(kLarge.rows, 1, false) * 1000.0f).astype(nd::int32);
                    return keep([x] { return nd::bitwise_not(x).data_ptr(); });
                  }});
  for (const char* op : {"abs", "true_divide", "remainder", "pow"})
    rows.push_back({op, std::string(op) == "abs" ? "unary" : "binary", "f32", kLarge.tag, "C", "",
                    [op = std::string(op)] {
                      Array x = input(kLarge.rows, 1, false), y = input(kLarge.rows, 2, false);
                      if (op == "abs") return keep([x] { return nd::abs(x).data_ptr(); });
                      if (op == "true_divide") return keep([x, y] { return nd::true_divide(x, y).data_ptr(); });
                      if (op == "remainder") return keep([x, y] { return nd::remainder(x, y).data_ptr(); });
                      return keep([x, y] { return nd::pow(x, y).data_ptr(); });
                    }});
}

// The reductions of reductions.hpp, each over every axis, axis 0 and the last axis.
#define ND_API_REDUCTIONS(X) X(sum) X(prod) X(mean) X(var) X(std) X(max) X(min) X(amax) X(amin) \
  X(any) X(all)

void reduction_rows(std::vector<Row>& rows) {
  for (Size s : {kSmall, kLarge}) {
    for (bool t : {false, true}) {
      if (t && s.rows == kSmall.rows) continue;
      for (const char* axis : {"all", "0", "-1"}) {
        const std::string ax = axis;
        const std::string lay = layout_tag(t);
#define ND_X(name)                                                                              \
  rows.push_back({#name, "reduce", "f32", s.tag, lay, ax, [s, t, ax] {                          \
                    Array x = input(s.rows, 1, t);                                               \
                    nd::Axes a = ax == "all" ? nd::Axes{} : nd::Axes{std::stoi(ax)};             \
                    return keep([x, a] { return nd::name(x, a).data_ptr(); });                   \
                  }});
        ND_API_REDUCTIONS(ND_X)
#undef ND_X
        rows.push_back({"norm", "reduce", "f32", s.tag, lay, ax, [s, t, ax] {
                          Array x = input(s.rows, 1, t);
                          nd::Axes a = ax == "all" ? nd::Axes{} : nd::Axes{std::stoi(ax)};
                          return keep([x, a] { return nd::linalg::norm(x, a).data_ptr(); });
                        }});
        for (const char* op : {"argmax", "argmin"})
          rows.push_back({op, "reduce", "f32", s.tag, lay, ax, [s, t, ax, op = std::string(op)] {
                            Array x = input(s.rows, 1, t);
                            std::optional<int> a;
                            if (ax != "all") a = std::stoi(ax);
                            if (op == "argmax") return keep([x, a] { return nd::argmax(x, a).data_ptr(); });
                            return keep([x, a] { return nd::argmin(x, a).data_ptr(); });
                          }});
      }
    }
  }
}

// Everything else, by hand: one row per (op, case). `special` rows are built by name on the
// peers' side too (api_peers.py SPECIAL).
void special(std::vector<Row>& rows, std::string op, Size s, std::string lay, std::string param,
             Setup setup) {
  rows.push_back({std::move(op), "special", "f32", s.tag, std::move(lay), std::move(param), std::move(setup)});
}

void creation_rows(std::vector<Row>& rows) {
  for (Size s : {kSmall, kLarge}) {
    const int64_t r = s.rows, n = s.rows * kCols;
    special(rows, "empty", s, "C", "", [r] { return keep([r] { return nd::empty({r, kCols}).data_ptr(); }); });
    special(rows, "zeros", s, "C", "", [r] { return keep([r] { return nd::zeros({r, kCols}).data_ptr(); }); });
    special(rows, "ones", s, "C", "", [r] { return keep([r] { return nd::ones({r, kCols}).data_ptr(); }); });
    special(rows, "full", s, "C", "", [r] { return keep([r] { return nd::full({r, kCols}, 3.0f).data_ptr(); }); });
    special(rows, "arange", s, "C", "", [n] { return keep([n] { return nd::arange(n, nd::float32).data_ptr(); }); });
    special(rows, "linspace", s, "C", "", [n] {
      return keep([n] { return nd::linspace(0.0, 1.0, n).data_ptr(); });
    });
    special(rows, "empty_like", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::empty_like(x).data_ptr(); }); });
    special(rows, "zeros_like", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::zeros_like(x).data_ptr(); }); });
    special(rows, "ones_like", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::ones_like(x).data_ptr(); }); });
    special(rows, "full_like", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::full_like(x, 2.0f).data_ptr(); }); });
    special(rows, "array", s, "C", "", [n] {
      auto v = std::make_shared<std::vector<float>>(n, 1.5f);
      return keep([v] { return nd::array(*v).data_ptr(); });
    });
    special(rows, "rand", s, "C", "", [r] { return keep([r] { return nd::random::rand({r, kCols}).data_ptr(); }); });
    special(rows, "randn", s, "C", "", [r] { return keep([r] { return nd::random::randn({r, kCols}).data_ptr(); }); });
    special(rows, "uniform", s, "C", "", [r] { return keep([r] { return nd::random::uniform(-2, 3, {r, kCols}).data_ptr(); }); });
    special(rows, "normal", s, "C", "", [r] { return keep([r] { return nd::random::normal(1, 2, {r, kCols}).data_ptr(); }); });
    special(rows, "integers", s, "C", "", [r] { return keep([r] { return nd::random::integers(0, 100, {r, kCols}).data_ptr(); }); });
  }
  for (Size s : {Size{"100x100", 100}, Size{"1000x1000", 1000}}) {
    const int64_t m = s.rows;
    special(rows, "eye", s, "C", "", [m] { return keep([m] { return nd::eye(m).data_ptr(); }); });
    special(rows, "identity", s, "C", "", [m] { return keep([m] { return nd::identity(m).data_ptr(); }); });
  }
  special(rows, "scalar", Size{"1", 1}, "C", "", [] { return keep([] { return nd::scalar(1.5f).data_ptr(); }); });
}

void indexing_rows(std::vector<Row>& rows) {
  for (Size s : {kSmall, kLarge}) {
    for (bool t : {false, true}) {
      if (t && s.rows == kSmall.rows) continue;
      const std::string lay = layout_tag(t);
      const int64_t r = s.rows;
      special(rows, "index", s, lay, "mask", [r, t] {
        Array x = input(r, 1, t);
        return keep([x] { return x[x > 1.0f].data_ptr(); });
      });
      special(rows, "index", s, lay, "rows", [r, t] {
        Array x = input(r, 1, t);
        Array idx = nd::arange(0, r, 2, nd::int64);  // every other row: r / 2 rows
        return keep([x, idx] { return x[idx].data_ptr(); });
      });
      special(rows, "index", s, lay, "slice", [r, t] {
        Array x = input(r, 1, t);
        return keep([x] { return x(nd::slice(1, nd::_, 2), nd::slice(0, 384)).data_ptr(); });
      });
      special(rows, "assign_at", s, lay, "mask", [r, t] {
        Array x = input(r, 1, t);
        Array m = x > 1.0f;
        Array zero = nd::scalar(0.0f);
        return keep([x, m, zero] { x.assign_at({nd::Index(m)}, zero); return x.data_ptr(); });
      });
      special(rows, "assign_at", s, lay, "rows", [r, t] {
        Array x = input(r, 1, t);
        Array idx = nd::arange(0, r, 2, nd::int64);
        Array zero = nd::scalar(0.0f);
        return keep([x, idx, zero] { x.assign_at({nd::Index(idx)}, zero); return x.data_ptr(); });
      });
      special(rows, "assign", s, lay, "slice", [r, t] {
        Array x = input(r, 1, t);
        return keep([x] { x(nd::all, nd::slice(0, 384)).assign(1.0); return x.data_ptr(); });
      });
      special(rows, "nonzero", s, lay, "", [r, t] {
        Array m = input(r, 1, t) > 1.0f;
        return keep([m] { return nd::nonzero(m)[0].data_ptr(); });
      });
      // Copies, casts and shape ops (a copy from a transposed operand, a view otherwise).
      special(rows, "copy", s, lay, "", [r, t] { Array x = input(r, 1, t); return keep([x] { return x.copy().data_ptr(); }); });
      special(rows, "contiguous", s, lay, "", [r, t] { Array x = input(r, 1, t); return keep([x] { return x.contiguous().data_ptr(); }); });
      special(rows, "astype", s, lay, "int32", [r, t] { Array x = input(r, 1, t); return keep([x] { return x.astype(nd::int32).data_ptr(); }); });
      special(rows, "astype", s, lay, "float64", [r, t] { Array x = input(r, 1, t); return keep([x] { return x.astype(nd::float64).data_ptr(); }); });
      special(rows, "astype", s, lay, "float16", [r, t] { Array x = input(r, 1, t); return keep([x] { return x.astype(nd::float16).data_ptr(); }); });
      special(rows, "astype", s, lay, "bfloat16", [r, t] { Array x = input(r, 1, t); return keep([x] { return x.astype(nd::bfloat16).data_ptr(); }); });
      special(rows, "reshape", s, lay, "", [r, t] { Array x = input(r, 1, t); return keep([x] { return nd::reshape(x, {-1}).data_ptr(); }); });
      special(rows, "flatten", s, lay, "", [r, t] { Array x = input(r, 1, t); return keep([x] { return x.flatten().data_ptr(); }); });
      special(rows, "ravel", s, lay, "", [r, t] { Array x = input(r, 1, t); return keep([x] { return nd::ravel(x).data_ptr(); }); });
      special(rows, "concatenate", s, lay, "", [r, t] {
        Array x = input(r, 1, t), y = input(r, 2, false);
        return keep([x, y] { return nd::concatenate({x, y}, 0).data_ptr(); });
      });
      special(rows, "stack", s, lay, "", [r, t] {
        Array x = input(r, 1, t), y = input(r, 2, false);
        return keep([x, y] { return nd::stack({x, y}, 0).data_ptr(); });
      });
      special(rows, "to_vector", s, lay, "", [r, t] {
        Array x = input(r, 1, t);
        return keep([x] { return x.to_vector<float>().size(); });
      });
    }
  }
  // Views: per-call cost only, at one size.
  const Size s = kLarge;
  special(rows, "transpose", s, "C", "", [] { Array x = input(kLarge.rows, 1, false); return keep([x] { return nd::transpose(x).data_ptr(); }); });
  special(rows, "swapaxes", s, "C", "", [] { Array x = input(kLarge.rows, 1, false); return keep([x] { return nd::swapaxes(x, 0, 1).data_ptr(); }); });
  special(rows, "squeeze", s, "C", "", [] { Array x = input(kLarge.rows, 1, false).reshape({1, kLarge.rows, kCols}); return keep([x] { return nd::squeeze(x).data_ptr(); }); });
  special(rows, "expand_dims", s, "C", "", [] { Array x = input(kLarge.rows, 1, false); return keep([x] { return nd::expand_dims(x, 0).data_ptr(); }); });
  special(rows, "broadcast_to", s, "C", "", [] { Array x = input(1, 1, false); return keep([x] { return nd::broadcast_to(x, {kLarge.rows, kCols}).data_ptr(); }); });
  special(rows, "item", Size{"1", 1}, "C", "", [] { Array x = nd::scalar(1.5f); return keep([x] { return x.item<float>(); }); });
  special(rows, "to_string", s, "C", "", [] { Array x = input(kLarge.rows, 1, false); return keep([x] { return nd::to_string(x).size(); }); });
  special(rows, "repr", s, "C", "", [] { Array x = input(kLarge.rows, 1, false); return keep([x] { return nd::repr(x).size(); }); });
}

void linalg_nn_rows(std::vector<Row>& rows) {
  for (bool t : {false, true}) {
    const std::string lay = layout_tag(t);
    special(rows, "matmul", Size{"256x256x256", 256}, lay, "", [t] {
      Array a = input(256, 1, false)(nd::all, nd::slice(0, 256)).copy(), b = a + 0.0f;
      if (t) a = a.T();
      return keep([a, b] { return nd::matmul(a, b).data_ptr(); });
    });
    // x.T @ x of the 1e6-element input: (768, 1300) @ (1300, 768).
    special(rows, "matmul", Size{"768x1300x768", 768}, lay, "", [t] {
      Array x = input(kLarge.rows, 1, false);
      Array a = t ? x.T() : x.T().copy();
      return keep([a, x] { return nd::matmul(a, x).data_ptr(); });
    });
  }
  special(rows, "dot", Size{"998400", 998400}, "C", "", [] {
    Array x = input(kLarge.rows, 1, false).reshape({-1}), y = input(kLarge.rows, 2, false).reshape({-1});
    return keep([x, y] { return nd::dot(x, y).data_ptr(); });
  });
  special(rows, "outer", Size{"1000x1000", 1000}, "C", "", [] {
    Array x = input(1, 1, false)(0, nd::slice(0, 500)).copy();
    Array v = nd::concatenate({x, x});
    return keep([v] { return nd::outer(v, v).data_ptr(); });
  });
  for (Size s : {kSmall, kLarge}) {
    const int64_t r = s.rows;
    special(rows, "softmax", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::softmax(x).data_ptr(); }); });
    special(rows, "log_softmax", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::log_softmax(x).data_ptr(); }); });
    special(rows, "normalize", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::normalize(x).data_ptr(); }); });
    special(rows, "standardize", s, "C", "", [r] { Array x = input(r, 1, false); return keep([x] { return nd::standardize(x).data_ptr(); }); });
    special(rows, "topk", s, "C", "10", [r] { Array x = input(r, 1, false); return keep([x] { return nd::topk(x, 10).first.data_ptr(); }); });
    special(rows, "cosine_similarity", s, "C", "32q", [r] {
      Array q = input(32, 2, false), x = input(r, 1, false);
      return keep([q, x] { return nd::cosine_similarity(q, x).data_ptr(); });
    });
    special(rows, "cdist", s, "C", "32q", [r] {
      Array q = input(32, 2, false), x = input(r, 1, false);
      return keep([q, x] { return nd::cdist(q, x).data_ptr(); });
    });
    special(rows, "nearest", s, "C", "32q,k10", [r] {
      Array q = input(32, 2, false), x = input(r, 1, false);
      return keep([q, x] { return nd::nearest(q, x, 10).indices.data_ptr(); });
    });
  }
  for (Size s : {Size{"1x4x256x64", 256}, Size{"1x8x1024x64", 1024}}) {
    const int64_t S = s.rows, h = S == 256 ? 4 : 8;
    special(rows, "attention", s, "C", "", [S, h] {
      nd::random::seed(4);
      Array q = nd::random::randn({1, h, S, 64}), k = nd::random::randn({1, h, S, 64}),
            v = nd::random::randn({1, h, S, 64});
      return keep([q, k, v] { return nd::attention(q, k, v).data_ptr(); });
    });
  }
  special(rows, "kmeans", Size{"10000x32", 10000}, "C", "k8,10it", [] {
    nd::random::seed(5);
    Array x = nd::random::randn({10000, 32});
    nd::KMeansOptions o;
    o.iters = 10;
    return keep([x, o] { return nd::kmeans(x, 8, o).centroids.data_ptr(); });
  });
}

void io_rows(std::vector<Row>& rows) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  for (Size s : {kSmall, kLarge}) {
    const int64_t r = s.rows;
    const std::string f = dir + "/ndgpu_api_bench_" + s.tag;
    special(rows, "save", s, "C", "", [r, f] { Array x = input(r, 1, false); return keep([x, f] { nd::save(f + ".npy", x); return 0; }); });
    special(rows, "load", s, "C", "", [r, f] {
      nd::save(f + ".npy", input(r, 1, false));
      return keep([f] { return nd::load(f + ".npy").data_ptr(); });
    });
    special(rows, "savez", s, "C", "", [r, f] { Array x = input(r, 1, false); return keep([x, f] { nd::savez(f + ".npz", {{"x", x}}); return 0; }); });
    special(rows, "load_npz", s, "C", "", [r, f] {
      nd::savez(f + ".npz", {{"x", input(r, 1, false)}});
      return keep([f] { return nd::load_npz(f + ".npz").size(); });
    });
    special(rows, "from_blob", s, "C", "", [r] {
      auto buf = std::make_shared<std::vector<float>>(r * kCols, 1.0f);
      return keep([buf, r] { return nd::from_blob(buf->data(), {r, kCols}, nd::float32).data_ptr(); });
    });
  }
}

// Rows of one form over dtypes that compute wider (issue 16): the float32 rows' inputs times
// `scale`, converted to each dtype (tag, dtype), at both sizes and layouts, one row per op.
using BinaryFn = Array (*)(const Array&, const Array&);
void converted_rows(std::vector<Row>& rows, const char* form, std::vector<std::pair<const char*, nd::DType>> dtypes,
                    float scale, std::vector<std::pair<const char*, BinaryFn>> ops) {
  for (auto [dt, t] : dtypes)
    for (Size s : {kSmall, kLarge})
      for (bool tr : {false, true}) {
        if (tr && s.rows == kSmall.rows) continue;
        const int64_t r = s.rows;
        for (auto [op, f] : ops)
          rows.push_back({op, form, dt, s.tag, layout_tag(tr), "", [r, tr, t, scale, f] {
            Array x = (input(r, 1, tr) * scale).astype(t), y = (input(r, 2, false) * scale).astype(t);
            return keep([x, y, f] { return f(x, y).data_ptr(); });
          }});
      }
}

// The 16-bit floats (their math is float32's, rounded once per op): PyTorch's float16 / bfloat16
// and NumPy's float16 beside them; the integer widths (int32's math wrapped; uint64's own), inputs
// in [50, 150): NumPy's and PyTorch's int8 / uint8 / uint64 loops beside them.
void opmath_rows(std::vector<Row>& rows) {
  converted_rows(rows, "half", {{"f16", nd::float16}, {"bf16", nd::bfloat16}}, 1.0f,
                 {{"add", [](const Array& x, const Array& y) { return x + y; }},
                  {"multiply", [](const Array& x, const Array&) { return x * 0.5; }},
                  {"exp", [](const Array& x, const Array&) { return nd::exp(x); }},
                  {"sum", [](const Array& x, const Array&) { return x.sum(); }},
                  {"softmax", [](const Array& x, const Array&) { return nd::softmax(x); }},
                  {"nearest", [](const Array& x, const Array& y) { return nd::nearest(y[0], x, 10).scores; }},
                  {"matmul", [](const Array& x, const Array& y) { return nd::matmul(x, y.T()); }}});
  // Issue 16's search line: 1 query against a 100000 x 768 corpus, the float32 corpus beside.
  for (auto [dt, t] : {std::pair{"f32", nd::float32}, {"f16", nd::float16}, {"bf16", nd::bfloat16}})
    rows.push_back({"nearest", "half", dt, "100000x768", "C", "1q,k10", [t] {
      Array x = input(100000, 1, false).astype(t), q = input(1, 2, false).astype(t)[0];
      return keep([x, q] { return nd::nearest(q, x, 10).scores.data_ptr(); });
    }});
  converted_rows(rows, "narrow", {{"i8", nd::int8}, {"u8", nd::uint8}, {"u64", nd::uint64}}, 100.0f,
                 {{"add", [](const Array& x, const Array& y) { return x + y; }},
                  {"multiply", [](const Array& x, const Array&) { return x * 3; }},
                  {"greater", [](const Array& x, const Array& y) { return x > y; }},
                  {"sum", [](const Array& x, const Array&) { return x.sum(); }},
                  {"astype", [](const Array& x, const Array&) { return x.astype(nd::float32); }}});
}

}  // namespace

std::vector<Row> all_rows() {
  std::vector<Row> rows;
  elementwise_rows(rows);
  reduction_rows(rows);
  creation_rows(rows);
  indexing_rows(rows);
  linalg_nn_rows(rows);
  io_rows(rows);
  opmath_rows(rows);
  return rows;
}

std::string Row::id() const {
  std::string s = op + "/" + form + "/" + dtype + "/" + shape + "/" + layout;
  if (!param.empty()) s += "/" + param;
  return s;
}

}  // namespace ndapi
