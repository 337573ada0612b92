// Devices: where an array lives, how they are discovered, and the memory pool's controls.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>

namespace nd {

/// The kind of a device: the CPU or a CUDA GPU.
enum class DeviceKind : uint8_t { cpu, cuda };

/// A device: "cpu" or "cuda:N".
struct Device {
  DeviceKind kind = DeviceKind::cpu;  ///< cpu or cuda
  int index = 0;                      ///< N of cuda:N (0 for the CPU)

  static constexpr Device cpu() { return {DeviceKind::cpu, 0}; }             ///< the CPU
  static constexpr Device cuda(int i = 0) { return {DeviceKind::cuda, i}; }  ///< cuda:i
  bool is_cpu() const { return kind == DeviceKind::cpu; }                    ///< kind == cpu
  bool is_cuda() const { return kind == DeviceKind::cuda; }                  ///< kind == cuda
  /// "cpu", "cuda:0"
  std::string str() const;
  /// Same kind and, for cuda, the same index.
  friend constexpr bool operator==(Device a, Device b) {
    return a.kind == b.kind && (a.kind == DeviceKind::cpu || a.index == b.index);
  }
};
std::ostream& operator<<(std::ostream& os, Device d);  ///< writes d.str()

/// Discovery never throws and prints nothing, even without a driver.
bool cuda_available();
/// The number of usable CUDA devices (0 without a GPU or driver).
int device_count();
/// NDGPU_DEVICE (cpu | cuda | cuda:N) if set, else cuda:0 when usable, else cpu.
Device default_device();
/// Is this device usable here? (cpu always; cuda:N when N < device_count()).
bool device_available(Device d);
/// Parses "cpu", "cuda", "cuda:1"; ValueError otherwise.
Device parse_device(const std::string& s);

/// Waits for all work enqueued on the device's stream.
void synchronize(Device d);

/// The caching allocator (per device).
struct MemoryStats {
  int64_t allocated = 0;  ///< bytes held by live arrays
  int64_t reserved = 0;   ///< bytes held from the system (allocated + cached)
  int64_t peak = 0;       ///< high-water mark of allocated
};
MemoryStats memory_stats(Device d);  ///< the allocator's counters for d
/// Starts d's high-water mark again from what is allocated now (to measure one computation's peak).
void reset_peak_memory_stats(Device d);
/// Returns cached (unused) blocks of every device to the system.
void empty_cache();

}  // namespace nd
