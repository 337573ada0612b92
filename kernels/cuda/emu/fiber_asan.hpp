// What the SIMT emulator needs to run fibers under AddressSanitizer: stack-switch annotations
// (__sanitizer_start/finish_switch_fiber, so ASan knows which stack is live) and raw memory
// access that may touch bytes the caching allocator poisoned on purpose (snapshots of whole
// device allocations for the two-schedule check). Without ASan all of this is plain code.
#pragma once
#include <cstddef>
#include <cstring>
#include <vector>

#include "asan.hpp"

#if ND_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ND_EMU_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define ND_EMU_NO_ASAN
#endif

namespace nd::emu {

// One execution context's stack, as ASan's fiber API wants it.
struct FiberSwitch {
  const void* bottom = nullptr;  // null for the OS thread's own stack until learned
  size_t size = 0;
  void* fake_stack = nullptr;

  FiberSwitch() = default;
  FiberSwitch(void* b, size_t s) : bottom(b), size(s) {}
#if ND_ASAN
  // A reused stack may hold redzones of frames that never returned (an aborted block).
  void reset_stack() { ASAN_UNPOISON_MEMORY_REGION(bottom, size); }
  void leave(const FiberSwitch& to) { __sanitizer_start_switch_fiber(&fake_stack, to.bottom, to.size); }
  void leave_for_good(const FiberSwitch& to) { __sanitizer_start_switch_fiber(nullptr, to.bottom, to.size); }
  void arrived(FiberSwitch& from) { __sanitizer_finish_switch_fiber(fake_stack, &from.bottom, &from.size); }
#else
  void reset_stack() {}
  void leave(const FiberSwitch&) {}
  void leave_for_good(const FiberSwitch&) {}
  void arrived(FiberSwitch&) {}
#endif
};

// Byte copies and compares that ASan does not check (volatile: no memcpy idiom, which ASan would).
ND_EMU_NO_ASAN inline std::vector<char> raw_read(const char* p, size_t n) {
  std::vector<char> v(n);
#if ND_ASAN
  const volatile char* src = p;
  for (size_t i = 0; i < n; ++i) v[i] = src[i];
#else
  if (n) std::memcpy(v.data(), p, n);
#endif
  return v;
}
ND_EMU_NO_ASAN inline void raw_write(char* p, const std::vector<char>& v) {
#if ND_ASAN
  volatile char* dst = p;
  for (size_t i = 0; i < v.size(); ++i) dst[i] = v[i];
#else
  if (!v.empty()) std::memcpy(p, v.data(), v.size());
#endif
}
// First index where memory at p differs from v, or v.size().
ND_EMU_NO_ASAN inline size_t raw_mismatch(const char* p, const std::vector<char>& v) {
  const volatile char* m = p;
  for (size_t i = 0; i < v.size(); ++i)
    if (m[i] != v[i]) return i;
  return v.size();
}
ND_EMU_NO_ASAN inline unsigned char raw_byte(const char* p) {
  return static_cast<unsigned char>(*static_cast<const volatile char*>(p));
}

}  // namespace nd::emu
