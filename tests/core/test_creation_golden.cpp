// arange / linspace / eye against NumPy (issue 21): the values are computed on the device with
// NumPy's arithmetic (kernels/fill_ramp.hpp), so they must match bit for bit, on every device.
// Goldens: tests/golden/creation_golden.inc, made by tests/golden/make_creation_golden.py.
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/device_test.hpp"

using namespace nd;

namespace {

struct CreationGolden {
  const char* call;
  int64_t size;
  uint64_t fnv1a64;
  std::vector<std::pair<int64_t, double>> samples;
};

const std::vector<CreationGolden>& goldens() {
  static const std::vector<CreationGolden> cases = {
#include "golden/creation_golden.inc"
  };
  return cases;
}

using Make = std::function<Array(Device)>;
// The C++ call each golden key stands for.
const std::map<std::string, Make>& calls() {
  static const std::map<std::string, Make> m = {
      {"arange(0, 1000000, 1, float32)", [](Device d) { return arange(0, 1000000, 1, float32, d); }},
      {"arange(0.1, 1000.3, 0.1, float32)", [](Device d) { return arange(0.1, 1000.3, 0.1, float32, d); }},
      {"arange(0.1, 1000.3, 0.1, float64)", [](Device d) { return arange(0.1, 1000.3, 0.1, float64, d); }},
      {"arange(-3.7, 2.9, 0.3, float32)", [](Device d) { return arange(-3.7, 2.9, 0.3, float32, d); }},
      {"arange(1.0, -2.0, -0.7, float64)", [](Device d) { return arange(1.0, -2.0, -0.7, float64, d); }},
      {"arange(16777200.0, 16777300.0, 1.0, float32)",
       [](Device d) { return arange(16777200.0, 16777300.0, 1.0, float32, d); }},
      {"arange(1e-3, 77777.7, 1.1, float32)", [](Device d) { return arange(1e-3, 77777.7, 1.1, float32, d); }},
      {"arange(3, 100003, 7, float32)", [](Device d) { return arange(3, 100003, 7, float32, d); }},
      {"arange(0, 10, 3, int32)", [](Device d) { return arange(0, 10, 3, int32, d); }},
      {"arange(-5, 1000000, 7, int64)", [](Device d) { return arange(-5, 1000000, 7, int64, d); }},
      {"arange(10, -10, -3, int64)", [](Device d) { return arange(10, -10, -3, int64, d); }},
      {"arange(2147483600, 2147483700, 10, int32)",
       [](Device d) { return arange(2147483600LL, 2147483700LL, 10, int32, d); }},
      {"arange(0.5, 5.0, 1.5, int64)", [](Device d) { return arange(0.5, 5.0, 1.5, int64, d); }},
      {"arange(0.5, 9.1, 1.3, int32)", [](Device d) { return arange(0.5, 9.1, 1.3, int32, d); }},
      {"arange(0.1, 0.3, 0.1, float32)", [](Device d) { return arange(0.1, 0.3, 0.1, float32, d); }},
      {"arange(5, 6, 1, int64)", [](Device d) { return arange(5, 6, 1, int64, d); }},
      {"arange(5, 5, 1, int64)", [](Device d) { return arange(5, 5, 1, int64, d); }},
      {"arange(2.5, 2.75, 0.5, float32)", [](Device d) { return arange(2.5, 2.75, 0.5, float32, d); }},
      {"linspace(0, 1, 100003, true, float32)", [](Device d) { return linspace(0, 1, 100003, true, float32, d); }},
      {"linspace(0, 1, 100003, true, float64)", [](Device d) { return linspace(0, 1, 100003, true, float64, d); }},
      {"linspace(-2.5, 7.1, 1001, true, float64)",
       [](Device d) { return linspace(-2.5, 7.1, 1001, true, float64, d); }},
      {"linspace(-2.5, 7.1, 1001, false, float32)",
       [](Device d) { return linspace(-2.5, 7.1, 1001, false, float32, d); }},
      {"linspace(0.3, -1e5, 777, true, float32)", [](Device d) { return linspace(0.3, -1e5, 777, true, float32, d); }},
      {"linspace(1, 1, 5, true, float64)", [](Device d) { return linspace(1, 1, 5, true, float64, d); }},
      {"linspace(0, 5e-324, 3, true, float64)", [](Device d) { return linspace(0, 5e-324, 3, true, float64, d); }},
      {"linspace(-1, 1, 5, true, int64)", [](Device d) { return linspace(-1, 1, 5, true, int64, d); }},
      {"linspace(-3.5, 3.5, 11, true, int32)", [](Device d) { return linspace(-3.5, 3.5, 11, true, int32, d); }},
      {"linspace(2, 3, 1, true, float32)", [](Device d) { return linspace(2, 3, 1, true, float32, d); }},
      {"linspace(2, 3, 1, false, float64)", [](Device d) { return linspace(2, 3, 1, false, float64, d); }},
      {"linspace(2, 3, 0, true, float32)", [](Device d) { return linspace(2, 3, 0, true, float32, d); }},
      {"eye(3, 3, 0, float32)", [](Device d) { return eye(3, 3, 0, float32, d); }},
      {"eye(4, 6, 2, int64)", [](Device d) { return eye(4, 6, 2, int64, d); }},
      {"eye(5, 3, -1, float64)", [](Device d) { return eye(5, 3, -1, float64, d); }},
      {"eye(3, 3, 5, int32)", [](Device d) { return eye(3, 3, 5, int32, d); }},
      {"eye(300, 301, 1, float32)", [](Device d) { return eye(300, 301, 1, float32, d); }},
      {"eye(1, 1, 0, float64)", [](Device d) { return eye(1, 1, 0, float64, d); }},
      {"eye(0, 4, 0, float32)", [](Device d) { return eye(0, 4, 0, float32, d); }},
  };
  return m;
}

uint64_t fnv1a64(const unsigned char* p, size_t n) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return h;
}

}  // namespace

