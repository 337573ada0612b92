// copy(), astype() and to(): every dtype pair, contiguous and negative-stride sources, and the
// round trip through every device. Expected values follow NumPy's astype (truncation toward
// zero for float -> int, non-zero -> True, True -> 1).
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

class Conversions : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(Conversions);

namespace {

template <class From>
std::vector<From> sample() {
  if constexpr (std::is_same_v<From, bool>) return {true, false, true, true, false, false};
  else if constexpr (std::is_floating_point_v<From>) return {0, 1, -2, From(3.75), 100, From(-0.5)};
  else return {0, 1, -2, 3, 100, 7};
}

template <class To, class From>
std::vector<To> expected(const std::vector<From>& v) {
  std::vector<To> out;
  for (From x : v) {
    if constexpr (std::is_same_v<To, bool>) out.push_back(x != From(0));
    else out.push_back(static_cast<To>(x));  // in range: truncation toward zero, like NumPy
  }
  return out;
}

template <class From, class To>
void check_pair(Device dev) {
  SCOPED_TRACE(std::string(dtype_name(dtype_v<From>)) + " -> " + std::string(dtype_name(dtype_v<To>)));
  const std::vector<From> v = sample<From>();
  Array a = array(v, {2, 3}, dtype_v<From>, dev);
  Array cast = a.astype(dtype_v<To>);
  EXPECT_TRUE(array_equals<To>(cast, expected<To>(v), {2, 3}));
  EXPECT_NE(cast.storage(), a.storage());  // astype always copies
  // A negative-stride, transposed source.
  Array view = a(slice(_, _, -1), slice(_, _, -1)).T();
  std::vector<From> vv = {v[5], v[2], v[4], v[1], v[3], v[0]};
  EXPECT_TRUE(array_equals<To>(view.astype(dtype_v<To>), expected<To>(vv), {3, 2}));
  // Across devices.
  EXPECT_TRUE(array_equals<To>(view.to(Device::cpu()).astype(dtype_v<To>).to(dev), expected<To>(vv), {3, 2}));
}

template <class From>
void check_from(Device dev) {
  check_pair<From, bool>(dev);
  check_pair<From, int32_t>(dev);
  check_pair<From, int64_t>(dev);
  check_pair<From, float>(dev);
  check_pair<From, double>(dev);
}

}  // namespace

TEST_P(Conversions, AstypeEveryDtypePair) {
  check_from<bool>(device());
  check_from<int32_t>(device());
  check_from<int64_t>(device());
  check_from<float>(device());
  check_from<double>(device());
}

TEST_P(Conversions, CopyIsContiguousAndIndependent) {
  for (DType t : {bool_, int32, int64, float32, float64}) {
    Array a = arange(0, 12, 1, t, device()).reshape({3, 4});
    Array v = a(slice(_, _, -2), slice(1, _, 1));  // rows 2, 0; columns 1..3
    Array c = v.copy();
    EXPECT_TRUE(c.is_contiguous());
    EXPECT_EQ(c.dtype(), t);
    EXPECT_EQ(c.device(), device());
    EXPECT_EQ(c.to_vector<double>(), v.to_vector<double>());
    a.assign(0.0);
    EXPECT_NE(c.to_vector<double>(), v.to_vector<double>()) << "copy shares storage";
    EXPECT_EQ(v.contiguous().storage() == v.storage(), false);
  }
  Array e = zeros({0, 5}, float64, device());
  EXPECT_EQ(e.copy().shape(), (Shape{0, 5}));
  EXPECT_EQ(e.astype(int32).dtype(), int32);
  EXPECT_EQ(e.to(Device::cpu()).shape(), (Shape{0, 5}));
  Array s = scalar(2.5, float64, device());
  EXPECT_EQ(s.copy().item<double>(), 2.5);
  EXPECT_EQ(s.astype(int64).item<int64_t>(), 2);
}

TEST_P(Conversions, ToReturnsSelfOnSameDevice) {
  Array a = ones({4}, float32, device());
  EXPECT_EQ(a.to(device()).storage(), a.storage());
  Array h = a.cpu();
  EXPECT_EQ(h.device(), Device::cpu());
  EXPECT_TRUE(array_equals<float>(h, {1, 1, 1, 1}, {4}));
  EXPECT_THROW(a.item<float>(), ValueError);
}
