// matmul / dot / outer against NumPy golden values: shapes, 1-D promotion, broadcast batches,
// transposed and strided operands, integer wrapping, k = 0, and NumPy's error messages.
#include "nn/golden_nn.hpp"
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

class Matmul : public DeviceTest {
 protected:
  Array g(const char* name, DType t = float64) { return golden_array(name, t, device()); }
  // float32 products: |err| <= 2 K eps |A||B| is met by this absolute bound for |x| <= 3, K <= 70.
  static constexpr double kTol32 = 2e-4;
};
ND_INSTANTIATE_DEVICE_TESTS(Matmul);

// One tolerance for both rtol and atol (golden_nn.hpp's EXPECT_GOLDEN takes them apart).
#define EXPECT_GOLDEN_TOL(arr, name, tol) EXPECT_GOLDEN(arr, name, tol, tol)

TEST_P(Matmul, MatrixTimesMatrixFloat64AndFloat32) {
  EXPECT_GOLDEN_TOL(matmul(g("mm_a"), g("mm_b")), "mm_ab", 1e-12);
  Array c = matmul(g("mm_a", float32), g("mm_b", float32));
  EXPECT_EQ(c.dtype(), float32);
  EXPECT_GOLDEN_TOL(c, "mm_ab", kTol32);
  EXPECT_GOLDEN_TOL(matmul(g("mm_lx", float32), g("mm_ly", float32)), "mm_lxy", kTol32);
}

TEST_P(Matmul, OneDimensionalOperandsDropTheirAxis) {
  Array a = g("mm_a"), b = g("mm_b");
  EXPECT_GOLDEN_TOL(matmul(a[0], b), "mm_vec_b", 1e-12);
  EXPECT_GOLDEN_TOL(matmul(a, b(all, 0)), "mm_a_vec", 1e-12);
  Array s = matmul(a[0], b(all, 1));
  EXPECT_EQ(s.ndim(), 0);
  EXPECT_GOLDEN_TOL(s, "mm_vec_vec", 1e-12);
}

TEST_P(Matmul, BatchDimensionsBroadcast) {
  Array c = matmul(g("mm_bx"), g("mm_by"));
  EXPECT_EQ(c.shape(), (Shape{2, 3, 3, 5}));
  EXPECT_GOLDEN_TOL(c, "mm_bxy", 1e-12);
  // (batch, n, k) @ (k, m) runs as one folded product; the same values as per-batch products.
  Array x = g("mm_bx", float32).reshape({2, 3, 4}).copy();
  Array y = g("mm_by", float32)[0];
  Array folded = matmul(x, y);
  for (int i = 0; i < 2; ++i) {
    std::vector<float> one = matmul(x[i], y).to_vector<float>(), all = folded[i].to_vector<float>();
    EXPECT_EQ(one, all);
  }
}

TEST_P(Matmul, TransposedAndStridedOperands) {
  Array b = g("mm_b");
  EXPECT_GOLDEN_TOL(matmul(b.T(), b), "mm_bt_b", 1e-12);          // transpose flag, no copy
  EXPECT_GOLDEN_TOL(matmul(b.T().copy(), b), "mm_bt_b", 1e-12);   // same values contiguous
  Array big = g("mm_lx");                                      // (33, 70)
  Array strided = big(slice(_, _, 2), slice(_, _, 3));         // non-unit inner stride: copied
  Array expect = matmul(strided.copy(), strided.T().copy());
  EXPECT_TRUE(array_near(matmul(strided, strided.T()), expect.to_vector<double>(), expect.shape(), 1e-12, 1e-12));
  Array rev = big(slice(_, _, -1));                                   // negative stride: copied
  Array er = matmul(rev.copy(), g("mm_ly"));
  EXPECT_TRUE(array_near(matmul(rev, g("mm_ly")), er.to_vector<double>(), er.shape(), 1e-12, 1e-12));
}

