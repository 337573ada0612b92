// Property (docs/reliability.md 9.3): load(save(x)) == x bitwise for every dtype, random shapes
// (0-d and empty included) and random views (negative steps, transposes, broadcasts), on every
// device. Seeded; the seed and the case are printed on failure.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "support/device_test.hpp"

using namespace nd;
namespace fs = std::filesystem;

namespace {

// A random view of a random array: what it is, for the failure message.
struct Case {
  Array x;
  std::string what;
};

Case random_case(std::mt19937& rng, Device dev) {
  static const DType kTypes[] = {bool_, int32, int64, float32, float64};
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const DType t = kTypes[pick(0, 4)];
  Shape shape(pick(0, 4));
  for (int64_t& d : shape) d = pick(0, 5);
  std::string what = std::string(dtype_name(t)) + " " + shape_str(shape);
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  // Distinct bit patterns per element (negative values, fractions, NaN for floats).
  Array x = arange(n, float64, Device::cpu()).reshape(shape);
  x = (x * -1.37 + 2.5).astype(t);
  if (is_floating(t) && n > 2) x.reshape({-1})(1).assign(std::nan(""));
  x = x.to(dev);  // the views below are taken on the device
  for (int k = pick(0, 3); k > 0 && x.ndim() > 0; --k) {
    const int axis = pick(0, x.ndim() - 1);
    switch (pick(0, 3)) {
      case 0: {
        const int step = pick(1, 2) * (pick(0, 1) ? -1 : 1);
        std::vector<Index> idx(axis, Index(all));
        idx.push_back(slice(_, _, step));
        x = x.index(idx);
        what += " [axis " + std::to_string(axis) + " ::" + std::to_string(step) + "]";
        break;
      }
      case 1:
        x = x.T();
        what += " .T";
        break;
      case 2: {
        Shape b = x.shape();
        b.insert(b.begin(), pick(0, 2));
        x = x.broadcast_to(b);
        what += " broadcast" + shape_str(b);
        break;
      }
      default:
        x = x.swapaxes(0, axis);
        what += " swapaxes(0," + std::to_string(axis) + ")";
    }
  }
  return {x, what};
}

}  // namespace

class NpyRoundTrip : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(NpyRoundTrip);

TEST_P(NpyRoundTrip, LoadOfSaveIsBitwiseIdentity) {
  const uint32_t seed = 20240607;
  std::mt19937 rng(seed);
  const std::string path =
      (fs::temp_directory_path() / ("ndgpu_rt_" + std::to_string(::getpid()) + ".npy")).string();
  for (int i = 0; i < 200; ++i) {
    const Case c = random_case(rng, device());
    SCOPED_TRACE("seed " + std::to_string(seed) + " case " + std::to_string(i) + ": " + c.what);
    save(path, c.x);
    const Array y = load(path, device());
    ASSERT_EQ(y.dtype(), c.x.dtype());
    ASSERT_EQ(y.shape(), c.x.shape());
    const Array a = c.x.cpu().copy(), b = y.cpu().copy();
    ASSERT_EQ(0, a.nbytes() ? std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()) : 0);
  }
  fs::remove(path);
}
