// .npz: np.savez / np.savez_compressed archives (zip, stored or deflated through zlib).
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "detail.hpp"
#include "npz_zip.hpp"

namespace nd::npz {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50, kZip64LocatorSig = 0x07064b50;
constexpr uint64_t kMaxDeflateRatio = 1032;  // deflate cannot expand one byte to more than this
constexpr size_t kChunk = size_t(1) << 30;   // zlib counts in 32-bit units

uint16_t u16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t u32(const unsigned char* p) { return u16(p) | static_cast<uint32_t>(u16(p + 2)) << 16; }
uint64_t u64(const unsigned char* p) { return u32(p) | static_cast<uint64_t>(u32(p + 4)) << 32; }

[[noreturn]] void bad(const npy::Source& src, const std::string& why) {
  throw NpyFormatError("'" + src.name() + "' is not a valid .npz archive: " + why);
}

std::vector<unsigned char> read_range(const npy::Source& src, uint64_t off, uint64_t n,
                                      const std::string& what) {
  if (off > src.size() || n > src.size() - off) bad(src, what + " lies outside the file");
  std::vector<unsigned char> buf(static_cast<size_t>(n));
  src.read_at(off, buf.data(), buf.size());
  return buf;
}

uint32_t crc32_of(uint32_t crc, const void* p, size_t n) {
  const auto* b = static_cast<const Bytef*>(p);
  for (size_t done = 0; done < n;) {
    const size_t k = std::min(n - done, kChunk);
    crc = static_cast<uint32_t>(::crc32(crc, b + done, static_cast<uInt>(k)));
    done += k;
  }
  return crc;
}

struct Entry {
  std::string name;
  uint16_t flags = 0, method = 0;
  uint32_t crc = 0;
  uint64_t csize = 0, usize = 0, local_offset = 0;
};

struct Directory {
  uint64_t offset = 0, size = 0, count = 0;
};

// The end-of-central-directory record (zip64 when its fields overflow), checked against the file.
Directory find_directory(const npy::Source& src) {
  const uint64_t size = src.size();
  if (size < 22) bad(src, "too short for a zip archive");
  const uint64_t tail_len = std::min<uint64_t>(size, 22 + 65535);
  const std::vector<unsigned char> tail = read_range(src, size - tail_len, tail_len, "the end record");
  for (uint64_t i = tail_len - 22 + 1; i-- > 0;) {
    const unsigned char* p = tail.data() + i;
    if (u32(p) != kEndSig || i + 22 + u16(p + 20) > tail_len) continue;
    Directory d{u32(p + 16), u32(p + 12), u16(p + 10)};
    const uint64_t end_pos = size - tail_len + i;
    if (d.count == 0xffff || d.size == 0xffffffff || d.offset == 0xffffffff) {
      if (end_pos < 20) bad(src, "the zip64 locator is missing");
      const auto loc = read_range(src, end_pos - 20, 20, "the zip64 locator");
      if (u32(loc.data()) != kZip64LocatorSig) bad(src, "the zip64 locator is missing");
      const auto z = read_range(src, u64(loc.data() + 8), 56, "the zip64 end record");
      if (u32(z.data()) != kZip64EndSig) bad(src, "the zip64 end record is missing");
      d = {u64(z.data() + 48), u64(z.data() + 40), u64(z.data() + 32)};
    }
    if (d.offset > size || d.size > size - d.offset) bad(src, "the central directory lies outside the file");
    if (d.count > d.size / 46) bad(src, "the central directory is too small for its entries");
    return d;
  }
  bad(src, "no end-of-central-directory record (not a zip file)");
}

std::vector<Entry> read_directory(const npy::Source& src, const Directory& d) {
  const std::vector<unsigned char> cd = read_range(src, d.offset, d.size, "the central directory");
  std::vector<Entry> out;
  size_t pos = 0;
  for (uint64_t k = 0; k < d.count; ++k) {
    if (cd.size() - pos < 46 || u32(&cd[pos]) != kCentralSig) bad(src, "damaged central directory");
    const unsigned char* p = &cd[pos];
    Entry e;
    e.flags = u16(p + 8);
    e.method = u16(p + 10);
    e.crc = u32(p + 16);
    e.csize = u32(p + 20);
    e.usize = u32(p + 24);
    const size_t nlen = u16(p + 28), xlen = u16(p + 30), clen = u16(p + 32);
    e.local_offset = u32(p + 42);
    if (cd.size() - pos - 46 < nlen + xlen + clen) bad(src, "damaged central directory");
    e.name.assign(reinterpret_cast<const char*>(p + 46), nlen);
    // zip64 extra field (id 1): 8-byte values replace the saturated ones, in this order.
    const unsigned char* x = p + 46 + nlen;
    for (size_t xi = 0; xlen - xi >= 4;) {
      const uint16_t id = u16(x + xi), len = u16(x + xi + 2);
      if (xlen - xi - 4 < len) bad(src, "damaged extra field for '" + e.name + "'");
      if (id == 1) {
        size_t zi = 0;
        auto take = [&](uint64_t* v) {
          if (*v != 0xffffffff) return;
          if (len - zi < 8) bad(src, "short zip64 field for '" + e.name + "'");
          *v = u64(x + xi + 4 + zi);
          zi += 8;
        };
        take(&e.usize);
        take(&e.csize);
        take(&e.local_offset);
      }
      xi += 4 + len;
    }
    pos += 46 + nlen + xlen + clen;
    out.push_back(std::move(e));
  }
  return out;
}

// A deflated member, inflated on demand into the caller's buffer (no staging copy).
class InflateReader final : public npy::Reader {
 public:
  InflateReader(const npy::Source& src, uint64_t offset, uint64_t csize, uint64_t usize, std::string name)
      : src_(src), in_off_(offset), in_left_(csize), usize_(usize), name_(std::move(name)) {
    if (inflateInit2(&z_, -15) != Z_OK) throw OutOfMemory("inflateInit2 failed for '" + name_ + "'");
  }
  ~InflateReader() override { inflateEnd(&z_); }
  uint64_t size() const override { return usize_; }

