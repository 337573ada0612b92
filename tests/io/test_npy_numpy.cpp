// The live check: NumPy (when python3 has it) np.loads every file nd::save wrote and nd::load
// reads every file np.save writes, for every dtype and layout. Without NumPy the committed
// golden files (test_npy_golden.cpp) carry the same checks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "io/npy_cases.hpp"

using namespace nd;
namespace fs = std::filesystem;

TEST(NpyNumpy, NumpyReadsWhatWeWriteAndWeReadWhatItWrites) {
  if (std::system("python3 -c 'import numpy' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "skipped: python3 with numpy not found (the golden-file tests cover this)";
  const fs::path dir = fs::temp_directory_path() / ("ndgpu_npy_live_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (DType t : npy_cases::kDTypes)
    for (const std::string& name : npy_cases::kSaveCases)
      save((dir / npy_cases::file_name(t, name)).string(), npy_cases::make(t, name));
  const std::string cmd = "python3 " + std::string(NDGPU_SOURCE_DIR) + "/tests/io/npy_numpy_check.py " +
                          dir.string() + " " + std::string(NDGPU_TEST_DATA) + "/npy";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::vector<std::string> names = npy_cases::kSaveCases;
  names.push_back("be");
  for (DType t : npy_cases::kDTypes) {
    for (const std::string& name : names) {
      SCOPED_TRACE(npy_cases::file_name(t, name));
      Array got = load((dir / "np" / npy_cases::file_name(t, name)).string(), Device::cpu());
      Array want = npy_cases::make(t, name);
      ASSERT_EQ(got.shape(), want.shape());
      ASSERT_EQ(got.dtype(), want.dtype());
      Array a = got.copy(), b = want.copy();
      EXPECT_EQ(0, a.nbytes() ? std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()) : 0);
    }
  }
  fs::remove_all(dir);
}
