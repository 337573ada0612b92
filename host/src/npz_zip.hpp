// .npz = a zip archive of .npy members. The zip reader trusts nothing: every offset and size is
// checked against the archive before use, and deflated members are bounded by deflate's maximum
// ratio before anything is allocated.
#pragma once
#include <map>
#include <string>

#include "ndgpu/io.hpp"
#include "npy_io.hpp"

namespace nd::npz {

// Every "<name>.npy" member as a CPU array, keyed by <name>. NpyFormatError for a damaged
// archive (bad offsets, CRC mismatch, unsupported method, encryption), TypeError for dtypes.
std::map<std::string, Array> read(const npy::Source& src);

// The archive bytes of np.savez (compress = false: stored) / np.savez_compressed (deflated).
void write(const NamedArrays& arrays, bool compress, const npy::Sink& sink);

}  // namespace nd::npz
