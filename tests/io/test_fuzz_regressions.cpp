// Replays the fuzzers' committed seed corpora and every input a fuzzer ever flagged
// (fuzz/regressions/<target>/) in the ordinary test binary, so the ASan/UBSan suite covers them
// without libFuzzer: each loads or fails with a documented class, and what loads round-trips.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../../fuzz/view_ops_harness.hpp"
#include "ndgpu/ndgpu.hpp"

using namespace nd;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> out;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(NDGPU_SOURCE_DIR) / "fuzz" / kind / target;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

bool same_values(const Array& a, const Array& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  Array x = a.copy(), y = b.copy();
  return x.nbytes() == 0 || std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) == 0;
}

const fs::path kTmp = fs::temp_directory_path() / ("ndgpu_fuzz_replay_" + std::to_string(::getpid()));

}  // namespace

TEST(FuzzReplay, NpyLoad) {
  const auto files = inputs("npy_load");
  ASSERT_GT(files.size(), 10u);
  int loaded = 0;
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.filename().string());
    Array a;
    try {
      a = load(f.string(), Device::cpu());
    } catch (const NpyFormatError&) {
      continue;
    } catch (const TypeError&) {
      continue;
    } catch (const ValueError&) {
      continue;
    }
    ++loaded;
    save(kTmp.string() + ".npy", a);
    EXPECT_TRUE(same_values(load(kTmp.string() + ".npy", Device::cpu()), a));
  }
  fs::remove(kTmp.string() + ".npy");
  EXPECT_GT(loaded, 10);
}

TEST(FuzzReplay, NpzLoad) {
  for (const fs::path& f : inputs("npz_load")) {
    SCOPED_TRACE(f.filename().string());
    try {
      std::map<std::string, Array> m = load_npz(f.string(), Device::cpu());
      NamedArrays named(m.begin(), m.end());
      savez_compressed(kTmp.string() + ".npz", named);
      std::map<std::string, Array> back = load_npz(kTmp.string() + ".npz", Device::cpu());
      ASSERT_EQ(back.size(), m.size());
      for (const auto& [k, v] : m) EXPECT_TRUE(same_values(back.at(k), v)) << k;
    } catch (const NpyFormatError&) {
    } catch (const TypeError&) {
    }
  }
  fs::remove(kTmp.string() + ".npz");
}

TEST(FuzzReplay, ViewOps) {
  const auto files = inputs("view_ops");
  ASSERT_FALSE(files.empty());
  for (const fs::path& f : files) {
    const std::string bytes = read_bytes(f);
    try {
      view_ops_harness::run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const view_ops_harness::Violation& v) {
      ADD_FAILURE() << f.filename() << ": " << v.what();
    }
  }
}
