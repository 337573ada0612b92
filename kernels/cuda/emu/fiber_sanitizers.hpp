// What the SIMT emulator needs to run fibers under the sanitizers: stack-switch annotations for
// AddressSanitizer (__sanitizer_start/finish_switch_fiber, so ASan knows which stack is live) and
// ThreadSanitizer (a TSan context per fiber, switched to before each swapcontext, so TSan neither
// confuses the fibers' stacks nor reports the cooperative switches as races), and raw memory
// access that may touch bytes the caching allocator poisoned on purpose (snapshots of whole
// device allocations for the two-schedule check). Without them all of this is plain code.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "sanitizers.hpp"

#if ND_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ND_EMU_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define ND_EMU_NO_ASAN
#endif
#if ND_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace nd::emu {

// One execution context (a fiber, or the OS thread that schedules them) as the sanitizers'
// fiber APIs want it. leave(to) right before swapcontext to `to`, arrived(from) right after.
struct FiberSwitch {
  const void* bottom = nullptr;  // null for the OS thread's own stack until learned
  size_t size = 0;
  void* fake_stack = nullptr;
  void* tsan = nullptr;  // this context's TSan state (the thread's own for the scheduler)
  bool owns_tsan = false;

  FiberSwitch() = default;
  FiberSwitch(FiberSwitch&& o) noexcept { *this = std::move(o); }
  FiberSwitch& operator=(FiberSwitch&& o) noexcept {
    std::swap(bottom, o.bottom);
    std::swap(size, o.size);
    std::swap(fake_stack, o.fake_stack);
    std::swap(tsan, o.tsan);
    std::swap(owns_tsan, o.owns_tsan);
    return *this;
  }
  ~FiberSwitch() {
#if ND_TSAN
    if (owns_tsan) __tsan_destroy_fiber(tsan);
#endif
  }

  // A fiber about to start on this stack. A reused stack holds the redzones of frames that never
  // returned when the block that last ran on it was aborted (`may_hold_redzones`); after a block
  // that ran to the end every frame has returned and cleared its own, so the stack's shadow is
  // left alone (clearing 16 KiB of shadow per thread per block was a sixth of the emulated
  // reduction tests' time).
  void set_stack(void* b, size_t s, bool may_hold_redzones) {
    bottom = b;
    size = s;
    fake_stack = nullptr;  // ASan: a fiber entered for the first time has none
#if ND_ASAN
    if (may_hold_redzones) ASAN_UNPOISON_MEMORY_REGION(b, s);
#else
    (void)may_hold_redzones;
#endif
#if ND_TSAN
    if (!tsan) {
      tsan = __tsan_create_fiber(0);
      owns_tsan = true;
    }
#endif
  }
  void leave(FiberSwitch& to) {
#if ND_TSAN
    if (!tsan) tsan = __tsan_get_current_fiber();  // the scheduler, on its own thread
    __tsan_switch_to_fiber(to.tsan, 0);  // flags 0: the switch orders memory (the fibers yield)
#endif
#if ND_ASAN
    __sanitizer_start_switch_fiber(&fake_stack, to.bottom, to.size);
#else
    (void)to;
#endif
  }
  void leave_for_good(FiberSwitch& to) {
#if ND_TSAN
    __tsan_switch_to_fiber(to.tsan, 0);
#endif
#if ND_ASAN
    __sanitizer_start_switch_fiber(nullptr, to.bottom, to.size);
#else
    (void)to;
#endif
  }
  void arrived(FiberSwitch& from) {
#if ND_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, &from.bottom, &from.size);
#else
    (void)from;
#endif
  }
};

// Byte copies and compares that ASan does not check (volatile: no memcpy idiom, which ASan would),
// a word at a time where both sides are 8-byte aligned (device allocations and vectors are).
ND_EMU_NO_ASAN inline void raw_copy(char* dst, const char* src, size_t n) {
#if ND_ASAN
  size_t i = 0;
  if ((reinterpret_cast<uintptr_t>(dst) | reinterpret_cast<uintptr_t>(src)) % 8 == 0)
    for (; i + 8 <= n; i += 8)
      *reinterpret_cast<volatile uint64_t*>(dst + i) = *reinterpret_cast<const volatile uint64_t*>(src + i);
  for (; i < n; ++i) static_cast<volatile char*>(dst)[i] = static_cast<const volatile char*>(src)[i];
#else
  if (n) std::memcpy(dst, src, n);
#endif
}
ND_EMU_NO_ASAN inline std::vector<char> raw_read(const char* p, size_t n) {
  std::vector<char> v(n);
  raw_copy(v.data(), p, n);
  return v;
}
ND_EMU_NO_ASAN inline void raw_write(char* p, const std::vector<char>& v) { raw_copy(p, v.data(), v.size()); }
// First index where memory at p differs from v, or v.size().
ND_EMU_NO_ASAN inline size_t raw_mismatch(const char* p, const std::vector<char>& v) {
  const size_t n = v.size();
  const char* w = v.data();
  size_t i = 0;
  if ((reinterpret_cast<uintptr_t>(p) | reinterpret_cast<uintptr_t>(w)) % 8 == 0)
    for (; i + 8 <= n; i += 8)
      if (*reinterpret_cast<const volatile uint64_t*>(p + i) != *reinterpret_cast<const uint64_t*>(w + i)) break;
  for (; i < n; ++i)
    if (static_cast<const volatile char*>(p)[i] != w[i]) return i;
  return n;
}
ND_EMU_NO_ASAN inline unsigned char raw_byte(const char* p) {
  return static_cast<unsigned char>(*static_cast<const volatile char*>(p));
}

}  // namespace nd::emu
