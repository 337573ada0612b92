// Reads tests/golden/nn_golden.txt (written by make_golden_nn.py): one array per line,
// `name dtype shape values...`. golden_nn("name") gives the float64 values and shape;
// golden_array("name", dtype, device) builds an nd::Array from them.
#pragma once
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

#include "ndgpu/ndgpu.hpp"

struct GoldenNN {
  nd::Shape shape;
  std::vector<double> values;
};

inline const GoldenNN& golden_nn(const std::string& name) {
  static const std::map<std::string, GoldenNN> table = [] {
    std::map<std::string, GoldenNN> t;
    std::ifstream f(std::string(NDGPU_TEST_DATA) + "/nn_golden.txt");
    if (!f) throw std::runtime_error("cannot open nn_golden.txt");
    std::string line;
    while (std::getline(f, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream in(line);
      std::string key, dtype, shape;
      in >> key >> dtype >> shape;
      GoldenNN g;
      if (shape != "-") {
        std::istringstream s(shape);
        std::string dim;
        while (std::getline(s, dim, ',')) g.shape.push_back(std::stoll(dim));
      }
      double v;
      while (in >> v) g.values.push_back(v);
      t[key] = std::move(g);
    }
    return t;
  }();
  auto it = table.find(name);
  if (it == table.end()) throw std::runtime_error("no golden entry " + name);
  return it->second;
}

inline nd::Array golden_array(const std::string& name, nd::DType dtype, nd::Device device) {
  const GoldenNN& g = golden_nn(name);
  return nd::array(g.values, g.shape, dtype, device);
}

// The fixture of the nn test files: g("name") is a golden input on the test's device, and
// EXPECT_GOLDEN compares a result with a golden output.
class NnGoldenTest : public DeviceTest {
 protected:
  nd::Array g(const char* name, nd::DType t = nd::float32) { return golden_array(name, t, device()); }
};

#define EXPECT_GOLDEN(arr, name, rtol, atol) \
  EXPECT_TRUE(array_near(arr, golden_nn(name).values, golden_nn(name).shape, rtol, atol))

