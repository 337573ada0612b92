// Creation: the tutorial's section 1 values, dtypes and defaults, on every device.
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

class Creation : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(Creation);

TEST_P(Creation, ArrayFromListIsInt64) {
  Array a = array({1, 2, 3, 4, 5}, {}, device());
  EXPECT_TRUE(array_equals<int64_t>(a, {1, 2, 3, 4, 5}, {5}));
  EXPECT_EQ(a.device(), device());
}

TEST_P(Creation, NestedListsGiveMatrixAndCube) {
  Array m = array({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {}, device());
  EXPECT_TRUE(array_equals<int64_t>(m, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 3}));
  Array c = array({{{1.5, 2.0}}, {{3.0, 4.0}}}, {}, device());
  EXPECT_TRUE(array_equals<float>(c, {1.5f, 2.f, 3.f, 4.f}, {2, 1, 2}));
  EXPECT_THROW(array({{1, 2}, {3}}), ValueError);
}

TEST_P(Creation, ZerosOnesFullDefaults) {
  EXPECT_TRUE(array_equals<float>(zeros({3, 4}, float32, device()), std::vector<float>(12, 0.f), {3, 4}));
  EXPECT_TRUE(array_equals<float>(ones({2, 3}, float32, device()), std::vector<float>(6, 1.f), {2, 3}));
  EXPECT_TRUE(array_equals<int64_t>(full({2, 2}, 7, {}, device()), {7, 7, 7, 7}, {2, 2}));
  EXPECT_TRUE(array_equals<float>(full({2}, 7.5, {}, device()), {7.5f, 7.5f}, {2}));
  EXPECT_TRUE(array_equals<double>(zeros({2}, float64, device()), {0.0, 0.0}, {2}));
  EXPECT_EQ(zeros({0, 3}, float32, device()).size(), 0);
}

TEST_P(Creation, EyeAndIdentity) {
  EXPECT_TRUE(array_equals<float>(eye(3, {}, 0, float32, device()), {1, 0, 0, 0, 1, 0, 0, 0, 1}, {3, 3}));
  EXPECT_TRUE(array_equals<float>(eye(2, 3, 1, float32, device()), {0, 1, 0, 0, 0, 1}, {2, 3}));
  EXPECT_TRUE(array_equals<float>(eye(3, {}, -2, float32, device()), {0, 0, 0, 0, 0, 0, 1, 0, 0}, {3, 3}));
  EXPECT_TRUE(array_equals<double>(identity(2, float64, device()), {1, 0, 0, 1}, {2, 2}));
}

TEST_P(Creation, ArangeAndLinspace) {
  EXPECT_TRUE(array_equals<int64_t>(arange(0, 10, 2, {}, device()), {0, 2, 4, 6, 8}, {5}));
  EXPECT_TRUE(array_equals<int64_t>(arange(5, {}, device()), {0, 1, 2, 3, 4}, {5}));
  EXPECT_TRUE(array_equals<int64_t>(arange(5, 0, -2, {}, device()), {5, 3, 1}, {3}));
  EXPECT_TRUE(array_equals<float>(arange(0.0, 1.0, 0.25, {}, device()), {0, .25f, .5f, .75f}, {4}));
  EXPECT_TRUE(array_equals<float>(linspace(0, 1, 5, true, float32, device()), {0, .25f, .5f, .75f, 1}, {5}));
  EXPECT_TRUE(array_equals<float>(linspace(0, 1, 4, false, float32, device()), {0, .25f, .5f, .75f}, {4}));
  EXPECT_THROW(arange(0, 10, 0), ValueError);
}

TEST_P(Creation, RandomIsReproducibleAndInRange) {
  random::seed(42);
  Array a = random::rand({3, 3}, float32, device());
  random::seed(42);
  Array b = random::rand({3, 3}, float32, Device::cpu());
  EXPECT_EQ(a.to_vector<float>(), b.to_vector<float>());  // same bits on every device
  for (float v : a.to_vector<float>()) {
    EXPECT_GE(v, 0.f);
    EXPECT_LT(v, 1.f);
  }
  random::seed(1);
  std::vector<double> n = random::randn({20000}, float64, device()).to_vector<double>();
  double mean = 0, sq = 0;
  for (double v : n) { mean += v; sq += v * v; }
  mean /= n.size();
  EXPECT_NEAR(mean, 0.0, 0.03);
  EXPECT_NEAR(sq / n.size() - mean * mean, 1.0, 0.05);
  std::vector<int64_t> k = random::integers(-3, 4, {1000}, int64, device()).to_vector<int64_t>();
  for (int64_t v : k) { EXPECT_GE(v, -3); EXPECT_LT(v, 4); }
}

TEST(Device, DiscoveryNeverThrows) {
  EXPECT_GE(device_count(), 0);
  EXPECT_EQ(cuda_available(), device_count() > 0);
  if (!cuda_available()) {
    EXPECT_THROW(zeros({2}, float32, Device::cuda(0)), DeviceError);
    EXPECT_EQ(default_device(), Device::cpu());
  }
  EXPECT_EQ(parse_device("cuda:3"), Device::cuda(3));
  EXPECT_THROW(parse_device("gpu"), ValueError);
}
