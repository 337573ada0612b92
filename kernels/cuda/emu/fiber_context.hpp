// The SIMT emulator's stack switch: start a fiber on its own stack, and switch between a fiber and
// the scheduler. On x86-64 it saves only the callee-saved registers and the stack pointer (7 words
// pushed, one store, one load). glibc's swapcontext also saves and restores the signal mask with
// a system call on every switch: on the 2-core CI VMs that was ~200 ns a switch, and the emulated
// reduction tests ran in 12 s instead of 20 (docs/emulation.md). The fibers never change the
// signal mask, the FPU control word or MXCSR, so none of those needs saving. Other architectures
// keep ucontext.
#pragma once
#include <cstddef>
#include <cstdint>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace nd::emu {

#if defined(__x86_64__)

extern "C" void ndgpu_emu_switch(void** save_sp, void* load_sp);

struct FiberContext {
  void* sp = nullptr;  // saved stack pointer while suspended

  // Prepares a fiber that, when first switched to, calls entry() on [stack, stack + size).
  // entry must never return.
  void start(void* stack, size_t size, void (*entry)()) {
    auto top = (reinterpret_cast<uintptr_t>(stack) + size) & ~uintptr_t(15);
    auto* frame = reinterpret_cast<void**>(top) - 8;  // 16-byte aligned, so entry sees rsp % 16 == 8
    for (int k = 0; k < 6; ++k) frame[k] = nullptr;   // rbx, rbp, r12-r15 as popped
    frame[6] = reinterpret_cast<void*>(entry);        // ret lands here
    frame[7] = nullptr;                               // entry's return address: ends backtraces
    sp = frame;
  }
};
// Saves the running context into `from` and resumes `to`.
inline void switch_context(FiberContext& from, FiberContext& to) { ndgpu_emu_switch(&from.sp, to.sp); }

#else

struct FiberContext {
  ucontext_t uc{};  // zeroed: ASan's swapcontext hook reads its (empty) uc_stack
  void start(void* stack, size_t size, void (*entry)()) {
    getcontext(&uc);
    uc.uc_stack.ss_sp = stack;
    uc.uc_stack.ss_size = size;
    uc.uc_link = nullptr;
    makecontext(&uc, entry, 0);
    // The stack now lives in the saved registers; an empty uc_stack keeps ASan's swapcontext hook
    // from wiping the shadow (and so the redzones) of a suspended fiber's frames on each switch.
    uc.uc_stack.ss_size = 0;
  }
};
inline void switch_context(FiberContext& from, FiberContext& to) { swapcontext(&from.uc, &to.uc); }

#endif

}  // namespace nd::emu
