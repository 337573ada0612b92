// The device-parameterised fixture: every op test runs on cpu and cuda:0; cuda:0 is skipped
// with a visible reason where no GPU is present, so the test list is the same everywhere.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "ndgpu/ndgpu.hpp"

class DeviceTest : public ::testing::TestWithParam<nd::Device> {
 protected:
  void SetUp() override {
    if (!nd::device_available(GetParam()))
      GTEST_SKIP() << "skipped: no CUDA device (" << GetParam().str() << ")";
  }
  nd::Device device() const { return GetParam(); }
};

inline std::string device_param_name(const ::testing::TestParamInfo<nd::Device>& info) {
  return info.param.is_cpu() ? "cpu" : "cuda" + std::to_string(info.param.index);
}

#define ND_INSTANTIATE_DEVICE_TESTS(Suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(Devices, Suite,                                                  \
                           ::testing::Values(nd::Device::cpu(), nd::Device::cuda(0)),       \
                           device_param_name)
