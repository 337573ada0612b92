// fuzz_view_ops: chains of view ops against a naive reference (see view_ops_harness.hpp).
#include "fuzz_check.hpp"
#include "view_ops_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    view_ops_harness::run(data, size);
  } catch (const view_ops_harness::Violation& v) {
    fuzz::fail(v.what());
  }
  return 0;
}
