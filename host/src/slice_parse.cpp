// Parser for NumPy index strings (Array::operator[](std::string_view)). The grammar is Python's
// subscript restricted to what basic indexing accepts:
//   index  := entry ("," entry)* [","]
//   entry  := "..." | "None" | int | [int] ":" [int] [":" [int]]
//   int    := ["+"|"-"] digits            (whitespace allowed around every token)
#include "slice_parse.hpp"

#include <cctype>
#include <string>

namespace nd {
namespace detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad(std::string_view text, std::string_view part, const char* why) {
  throw IndexError("invalid index string \"" + std::string(text) + "\": " + why + " in \"" +
                   std::string(part) + "\" (only integers, slices (`:`), ellipsis (`...`) and "
                   "None are valid in an index string)");
}

// An optional integer (empty -> nullopt).
std::optional<int64_t> parse_int(std::string_view text, std::string_view part) {
  std::string_view s = trim(part);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) bad(text, part, "a sign without digits");
  // Accumulate negatively so INT64_MIN parses; any overflow is an error.
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) bad(text, part, "not an integer");
    const int d = s[i] - '0';
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, d, &v))
      bad(text, part, "integer out of range");
  }
  if (!neg) {
    if (v == INT64_MIN) bad(text, part, "integer out of range");
    v = -v;
  }
  return v;
}

Index parse_entry(std::string_view text, std::string_view entry) {
  const std::string_view e = trim(entry);
  if (e.empty()) bad(text, entry, "an empty entry");
  if (e == "...") return Index(ellipsis);
  if (e == "None") return Index(newaxis);
  const size_t c1 = e.find(':');
  if (c1 == std::string_view::npos) return Index(*parse_int(text, e));
  const size_t c2 = e.find(':', c1 + 1);
  if (c2 != std::string_view::npos && e.find(':', c2 + 1) != std::string_view::npos)
    bad(text, entry, "too many ':'");
  Slice s;
  s.start = parse_int(text, e.substr(0, c1));
  if (c2 == std::string_view::npos) {
    s.stop = parse_int(text, e.substr(c1 + 1));
  } else {
    s.stop = parse_int(text, e.substr(c1 + 1, c2 - c1 - 1));
    s.step = parse_int(text, e.substr(c2 + 1));
  }
  return Index(s);
}

}  // namespace

std::vector<Index> parse_index(std::string_view text) {
  if (trim(text).empty()) bad(text, text, "an empty index");
  std::vector<Index> idx;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view entry =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    // Python allows one trailing comma: a[1,] is a[(1,)].
    const bool trailing = comma == std::string_view::npos && !idx.empty() && trim(entry).empty();
    if (!trailing) idx.push_back(parse_entry(text, entry));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return idx;
}

}  // namespace detail

Array Array::operator[](std::string_view numpy_index) const {
  return index(detail::parse_index(numpy_index));
}

}  // namespace nd