  void read(void* dst, size_t n) override {
    if (n > usize_ - done_) corrupt("member is shorter than its header says");
    auto* out = static_cast<Bytef*>(dst);
    size_t left = n;
    while (left > 0) {
      if (z_.avail_in == 0) refill();
      const size_t want = std::min(left, kChunk);
      z_.next_out = out;
      z_.avail_out = static_cast<uInt>(want);
      const uInt in_before = z_.avail_in;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t got = want - z_.avail_out;
      out += got;
      left -= got;
      if (rc == Z_STREAM_END) {
        ended_ = true;
        if (left > 0) corrupt("deflate stream ends early");
      } else if (rc == Z_BUF_ERROR || (rc == Z_OK && got == 0 && z_.avail_in == in_before)) {
        if (z_.avail_in == 0 && in_left_ == 0) corrupt("compressed data is truncated");
        if (got == 0 && z_.avail_in == in_before) corrupt("deflate stream makes no progress");
      } else if (rc != Z_OK) {
        corrupt(std::string("corrupt deflate data (") + (z_.msg ? z_.msg : "zlib error") + ")");
      }
    }
    done_ += n;
  }

  // After the last byte: the stream must end there.
  void finish() {
    if (ended_) return;
    unsigned char extra;
    for (;;) {
      if (z_.avail_in == 0) refill();
      z_.next_out = &extra;
      z_.avail_out = 1;
      const uInt in_before = z_.avail_in;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END && z_.avail_out == 1) return;
      if (z_.avail_out == 0) corrupt("member is longer than its header says");
      if (rc != Z_OK || (z_.avail_in == in_before && in_left_ == 0)) corrupt("deflate stream does not end");
    }
  }

 private:
  [[noreturn]] void corrupt(const std::string& why) const { bad(src_, "'" + name_ + "': " + why); }
  void refill() {
    const size_t k = static_cast<size_t>(std::min<uint64_t>(in_left_, sizeof buf_));
    if (k == 0) return;
    src_.read_at(in_off_, buf_, k);
    in_off_ += k;
    in_left_ -= k;
    z_.next_in = buf_;
    z_.avail_in = static_cast<uInt>(k);
  }

