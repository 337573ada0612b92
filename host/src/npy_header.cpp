// The .npy preamble and header dict: validation on read, np.save's exact bytes on write.
#include "npy_header.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>

namespace nd::npy {
namespace {

// NumPy's type code of a dtype ("f4"), from the dtype table.
std::string type_code(DType t) {
  switch (t) {
#define ND_NPY_CODE(e, type, name, kind, math, npy, ...) case DType::e: return npy;
    ND_DTYPE_TABLE(ND_NPY_CODE, )
#undef ND_NPY_CODE
  }
  return "";
}

constexpr bool kLittleEndian = std::endian::native == std::endian::little;

std::string hex_bytes(const unsigned char* p, size_t n) {
  std::string s = "b'";
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = p[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      s += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789abcdef";
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    }
  }
  return s + "'";
}

// The value stored under `key` in the header dict (the dict holds exactly three str keys).
const Literal& field(const Literal& dict, std::string_view key) {
  for (size_t i = 0; i + 1 < dict.items.size(); i += 2)
    if (dict.items[i].str == key) return dict.items[i + 1];
  throw NpyFormatError("header has no '" + std::string(key) + "'");  // unreachable after the key check
}

// Reads a descr such as '<f4'; TypeError for well-formed dtypes ndgpu does not hold.
void parse_descr(const Literal& d, Header* h) {
  if (d.kind == Literal::Kind::list || d.kind == Literal::Kind::tuple)
    throw TypeError("unsupported dtype in .npy file: structured dtype " + repr(d) +
                    " (ndgpu reads " + dtype_list() + ")");
  if (d.kind != Literal::Kind::str)
    throw NpyFormatError("descr is not a valid dtype descriptor: " + repr(d));
  std::string_view s = d.str;
  char order = '=';
  if (!s.empty() && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')) {
    order = s[0];
    s.remove_prefix(1);
  }
  // Shape of a NumPy type string: a kind letter (or '?') and optional digits / a [unit].
  bool well_formed = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '?');
  for (size_t i = 1; i < s.size() && well_formed; ++i)
    well_formed = std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '[' || s[i] == ']';
  if (!well_formed) throw NpyFormatError("descr is not a valid dtype descriptor: " + repr(d));
  for (int k = 0; k < kNumDTypes; ++k) {
    const DType t = static_cast<DType>(k);
    if (s != type_code(t) && !(is_bool(t) && s == "?")) continue;
    h->dtype = t;
    const bool big = order == '>';
    const bool little = order == '<';
    h->swap_bytes = dtype_size(t) > 1 && ((big && kLittleEndian) || (little && !kLittleEndian));
    return;
  }
  throw TypeError("unsupported dtype in .npy file: " + repr(d) + " (ndgpu reads " + dtype_list() + ")");
}

void parse_shape(const Literal& s, Header* h) {
  bool valid = s.kind == Literal::Kind::tuple;
  for (const Literal& x : s.items)
    valid = valid && x.kind == Literal::Kind::integer && !x.int_overflow && x.integer >= 0;
  if (!valid) throw NpyFormatError("shape is not valid: " + repr(s));
  if (s.items.size() > static_cast<size_t>(kMaxNdim))
    throw NpyFormatError("shape " + repr(s) + " has " + std::to_string(s.items.size()) +
                         " dimensions; ndgpu supports at most " + std::to_string(kMaxNdim));
  h->shape.clear();
  int64_t bytes = dtype_size(h->dtype);
  for (const Literal& x : s.items) {
    h->shape.push_back(x.integer);
    if (__builtin_mul_overflow(bytes, x.integer, &bytes) || bytes > (int64_t(1) << 62))
      throw NpyFormatError("shape " + repr(s) + " is too big: its byte count overflows");
  }
  h->data_bytes = bytes;
}

}  // namespace

