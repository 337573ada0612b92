// ND_ASAN is defined (as 1) when this translation unit is built with AddressSanitizer, under GCC
// (__SANITIZE_ADDRESS__) or clang (__has_feature): the pools stand aside or poison what they cache,
// and the SIMT emulator annotates its fiber stacks.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define ND_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ND_ASAN 1
#endif
#endif
