// What every fuzz target shares: an invariant check that aborts (libFuzzer reports the input as a
// crash), and the reader targets' "loaded, or rejected with a documented error" step.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "ndgpu/error.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what.c_str());
  std::abort();
}
inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

// load() for a reader target: its value, or nullopt when it rejected the bytes with one of the
// readers' documented errors (anything else escapes and is a finding).
template <class Load>
auto loaded_or_rejected(Load&& load) -> std::optional<decltype(load())> {
  try {
    return load();
  } catch (const nd::NpyFormatError&) {
  } catch (const nd::TypeError&) {
  } catch (const nd::ValueError&) {
  }
  return std::nullopt;
}

}  // namespace fuzz
