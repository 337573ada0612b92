// Malformed and hostile .npy files: each is rejected with the documented class and a message
// naming the problem, before any large allocation (docs/reliability.md 6: mlx#3365, libnpy#44).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "ndgpu/ndgpu.hpp"

using namespace nd;
namespace fs = std::filesystem;

namespace {

// A .npy file from its parts: version, header text (padded like NumPy unless raw), data bytes.
std::string npy_bytes(const std::string& header, const std::string& data = "", int major = 1) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const uint32_t len = static_cast<uint32_t>(header.size());
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>((len >> 8) & 0xff);
  if (major >= 2) {
    out += static_cast<char>((len >> 16) & 0xff);
    out += static_cast<char>((len >> 24) & 0xff);
  }
  return out + header + data;
}

std::string dict(const std::string& descr, const std::string& fortran, const std::string& shape) {
  return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n";
}

class NpyBadFiles : public ::testing::Test {
 protected:
  fs::path path_ = fs::temp_directory_path() / ("ndgpu_bad_" + std::to_string(::getpid()) + ".npy");
  void TearDown() override { fs::remove(path_); }

  Array load_bytes(const std::string& bytes) {
    std::ofstream(path_, std::ios::binary) << bytes;
    return load(path_.string(), Device::cpu());
  }
  // Expects exception class E whose message matches `pattern`.
  template <class E>
  void expect_error(const std::string& bytes, const std::string& pattern) {
    try {
      load_bytes(bytes);
      ADD_FAILURE() << "no exception; expected /" << pattern << "/";
    } catch (const E& e) {
      EXPECT_TRUE(std::regex_search(e.what(), std::regex(pattern)))
          << "message: " << e.what() << "\npattern: " << pattern;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "wrong exception type: " << e.what();
    }
  }
};

}  // namespace

TEST_F(NpyBadFiles, MagicAndVersion) {
  expect_error<NpyFormatError>("", "magic string is not correct");
  expect_error<NpyFormatError>("\x93NUMPX\x01\x00", "magic string is not correct; expected b'\\\\x93NUMPY', got b'\\\\x93NUMPX'");
  expect_error<NpyFormatError>("\x93NUMPY", "truncated");
  std::string v4 = npy_bytes(dict("'<f4'", "False", "(1,)"), "abcd");
  v4[6] = 4;
  expect_error<NpyFormatError>(v4, R"(format version \(1,0\), \(2,0\), and \(3,0\), not \(4, 0\))");
  std::string v1_1 = npy_bytes(dict("'<f4'", "False", "(1,)"), "abcd");
  v1_1[7] = 1;
  expect_error<NpyFormatError>(v1_1, R"(not \(1, 1\))");
}

TEST_F(NpyBadFiles, HeaderLengthIsBoundedAndCheckedAgainstTheFile) {
  // A v2 header claiming 4 GiB: rejected from the 12-byte preamble, nothing allocated.
  const char raw[] = "\x93NUMPY\x02\x00\xff\xff\xff\xff{}";
  std::string huge(raw, sizeof raw - 1);
  expect_error<NpyFormatError>(huge, R"(header is too long: 4294967295 bytes \(the limit is 65536\))");
  std::string truncated = npy_bytes(dict("'<f4'", "False", "(1,)"));
  truncated.resize(truncated.size() - 5);
  expect_error<NpyFormatError>(truncated, "truncated: the header declares");
}

TEST_F(NpyBadFiles, DataSizeIsCheckedBeforeAllocating) {
  // 2^40 float64 elements declared, 8 bytes present: must fail without trying to allocate 8 TiB.
  const MemoryStats before = memory_stats(Device::cpu());
  expect_error<NpyFormatError>(npy_bytes(dict("'<f8'", "False", "(1099511627776,)"), "12345678"),
                               R"(header declares shape \(1099511627776,\) of float64 \(8796093022208 bytes\) but only 8 bytes)");
  EXPECT_EQ(memory_stats(Device::cpu()).allocated, before.allocated);
  expect_error<NpyFormatError>(npy_bytes(dict("'<i4'", "False", "(2, 3)"), std::string(23, '\0')),
                               "but only 23 bytes of data follow");
  // A shape whose byte count overflows int64.
  expect_error<NpyFormatError>(npy_bytes(dict("'<f8'", "False", "(4294967296, 4294967296)")),
                               "too big");
}

