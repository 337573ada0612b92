// nd::save / nd::load: .npy files, byte-identical to np.save, read with bounded trust.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "detail.hpp"
#include "ndgpu/io.hpp"
#include "npy_header.hpp"
#include "npy_io.hpp"

namespace nd::npy {
namespace {

// NumPy's F_CONTIGUOUS flag: size-1 axes ignored, size-0 arrays contiguous.
bool f_contiguous(const Array& a) {
  int64_t expect = 1;
  for (int d = 0; d < a.ndim(); ++d) {
    if (a.shape()[d] == 0) return true;
    if (a.shape()[d] == 1) continue;
    if (a.strides()[d] != expect) return false;
    expect *= a.shape()[d];
  }
  return true;
}

void byteswap(unsigned char* p, int64_t n, int64_t width) {
  for (int64_t i = 0; i < n; ++i, p += width) std::reverse(p, p + width);
}

}  // namespace

void MemoryReader::read(void* dst, size_t n) {
  if (n > n_ - pos_) throw NpyFormatError("file is truncated");
  if (n) std::memcpy(dst, p_ + pos_, n);
  pos_ += n;
}

void MemorySource::read_at(uint64_t offset, void* dst, size_t n) const {
  if (offset > n_ || n > n_ - offset) throw NpyFormatError("file is truncated: '" + name_ + "'");
  if (n) std::memcpy(dst, p_ + offset, n);
}

FileSource::FileSource(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw_errno(path);
  struct stat st;
  if (fstat(fd_, &st) != 0 || S_ISDIR(st.st_mode)) {
    const int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd_);
    errno = e;
    throw_errno(path);
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

FileSource::~FileSource() { ::close(fd_); }

void FileSource::read_at(uint64_t offset, void* dst, size_t n) const {
  auto* out = static_cast<char*>(dst);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, out, std::min<size_t>(n, size_t(1) << 30), static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw_errno(path_);
    if (got == 0) throw NpyFormatError("file is truncated: '" + path_ + "' (it shrank while being read)");
    out += got;
    offset += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
}

void RangeReader::read(void* dst, size_t n) {
  if (n > length_ - done_) throw NpyFormatError("file is truncated: '" + src_.name() + "'");
  src_.read_at(offset_ + done_, dst, n);
  done_ += n;
}

Array read(Reader& r) {
  const uint64_t total = r.size();
  unsigned char pre[12] = {};
  size_t avail = static_cast<size_t>(std::min<uint64_t>(total, 10));
  r.read(pre, avail);
  if (avail == 10 && (pre[6] == 2 || pre[6] == 3) && total >= 12) {  // v2/v3: 4-byte length
    r.read(pre + 10, 2);
    avail = 12;
  }
  const Preamble p = parse_preamble(pre, avail, total);
  std::string text(p.header_len, '\0');  // <= 64 KiB and <= the file: both checked above
  r.read(text.data(), text.size());
  const Header h = parse_header(text);
  const uint64_t remaining = total - p.header_offset - p.header_len;
  if (static_cast<uint64_t>(h.data_bytes) > remaining)
    throw NpyFormatError("file is truncated: the header declares shape " + shape_str(h.shape) +
                         " of " + std::string(dtype_name(h.dtype)) + " (" +
                         std::to_string(h.data_bytes) + " bytes) but only " +
                         std::to_string(remaining) + " bytes of data follow");
  // Storage order: C, or the reversed shape for Fortran order (then viewed with F strides).
  Shape stored = h.shape;
  if (h.fortran_order) std::reverse(stored.begin(), stored.end());
  Array raw = detail::new_array(stored, h.dtype, Device::cpu());
  auto* bytes = static_cast<unsigned char*>(raw.storage()->data());
  r.read(bytes, static_cast<size_t>(h.data_bytes));
  if (h.swap_bytes) byteswap(bytes, raw.size(), raw.itemsize());
  if (h.dtype == DType::bool_)  // any non-zero byte is True; a bool holding 2 would be UB in C++
    for (int64_t i = 0; i < h.data_bytes; ++i) bytes[i] = bytes[i] != 0;
  if (!h.fortran_order) return raw;
  Shape fstrides(h.shape.size());
  int64_t acc = 1;
  for (size_t d = 0; d < h.shape.size(); ++d) {
    fstrides[d] = acc;
    acc *= std::max<int64_t>(h.shape[d], 1);
  }
  return Array(raw.storage(), h.dtype, h.shape, fstrides, 0);
}

void write(const Array& a, const Sink& sink) {
  detail::check_defined(a, "save");
  // A Fortran-ordered device array travels as its (C-contiguous) transpose to keep its order.
  const bool device_fortran = !a.device().is_cpu() && !a.is_contiguous() && f_contiguous(a);
  Array host = device_fortran ? a.T().cpu().T() : a.cpu();
  bool fortran = false;
  if (!host.is_contiguous()) {
    if (f_contiguous(host)) fortran = true;  // np.save keeps Fortran order as it is in memory
    else host = host.copy();                 // anything else: logical (C) order
  }
  const std::string header = format_header(host.dtype(), fortran, host.shape());
  sink(header.data(), header.size());
  if (host.nbytes() > 0) sink(host.data_ptr(), static_cast<size_t>(host.nbytes()));
}

[[noreturn]] void throw_errno(const std::string& path) {
  const int e = errno;
  throw IOError("[Errno " + std::to_string(e) + "] " + std::strerror(e) + ": '" + path + "'");
}

void write_file_atomically(const std::string& path, const std::function<void(const Sink&)>& fill) {
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw_errno(path);
  std::FILE* f = fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw_errno(path);
  }
  try {
    fill([&](const void* p, size_t n) {
      if (std::fwrite(p, 1, n, f) != n) throw_errno(path);
    });
    if (std::fflush(f) != 0) throw_errno(path);
  } catch (...) {
    std::fclose(f);
    ::unlink(tmp.c_str());
    throw;
  }
  if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    errno = e;
    throw_errno(path);
  }
}

}  // namespace nd::npy

namespace nd {
namespace {
bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

void save(const std::string& path_in, const Array& a) {
  detail::check_defined(a, "save");
  const std::string path = ends_with(path_in, ".npy") ? path_in : path_in + ".npy";
  npy::write_file_atomically(path, [&](const npy::Sink& sink) { npy::write(a, sink); });
}

Array load(const std::string& path, std::optional<Device> device) {
  const Device dev = detail::resolve(device);
  detail::backend(dev);  // DeviceError for an unusable device, before reading anything
  npy::FileSource file(path);
  unsigned char head[4] = {};
  if (file.size() >= 4) file.read_at(0, head, 4);
  if (std::memcmp(head, "PK\x03\x04", 4) == 0)
    throw IOError("'" + path + "' is an .npz archive: read it with nd::load_npz");
  npy::RangeReader r(file, 0, file.size());
  Array host = npy::read(r);
  return host.to(dev);
}

}  // namespace nd
