// Every golden case (NumPy float64 oracles, tests/golden/make_golden_reduce.py) on every device:
// shape, dtype and values within the docs/reliability.md 5 tolerance.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "reduce/golden.hpp"
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

const std::vector<GoldenInput>& golden_reduce_inputs() {
  static const std::vector<GoldenInput> v = {
#define ND_GOLDEN_INPUTS
#include "golden/reduce_golden.inc"
#undef ND_GOLDEN_INPUTS
  };
  return v;
}

const std::vector<GoldenReduce>& golden_reduce_cases() {
  static const std::vector<GoldenReduce> v = {
#include "golden/reduce_golden.inc"
  };
  return v;
}

nd::Array golden_input(const char* name, nd::Device device) {
  for (const GoldenInput& in : golden_reduce_inputs())
    if (std::string(in.name) == name)
      return nd::array(in.values, in.shape, nd::float64, nd::Device::cpu()).astype(in.dtype).to(device);
  throw std::runtime_error(std::string("no golden input ") + name);
}

namespace {

nd::Array run_case(const GoldenReduce& c, const nd::Array& x) {
  const nd::Axes axes = c.all_axes ? nd::Axes() : nd::Axes(c.axes);
  const std::string op = c.op;
  std::optional<int> axis;
  if (!c.all_axes) axis = c.axes.at(0);
  if (op == "sum") return x.sum(axes, c.keepdims);
  if (op == "prod") return x.prod(axes, c.keepdims);
  if (op == "mean") return x.mean(axes, c.keepdims);
  if (op == "var") return x.var(axes, c.keepdims, c.ddof);
  if (op == "std") return x.std(axes, c.keepdims, c.ddof);
  if (op == "max") return x.max(axes, c.keepdims);
  if (op == "min") return x.min(axes, c.keepdims);
  if (op == "argmax") return x.argmax(axis, c.keepdims);
  if (op == "argmin") return x.argmin(axis, c.keepdims);
  if (op == "any") return x.any(axes, c.keepdims);
  if (op == "all") return x.all(axes, c.keepdims);
  if (op == "norm") {
    if (std::isnan(c.ord)) return nd::linalg::norm(x, axes, c.keepdims);
    return nd::linalg::norm(x, nd::linalg::Ord{c.ord}, axes, c.keepdims);
  }
  throw std::runtime_error("unknown op " + op);
}

class ReduceGolden : public DeviceTest {};

TEST_P(ReduceGolden, MatchesNumPyOracles) {
  int checked = 0;
  for (const GoldenReduce& c : golden_reduce_cases()) {
    SCOPED_TRACE(c.name);
    nd::Array x = golden_input(c.input, device());
    nd::Array r = run_case(c, x);
    ASSERT_EQ(r.dtype(), c.out_dtype);
    ASSERT_EQ(r.shape(), c.out_shape);
    ASSERT_EQ(r.device(), device());
    const std::string op = c.op;
    if (!nd::is_floating(c.out_dtype) || op == "max" || op == "min") {
      EXPECT_TRUE(array_near(r, c.expected, c.out_shape, 0, 0));  // exact
    } else {
      const double eps = eps_of(c.out_dtype);
      std::vector<double> got = r.astype(nd::float64).to_vector<double>();
      for (size_t i = 0; i < got.size(); ++i) {
        const double e = c.expected[i];
        double tol;
        if (op == "var" || op == "std") tol = 64 * eps * std::fabs(e) + 1e-300;
        else if (op == "prod") tol = 2.0 * c.n * eps * std::fabs(e);  // products: relative n eps
        else if (op == "norm") tol = reduce_atol(c.out_dtype, c.n, std::fabs(e)) + eps * std::fabs(e);
        else tol = reduce_atol(c.out_dtype, c.n, c.abs_sum[i]) / (op == "mean" ? c.n : 1) +
                   eps * std::fabs(e);
        if (std::isnan(e) || std::isinf(e)) EXPECT_TRUE(got[i] == e || (std::isnan(got[i]) && std::isnan(e))) << i;
        else EXPECT_NEAR(got[i], e, tol) << "element " << i;
      }
    }
    ++checked;
  }
  EXPECT_GT(checked, 150);
}

}  // namespace

ND_INSTANTIATE_DEVICE_TESTS(ReduceGolden);
