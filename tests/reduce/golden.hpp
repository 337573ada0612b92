// The NumPy golden cases for reductions (tests/golden/reduce_golden.inc, made by
// tests/golden/make_golden_reduce.py) and the tolerance rule of docs/reliability.md 5.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "ndgpu/ndgpu.hpp"

struct GoldenInput {
  const char* name;
  std::vector<int64_t> shape;
  nd::DType dtype;
  std::vector<double> values;
};

struct GoldenReduce {
  const char* name;
  const char* op;
  const char* input;
  bool all_axes;
  std::vector<int> axes;
  bool keepdims;
  int ddof;
  double ord;  // NAN: no ord given
  int64_t n;   // reduced length
  std::vector<int64_t> out_shape;
  nd::DType out_dtype;
  std::vector<double> expected;  // float64 oracle
  std::vector<double> abs_sum;   // sum|x| per output (sums/means/norms; 0 otherwise)
};

const std::vector<GoldenInput>& golden_reduce_inputs();
const std::vector<GoldenReduce>& golden_reduce_cases();
nd::Array golden_input(const char* name, nd::Device device);

// eps of the dtype a reduction computes in.
inline double eps_of(nd::DType t) { return t == nd::float64 ? 2.220446049250313e-16 : 1.1920929e-07; }

// docs/reliability.md 5: atol = 4 ceil(log2 n) eps sum|x| for sums; otherwise a relative bound.
inline double reduce_atol(nd::DType t, int64_t n, double abs_sum) {
  const double lg = n > 1 ? std::ceil(std::log2(static_cast<double>(n))) : 1.0;
  return 4.0 * lg * eps_of(t) * abs_sum;
}
