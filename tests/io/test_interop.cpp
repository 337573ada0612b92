// Zero-copy interop: from_blob over foreign memory (strides, deleters, validation) and DLPack
// export / import, round-tripped without copies.
#include <dlpack/dlpack.h>
#include <gtest/gtest.h>

#include <numeric>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

TEST(FromBlob, WrapsWithoutCopyingAndCallsTheDeleterOnce) {
  std::vector<float> buf(12);
  std::iota(buf.begin(), buf.end(), 0.f);
  int deleted = 0;
  void* seen = nullptr;
  {
    Array a = from_blob(buf.data(), {3, 4}, float32, Device::cpu(), [&](void* p) {
      ++deleted;
      seen = p;
    });
    EXPECT_EQ(a.data_ptr(), buf.data());
    EXPECT_TRUE(array_equals<float>(a, buf, {3, 4}));
    a(1, 2).assign(100.0);  // writes land in the caller's buffer
    EXPECT_EQ(buf[6], 100.f);
    Array view = a(slice(_, _, -1));
    a = Array();
    EXPECT_EQ(deleted, 0) << "a view still uses the memory";
    EXPECT_EQ(view.to_vector<float>()[0], 8.f);
  }
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(seen, buf.data());
}

TEST(FromBlob, NegativeAndZeroStrides) {
  std::vector<int32_t> buf(12);
  std::iota(buf.begin(), buf.end(), 0);
  // Rows in reverse: element 0 is row 2 of the buffer, stride -4 elements.
  Array r = from_blob(buf.data() + 8, {3, 4}, {-4, 1}, int32);
  EXPECT_TRUE(array_equals<int32_t>(r, {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}, {3, 4}));
  EXPECT_EQ(r.storage()->nbytes(), 48);  // the storage spans exactly the buffer
  EXPECT_EQ(r.storage()->data(), buf.data());
  // A broadcast (stride 0) wrap is read-only, as NumPy marks broadcast views.
  Array b = from_blob(buf.data(), {5, 4}, {0, 1}, int32);
  EXPECT_TRUE(b.is_readonly());
  EXPECT_THROW(b.assign(1.0), ValueError);
  EXPECT_EQ(b.to_vector<int32_t>()[17], 1);
}

TEST(FromBlob, RejectsBadArgumentsWithoutTakingOwnership) {
  alignas(8) static char raw[64];
  int deleted = 0;
  auto del = [&](void*) { ++deleted; };
  EXPECT_THROW(from_blob(nullptr, {2}, float32, Device::cpu(), del), ValueError);
  EXPECT_THROW(from_blob(raw + 1, {2}, float32, Device::cpu(), del), ValueError);  // misaligned
  EXPECT_THROW(from_blob(raw, {2, 2}, {1}, float32, Device::cpu(), del), ValueError);
  EXPECT_THROW(from_blob(raw, {-1}, float32, Device::cpu(), del), ValueError);
  EXPECT_THROW(from_blob(raw, {int64_t(1) << 40, int64_t(1) << 40}, float32, Device::cpu(), del), ValueError);
  if (!cuda_available()) EXPECT_THROW(from_blob(raw, {2}, float32, Device::cuda(0), del), DeviceError);
  EXPECT_EQ(deleted, 0);
  Array empty = from_blob(nullptr, {0, 3}, float64);  // nothing to point at: fine
  EXPECT_EQ(empty.size(), 0);
}

class DLPack : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(DLPack);

