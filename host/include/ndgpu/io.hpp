// Exchanging arrays: NumPy's .npy / .npz files, zero-copy wrapping of memory owned elsewhere,
// and DLPack. CUDA-free, and dlpack.h-free: DLManagedTensor is only named here.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ndgpu/array.hpp"

struct DLManagedTensor;  ///< <dlpack/dlpack.h>; include it to look inside

namespace nd {

// ---- .npy ------------------------------------------------------------------------------------
/// Writes `a` exactly as np.save does (format 1.0, same header bytes, same padding): C order, or
/// fortran_order when `a` is Fortran- but not C-contiguous; other views (negative strides,
/// broadcasts) are written in logical order. Like np.save, ".npy" is appended to a path that
/// does not end with it. The file is written to a temporary name and renamed into place, so a
/// failed save never leaves a half-written file. IOError on failure.
void save(const std::string& path, const Array& a);

/// Reads a .npy file (versions 1.0-3.0, either byte order, fortran_order, 0-d, empty) onto
/// `device` (default: default_device()). The header is parsed as a literal, never evaluated;
/// the declared data size is checked against the file before anything is allocated.
/// NpyFormatError for malformed files, TypeError for dtypes ndgpu does not hold (e.g. '<u2'),
/// IOError when the file cannot be read. A Fortran-ordered file loads as a Fortran-strided array
/// (like np.load) on the CPU; on CUDA it arrives C-contiguous.
Array load(const std::string& path, std::optional<Device> device = {});

// ---- .npz ------------------------------------------------------------------------------------
/// Arrays with their names, in order: what savez writes.
using NamedArrays = std::vector<std::pair<std::string, Array>>;
/// np.savez: a zip of "NAME.npy" members, stored. ".npz" is appended to a path that does not
/// end with it. Archives above 4 GiB (zip64) are not written.
void savez(const std::string& path, const NamedArrays& arrays);
/// np.savez_compressed: as savez, with the members deflated.
void savez_compressed(const std::string& path, const NamedArrays& arrays);
/// Every "NAME.npy" member, keyed by NAME (np.load(...)[name]). Stored and deflated members;
/// zip64 archives (as NumPy writes them) are read. CRC-32 is verified.
std::map<std::string, Array> load_npz(const std::string& path, std::optional<Device> device = {});

// ---- zero-copy interop -----------------------------------------------------------------------
/// Called with the original pointer when the last array using the memory goes away.
using Deleter = std::function<void(void*)>;

/// Wraps memory owned elsewhere (host memory for cpu, device memory for cuda:N) without copying.
/// `strides` are in elements and may be negative or 0 (then the result is read-only, as NumPy
/// marks broadcast views). The deleter (may be empty: the memory is only borrowed) runs once,
/// when the last view lets go; if from_blob throws, it never runs and the caller still owns `data`.
Array from_blob(void* data, const Shape& shape, DType dtype, Device device = Device::cpu(),
                Deleter deleter = {});
/// from_blob with explicit strides (in elements).
Array from_blob(void* data, const Shape& shape, const Shape& strides, DType dtype,
                Device device = Device::cpu(), Deleter deleter = {});

/// DLPack (https://dmlc.github.io/dlpack): the returned tensor shares `a`'s memory and keeps it
/// alive until its deleter is called (exactly once, by the consumer). bool is exported as
/// kDLBool (code 6, 8 bits; DLPack >= 0.8).
DLManagedTensor* to_dlpack(const Array& a);
/// Takes ownership of `t` on success (its deleter runs when the last view lets go); on failure
/// (TypeError for dtypes ndgpu does not hold, ValueError for bad shapes or devices) it throws and
/// leaves `t` to the caller. cpu, CUDA-pinned host memory (as cpu) and cuda devices are accepted.
Array from_dlpack(DLManagedTensor* t);

}  // namespace nd
