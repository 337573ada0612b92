# Flags every ndgpu target gets. No fast-math and no FMA contraction anywhere in our kernels, so
# + - * / sqrt give bitwise-identical results on CPU and CUDA (docs/style.md 2).
function(ndgpu_set_flags target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror=switch -Werror=return-type -ffp-contract=off -fno-math-errno>
    $<$<COMPILE_LANGUAGE:CUDA>:--fmad=false -lineinfo -Xcompiler=-Wall --expt-relaxed-constexpr -Werror=all-warnings>)
  # GCC inserts vzeroupper after AVX code only with -fexpensive-optimizations (on from -O2): at -O0
  # and -O1 (Debug, and the sanitizer and emulator jobs) the hand-written AVX kernels returned with
  # the upper register halves dirty, and every SSE instruction after them in the process ran up to
  # 37x slower (the emulated suite: 585 s, of which the float32 math sweeps were 530).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fexpensive-optimizations>)
  endif()
  if(NDGPU_NATIVE)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
  endif()
  if(NDGPU_SAN_FLAGS)  # cmake/ndgpu_sanitizers.cmake
    target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${NDGPU_SAN_FLAGS}>")
  endif()
endfunction()
