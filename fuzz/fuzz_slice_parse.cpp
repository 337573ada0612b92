// fuzz_slice_parse: the NumPy index-string parser, through Array::operator[](std::string_view).
// Input: 1 byte of ndim and up to 4 bytes of sizes, then the index text. Oracle: no crash or UB;
// only documented errors (IndexError / ValueError and subclasses); and whenever the text lies in
// a conservative reference grammar (ints, start:stop:step slices, '...', 'None', commas, spaces),
// the result is exactly the view a.index(<reference parse>) gives, error class included.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "ndgpu/ndgpu.hpp"

namespace {

using fuzz::fail;

// The reference: std::nullopt when the text is outside the conservative grammar.
std::optional<std::vector<nd::Index>> reference_parse(std::string_view s) {
  std::vector<nd::Index> out;
  size_t i = 0;
  auto ws = [&] { while (i < s.size() && s[i] == ' ') ++i; };
  auto integer = [&]() -> std::optional<int64_t> {
    size_t j = i;
    bool neg = false;
    if (j < s.size() && s[j] == '-') { neg = true; ++j; }
    size_t k = j;
    while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
    if (k == j || k - j > 18) return std::nullopt;
    int64_t v = std::stoll(std::string(s.substr(j, k - j)));
    i = k;
    return neg ? -v : v;
  };
  if (s.find_first_not_of(' ') == std::string_view::npos) return std::nullopt;  // "" : not ours to judge
  for (;;) {
    ws();
    if (s.substr(i, 3) == "...") {
      i += 3;
      out.emplace_back(nd::ellipsis);
    } else if (s.substr(i, 4) == "None") {
      i += 4;
      out.emplace_back(nd::newaxis);
    } else {
      std::optional<int64_t> parts[3];
      int colons = 0;
      parts[0] = integer();
      while (colons < 2 && i < s.size() && s[i] == ':') {
        ++i;
        ++colons;
        ws();
        parts[colons] = integer();
        ws();
      }
      if (colons == 0) {
        if (!parts[0]) return std::nullopt;
        out.emplace_back(*parts[0]);
      } else {
        out.emplace_back(nd::Slice{parts[0], parts[1], parts[2]});
      }
    }
    ws();
    if (i == s.size()) return out;
    if (s[i] != ',') return std::nullopt;
    ++i;
    ws();
    if (i == s.size()) return out;  // a trailing comma, as in a[1,]
  }
}

enum class Outcome { ok, index_error, axis_error, value_error };

Outcome classify(const std::function<nd::Array()>& f, nd::Array* out) {
  try {
    *out = f();
    return Outcome::ok;
  } catch (const nd::AxisError&) {
    return Outcome::axis_error;
  } catch (const nd::IndexError&) {
    return Outcome::index_error;
  } catch (const nd::ValueError&) {
    return Outcome::value_error;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int ndim = data[0] % 5;
  if (size < 1 + static_cast<size_t>(ndim)) return 0;
  nd::Shape shape;
  for (int d = 0; d < ndim; ++d) shape.push_back(data[1 + d] % 6);
  const std::string_view text(reinterpret_cast<const char*>(data + 1 + ndim), std::min<size_t>(size - 1 - ndim, 64));
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  const nd::Array a = nd::arange(n, nd::int64, nd::Device::cpu()).reshape(shape);

  nd::Array got;
  const Outcome g = classify([&] { return a[text]; }, &got);
  const auto ref = reference_parse(text);
  if (!ref) return 0;  // outside the reference grammar: only "no crash, documented class" applies
  nd::Array want;
  const Outcome w = classify([&] { return a.index(*ref); }, &want);
  if (g != w)
    fail("'" + std::string(text) + "' on shape " + nd::shape_str(shape) + ": outcome " +
         std::to_string(int(g)) + " but the reference parse gives " + std::to_string(int(w)));
  if (g != Outcome::ok) return 0;
  if (got.shape() != want.shape() || got.strides() != want.strides() || got.offset() != want.offset() ||
      got.storage() != want.storage())
    fail("'" + std::string(text) + "': view " + nd::shape_str(got.shape()) + " differs from the reference " +
         nd::shape_str(want.shape()));
  return 0;
}
