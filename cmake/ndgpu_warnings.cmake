# Flags every ndgpu target gets. No fast-math and no FMA contraction anywhere in our kernels, so
# + - * / sqrt give bitwise-identical results on CPU and CUDA (docs/style.md 2).
function(ndgpu_set_flags target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror=switch -Werror=return-type -ffp-contract=off -fno-math-errno>
    $<$<COMPILE_LANGUAGE:CUDA>:--fmad=false -lineinfo -Xcompiler=-Wall --expt-relaxed-constexpr -Werror=all-warnings>)
  if(NDGPU_NATIVE)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
  endif()
  if(NDGPU_SAN_FLAGS)  # cmake/ndgpu_sanitizers.cmake
    target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${NDGPU_SAN_FLAGS}>")
  endif()
endfunction()
