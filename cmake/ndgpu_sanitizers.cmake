# Sanitizer and fuzzing builds (docs/reliability.md 9.1, 9.2). One of:
#   NDGPU_SANITIZE  ASan + UBSan (gcc or clang): the whole CPU suite, scripts/ci_sanitize.sh
#   NDGPU_TSAN      ThreadSanitizer: allocator and concurrent read-only tests
#   NDGPU_FUZZ      libFuzzer targets under fuzz/ with ASan + UBSan (clang only), scripts/ci_fuzz.sh
# Sets NDGPU_SAN_FLAGS (compile, every ndgpu layer and the test/fuzz executables) and
# NDGPU_SAN_LINK (link, propagated from ndgpu).
option(NDGPU_TSAN "Build with ThreadSanitizer (CPU CI job)" OFF)
option(NDGPU_FUZZ "Build the libFuzzer targets in fuzz/ (clang only; ASan + UBSan)" OFF)

set(NDGPU_SAN_FLAGS "")
set(NDGPU_SAN_LINK "")
set(_ndgpu_san_count 0)
foreach(opt NDGPU_SANITIZE NDGPU_TSAN NDGPU_FUZZ)
  if(${opt})
    math(EXPR _ndgpu_san_count "${_ndgpu_san_count} + 1")
  endif()
endforeach()
if(_ndgpu_san_count GREATER 1)
  message(FATAL_ERROR "NDGPU_SANITIZE, NDGPU_TSAN and NDGPU_FUZZ are separate builds: pick one")
endif()

set(_ndgpu_asan_ubsan -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
if(NDGPU_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NDGPU_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14 (Debian: clang-14, libfuzzer-14-dev)")
  endif()
  set(NDGPU_SAN_FLAGS -fsanitize=fuzzer-no-link ${_ndgpu_asan_ubsan} -g1)
  set(NDGPU_SAN_LINK -fsanitize=address,undefined)
  # The fuzz targets parse .npy / .npz bytes, slice strings and view ops; of the CPU kernels they
  # reach only copies and fills. Compiling every kernel at -O1 was most of a cold fuzz build
  # (274 s on 2 cores, against 103 s with everything at -O0): the kernels build at -O0.
  file(GLOB _ndgpu_fuzz_kernels CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/kernels/cpu/*.cpp")
  set_source_files_properties(${_ndgpu_fuzz_kernels} PROPERTIES COMPILE_OPTIONS -O0)
elseif(NDGPU_SANITIZE)
  set(NDGPU_SAN_FLAGS ${_ndgpu_asan_ubsan})
  set(NDGPU_SAN_LINK -fsanitize=address,undefined)
elseif(NDGPU_TSAN)
  set(NDGPU_SAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer -g)
  set(NDGPU_SAN_LINK -fsanitize=thread)
endif()
