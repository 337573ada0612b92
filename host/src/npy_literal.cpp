// A bounded parser for the Python literals found in .npy headers (what ast.literal_eval accepts
// there): it reads, it never evaluates, and it bounds depth so hostile headers cannot recurse.
#include <cstdio>
#include <unordered_map>

#include "npy_header.hpp"

namespace nd::npy {
namespace {

class LiteralParser {
 public:
  explicit LiteralParser(std::string_view s) : s_(s) {}

  Literal parse_all() {
    Literal v = value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected text after the literal");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    if (eof()) throw NpyFormatError("Cannot parse header: unexpected end of header (" + why + ")");
    throw NpyFormatError("Cannot parse header: " + why + " at offset " + std::to_string(pos_));
  }
  bool eof() const { return pos_ >= s_.size(); }
  char peek() const { return eof() ? '\0' : s_[pos_]; }
  void skip_ws() {
    while (!eof()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') ++pos_;
      else break;
    }
  }
  bool starts_with(std::string_view w) const { return s_.substr(pos_, w.size()) == w; }
  static bool is_ident(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  // A keyword must not run into more identifier characters ("Truex" is a name, not True).
  bool keyword(std::string_view w) {
    if (!starts_with(w)) return false;
    if (pos_ + w.size() < s_.size() && is_ident(s_[pos_ + w.size()])) return false;
    pos_ += w.size();
    return true;
  }

  Literal value(int depth) {
    if (depth > kMaxNesting) fail("nesting deeper than " + std::to_string(kMaxNesting));
    skip_ws();
    if (eof()) fail("unexpected end of header");
    char c = peek();
    Literal v;
    if (c == '\'' || c == '"' || ((c == 'u' || c == 'U') && pos_ + 1 < s_.size() &&
                                  (s_[pos_ + 1] == '\'' || s_[pos_ + 1] == '"'))) {
      if (c == 'u' || c == 'U') ++pos_;
      v.kind = Literal::Kind::str;
      v.str = string_body();
    } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      integer(&v);
    } else if (keyword("True") || keyword("False")) {
      v.kind = Literal::Kind::boolean;
      v.boolean = s_[pos_ - 1] == 'e' && s_[pos_ - 2] == 'u';
    } else if (keyword("None")) {
      v.kind = Literal::Kind::none;
    } else if (c == '(') {
      ++pos_;
      bool trailing_comma = false;
      sequence(')', depth, &v.items, &trailing_comma);
      if (v.items.size() == 1 && !trailing_comma) return std::move(v.items[0]);  // (x) is x
      v.kind = Literal::Kind::tuple;
    } else if (c == '[') {
      ++pos_;
      bool ignored;
      sequence(']', depth, &v.items, &ignored);
      v.kind = Literal::Kind::list;
    } else if (c == '{') {
      ++pos_;
      dict(depth, &v);
    } else {
      fail(std::string("unexpected character '") + printable(c) + "'");
    }
    return v;
  }

  static std::string printable(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string(1, c);
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", u);
    return buf;
  }

  std::string string_body() {
    const char quote = s_[pos_++];
    if (pos_ + 1 < s_.size() && s_[pos_] == quote && s_[pos_ + 1] == quote)
      fail("triple-quoted strings are not supported");
    std::string out;
    for (;;) {
      if (eof()) fail("unterminated string");
      char c = s_[pos_++];
      if (c == quote) break;
      if (c == '\n' || c == '\r') fail("newline inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (eof()) fail("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'x': {
          int val = 0;
          for (int k = 0; k < 2; ++k) {
            char h = peek();
            int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                  : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) fail("bad \\x escape");
            val = val * 16 + d;
            ++pos_;
          }
          out += static_cast<char>(val);
          break;
        }
        default: fail(std::string("unsupported escape '\\") + printable(e) + "'");
      }
    }
    return out;
  }

  void integer(Literal* v) {
    bool negative = false;
    while (peek() == '-' || peek() == '+') {  // Python allows repeated unary signs: --3 == 3
      if (peek() == '-') negative = !negative;
      ++pos_;
      skip_ws();
    }
    const size_t start = pos_;
    while (!eof() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    std::string_view digits = s_.substr(start, pos_ - start);
    if (digits.empty()) fail("expected a number");
    if (!eof() && (s_[pos_] == 'L' || s_[pos_] == 'l')) ++pos_;  // Python 2 long suffix
    if (!eof() && (is_ident(s_[pos_]) || s_[pos_] == '.')) fail("only integer numbers are supported");
    if (digits.size() > 1 && digits[0] == '0' && digits.find_first_not_of('0') != std::string_view::npos)
      fail("leading zeros in a decimal integer");
    // Accumulate as a negative number so INT64_MIN fits; anything wider is flagged, not an error.
    int64_t acc = 0;
    bool overflow = false;
    for (char d : digits) {
      if (__builtin_mul_overflow(acc, int64_t(10), &acc) || __builtin_sub_overflow(acc, int64_t(d - '0'), &acc)) {
        overflow = true;
        break;
      }
    }
    if (!overflow && !negative) {
      if (acc == INT64_MIN) overflow = true;
      else acc = -acc;
    }
    v->kind = Literal::Kind::integer;
    v->integer = overflow ? 0 : acc;
    v->int_overflow = overflow;
  }

  void sequence(char close, int depth, std::vector<Literal>* items, bool* trailing_comma) {
    *trailing_comma = false;
    for (;;) {
      skip_ws();
      if (peek() == close) {
        ++pos_;
        return;
      }
      items->push_back(value(depth + 1));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        *trailing_comma = true;
        continue;
      }
      *trailing_comma = false;
      if (peek() != close) fail(std::string("expected ',' or '") + close + "'");
    }
  }

  void dict(int depth, Literal* v) {
    v->kind = Literal::Kind::dict;
    std::unordered_map<std::string, size_t> seen;
    for (;;) {
      skip_ws();
      if (peek() == '}') {
        ++pos_;
        return;
      }
      Literal key = value(depth + 1);
      skip_ws();
      if (peek() != ':') fail("expected ':' in a dict");
      ++pos_;
      Literal val = value(depth + 1);
      // Python keeps the last value of a repeated key (hashed by repr: linear, not quadratic).
      auto [it, fresh] = seen.emplace(repr(key), v->items.size());
      if (fresh) {
        v->items.push_back(std::move(key));
        v->items.push_back(std::move(val));
      } else {
        v->items[it->second + 1] = std::move(val);
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}' in a dict");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

std::string repr_str(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

Literal parse_literal(std::string_view text) { return LiteralParser(text).parse_all(); }

std::string repr(const Literal& v) {
  switch (v.kind) {
    case Literal::Kind::str: return repr_str(v.str);
    case Literal::Kind::integer: return v.int_overflow ? "<int too large>" : std::to_string(v.integer);
    case Literal::Kind::boolean: return v.boolean ? "True" : "False";
    case Literal::Kind::none: return "None";
    case Literal::Kind::tuple:
    case Literal::Kind::list: {
      const bool tuple = v.kind == Literal::Kind::tuple;
      std::string s = tuple ? "(" : "[";
      for (size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + repr(v.items[i]);
      if (tuple && v.items.size() == 1) s += ",";
      return s + (tuple ? ")" : "]");
    }
    case Literal::Kind::dict: {
      std::string s = "{";
      for (size_t i = 0; i + 1 < v.items.size(); i += 2)
        s += (i ? ", " : "") + repr(v.items[i]) + ": " + repr(v.items[i + 1]);
      return s + "}";
    }
  }
  return "?";
}

}  // namespace nd::npy