class CreationGoldenTest : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(CreationGoldenTest);

TEST_P(CreationGoldenTest, MatchesNumPyBitForBit) {
  ASSERT_EQ(goldens().size(), calls().size());
  for (const CreationGolden& g : goldens()) {
    SCOPED_TRACE(g.call);
    auto it = calls().find(g.call);
    ASSERT_NE(it, calls().end()) << "no C++ call for golden " << g.call;
    const Array a = it->second(device());
    ASSERT_EQ(a.size(), g.size);
    const Array host = a.to(Device::cpu());
    const Array flat = host.astype(float64).reshape({g.size});
    const std::vector<double> v = flat.to_vector<double>();
    for (const auto& [i, want] : g.samples) EXPECT_EQ(v[i], want) << "at [" << i << "]";
    std::vector<unsigned char> bytes(host.nbytes());
    if (host.nbytes()) std::memcpy(bytes.data(), host.data_ptr(), host.nbytes());
    EXPECT_EQ(fnv1a64(bytes.data(), bytes.size()), g.fnv1a64) << "raw bytes differ from NumPy's";
  }
}

// Views and fresh arrays: an eye / arange result is an ordinary contiguous array.
TEST_P(CreationGoldenTest, RampsAreContiguousAndTyped) {
  const Array e = eye(4, 5, -1, int32, device());
  EXPECT_EQ(e.dtype(), int32);
  EXPECT_EQ(e.shape(), (Shape{4, 5}));
  EXPECT_TRUE(e.is_contiguous());
  const Array r = arange(7, {}, device());
  EXPECT_EQ(r.dtype(), int64);
  EXPECT_EQ(r.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(arange(0.0, 0.0, 1.0, {}, device()).size(), 0);
  EXPECT_EQ(linspace(0, 1, 0, true, float32, device()).size(), 0);
}
