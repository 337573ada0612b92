// .npy against NumPy's own files (tests/golden/npy, written by make_npy_golden.py): nd::load
// reads every dtype x layout x byte order, and nd::save writes exactly np.save's bytes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "io/npy_cases.hpp"
#include "support/device_test.hpp"

using namespace nd;
namespace fs = std::filesystem;

namespace {

std::string golden_path(DType t, const std::string& name) {
  return std::string(NDGPU_TEST_DATA) + "/npy/" + npy_cases::file_name(t, name);
}

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Bitwise equality of shape, dtype and every element in logical order.
::testing::AssertionResult same_array(const Array& got, const Array& want) {
  if (got.dtype() != want.dtype())
    return ::testing::AssertionFailure() << "dtype " << got.dtype() << " != " << want.dtype();
  if (got.shape() != want.shape())
    return ::testing::AssertionFailure() << "shape " << shape_str(got.shape()) << " != " << shape_str(want.shape());
  Array a = got.cpu().copy(), b = want.cpu().copy();
  const auto* pa = static_cast<const unsigned char*>(a.data_ptr());
  const auto* pb = static_cast<const unsigned char*>(b.data_ptr());
  for (int64_t i = 0; i < a.nbytes(); ++i)
    if (pa[i] != pb[i])
      return ::testing::AssertionFailure() << "values differ at element " << i / a.itemsize();
  return ::testing::AssertionSuccess();
}

struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("ndgpu_io_" + std::to_string(::getpid()) + "_" +
                                       std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string operator/(const std::string& f) const { return (dir / f).string(); }
};

}  // namespace

class NpyGolden : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(NpyGolden);

TEST_P(NpyGolden, LoadsEveryNumpyFile) {
  for (DType t : npy_cases::kDTypes) {
    std::vector<std::string> names = npy_cases::kSaveCases;
    names.push_back("be");
    for (const std::string& name : names) {
      SCOPED_TRACE(npy_cases::file_name(t, name));
      Array got = load(golden_path(t, name), device());
      EXPECT_EQ(got.device(), device());
      EXPECT_TRUE(same_array(got, npy_cases::make(t, name)));
    }
  }
}

TEST(NpyGoldenCpu, FortranFileLoadsFortranStrided) {
  Array f = load(golden_path(float32, "f"), Device::cpu());
  EXPECT_EQ(f.strides(), (Shape{1, 2, 6}));  // like np.load: F-contiguous, not a copy
  EXPECT_FALSE(f.is_contiguous());
}

TEST_P(NpyGolden, SaveIsByteIdenticalToNumpy) {
  TempDir tmp;
  for (DType t : npy_cases::kDTypes) {
    for (const std::string& name : npy_cases::kSaveCases) {
      SCOPED_TRACE(npy_cases::file_name(t, name));
      Array a = npy_cases::make(t, name);
      // On cuda the array moves over with its layout's logical values; Fortran order survives.
      const std::string out = tmp / npy_cases::file_name(t, name);
      save(out, device().is_cpu() ? a : (name == "f" ? npy_cases::fortran(a.to(device())) : a.to(device())));
      EXPECT_EQ(read_bytes(out), read_bytes(golden_path(t, name)));
    }
  }
}

TEST(NpyGoldenCpu, ResavingALoadedFileGivesTheSameBytes) {
  TempDir tmp;
  for (DType t : npy_cases::kDTypes) {
    for (const std::string& name : npy_cases::kSaveCases) {
      SCOPED_TRACE(npy_cases::file_name(t, name));
      save(tmp / "x.npy", load(golden_path(t, name), Device::cpu()));
      EXPECT_EQ(read_bytes(tmp / "x.npy"), read_bytes(golden_path(t, name)));
    }
  }
}

TEST(NpyGoldenCpu, SaveAppendsTheExtensionLikeNumpy) {
  TempDir tmp;
  save(tmp / "plain", npy_cases::make(int64, "vec"));
  EXPECT_TRUE(fs::exists(tmp / "plain.npy"));
  EXPECT_TRUE(same_array(load(tmp / "plain.npy", Device::cpu()), npy_cases::make(int64, "vec")));
}

TEST(NpyGoldenCpu, MissingFileIsIOErrorInPythonsWords) {
  try {
    load("/nonexistent/dir/x.npy", Device::cpu());
    FAIL() << "no exception";
  } catch (const IOError& e) {
    EXPECT_STREQ(e.what(), "[Errno 2] No such file or directory: '/nonexistent/dir/x.npy'");
  }
  EXPECT_THROW(save("/nonexistent/dir/x.npy", npy_cases::make(int64, "vec")), IOError);
}
