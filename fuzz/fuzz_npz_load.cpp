// fuzz_npz_load: raw bytes = a .npz archive. Oracle: no crash, leak or UB; it loads or throws
// NpyFormatError / TypeError / ValueError; a deflated member never makes the reader allocate
// more than deflate's 1032:1 ratio allows; what loads round-trips through npz::write.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "npz_zip.hpp"

namespace {
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_npz_load invariant violated: %s\n", what);
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::map<std::string, nd::Array> got;
  try {
    got = nd::npz::read(nd::npy::MemorySource(data, size));
  } catch (const nd::NpyFormatError&) {
    return 0;
  } catch (const nd::TypeError&) {
    return 0;
  } catch (const nd::ValueError&) {
    return 0;
  }
  int64_t total = 0;
  nd::NamedArrays arrays;
  for (const auto& [name, a] : got) {
    total += a.storage()->nbytes();
    arrays.push_back({name, a});
  }
  check(total <= static_cast<int64_t>(size) * 1032 * 2 + 4096, "allocated beyond deflate's ratio");
  for (bool compress : {false, true}) {
    std::string out;
    nd::npz::write(arrays, compress, [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); });
    auto back = nd::npz::read(nd::npy::MemorySource(out.data(), out.size()));
    check(back.size() == got.size(), "member count changed in the round trip");
    for (const auto& [name, a] : got) {
      const nd::Array& b = back.at(name);
      check(a.dtype() == b.dtype() && a.shape() == b.shape(), "dtype/shape changed in the round trip");
      nd::Array ca = a.copy(), cb = b.copy();
      check(ca.nbytes() == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0,
            "data changed in the round trip");
    }
  }
  return 0;
}