TEST_P(DLPack, ExportDescribesTheArrayAndKeepsItAlive) {
  Array x = arange(24, float64, device()).reshape({2, 3, 4}).transpose({2, 0, 1});
  DLManagedTensor* t = to_dlpack(x);
  const DLTensor& d = t->dl_tensor;
  EXPECT_EQ(d.data, x.data_ptr());
  EXPECT_EQ(d.ndim, 3);
  EXPECT_EQ(std::vector<int64_t>(d.shape, d.shape + 3), (std::vector<int64_t>{4, 2, 3}));
  EXPECT_EQ(std::vector<int64_t>(d.strides, d.strides + 3), (std::vector<int64_t>{1, 12, 4}));
  EXPECT_EQ(d.dtype.code, kDLFloat);
  EXPECT_EQ(d.dtype.bits, 64);
  EXPECT_EQ(d.dtype.lanes, 1);
  EXPECT_EQ(d.byte_offset, 0u);
  EXPECT_EQ(d.device.device_type, device().is_cpu() ? kDLCPU : kDLCUDA);
  const auto storage = x.storage();
  const long uses = storage.use_count();
  x = Array();
  EXPECT_EQ(storage.use_count(), uses - 1) << "the export holds its own reference";
  t->deleter(t);
  EXPECT_EQ(storage.use_count(), uses - 2);
}

TEST_P(DLPack, RoundTripSharesMemoryForEveryDtype) {
  for (DType dt : {bool_, int32, int64, float32, float64}) {
    SCOPED_TRACE(dtype_name(dt));
    Array x = arange(12, dt == bool_ ? int64 : dt, device()).astype(dt).reshape({3, 4});
    Array v = x(slice(_, _, -1), slice(1, _, 2));  // a negative-stride view
    Array y = from_dlpack(to_dlpack(v));
    EXPECT_EQ(y.dtype(), dt);
    EXPECT_EQ(y.device(), device());
    EXPECT_EQ(y.shape(), v.shape());
    EXPECT_EQ(y.strides(), v.strides());
    EXPECT_EQ(y.data_ptr(), v.data_ptr());
    x = Array();
    v = Array();  // y alone keeps the memory now
    Array expect = arange(12, int64, Device::cpu()).astype(dt).reshape({3, 4})(slice(_, _, -1), slice(1, _, 2));
    EXPECT_EQ(y.astype(int64).to_vector<int64_t>(), expect.astype(int64).to_vector<int64_t>());
  }
}

namespace {
// A hand-made producer's tensor over `data`.
struct Producer {
  int64_t shape[2] = {2, 3};
  int deleted = 0;
  DLManagedTensor t{};
  Producer(void* data, DLDataType dtype, uint64_t byte_offset = 0) {
    t.dl_tensor = {data, {kDLCPU, 0}, 2, dtype, shape, nullptr, byte_offset};
    t.manager_ctx = this;
    t.deleter = [](DLManagedTensor* self) { ++static_cast<Producer*>(self->manager_ctx)->deleted; };
  }
};
}  // namespace

TEST(DLPackImport, CompactTensorWithByteOffset) {
  std::vector<double> buf = {-1, 0, 1, 2, 3, 4, 5};
  Producer p(buf.data(), {kDLFloat, 64, 1}, sizeof(double));  // starts at buf[1]
  {
    Array a = from_dlpack(&p.t);
    EXPECT_TRUE(array_equals<double>(a, {0, 1, 2, 3, 4, 5}, {2, 3}));
    EXPECT_EQ(p.deleted, 0);
  }
  EXPECT_EQ(p.deleted, 1);
}

TEST(DLPackImport, RejectsWhatItCannotHoldAndLeavesOwnership) {
  std::vector<uint16_t> buf(6);
  Producer c64(buf.data(), {kDLComplex, 64, 1});
  EXPECT_THROW(from_dlpack(&c64.t), TypeError);
  Producer lanes(buf.data(), {kDLFloat, 32, 4});
  EXPECT_THROW(from_dlpack(&lanes.t), TypeError);
  Producer vulkan(buf.data(), {kDLInt, 32, 1});
  vulkan.t.dl_tensor.device = {kDLVulkan, 0};
  EXPECT_THROW(from_dlpack(&vulkan.t), ValueError);
  Producer neg(buf.data(), {kDLInt, 32, 1});
  neg.shape[0] = -2;
  EXPECT_THROW(from_dlpack(&neg.t), ValueError);
  EXPECT_THROW(from_dlpack(nullptr), ValueError);
  EXPECT_EQ(c64.deleted + lanes.deleted + vulkan.deleted + neg.deleted, 0);
}
