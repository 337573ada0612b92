// Element types: the dtype table (ND_DTYPE_TABLE), and the names, sizes and categories read
// from it.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string_view>
#include <type_traits>

#include "ndgpu/half.hpp"

namespace nd {

/// The dtype table: each dtype once, in the order of the DType enumeration. Columns: the
/// enumerator and public constant, its C++ storage type, NumPy's name, its category (DTypeKind),
/// the type its arithmetic runs in ("opmath"), its .npy type code (after the byte-order mark;
/// bfloat16 as ml_dtypes' arrays are saved by np.save: two raw bytes), and its DLPack type code
/// (the bits are 8 x its size). Three sections (docs/design.md 4): the dtypes whose kernels
/// compute in their own type (ND_DTYPE_ROWS_NATIVE: ND_DISPATCH instantiates those); the 16-bit
/// floats, which compute in float32 and round once per op (ND_DTYPE_ROWS_HALF: loops that widen
/// them around float32 math, or host/ converting around the float32 kernels); and the narrow
/// integers, which compute in a wider native integer whose result, wrapped to the narrow width,
/// is the narrow type's own (ND_DTYPE_ROWS_NARROW: the same converting loops or host/ casts, and
/// native kernels for the ops exact in the narrow width, kern::exact_in_narrow_ints).
/// X(enumerator, type, name, kind, math, npy, dlpack, extra...) is called per row with the
/// table's own extra arguments appended; everything that lists dtypes (DType, dtype_size,
/// dtype_name, dtype_of, the dispatch macros, .npy, DLPack, printing) reads it. A new dtype is
/// one more row at the end of its section (enumerator values are never stored).
#define ND_DTYPE_ROWS_NATIVE(X, ...)                                             \
  X(bool_, bool, "bool", boolean, bool, "b1", kDLBool, __VA_ARGS__)              \
  X(int32, int32_t, "int32", signed_int, int32_t, "i4", kDLInt, __VA_ARGS__)     \
  X(int64, int64_t, "int64", signed_int, int64_t, "i8", kDLInt, __VA_ARGS__)     \
  X(float32, float, "float32", floating, float, "f4", kDLFloat, __VA_ARGS__)     \
  X(float64, double, "float64", floating, double, "f8", kDLFloat, __VA_ARGS__)     \
  X(uint64, uint64_t, "uint64", unsigned_int, uint64_t, "u8", kDLUInt, __VA_ARGS__)
#define ND_DTYPE_ROWS_HALF(X, ...)                                                   \
  X(float16, ::nd::Float16, "float16", floating, float, "f2", kDLFloat, __VA_ARGS__) \
  X(bfloat16, ::nd::BFloat16, "bfloat16", floating, float, "V2", kDLBfloat, __VA_ARGS__)
#define ND_DTYPE_ROWS_NARROW(X, ...)                                           \
  X(int8, int8_t, "int8", signed_int, int32_t, "i1", kDLInt, __VA_ARGS__)       \
  X(uint8, uint8_t, "uint8", unsigned_int, int32_t, "u1", kDLUInt, __VA_ARGS__) \
  X(int16, int16_t, "int16", signed_int, int32_t, "i2", kDLInt, __VA_ARGS__)    \
  X(uint16, uint16_t, "uint16", unsigned_int, int32_t, "u2", kDLUInt, __VA_ARGS__) \
  X(uint32, uint32_t, "uint32", unsigned_int, int64_t, "u4", kDLUInt, __VA_ARGS__)
#define ND_DTYPE_TABLE(X, ...) \
  ND_DTYPE_ROWS_NATIVE(X, __VA_ARGS__) ND_DTYPE_ROWS_HALF(X, __VA_ARGS__) ND_DTYPE_ROWS_NARROW(X, __VA_ARGS__)

/// A dtype's category: promotion never leaves a category but upwards (docs/design.md 4).
enum class DTypeKind : uint8_t { boolean, signed_int, unsigned_int, floating };

/// An element type; see ND_DTYPE_TABLE.
enum class DType : uint8_t {
#define ND_DTYPE_ENUM(e, ...) e,
  ND_DTYPE_TABLE(ND_DTYPE_ENUM, )
#undef ND_DTYPE_ENUM
};

#define ND_DTYPE_CONST(e, ...) inline constexpr DType e = DType::e; /**< the dtype of that name */
ND_DTYPE_TABLE(ND_DTYPE_CONST, )
#undef ND_DTYPE_CONST

#define ND_DTYPE_COUNT(...) +1
constexpr int kNumDTypes = 0 ND_DTYPE_TABLE(ND_DTYPE_COUNT, );  ///< how many dtypes there are
#undef ND_DTYPE_COUNT

// The columns as constexpr switches (no table in memory, so CUDA device code may call them too).
#define ND_DTYPE_SIZE_CASE(e, type, ...) case DType::e: return static_cast<int64_t>(sizeof(type));
#define ND_DTYPE_KIND_CASE(e, type, name, kind, ...) case DType::e: return DTypeKind::kind;
/// Bytes per element.
constexpr int64_t dtype_size(DType t) {
  switch (t) { ND_DTYPE_TABLE(ND_DTYPE_SIZE_CASE, ) }
  return 0;
}
/// The category of t.
constexpr DTypeKind dtype_kind(DType t) {
  switch (t) { ND_DTYPE_TABLE(ND_DTYPE_KIND_CASE, ) }
  return DTypeKind::boolean;
}
#undef ND_DTYPE_SIZE_CASE
#undef ND_DTYPE_KIND_CASE
/// A floating dtype.
constexpr bool is_floating(DType t) { return dtype_kind(t) == DTypeKind::floating; }
/// A signed or unsigned integer dtype.
constexpr bool is_integer(DType t) {
  return dtype_kind(t) == DTypeKind::signed_int || dtype_kind(t) == DTypeKind::unsigned_int;
}
/// bool.
constexpr bool is_bool(DType t) { return dtype_kind(t) == DTypeKind::boolean; }

/// NumPy's name: "bool", "int32", "float16", ... (ml_dtypes' "bfloat16").
std::string_view dtype_name(DType t);
std::ostream& operator<<(std::ostream& os, DType t);  ///< writes dtype_name(t)

/// The dtype whose storage type is T: dtype_of<float>::value == float32. Only the table's types.
template <class T> struct dtype_of {
 private:
  static constexpr DType find() {
#define ND_DTYPE_OF(e, type, ...) if constexpr (std::is_same_v<T, type>) return DType::e; else
    ND_DTYPE_TABLE(ND_DTYPE_OF, )
#undef ND_DTYPE_OF
    static_assert(sizeof(T) == 0, "not an ndgpu element type (see ND_DTYPE_TABLE)");
  }

 public:
  static constexpr DType value = find();  ///< the dtype
};
/// dtype_of<T>::value.
template <class T> inline constexpr DType dtype_v = dtype_of<T>::value;

/// The dtype a dtype's arithmetic runs in (the table's math column): float32 for the 16-bit
/// floats, int32 or int64 for the narrow integers, the dtype itself for the others.
constexpr DType opmath_dtype(DType t) {
  switch (t) {
#define ND_DTYPE_MATH_CASE(e, type, name, kind, math, ...) case DType::e: return dtype_v<math>;
    ND_DTYPE_TABLE(ND_DTYPE_MATH_CASE, )
#undef ND_DTYPE_MATH_CASE
  }
  return t;
}
/// A 16-bit float (a row of ND_DTYPE_ROWS_HALF): a floating dtype computing in float32.
constexpr bool is_half(DType t) { return is_floating(t) && opmath_dtype(t) != t; }

/// The integer dtype of a category (signed or unsigned) and size in bytes, if the table has one.
constexpr bool integer_dtype(DTypeKind kind, int64_t size, DType* out) {
  for (int k = 0; k < kNumDTypes; ++k) {
    const DType t = static_cast<DType>(k);
    if (dtype_kind(t) == kind && dtype_size(t) == size) return *out = t, true;
  }
  return false;
}

/// Category promotion (docs/design.md 4): bool < integer < floating; the wider wins within one.
/// float16 with bfloat16 (the same width, neither holds the other) gives float32, as in PyTorch
/// and JAX. A signed with an unsigned integer follows NumPy 2: the signed type if it is wider,
/// else the signed type twice the unsigned one's width (int8 + uint8 -> int16, int32 + uint32 ->
/// int64); where no such type exists (uint64 with a signed type) there is none: *out is left and
/// false returned (promote_types throws TypeError).
constexpr bool promote_types_to(DType a, DType b, DType* out) {
  auto rank = [](DType t) { return is_bool(t) ? 0 : is_integer(t) ? 1 : 2; };
  if (rank(a) != rank(b)) return *out = rank(a) > rank(b) ? a : b, true;
  if (a == b) return *out = a, true;
  if (rank(a) == 1 && dtype_kind(a) != dtype_kind(b)) {
    const DType s = dtype_kind(a) == DTypeKind::signed_int ? a : b, u = s == a ? b : a;
    if (dtype_size(s) > dtype_size(u)) return *out = s, true;
    return integer_dtype(DTypeKind::signed_int, 2 * dtype_size(u), out);
  }
  if (dtype_size(a) != dtype_size(b)) return *out = dtype_size(a) > dtype_size(b) ? a : b, true;
  return *out = DType::float32, true;  // same width, different dtype: float16 with bfloat16
}
/// promote_types_to's dtype; TypeError where none holds both (NumPy's own words).
DType promote_types(DType a, DType b);

}  // namespace nd
