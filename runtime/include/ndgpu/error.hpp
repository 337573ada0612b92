// The exception family: named as NumPy users know them (docs/reliability.md 1, the error contract).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nd {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ValueError : Error {
  using Error::Error;
};
struct IndexError : Error {
  using Error::Error;
};
/// NumPy's AxisError derives from both ValueError and IndexError; we pick IndexError.
struct AxisError : IndexError {
  using IndexError::IndexError;
};
struct TypeError : Error {
  using Error::Error;
};
struct DeviceError : Error {
  using Error::Error;
};
struct OutOfMemory : Error {
  using Error::Error;
};
struct IOError : Error {
  using Error::Error;
};
struct NpyFormatError : IOError {
  using IOError::IOError;
};

/// "(3,4)", "(4,)", "()": NumPy's tuple style used inside messages.
std::string shape_str(const std::vector<int64_t>& shape);
/// "bool, int32, int64, float32, float64": every dtype's name, for messages that list them.
std::string dtype_list();

/// Checked size arithmetic: ValueError("array is too big; ...") instead of overflow.
int64_t checked_mul(int64_t a, int64_t b);
/// The product of a shape's extents, checked like checked_mul.
int64_t checked_numel(const std::vector<int64_t>& shape);

/// AxisError("axis 2 is out of bounds for array of dimension 2") or the normalised axis.
int normalize_axis(int64_t axis, int ndim);

}  // namespace nd