  const npy::Source& src_;
  uint64_t in_off_, in_left_, usize_, done_ = 0;
  std::string name_;
  z_stream z_{};
  bool ended_ = false;
  unsigned char buf_[64 << 10];
};

// Passes reads through and keeps the CRC-32 of everything read.
class CrcReader final : public npy::Reader {
 public:
  explicit CrcReader(npy::Reader& inner) : inner_(inner) {}
  uint64_t size() const override { return inner_.size(); }
  void read(void* dst, size_t n) override {
    inner_.read(dst, n);
    crc_ = crc32_of(crc_, dst, n);
    done_ += n;
  }
  void drain() {  // bytes after the array (NumPy never writes any) still count for the CRC
    unsigned char buf[4096];
    while (done_ < size()) read(buf, static_cast<size_t>(std::min<uint64_t>(size() - done_, sizeof buf)));
  }
  uint32_t crc() const { return crc_; }

 private:
  npy::Reader& inner_;
  uint32_t crc_ = 0;
  uint64_t done_ = 0;
};

Array read_member(const npy::Source& src, const Entry& e) {
  if (e.flags & 1) bad(src, "'" + e.name + "' is encrypted");
  const auto lh = read_range(src, e.local_offset, 30, "the local header of '" + e.name + "'");
  if (u32(lh.data()) != kLocalSig) bad(src, "bad local header for '" + e.name + "'");
  const uint64_t data_off = e.local_offset + 30 + u16(&lh[26]) + u16(&lh[28]);
  if (data_off > src.size() || e.csize > src.size() - data_off) bad(src, "'" + e.name + "' lies outside the file");
  if (e.method == 0) {
    if (e.usize != e.csize) bad(src, "stored member '" + e.name + "' has two different sizes");
    npy::RangeReader raw(src, data_off, e.csize);
    CrcReader r(raw);
    Array a = npy::read(r);
    r.drain();
    if (r.crc() != e.crc) bad(src, "Bad CRC-32 for file '" + e.name + "'");
    return a;
  }
  if (e.method != 8)
    bad(src, "'" + e.name + "' uses compression method " + std::to_string(e.method) +
                 " (stored and deflate are read)");
  if (e.usize / kMaxDeflateRatio > e.csize + 1)
    bad(src, "'" + e.name + "' claims " + std::to_string(e.usize) + " bytes from " +
                 std::to_string(e.csize) + " compressed: more than deflate can produce");
  InflateReader raw(src, data_off, e.csize, e.usize, e.name);
  CrcReader r(raw);
  Array a = npy::read(r);
  r.drain();
  raw.finish();
  if (r.crc() != e.crc) bad(src, "Bad CRC-32 for file '" + e.name + "'");
  return a;
}

void le(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string deflate_raw(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw OutOfMemory("deflateInit2 failed");
  std::string out(deflateBound(&z, in.size()), '\0');
  size_t in_done = 0, out_done = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    const size_t in_k = std::min(in.size() - in_done, kChunk);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_done));
    z.avail_in = static_cast<uInt>(in_k);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + out_done);
    z.avail_out = static_cast<uInt>(std::min(out.size() - out_done, kChunk));
    const uInt out_before = z.avail_out;
    rc = deflate(&z, in_done + in_k == in.size() ? Z_FINISH : Z_NO_FLUSH);
    in_done += in_k - z.avail_in;
    out_done += out_before - z.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      deflateEnd(&z);
      throw IOError("deflate failed");
    }
  }
  deflateEnd(&z);
  out.resize(out_done);
  return out;
}

}  // namespace

std::map<std::string, Array> read(const npy::Source& src) {
  std::map<std::string, Array> out;
  for (const Entry& e : read_directory(src, find_directory(src))) {
    if (e.name.size() < 4 || e.name.compare(e.name.size() - 4, 4, ".npy") != 0) continue;
    out[e.name.substr(0, e.name.size() - 4)] = read_member(src, e);
  }
  return out;
}

