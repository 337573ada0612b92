// One row of the whole-API benchmark: a public op, how it is called (form: unary, binary,
// binary_scalar, ternary, reduce, special), its dtype, shape, layout (C: contiguous, T: a
// transposed operand) and parameter; setup() builds the inputs and returns the call to time.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace ndapi {

using Timed = std::function<void()>;
using Setup = std::function<Timed()>;

struct Row {
  std::string op, form, dtype, shape, layout, param;
  Setup setup;
  std::string id() const;  // op/form/dtype/shape/layout[/param]: the key both sides time
};

std::vector<Row> all_rows();    // the whole-API table
std::vector<Row> sweep_rows();  // the size sweep (sweep_rows.cpp)

}  // namespace ndapi
