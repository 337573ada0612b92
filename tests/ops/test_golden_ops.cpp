// Every elementwise op on every device against NumPy's values (tests/golden/ops_golden.txt,
// written by tests/golden/make_golden_ops.py): NaN, +-inf, -0.0, subnormals, integer overflow,
// division by zero, scalars on either side, broadcasting and mixed dtypes.
#include <functional>
#include <map>
#include <sstream>
#include <variant>

#include "support/device_test.hpp"
#include "support/golden_text.hpp"

namespace {

using Operand = std::variant<nd::Array, nd::Number>;
using Fn = std::function<nd::Array(const std::vector<Operand>&)>;

nd::ArrayOrScalar either(const Operand& o) {
  if (auto* a = std::get_if<nd::Array>(&o)) return *a;
  return std::get<nd::Number>(o);
}

template <class F>
nd::Array call2(const std::vector<Operand>& v, F f) {
  return std::visit([&](const auto& x, const auto& y) -> nd::Array {
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, nd::Number> &&
                  std::is_same_v<std::decay_t<decltype(y)>, nd::Number>)
      throw std::runtime_error("two scalars");
    else
      return f(x, y);
  }, v[0], v[1]);
}

const std::map<std::string, Fn>& ops() {
#define U(name) {#name, [](const std::vector<Operand>& v) { return nd::name(std::get<nd::Array>(v[0])); }}
#define B(name) {#name, [](const std::vector<Operand>& v) { \
                   return call2(v, [](const auto& x, const auto& y) { return nd::name(x, y); }); }}
  static const std::map<std::string, Fn> table = {
      U(negative), U(absolute), U(sign), U(square), U(sqrt), U(exp), U(log), U(log2), U(log10),
      U(log1p), U(expm1), U(sin), U(cos), U(tan), U(tanh), U(sigmoid), U(floor), U(ceil),
      U(round), U(logical_not), U(isnan), U(isinf), U(isfinite), U(invert),
      B(add), B(subtract), B(multiply), B(divide), B(floor_divide), B(mod), B(power),
      B(maximum), B(minimum), B(fmax), B(fmin), B(equal), B(not_equal), B(less),
      B(less_equal), B(greater), B(greater_equal), B(logical_and), B(logical_or),
      B(logical_xor), B(bitwise_and), B(bitwise_or), B(bitwise_xor), B(left_shift), B(right_shift),
      {"where", [](const std::vector<Operand>& v) {
         return nd::where(std::get<nd::Array>(v[0]), either(v[1]), either(v[2])); }},
      {"clip", [](const std::vector<Operand>& v) {
         return nd::clip(std::get<nd::Array>(v[0]), either(v[1]), either(v[2])); }},
  };
#undef U
#undef B
  return table;
}

const std::vector<golden::Case>& cases() {
  static const auto all = golden::load(std::string(NDGPU_TEST_DATA) + "/ops_golden.txt");
  return all;
}

// Compares got with the golden output: exact (bitwise for floats, any NaN for NaN) when ulp is
// 0, else within `ulp` units in the last place (NaN and infinities still exact).
template <class T>
::testing::AssertionResult matches(const nd::Array& got, const golden::Values& want, int ulp) {
  std::vector<T> g = got.to_vector<T>();
  std::ostringstream bad;
  int nbad = 0;
  for (size_t k = 0; k < g.size(); ++k) {
    bool ok;
    if constexpr (std::is_floating_point_v<T> || nd::is_half_v<T>) {
      const T w = static_cast<T>(want.f[k]);
      using W = std::conditional_t<nd::is_half_v<T>, float, T>;  // exact for every T
      const W gf = static_cast<W>(g[k]), wf = static_cast<W>(w);
      if (std::isnan(wf) || std::isnan(gf)) ok = std::isnan(wf) && std::isnan(gf);
      else if (ulp == 0 || std::isinf(wf)) ok = std::memcmp(&g[k], &w, sizeof(T)) == 0;
      else ok = golden::ulp_distance(g[k], w) <= ulp;
      if (!ok && nbad++ < 6) bad << " [" << k << "] got " << +g[k] << " want " << +w << ";";
    } else {
      ok = static_cast<int64_t>(g[k]) == want.i[k];
      if (!ok && nbad++ < 6) bad << " [" << k << "] got " << int64_t(g[k]) << " want " << want.i[k] << ";";
    }
  }
  if (nbad) return ::testing::AssertionFailure() << nbad << " of " << g.size() << " differ:" << bad.str();
  return ::testing::AssertionSuccess();
}

}  // namespace

using GoldenOps = DeviceTest;

TEST_P(GoldenOps, EveryCaseMatchesNumPy) {
  ASSERT_GE(cases().size(), 150u);
  for (const golden::Case& c : cases()) {
    SCOPED_TRACE("case " + c.id + " (op " + c.op + ")");
    auto fn = ops().find(c.op);
    ASSERT_NE(fn, ops().end()) << "no test binding for op " << c.op;
    std::vector<nd::Array> keep;
    std::vector<Operand> args;
    for (const golden::Arg& a : c.args) {
      if (!a.is_scalar) args.emplace_back(golden::to_array(a.array, device()));
      else if (a.kind == "float") args.emplace_back(nd::Number(a.f));
      else if (a.kind == "bool") args.emplace_back(nd::Number(a.i != 0));
      else args.emplace_back(nd::Number(a.i));
    }
    const nd::Array got = fn->second(args);
    ASSERT_EQ(got.shape(), c.out.shape);
    ASSERT_EQ(got.dtype(), c.out.dtype);
    if (nd::is_integer(c.out.dtype)) {  // every width, compared as int64 values
      EXPECT_TRUE(matches<int64_t>(got.astype(nd::int64), c.out, 0));
      continue;
    }
    switch (c.out.dtype) {
      case nd::DType::bool_: EXPECT_TRUE(matches<bool>(got, c.out, 0)); break;
      case nd::DType::float32: EXPECT_TRUE(matches<float>(got, c.out, c.ulp)); break;
      case nd::DType::float64: EXPECT_TRUE(matches<double>(got, c.out, c.ulp)); break;
      case nd::DType::float16: EXPECT_TRUE(matches<nd::Float16>(got, c.out, c.ulp)); break;
      case nd::DType::bfloat16: EXPECT_TRUE(matches<nd::BFloat16>(got, c.out, c.ulp)); break;
      default: ADD_FAILURE() << "no comparison for dtype " << c.out.dtype;
    }
  }
}

// Every op of the table has at least one golden case.
TEST(GoldenOpsCoverage, EveryOpHasACase) {
  std::map<std::string, int> seen;
  for (const golden::Case& c : cases()) ++seen[c.op];
  for (const auto& [name, fn] : ops()) EXPECT_GT(seen[name], 0) << name;
}

ND_INSTANTIATE_DEVICE_TESTS(GoldenOps);
