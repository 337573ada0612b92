// The umbrella header: #include <ndgpu/ndgpu.hpp>
#pragma once
#include "ndgpu/array.hpp"
#include "ndgpu/creation.hpp"
#include "ndgpu/device.hpp"
#include "ndgpu/dtype.hpp"
#include "ndgpu/error.hpp"
#include "ndgpu/io.hpp"
#include "ndgpu/stream.hpp"
#include "ndgpu/ops.hpp"
#include "ndgpu/linalg.hpp"
#include "ndgpu/nn.hpp"
#include "ndgpu/reductions.hpp"
