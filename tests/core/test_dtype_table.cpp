// The dtype table (ndgpu/dtype.hpp, ND_DTYPE_TABLE) is the only list of dtypes: every row gets
// its name, size, category, C++ type, .npy round trip, DLPack round trip and a dispatch case from
// it; kernels written for a subset throw TypeError for the rest instead of misreading them.
#include <dlpack/dlpack.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common.hpp"
#include "ndgpu/ndgpu.hpp"

using namespace nd;

namespace {

template <class T>
void expect_row(DType t, const char* name, int64_t size) {
  SCOPED_TRACE(name);
  EXPECT_EQ(dtype_name(t), name);
  EXPECT_EQ(dtype_size(t), size);
  EXPECT_EQ(dtype_of<T>::value, t);
  DType seen = DType::bool_;
  int cases = 0;
  ND_DISPATCH_STORAGE(t, U, {
    seen = dtype_v<U>;
    ++cases;
  });
  EXPECT_EQ(seen, t);
  EXPECT_EQ(cases, 1);
  // The compute dispatch takes the dtypes that compute in their own type; the others (the
  // 16-bit floats, opmath float32; the narrow integers, opmath int32 / int64, in the same
  // category) throw TypeError naming the dtype instead of instantiating.
  if (opmath_dtype(t) == t) {
    seen = DType::bool_;
    ND_DISPATCH(t, U, seen = dtype_v<U>);
    EXPECT_EQ(seen, t);
  } else {
    EXPECT_EQ(dtype_kind(opmath_dtype(t)) == DTypeKind::floating, is_floating(t));
    EXPECT_GT(dtype_size(opmath_dtype(t)), dtype_size(t));
    try {
      ND_DISPATCH(t, U, seen = dtype_v<U>);
      ADD_FAILURE() << "no TypeError";
    } catch (const TypeError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

std::string temp_path(const std::string& leaf) { return ::testing::TempDir() + "ndgpu_dtype_" + leaf; }

}  // namespace

TEST(DTypeTable, EveryRowNamesSizesAndDispatchesItsOwnType) {
  int rows = 0;
#define ND_CHECK_ROW(e, type, name, kind, ...) \
  expect_row<type>(DType::e, name, sizeof(type)); \
  ++rows;
  ND_DTYPE_TABLE(ND_CHECK_ROW, )
#undef ND_CHECK_ROW
  EXPECT_EQ(rows, kNumDTypes);
  EXPECT_EQ(dtype_list(),
            "bool, int32, int64, float32, float64, uint64, float16, bfloat16, int8, uint8, int16, uint16, uint32");
  EXPECT_TRUE(is_bool(bool_) && is_integer(int32) && is_integer(int64));
  EXPECT_TRUE(is_floating(float32) && is_floating(float64) && !is_floating(int64));
}

TEST(DTypeTable, EveryDtypeRoundTripsThroughNpyAndDLPack) {
  for (int k = 0; k < kNumDTypes; ++k) {
    const DType t = static_cast<DType>(k);
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array a = arange(0, 6, 1, int64).reshape({2, 3}).astype(t);
    const std::string path = temp_path(std::string(dtype_name(t)) + ".npy");
    save(path, a);
    const Array b = load(path);
    std::remove(path.c_str());
    EXPECT_EQ(b.dtype(), t);
    EXPECT_EQ(b.astype(float64).to_vector<double>(), a.astype(float64).to_vector<double>());
    DLManagedTensor* m = to_dlpack(a);
    const Array c = from_dlpack(m);
    EXPECT_EQ(c.dtype(), t);
    EXPECT_EQ(c.astype(float64).to_vector<double>(), a.astype(float64).to_vector<double>());
  }
}

TEST(DTypeTable, KernelsForASubsetNameTheOpAndTheDtype) {
  auto float_only = [](DType t) { ND_DISPATCH_FLOAT(t, T, "row op", (void)sizeof(T)); };
  EXPECT_NO_THROW(float_only(float64));
  try {
    float_only(int32);
    ADD_FAILURE() << "int32 reached a float-only kernel";
  } catch (const TypeError& e) {
    EXPECT_STREQ(e.what(), "row op: no kernel for dtype int32");
  }
  int64_t word = 0;
  for (int k = 0; k < kNumDTypes; ++k) {  // every dtype of the table has a word kernel
    const DType t = static_cast<DType>(k);
    ND_DISPATCH_WORD(t, W, "gather", word = sizeof(W));
    EXPECT_EQ(word, dtype_size(t));
  }
}