// x.T @ x and x @ x.T (one operand, transposed on one side) take the Gram path on the CPU (the
// upper triangle, mirrored): the same values as the general product, batched too, and on the CPU
// exactly symmetric (CUDA runs the general product, whose symmetry cuBLAS does not promise).
TEST_P(Matmul, GramProductsMatchTheGeneralProductAndAreSymmetric) {
  for (DType t : {float64, float32}) {
    const double tol = t == float64 ? 1e-12 : kTol32;
    Array x = g("mm_lx", t);  // (33, 70)
    Array b = stack({x, x * 2.0, x(slice(_, _, -1))});
    for (Array v : {x, b}) {
      Array xt = swapaxes(v, -1, -2);
      for (auto [c, expect] : {std::pair{matmul(xt, v), matmul(xt.copy(), v)}, std::pair{matmul(v, xt), matmul(v, xt.copy())}}) {
        SCOPED_TRACE(c.shape().size() == 2 ? "matrix" : "batch");
        EXPECT_TRUE(array_near(c, expect.to_vector<double>(), expect.shape(), tol, tol));
        if (device().is_cpu()) EXPECT_EQ(c.to_vector<double>(), swapaxes(c, -1, -2).copy().to_vector<double>());
      }
    }
  }
}

TEST_P(Matmul, IntegerProductsAreExactAndWrap) {
  Array c = matmul(g("mm_ia", int64), g("mm_ib", int64));
  EXPECT_EQ(c.dtype(), int64);
  std::vector<int64_t> expect;
  for (double v : golden_nn("mm_iab").values) expect.push_back(static_cast<int64_t>(v));
  EXPECT_TRUE(array_equals<int64_t>(c, expect, {3, 2}));
  Array big = full({1, 2}, int64_t(1) << 62, int64, device());
  Array two = full({2, 1}, 2, int64, device());
  // 2^63 + 2^63 wraps to 0 in int64, as NumPy's integer matmul does.
  EXPECT_TRUE(array_equals<int64_t>(matmul(big, two), {0}, {1, 1}));
  Array i32 = matmul(g("mm_ia", int32), g("mm_ib", int32));
  EXPECT_EQ(i32.dtype(), int32);
  Array bools = matmul(array({true, false}, {}, device()), array({{true, false}, {true, true}}, {}, device()));
  EXPECT_TRUE(array_equals<bool>(bools, {true, false}, {2}));
}

TEST_P(Matmul, MixedDtypesPromote) {
  Array c = matmul(g("mm_ia", int32), g("mm_ib", float32));  // int32 @ float32 -> float32
  EXPECT_EQ(c.dtype(), float32);
  EXPECT_GOLDEN_TOL(c, "mm_iab", 0);
  EXPECT_EQ(matmul(g("mm_a", float32), g("mm_b", float64)).dtype(), float64);
}

TEST_P(Matmul, ZeroInnerDimensionGivesZeros) {
  Array c = matmul(ones({2, 0}, float32, device()), ones({0, 3}, float32, device()));
  EXPECT_TRUE(array_equals<float>(c, std::vector<float>(6, 0.f), {2, 3}));
  EXPECT_EQ(matmul(ones({0, 4}, float32, device()), ones({4, 3}, float32, device())).shape(), (Shape{0, 3}));
}