void write(const NamedArrays& arrays, bool compress, const npy::Sink& sink) {
  std::set<std::string> names;
  for (const auto& [name, a] : arrays) {
    detail::check_defined(a, "savez");
    if (!names.insert(name).second) throw ValueError("savez: the name '" + name + "' is used twice");
  }
  if (arrays.size() >= 0xffff) throw IOError("savez: more than 65534 arrays need zip64, which is not written yet");
  const uint16_t method = compress ? 8 : 0;
  constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01 00:00: reproducible archives
  uint64_t offset = 0;
  std::string central;
  auto put = [&](const std::string& bytes) {
    sink(bytes.data(), bytes.size());
    offset += bytes.size();
  };
  for (const auto& [name, a] : arrays) {
    const std::string member = name + ".npy";
    std::string body;
    npy::write(a, [&](const void* p, size_t n) { body.append(static_cast<const char*>(p), n); });
    const uint64_t usize = body.size();
    const uint32_t crc = crc32_of(0, body.data(), body.size());
    if (compress) body = deflate_raw(body);
    if (usize >= 0xffffffff || body.size() >= 0xffffffff || offset >= 0xffffffff)
      throw IOError("savez: archives over 4 GiB need zip64, which is not written yet");
    const bool utf8 = std::any_of(member.begin(), member.end(), [](char c) { return c & 0x80; });
    std::string fields;  // shared by the local and central headers from "version needed" on
    le(fields, 20, 2);
    le(fields, utf8 ? 0x0800 : 0, 2);
    le(fields, method, 2);
    le(fields, 0, 2);
    le(fields, kDosDate, 2);
    le(fields, crc, 4);
    le(fields, body.size(), 4);
    le(fields, usize, 4);
    le(fields, member.size(), 2);
    le(fields, 0, 2);  // extra length
    const uint64_t header_offset = offset;
    std::string local;
    le(local, kLocalSig, 4);
    put(local + fields + member);
    le(central, kCentralSig, 4);
    le(central, 0x0314, 2);  // made by: unix, zip 2.0
    central += fields;
    le(central, 0, 2);                // comment length
    le(central, 0, 2);                // disk
    le(central, 0, 2);                // internal attributes
    le(central, uint64_t(0644) << 16, 4);  // external: -rw-r--r--
    le(central, header_offset, 4);
    central += member;
    put(body);
  }
  const uint64_t cd_offset = offset;
  if (cd_offset + central.size() >= 0xffffffff)
    throw IOError("savez: archives over 4 GiB need zip64, which is not written yet");
  std::string end;
  le(end, kEndSig, 4);
  le(end, 0, 2);
  le(end, 0, 2);
  le(end, arrays.size(), 2);
  le(end, arrays.size(), 2);
  le(end, central.size(), 4);
  le(end, cd_offset, 4);
  le(end, 0, 2);
  put(central + end);
}

}  // namespace nd::npz

namespace nd {
namespace {

void savez_impl(const std::string& path_in, const NamedArrays& arrays, bool compress) {
  const bool has_ext = path_in.size() >= 4 && path_in.compare(path_in.size() - 4, 4, ".npz") == 0;
  const std::string path = has_ext ? path_in : path_in + ".npz";
  for (const auto& [name, a] : arrays) detail::check_defined(a, "savez");
  npy::write_file_atomically(path, [&](const npy::Sink& sink) { npz::write(arrays, compress, sink); });
}

}  // namespace

void savez(const std::string& path, const NamedArrays& arrays) { savez_impl(path, arrays, false); }
void savez_compressed(const std::string& path, const NamedArrays& arrays) { savez_impl(path, arrays, true); }

std::map<std::string, Array> load_npz(const std::string& path, std::optional<Device> device) {
  const Device dev = detail::resolve(device);
  detail::backend(dev);
  npy::FileSource file(path);
  unsigned char head[6] = {};
  if (file.size() >= 6) file.read_at(0, head, 6);
  if (std::memcmp(head, "\x93NUMPY", 6) == 0)
    throw IOError("'" + path + "' is a .npy file: read it with nd::load");
  std::map<std::string, Array> out = npz::read(file);
  for (auto& [name, a] : out) a = a.to(dev);
  return out;
}

}  // namespace nd
