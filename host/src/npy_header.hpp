// The .npy header: the preamble (magic, version, header length), a bounded Python-literal parser
// for the header dict (never an evaluator), and the writer that reproduces np.save's bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ndgpu/array.hpp"

namespace nd::npy {

constexpr size_t kMaxHeaderLen = size_t(64) << 10;  // 64 KiB: NumPy v1's limit, also ours for v2/v3
constexpr int kMaxNesting = 16;                      // brackets deep; real headers use 2 (structured: 3)
constexpr std::string_view kMagic = "\x93NUMPY";

// A Python literal as found in headers: str, int, bool, None, tuple, list, dict.
struct Literal {
  enum class Kind { str, integer, boolean, none, tuple, list, dict };
  Kind kind = Kind::none;
  std::string str;
  int64_t integer = 0;
  bool int_overflow = false;  // a valid Python int that does not fit int64
  bool boolean = false;
  std::vector<Literal> items;                         // tuple, list; dict: key, value, key, value...
};

// Parses one literal filling the whole text (surrounding whitespace allowed). Depth is bounded by
// kMaxNesting. NpyFormatError("Cannot parse header: ...") on anything else.
Literal parse_literal(std::string_view text);
// Python's repr of a literal (canonical form; used by the fuzzer's round-trip check and messages).
std::string repr(const Literal& v);

// The preamble: 6 magic bytes, version (major, minor), header length (2 bytes in v1, 4 in v2/v3).
struct Preamble {
  int major = 1, minor = 0;
  size_t header_len = 0;    // bytes of header text
  size_t header_offset = 0; // where the text starts (10 or 12)
};
// Needs the first min(size, 12) bytes of the file and its total size; checks the magic, the
// version and that the header (<= kMaxHeaderLen) fits in the file.
Preamble parse_preamble(const unsigned char* p, size_t avail, uint64_t file_size);

// What the header dict says.
struct Header {
  DType dtype = DType::float32;
  bool swap_bytes = false;   // stored in the non-native byte order
  bool fortran_order = false;
  Shape shape;
  int64_t data_bytes = 0;    // checked numel * itemsize
};
// Parses and validates the header text: exactly the keys descr, fortran_order, shape (NumPy's
// rule); a descr ndgpu supports (TypeError otherwise); a shape of non-negative ints, ndim <= 8;
// the data size computed with checked multiplication.
Header parse_header(std::string_view text);

// The bytes np.save writes before the data (magic, version 1.0, length, dict, padding, '\n').
std::string format_header(DType dtype, bool fortran_order, const Shape& shape);

// "<f4", "|b1", ...: the descr np.save writes for a dtype on this (little-endian) machine.
std::string descr_of(DType dtype);

}  // namespace nd::npy