Preamble parse_preamble(const unsigned char* p, size_t avail, uint64_t file_size) {
  Preamble pre;
  const size_t magic_len = kMagic.size();
  if (avail < magic_len || std::memcmp(p, kMagic.data(), magic_len) != 0)
    throw NpyFormatError("the magic string is not correct; expected b'\\x93NUMPY', got " +
                         hex_bytes(p, std::min(avail, magic_len)));
  if (avail < magic_len + 2) throw NpyFormatError("file is truncated: no format version after the magic");
  pre.major = p[6];
  pre.minor = p[7];
  if (!((pre.major == 1 || pre.major == 2 || pre.major == 3) && pre.minor == 0))
    throw NpyFormatError("we only support format version (1,0), (2,0), and (3,0), not (" +
                         std::to_string(pre.major) + ", " + std::to_string(pre.minor) + ")");
  const size_t len_bytes = pre.major == 1 ? 2 : 4;
  pre.header_offset = magic_len + 2 + len_bytes;
  if (avail < pre.header_offset) throw NpyFormatError("file is truncated: no header length");
  uint64_t len = 0;
  for (size_t i = 0; i < len_bytes; ++i) len |= uint64_t(p[8 + i]) << (8 * i);  // little-endian
  if (len > kMaxHeaderLen)
    throw NpyFormatError("header is too long: " + std::to_string(len) + " bytes (the limit is " +
                         std::to_string(kMaxHeaderLen) + ")");
  if (pre.header_offset + len > file_size)
    throw NpyFormatError("file is truncated: the header declares " + std::to_string(len) +
                         " bytes but only " + std::to_string(file_size - pre.header_offset) + " follow");
  pre.header_len = static_cast<size_t>(len);
  return pre;
}

Header parse_header(std::string_view text) {
  Literal d = parse_literal(text);
  if (d.kind != Literal::Kind::dict) throw NpyFormatError("Header is not a dictionary: " + repr(d));
  // NumPy's rule: exactly these three keys.
  bool keys_ok = d.items.size() == 6;
  for (size_t i = 0; i + 1 < d.items.size() && keys_ok; i += 2) {
    const Literal& k = d.items[i];
    keys_ok = k.kind == Literal::Kind::str &&
              (k.str == "descr" || k.str == "fortran_order" || k.str == "shape");
  }
  if (!keys_ok) {
    std::string keys = "[";
    for (size_t i = 0; i + 1 < d.items.size(); i += 2) keys += (i ? ", " : "") + repr(d.items[i]);
    throw NpyFormatError("Header does not contain the correct keys: " + keys + "]");
  }
  Header h;
  const Literal& fo = field(d, "fortran_order");
  if (fo.kind != Literal::Kind::boolean)
    throw NpyFormatError("fortran_order is not a valid bool: " + repr(fo));
  h.fortran_order = fo.boolean;
  parse_descr(field(d, "descr"), &h);
  parse_shape(field(d, "shape"), &h);
  return h;
}

std::string descr_of(DType dtype) {
  const char order = dtype_size(dtype) == 1 ? '|' : (kLittleEndian ? '<' : '>');
  return order + type_code(dtype);
}

std::string format_header(DType dtype, bool fortran_order, const Shape& shape) {
  // numpy/lib/_format_impl.py: sorted keys, repr values, growth padding, then 64-byte alignment.
  std::string shape_repr = "(";
  for (size_t i = 0; i < shape.size(); ++i) shape_repr += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) shape_repr += ",";
  shape_repr += ")";
  std::string dict = "{'descr': '" + descr_of(dtype) + "', 'fortran_order': " +
                     (fortran_order ? "True" : "False") + ", 'shape': " + shape_repr + ", }";
  constexpr size_t kGrowthAxisMaxDigits = 21;
  if (!shape.empty()) {
    const size_t digits = std::to_string(fortran_order ? shape.back() : shape.front()).size();
    dict.append(kGrowthAxisMaxDigits - digits, ' ');
  }
  constexpr size_t kAlign = 64;
  const size_t hlen = dict.size() + 1;                               // + the final '\n'
  const size_t pad = kAlign - (kMagic.size() + 2 + 2 + hlen) % kAlign;  // 1..64, as NumPy
  const size_t total = dict.size() + pad + 1;  // <= 65535 always: ndim <= 8
  std::string out(kMagic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(total & 0xff);
  out += static_cast<char>((total >> 8) & 0xff);
  out += dict;
  out.append(pad, ' ');
  out += '\n';
  return out;
}

}  // namespace nd::npy