TEST_P(Matmul, ErrorsUseNumPysWording) {
  auto msg = [&](const Array& a, const Array& b) {
    try {
      matmul(a, b);
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  Array a23 = ones({2, 3}, float32, device()), a42 = ones({4, 2}, float32, device());
  EXPECT_EQ(msg(a23, a42),
            "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
            "(n?,k),(k,m?)->(n?,m?) (size 4 is different from 3)");
  EXPECT_EQ(msg(ones({}, float32, device()), ones({4}, float32, device())),
            "matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with "
            "signature (n?,k),(k,m?)->(n?,m?) requires 1)");
  EXPECT_EQ(msg(ones({2, 2, 3}, float32, device()), ones({3, 3, 4}, float32, device())),
            "operands could not be broadcast together with remapped shapes [original->remapped]: "
            "(2,2,3)->(2,newaxis,newaxis) (3,3,4)->(3,newaxis,newaxis)  and requested shape (2,4)");
  try {
    dot(a23, a42);
    ADD_FAILURE() << "dot accepted misaligned shapes";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "shapes (2,3) and (4,2) not aligned: 3 (dim 1) != 4 (dim 0)");
  }
}

TEST_P(Matmul, DotAndOuterFollowNumPy) {
  EXPECT_GOLDEN_TOL(dot(g("dot3_a"), g("dot3_b")), "dot3_ab", 1e-12);
  EXPECT_EQ(dot(g("dot3_a"), g("dot3_b")).shape(), (Shape{2, 3, 5, 2}));
  EXPECT_GOLDEN_TOL(dot(g("mm_a"), g("mm_b")), "mm_ab", 1e-12);
  EXPECT_GOLDEN_TOL(dot(g("mm_a")[0], g("mm_b")(all, 1)), "mm_vec_vec", 1e-12);
  EXPECT_GOLDEN_TOL(outer(g("mm_a")[0], g("mm_b")[1]), "outer_ab", 1e-12);
  Array s = dot(scalar(2.0, float64, device()), g("mm_a"));  // a 0-d operand multiplies
  std::vector<double> twice = golden_nn("mm_a").values;
  for (double& v : twice) v *= 2;
  EXPECT_TRUE(array_near(s, twice, {2, 3}, 0, 0));
}

// Products with a single row, column or element of C run as BLAS dot / matrix-vector calls: every
// transpose combination against a float64 host product.
TEST_P(Matmul, VectorShapedProductsWithTransposedOperands) {
  auto host_product = [](const Array& a, const Array& b) {
    const Array a2 = a.astype(float64).contiguous(), b2 = b.astype(float64).contiguous();
    const auto av = a2.to_vector<double>(), bv = b2.to_vector<double>();
    const int64_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    std::vector<double> c(m * n, 0.0);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t p = 0; p < k; ++p)
        for (int64_t j = 0; j < n; ++j) c[i * n + j] += av[i * k + p] * bv[p * n + j];
    return c;
  };
  random::seed(31);
  for (DType t : {float32, float64}) {
    const Array big = random::rand({300, 200}, t, device()) - 0.5, col = random::rand({200, 1}, t, device()),
                row = random::rand({1, 300}, t, device());
    const double tol = t == float32 ? 1e-4 : 1e-12;
    const std::vector<std::pair<Array, Array>> cases = {
        {big, col},                       // (300, 200) @ (200, 1): a column
        {big.T()(slice(0, 150)), big(all, slice(0, 1))},  // transposed A, strided column
        {row, big},                       // (1, 300) @ (300, 200): a row
        {row, big.T().T()},               // the same through views
        {big(slice(0, 1)), big.T()},      // (1, 200) @ (200, 300) with B transposed
        {row.T().T(), big(all, slice(0, 1))},  // (1, 300) @ (300, 1): one element
        {big.T()(slice(0, 1)), big(all, slice(3, 4))},  // a transposed row times a column
    };
    for (const auto& [a, b] : cases) {
      const Array c = matmul(a, b);
      EXPECT_TRUE(array_near(c, host_product(a, b), c.shape(), tol, tol));
    }
    const Array v = random::rand({5000}, t, device()), w = random::rand({5000}, t, device());
    EXPECT_TRUE(array_near(dot(v, w), host_product(v.reshape({1, 5000}), w.reshape({5000, 1})), {}, tol * 10, tol));
    // Long dots are split over the CPU's threads (contiguous and strided operands).
    const Array lv = random::rand({600001}, t, device()) - 0.5, lw = random::rand({600001}, t, device());
    EXPECT_TRUE(array_near(dot(lv, lw), host_product(lv.reshape({1, 600001}), lw.reshape({600001, 1})), {}, tol * 10, tol * 10));
    const Array sv = lv(slice(0, 600000, 2)), sw = lw(slice(1, 600001, 2));
    EXPECT_TRUE(array_near(dot(sv, sw), host_product(sv.reshape({1, 300000}), sw.reshape({300000, 1})), {}, tol * 10, tol * 10));
  }
}
