// .npz: NumPy's archives (stored and deflated, zip64 member headers) read back exactly; ours
// round-trip and NumPy reads them; damaged archives are rejected before large allocations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "io/npy_cases.hpp"
#include "support/device_test.hpp"

using namespace nd;
namespace fs = std::filesystem;

namespace {

std::string golden(const std::string& f) { return std::string(NDGPU_TEST_DATA) + "/npy/" + f; }

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

bool same(const Array& got, const Array& want) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) return false;
  Array a = got.cpu().copy(), b = want.cpu().copy();
  return a.nbytes() == 0 || std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()) == 0;
}

// The members make_npy_golden.py puts in its archives.
NamedArrays golden_members() {
  NamedArrays m;
  for (DType t : {int32, float64})
    for (const std::string& name : npy_cases::kSaveCases)
      m.push_back({std::string(dtype_name(t)) + "_" + name, npy_cases::make(t, name)});
  return m;
}

struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& ext)
      : path(fs::temp_directory_path() / ("ndgpu_npz_" + std::to_string(::getpid()) + ext)) {}
  ~TempFile() { fs::remove(path); }
  std::string str() const { return path.string(); }
};

template <class E>
void expect_load_error(const std::string& path, const std::string& pattern) {
  try {
    load_npz(path, Device::cpu());
    ADD_FAILURE() << "no exception; expected /" << pattern << "/";
  } catch (const E& e) {
    EXPECT_TRUE(std::regex_search(e.what(), std::regex(pattern))) << e.what();
  }
}

}  // namespace

class Npz : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(Npz);

TEST_P(Npz, ReadsNumpysStoredAndCompressedArchives) {
  for (const char* file : {"archive.npz", "archive_compressed.npz"}) {
    SCOPED_TRACE(file);
    std::map<std::string, Array> got = load_npz(golden(file), device());
    NamedArrays want = golden_members();
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [name, a] : want) {
      ASSERT_TRUE(got.count(name)) << name;
      EXPECT_EQ(got[name].device(), device());
      EXPECT_TRUE(same(got[name], a)) << name;
    }
  }
}

TEST_P(Npz, RoundTripsStoredAndCompressed) {
  NamedArrays arrays = golden_members();
  arrays.push_back({"bools", npy_cases::make(bool_, "rev").to(device())});
  arrays.push_back({"f32", npy_cases::make(float32, "t").to(device())});
  for (bool compress : {false, true}) {
    TempFile f(".npz");
    compress ? savez_compressed(f.str(), arrays) : savez(f.str(), arrays);
    std::map<std::string, Array> got = load_npz(f.str(), device());
    ASSERT_EQ(got.size(), arrays.size());
    for (const auto& [name, a] : arrays) EXPECT_TRUE(same(got.at(name), a)) << name;
  }
}

TEST(NpzCpu, AppendsTheExtensionAndRejectsDuplicateNames) {
  TempFile f(".npz");
  const std::string stem = f.str().substr(0, f.str().size() - 4);
  savez(stem, {{"a", npy_cases::make(int64, "vec")}});
  EXPECT_TRUE(fs::exists(f.path));
  EXPECT_THROW(savez(f.str(), {{"a", npy_cases::make(int64, "vec")}, {"a", npy_cases::make(int64, "c")}}),
               ValueError);
}

TEST(NpzCpu, NumpyReadsOurArchives) {
  if (std::system("python3 -c 'import numpy' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "skipped: python3 with numpy not found (golden archives cover reading)";
  for (bool compress : {false, true}) {
    TempFile f(".npz");
    compress ? savez_compressed(f.str(), golden_members()) : savez(f.str(), golden_members());
    // Compare member by member with NumPy's own archive of the same arrays.
    const std::string py =
        "import numpy as np, sys\n"
        "a = np.load(sys.argv[1]); b = np.load(sys.argv[2])\n"
        "assert sorted(a.files) == sorted(b.files), (a.files, b.files)\n"
        "for k in b.files:\n"
        "    x, y = a[k], b[k]\n"
        "    assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), k\n"
        "    assert x.flags.f_contiguous == y.flags.f_contiguous, k\n";
    TempFile script(".py");
    std::ofstream(script.path) << py;
    const std::string cmd = "python3 " + script.str() + " " + f.str() + " " + golden("archive.npz");
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
}

TEST(NpzCpu, DamagedArchivesAreRejected) {
  const std::string good = read_bytes(golden("archive.npz"));
  TempFile f(".npz");
  auto write = [&](const std::string& bytes) { std::ofstream(f.path, std::ios::binary) << bytes; };

  write("not a zip at all, but long enough to look for the end record");
  expect_load_error<NpyFormatError>(f.str(), "no end-of-central-directory record");
  write(good.substr(0, good.size() / 2));  // the directory at the end is gone
  expect_load_error<NpyFormatError>(f.str(), "not a valid .npz archive");

  std::string flipped = good;  // a data byte of the first member: CRC catches it
  const size_t first_data = good.find("\x93NUMPY") + 200;
  flipped[first_data] ^= 0x5a;
  write(flipped);
  expect_load_error<NpyFormatError>(f.str(), "Bad CRC-32 for file 'int32_c.npy'");

  // A deflated member claiming 4 GB from a few hundred bytes: refused before allocating.
  std::string bomb = read_bytes(golden("archive_compressed.npz"));
  const size_t cd = bomb.rfind(std::string("PK\x01\x02", 4));
  std::memcpy(&bomb[cd + 24], "\xf0\xff\xff\xff", 4);  // uncompressed size of the last member
  write(bomb);
  expect_load_error<NpyFormatError>(f.str(), "more than deflate can produce");

  std::string method = good;  // compression method 12 (bzip2) in the central directory
  const size_t cd0 = method.find(std::string("PK\x01\x02", 4));
  method[cd0 + 10] = 12;
  write(method);
  expect_load_error<NpyFormatError>(f.str(), "compression method 12");

  EXPECT_THROW(load_npz(golden("int32_c.npy"), Device::cpu()), IOError);  // a .npy, not a zip
  EXPECT_THROW(load(golden("archive.npz"), Device::cpu()), IOError);      // and the other way
}
