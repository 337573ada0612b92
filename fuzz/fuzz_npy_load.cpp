// fuzz_npy_load: raw bytes = a .npy file. Oracle: no crash, leak or UB; it either loads or throws
// NpyFormatError / TypeError / ValueError; never allocates more than the file holds (+ the
// bounded header); what loads re-saves and re-loads to the same dtype, shape and bytes.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ndgpu/ndgpu.hpp"
#include "fuzz_check.hpp"
#include "npy_io.hpp"

namespace {

nd::Array read_bytes(const void* data, size_t size) {
  nd::npy::MemorySource src(data, size);
  nd::npy::RangeReader r(src, 0, size);
  return nd::npy::read(r);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto loaded = fuzz::loaded_or_rejected([&] { return read_bytes(data, size); });
  if (!loaded) return 0;
  const nd::Array& a = *loaded;
  fuzz::check(a.storage()->nbytes() <= static_cast<int64_t>(size), "allocated more than the file holds");
  std::string out;
  nd::npy::write(a, [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); });
  nd::Array b = read_bytes(out.data(), out.size());
  fuzz::check(a.dtype() == b.dtype(), "dtype changed in the round trip");
  fuzz::check(a.shape() == b.shape(), "shape changed in the round trip");
  std::string again;  // saving is idempotent: the same bytes, C or Fortran order included
  nd::npy::write(b, [&](const void* p, size_t n) { again.append(static_cast<const char*>(p), n); });
  fuzz::check(again == out, "save(load(save(x))) differs from save(x)");
  nd::Array ca = a.copy(), cb = b.copy();
  fuzz::check(ca.nbytes() == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0,
              "data changed in the round trip");
  return 0;
}
