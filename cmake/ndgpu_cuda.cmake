# Decides whether the CUDA backend is built (NDGPU_WITH_CUDA) from NDGPU_CUDA = AUTO | ON | OFF.
# The build machines have nvcc but no GPU, so the architectures are set explicitly.
# NDGPU_CUDA_EMULATION builds the CUDA backend without nvcc (SIMT emulator), so it excludes real CUDA.
set(NDGPU_WITH_CUDA OFF)
if(NDGPU_CUDA_EMULATION)
  if(NDGPU_CUDA STREQUAL "ON")
    message(FATAL_ERROR "NDGPU_CUDA_EMULATION=ON and NDGPU_CUDA=ON exclude each other: pick one")
  endif()
elseif(NOT NDGPU_CUDA STREQUAL "OFF")
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
    # Ampere and Hopper SASS, plus sm_90 PTX for newer cards. Override with -DCMAKE_CUDA_ARCHITECTURES
    # or CMake's CUDAARCHS environment variable (CI's compile-only check builds one: .ci/run).
    set(CMAKE_CUDA_ARCHITECTURES "80-real;90" CACHE STRING "CUDA architectures")
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    if(NOT DEFINED CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
      # CMake < 3.26 does not know nvcc's C++20 flag (nvcc >= 12 accepts it).
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(NDGPU_WITH_CUDA ON)
  elseif(NDGPU_CUDA STREQUAL "ON")
    message(FATAL_ERROR "NDGPU_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
