// fuzz_npy_header: bytes = header text only. Oracle: the literal parser never recurses past its
// bound and rejects non-literals with NpyFormatError; whatever it accepts prints (repr) to a
// canonical text that parses back to the same value; a header it accepts describes an array
// np.save's header writer reproduces.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_check.hpp"
#include "npy_header.hpp"

namespace {

// Container nesting of a parsed literal (scalars are 0).
int depth(const nd::npy::Literal& v) {
  using K = nd::npy::Literal::Kind;
  int d = 0;
  for (const auto& x : v.items) d = std::max(d, depth(x));
  const bool container = v.kind == K::tuple || v.kind == K::list || v.kind == K::dict;
  return container ? d + 1 : 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > nd::npy::kMaxHeaderLen) return 0;  // the reader never passes more
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    nd::npy::Literal v = nd::npy::parse_literal(text);
    fuzz::check(depth(v) <= nd::npy::kMaxNesting + 1, "nesting bound exceeded");
    const std::string canon = nd::npy::repr(v);
    bool has_big_int = canon.find("<int too large>") != std::string::npos;
    if (!has_big_int) {
      nd::npy::Literal w = nd::npy::parse_literal(canon);
      fuzz::check(nd::npy::repr(w) == canon, "repr does not round-trip");
    }
  } catch (const nd::NpyFormatError&) {
  }
  try {
    nd::npy::Header h = nd::npy::parse_header(text);
    fuzz::check(h.shape.size() <= 8, "more than 8 dimensions accepted");
    int64_t n = nd::dtype_size(h.dtype);
    for (int64_t d : h.shape) {
      fuzz::check(d >= 0, "negative dimension accepted");
      n *= d;
    }
    fuzz::check(n == h.data_bytes, "data_bytes is not numel * itemsize");
    // The header np.save would write for it parses back to the same description.
    const std::string full = nd::npy::format_header(h.dtype, h.fortran_order, h.shape);
    fuzz::check(full.size() % 64 == 0, "header not 64-byte aligned");
    nd::npy::Header g = nd::npy::parse_header(std::string_view(full).substr(10));
    fuzz::check(g.dtype == h.dtype && g.shape == h.shape && g.fortran_order == h.fortran_order,
                "formatted header reads back differently");
  } catch (const nd::NpyFormatError&) {
  } catch (const nd::TypeError&) {
  }
  return 0;
}
