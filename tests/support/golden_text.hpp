// Reader for the text golden files written by tests/golden/make_golden_ops.py (no .npy loader
// needed): cases of named ops with array/scalar arguments and NumPy's expected output.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "ndgpu/ndgpu.hpp"

namespace golden {

// Values kept as double (floats round-trip exactly) plus int64 (exact for integers; a uint64's
// bits).
struct Values {
  nd::DType dtype = nd::float64;
  nd::Shape shape;
  std::vector<double> f;
  std::vector<int64_t> i;
};

struct Arg {
  bool is_scalar = false;
  Values array;           // when !is_scalar
  std::string kind;       // when is_scalar: int | float | bool
  double f = 0;
  int64_t i = 0;
};

struct Case {
  std::string id, op;
  int ulp = 0;
  std::vector<Arg> args;
  Values out;
};

inline nd::DType parse_dtype(const std::string& s) {
  for (int k = 0; k < nd::kNumDTypes; ++k)
    if (nd::dtype_name(static_cast<nd::DType>(k)) == s) return static_cast<nd::DType>(k);
  throw std::runtime_error("golden: unknown dtype " + s);
}

// An integer token: int64, or a uint64 above its range kept as its bits (int64 then compares bits).
inline int64_t parse_int(const std::string& tok) {
  return tok[0] == '-' ? std::stoll(tok) : static_cast<int64_t>(std::stoull(tok));
}

inline Values parse_values(std::istringstream& in) {
  Values v;
  std::string dt, shape, tok;
  in >> dt >> shape;
  v.dtype = parse_dtype(dt);
  if (shape != "_") {
    std::stringstream ss(shape);
    std::string d;
    while (std::getline(ss, d, ',')) v.shape.push_back(std::stoll(d));
  }
  while (in >> tok) {
    v.f.push_back(std::strtod(tok.c_str(), nullptr));
    v.i.push_back(nd::is_floating(v.dtype) ? 0 : parse_int(tok));
  }
  return v;
}

inline std::vector<Case> load(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("golden: cannot open " + path);
  std::vector<Case> cases;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string rec;
    in >> rec;
    if (rec == "case") {
      cases.emplace_back();
      in >> cases.back().id >> cases.back().op >> cases.back().ulp;
    } else if (rec == "arg") {
      std::string what;
      in >> what;
      Arg a;
      if (what == "scalar") {
        std::string tok;
        a.is_scalar = true;
        in >> a.kind >> tok;
        a.f = std::strtod(tok.c_str(), nullptr);
        a.i = a.kind == "float" ? 0 : parse_int(tok);
      } else {
        a.array = parse_values(in);
      }
      cases.back().args.push_back(std::move(a));
    } else if (rec == "out") {
      cases.back().out = parse_values(in);
    }
  }
  return cases;
}

// The golden values as an ndgpu array on `device`.
inline nd::Array to_array(const Values& v, nd::Device device) {
  switch (v.dtype) {
    case nd::DType::bool_: {
      std::vector<bool> b;
      for (int64_t x : v.i) b.push_back(x != 0);
      return nd::array(b, v.shape, nd::bool_, device);
    }
    default:
      if (nd::is_integer(v.dtype)) return nd::array(v.i, v.shape, v.dtype, device);
      return nd::array(v.f, v.shape, v.dtype, device);
  }
}

// Distance in units in the last place between two floats of the same type (ordered bit
// patterns; +0 and -0 are 0 apart).
template <class F>
int64_t ulp_distance(F a, F b) {
  using I = std::conditional_t<sizeof(F) == 2, int16_t, std::conditional_t<sizeof(F) == 4, int32_t, int64_t>>;
  I ia, ib;
  std::memcpy(&ia, &a, sizeof(F));
  std::memcpy(&ib, &b, sizeof(F));
  const I min = std::numeric_limits<I>::min();
  int64_t oa = ia < 0 ? int64_t(min) - ia : ia, ob = ib < 0 ? int64_t(min) - ib : ib;
  if constexpr (sizeof(F) == 8) {  // avoid int64 overflow on huge distances
    if ((oa < 0) != (ob < 0)) return std::numeric_limits<int64_t>::max();
  }
  return oa > ob ? oa - ob : ob - oa;
}

}  // namespace golden
