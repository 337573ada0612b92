// fuzz_npz_load: raw bytes = a .npz archive. Oracle: no crash, leak or UB; it loads or throws
// NpyFormatError / TypeError / ValueError; a deflated member never makes the reader allocate
// more than deflate's 1032:1 ratio allows; what loads round-trips through npz::write.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "npz_zip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto loaded = fuzz::loaded_or_rejected([&] { return nd::npz::read(nd::npy::MemorySource(data, size)); });
  if (!loaded) return 0;
  const std::map<std::string, nd::Array>& got = *loaded;
  int64_t total = 0;
  nd::NamedArrays arrays;
  for (const auto& [name, a] : got) {
    total += a.storage()->nbytes();
    arrays.push_back({name, a});
  }
  fuzz::check(total <= static_cast<int64_t>(size) * 1032 * 2 + 4096, "allocated beyond deflate's ratio");
  for (bool compress : {false, true}) {
    std::string out;
    nd::npz::write(arrays, compress, [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); });
    auto back = nd::npz::read(nd::npy::MemorySource(out.data(), out.size()));
    fuzz::check(back.size() == got.size(), "member count changed in the round trip");
    for (const auto& [name, a] : got) {
      const nd::Array& b = back.at(name);
      fuzz::check(a.dtype() == b.dtype() && a.shape() == b.shape(),
                  "dtype/shape changed in the round trip");
      nd::Array ca = a.copy(), cb = b.copy();
      fuzz::check(ca.nbytes() == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0,
                  "data changed in the round trip");
    }
  }
  return 0;
}
