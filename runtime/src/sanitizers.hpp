// Which sanitizer this translation unit is built with, under GCC (__SANITIZE_ADDRESS__,
// __SANITIZE_THREAD__) or clang (__has_feature): ND_ASAN makes the pools stand aside or poison
// what they cache; with ND_ASAN or ND_TSAN the SIMT emulator annotates its fiber switches.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define ND_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ND_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define ND_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ND_TSAN 1
#endif
#endif