TEST_F(NpyBadFiles, HeaderMustBeTheThreeKeyDict) {
  expect_error<NpyFormatError>(npy_bytes("['descr']\n"), "Header is not a dictionary");
  expect_error<NpyFormatError>(npy_bytes("{'descr': '<f4', 'shape': (1,)}\n", "abcd"),
                               R"(correct keys: \['descr', 'shape'\])");
  expect_error<NpyFormatError>(
      npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}\n", "abcd"),
      "correct keys");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "0", "(1,)"), "abcd"),
                               "fortran_order is not a valid bool: 0");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "False", "[1]"), "abcd"),
                               R"(shape is not valid: \[1\])");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "False", "(-1,)")), "shape is not valid");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "False", "(99999999999999999999,)")),
                               "shape is not valid");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "False", "(1,1,1,1,1,1,1,1,1)"), "abcd"),
                               "has 9 dimensions; ndgpu supports at most 8");
  expect_error<NpyFormatError>(npy_bytes(dict("7", "False", "(1,)"), "abcd"),
                               "descr is not a valid dtype descriptor: 7");
  expect_error<NpyFormatError>(npy_bytes(dict("'<<f4'", "False", "(1,)"), "abcd"),
                               "descr is not a valid dtype descriptor");
}

TEST_F(NpyBadFiles, UnsupportedDtypesAreTypeErrors) {
  expect_error<TypeError>(npy_bytes(dict("'<c8'", "False", "(1,)"), "abcdefgh"),
                          R"(unsupported dtype in .npy file: '<c8' \(ndgpu reads bool, int32)");
  expect_error<TypeError>(npy_bytes(dict("'<c16'", "False", "(1,)")), "'<c16'");
  expect_error<TypeError>(npy_bytes(dict("'|O'", "False", "(1,)")), "'|O'");  // pickles: never
  expect_error<TypeError>(npy_bytes(dict("[('a', '<f4')]", "False", "(1,)")), "structured dtype");
}

TEST_F(NpyBadFiles, TheParserReadsLiteralsAndNeverEvaluates) {
  expect_error<NpyFormatError>(npy_bytes(dict("__import__('os').system('false')", "False", "(1,)")),
                               "Cannot parse header: unexpected character '_'");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "not False", "(1,)")), "Cannot parse header");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "False", "(1+1,)")), "Cannot parse header");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "Falsey", "(1,)")), "Cannot parse header");
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "False", "(1.5,)")), "only integer numbers");
  expect_error<NpyFormatError>(npy_bytes("{'descr': '<f4'"), "Cannot parse header: unexpected end");
  expect_error<NpyFormatError>(npy_bytes("{'descr: '<f4'}"), "Cannot parse header");
  expect_error<NpyFormatError>(npy_bytes("{'''descr''': 1}"), "triple-quoted");
  // Nesting is bounded: 10000 brackets fail fast instead of recursing 10000 frames.
  expect_error<NpyFormatError>(npy_bytes(dict("'<f4'", "False", std::string(10000, '(') + "1" + std::string(10000, ')'))),
                               "nesting deeper than 16");
}

TEST_F(NpyBadFiles, PythonLiteralSpellingsNumpyAccepts) {
  // Double quotes, no trailing comma, other key order, (x) meaning x, Python 2 longs, '=' order.
  Array a = load_bytes(npy_bytes(R"({"shape": ((2), 3L), "fortran_order": False, "descr": "=i4"})",
                                 std::string(24, '\x01')));
  EXPECT_EQ(a.shape(), (Shape{2, 3}));
  EXPECT_EQ(a.dtype(), int32);
  EXPECT_EQ(a.to_vector<int32_t>()[0], 0x01010101);
  // Repeated keys: the last wins (as in Python's dict display).
  Array b = load_bytes(npy_bytes("{'descr': '<f8', 'shape': (5,), 'fortran_order': False, 'shape': (1,)}",
                                 std::string(8, '\0')));
  EXPECT_EQ(b.shape(), (Shape{1}));
  // Version 2.0 and 3.0 preambles; trailing bytes after the data are ignored as np.load does.
  Array c = load_bytes(npy_bytes(dict("'|b1'", "True", "()"), std::string("\x02zz", 3), 3));
  EXPECT_EQ(c.ndim(), 0);
  EXPECT_TRUE(c.item<bool>());  // a stored 2 reads as True (normalised: bool holds 0 or 1)
}
