// Reading and writing one .npy stream through small byte-source / byte-sink interfaces, so the
// same code serves files, .npz members (stored or deflated) and the fuzzers' memory buffers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "ndgpu/array.hpp"

namespace nd::npy {

// A source read front to back whose total length is known before reading.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly n bytes; NpyFormatError / IOError when they are not there.
  virtual void read(void* dst, size_t n) = 0;
};

class MemoryReader final : public Reader {
 public:
  MemoryReader(const void* data, size_t n) : p_(static_cast<const unsigned char*>(data)), n_(n) {}
  uint64_t size() const override { return n_; }
  void read(void* dst, size_t n) override;

 private:
  const unsigned char* p_;
  size_t n_, pos_ = 0;
};

// Random access to a whole file or buffer (zip archives are read from the end).
class Source {
 public:
  virtual ~Source() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly n bytes at offset; the caller has checked offset + n <= size().
  virtual void read_at(uint64_t offset, void* dst, size_t n) const = 0;
  virtual const std::string& name() const = 0;  // for messages
};

class MemorySource final : public Source {
 public:
  MemorySource(const void* data, size_t n, std::string name = "<memory>")
      : p_(static_cast<const unsigned char*>(data)), n_(n), name_(std::move(name)) {}
  uint64_t size() const override { return n_; }
  void read_at(uint64_t offset, void* dst, size_t n) const override;
  const std::string& name() const override { return name_; }

 private:
  const unsigned char* p_;
  size_t n_;
  std::string name_;
};

// An open file (closed by the destructor). IOError in Python's words when it cannot be opened.
class FileSource final : public Source {
 public:
  explicit FileSource(const std::string& path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  uint64_t size() const override { return size_; }
  void read_at(uint64_t offset, void* dst, size_t n) const override;
  const std::string& name() const override { return path_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

// The byte range [offset, offset + length) of a source, read front to back.
class RangeReader final : public Reader {
 public:
  RangeReader(const Source& src, uint64_t offset, uint64_t length)
      : src_(src), offset_(offset), length_(length) {}
  uint64_t size() const override { return length_; }
  void read(void* dst, size_t n) override;

 private:
  const Source& src_;
  uint64_t offset_, length_, done_ = 0;
};

// One .npy stream -> an array on the CPU (Fortran-strided when the file says fortran_order).
// Never allocates more than min(64 KiB header, r.size()) + the data bytes the file holds.
// Reads exactly the header and the data; bytes after them are left unread.
Array read(Reader& r);

// Sends the bytes np.save would write for `a` to `sink` (header first, then the data).
using Sink = std::function<void(const void*, size_t)>;
void write(const Array& a, const Sink& sink);

// Writes through `fill(sink)` to a temporary file next to `path` and renames it into place.
void write_file_atomically(const std::string& path, const std::function<void(const Sink&)>& fill);
// IOError in Python's words: "[Errno 2] No such file or directory: 'x.npy'".
[[noreturn]] void throw_errno(const std::string& path);

}  // namespace nd::npy
