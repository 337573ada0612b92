// Element types: the dtype table (ND_DTYPE_TABLE), and the names, sizes and categories read
// from it.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string_view>
#include <type_traits>

namespace nd {

/// The dtype table: each dtype once, in the order of the DType enumeration (a new dtype is one
/// more row, at the end). Columns: the enumerator and public constant, its C++ storage type,
/// NumPy's name, its category (DTypeKind). X(enumerator, type, name, kind, extra...) is called per
/// row with the table's own extra arguments appended; everything that lists dtypes (DType,
/// dtype_size, dtype_name, dtype_of, ND_DISPATCH, .npy descr, DLPack codes, printing) reads it.
#define ND_DTYPE_TABLE(X, ...)                      \
  X(bool_, bool, "bool", boolean, __VA_ARGS__)      \
  X(int32, int32_t, "int32", signed_int, __VA_ARGS__) \
  X(int64, int64_t, "int64", signed_int, __VA_ARGS__) \
  X(float32, float, "float32", floating, __VA_ARGS__) \
  X(float64, double, "float64", floating, __VA_ARGS__)

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

/// NumPy's name: "bool", "int32", "int64", "float32", "float64".
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

/// Category promotion (docs/design.md 4): bool < integer < floating; the wider wins within one.
constexpr DType promote_types(DType a, DType b) {
  auto rank = [](DType t) { return is_bool(t) ? 0 : is_integer(t) ? 1 : 2; };
  if (rank(a) != rank(b)) return rank(a) > rank(b) ? a : b;
  return dtype_size(a) >= dtype_size(b) ? a : b;
}

}  // namespace nd
