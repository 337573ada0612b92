// Host implementation of the emulated CUDA runtime (see cuda_runtime_emu.hpp). Device memory is
// host memory from posix_memalign (so ASan sees every allocation at its exact size); each device
// has NDGPU_EMU_MEMORY bytes (default 8 GiB), so large requests fail with
// cudaErrorMemoryAllocation like on a GPU instead of reaching the host allocator.
// NDGPU_EMU_DEVICES=<n> (default 1, at most 8) emulates n devices.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "cuda/emu/cuda_runtime_emu.hpp"

struct CUstream_st {
  unsigned flags = 0;
  int device = 0;
  uint64_t hold = 0;  // != 0 while a test holds the stream (nd::emu::hold_stream)
};
struct CUevent_st {
  unsigned flags = 0;
  int device = 0;
  cudaStream_t stream = nullptr;  // where it was last recorded
  uint64_t hold = 0;              // that stream's hold at the time: pending while it lasts
};

namespace {

constexpr int kMaxEmuDevices = 8;

struct EmuState {
  std::mutex mu;
  std::map<uintptr_t, std::pair<size_t, int>> segments;  // base -> (size, device)
  std::set<cudaStream_t> streams;
  std::set<cudaEvent_t> events;
  int devices = 1;
  size_t used[kMaxEmuDevices] = {};
  size_t capacity = size_t(8) << 30;
  uint64_t next_hold = 0;
  nd::emu::Counters counters;
  EmuState() {
    if (const char* e = std::getenv("NDGPU_EMU_MEMORY"); e && *e) capacity = std::strtoull(e, nullptr, 10);
    if (const char* e = std::getenv("NDGPU_EMU_DEVICES"); e && *e)
      devices = std::max(1, std::min(kMaxEmuDevices, std::atoi(e)));
  }
};
EmuState& state() {
  static EmuState* s = new EmuState;  // never destroyed: memory may be freed after main returns
  return *s;
}
thread_local cudaError_t last_error = cudaSuccess;
thread_local int current_device = 0;

cudaError_t fail(cudaError_t e) {
  last_error = e;
  return e;
}

bool is_builtin(cudaStream_t st) {
  return st == nullptr || st == cudaStreamLegacy || st == cudaStreamPerThread;
}

// [p, p+n) inside one live allocation? Caller holds the lock.
bool in_device_memory(EmuState& s, const void* p, size_t n) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  auto it = s.segments.upper_bound(a);
  if (it == s.segments.begin()) return false;
  --it;
  return a >= it->first && a - it->first + n <= it->second.first && a - it->first < it->second.first;
}

// Checks the device side(s) of a copy or memset.
cudaError_t check_device_range(const void* p, size_t n) {
  if (n == 0) return cudaSuccess;
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return in_device_memory(s, p, n) ? cudaSuccess : fail(cudaErrorInvalidValue);
}

bool live_stream(EmuState& s, cudaStream_t st) { return is_builtin(st) || s.streams.count(st) != 0; }

cudaError_t check_stream(cudaStream_t st) {
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return live_stream(s, st) ? cudaSuccess : fail(cudaErrorInvalidResourceHandle);
}

// Is the event still waiting for held work? Caller holds the lock.
bool pending(EmuState& s, cudaEvent_t e) {
  return e->hold != 0 && s.streams.count(e->stream) && e->stream->hold == e->hold;
}

}  // namespace

namespace nd::emu {

bool find_segment(const void* p, Segment* out) {
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  const auto a = reinterpret_cast<uintptr_t>(p);
  auto it = s.segments.upper_bound(a);
  if (it == s.segments.begin()) return false;
  --it;
  if (a - it->first >= it->second.first) return false;
  *out = {reinterpret_cast<char*>(it->first), it->second.first};
  return true;
}

// Kernels launch on a live stream of the current device.
bool valid_stream(cudaStream_t st) {
  if (is_builtin(st)) return true;
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.streams.count(st) != 0 && st->device == current_device;
}

void set_last_error(cudaError_t err) { last_error = err; }

void hold_stream(cudaStream_t st) {
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!is_builtin(st) && s.streams.count(st)) st->hold = ++s.next_hold;
}

void release_stream(cudaStream_t st) {
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!is_builtin(st) && s.streams.count(st)) st->hold = 0;
}

Counters counters() {
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.counters;
}

int stream_device(cudaStream_t st) {
  if (is_builtin(st)) return current_device;
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.streams.count(st) ? st->device : -1;
}

}  // namespace nd::emu

cudaError_t cudaGetDeviceCount(int* count) {
  *count = state().devices;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int* device) {
  *device = current_device;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) {
  if (device < 0 || device >= state().devices) return fail(cudaErrorInvalidDevice);
  current_device = device;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (device < 0 || device >= state().devices) return fail(cudaErrorInvalidDevice);
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock: *value = 1024; break;
    case cudaDevAttrMaxBlockDimX: *value = 1024; break;
    case cudaDevAttrMaxGridDimX: *value = 2147483647; break;
    case cudaDevAttrMaxSharedMemoryPerBlock: *value = 48 * 1024; break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = 227 * 1024; break;
    case cudaDevAttrWarpSize: *value = 32; break;
    case cudaDevAttrMultiProcessorCount: *value = 2; break;  // few SMs: grids stay small
    case cudaDevAttrComputeCapabilityMajor: *value = 9; break;
    case cudaDevAttrComputeCapabilityMinor: *value = 0; break;
    default: return fail(cudaErrorInvalidValue);
  }
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() {  // the host waits: held work on this device finishes
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  for (cudaStream_t st : s.streams)
    if (st->device == current_device) st->hold = 0;
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  *total_bytes = s.capacity;
  *free_bytes = s.capacity - s.used[current_device];
  return cudaSuccess;
}

cudaError_t cudaGetLastError() {
  const cudaError_t e = last_error;
  last_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError() { return last_error; }

const char* cudaGetErrorName(cudaError_t err) {
  switch (err) {
#define ND_EMU_ERR(e) case e: return #e;
    ND_EMU_ERR(cudaSuccess) ND_EMU_ERR(cudaErrorInvalidValue) ND_EMU_ERR(cudaErrorMemoryAllocation)
    ND_EMU_ERR(cudaErrorInitializationError) ND_EMU_ERR(cudaErrorCudartUnloading)
    ND_EMU_ERR(cudaErrorInvalidConfiguration) ND_EMU_ERR(cudaErrorInvalidDevicePointer)
    ND_EMU_ERR(cudaErrorInvalidMemcpyDirection) ND_EMU_ERR(cudaErrorNoDevice)
    ND_EMU_ERR(cudaErrorInvalidDevice) ND_EMU_ERR(cudaErrorInvalidResourceHandle)
    ND_EMU_ERR(cudaErrorNotReady) ND_EMU_ERR(cudaErrorIllegalAddress) ND_EMU_ERR(cudaErrorContextIsDestroyed)
    ND_EMU_ERR(cudaErrorLaunchFailure) ND_EMU_ERR(cudaErrorUnknown)
#undef ND_EMU_ERR
  }
  return "cudaErrorUnknown";
}

const char* cudaGetErrorString(cudaError_t err) {
  switch (err) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorNotReady: return "device not ready";
    case cudaErrorIllegalAddress: return "an illegal memory access was encountered";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    default: return "unknown error";
  }
}

cudaError_t cudaMalloc(void** ptr, size_t size) {
  *ptr = nullptr;
  if (size == 0) return cudaSuccess;
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  size_t& used = s.used[current_device];
  if (size > s.capacity - used) return fail(cudaErrorMemoryAllocation);
  void* p = nullptr;
  if (posix_memalign(&p, 256, size) != 0) return fail(cudaErrorMemoryAllocation);
  s.segments.emplace(reinterpret_cast<uintptr_t>(p), std::make_pair(size, current_device));
  used += size;
  ++s.counters.mallocs;
  *ptr = p;
  return cudaSuccess;
}

cudaError_t cudaFree(void* ptr) {
  if (!ptr) return cudaSuccess;
  EmuState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.segments.find(reinterpret_cast<uintptr_t>(ptr));
  if (it == s.segments.end()) return fail(cudaErrorInvalidValue);
  s.used[it->second.second] -= it->second.first;
  s.segments.erase(it);
  ++s.counters.frees;
  std::free(ptr);
  return cudaSuccess;
}

cudaError_t cudaMallocHost(void** ptr, size_t size) {
  return posix_memalign(ptr, 256, size ? size : 1) == 0 ? cudaSuccess : fail(cudaErrorMemoryAllocation);
}
cudaError_t cudaFreeHost(void* ptr) {
  std::free(ptr);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, cudaMemcpyKind kind,
                            cudaStream_t stream) {
  if (cudaError_t e = check_stream(stream); e != cudaSuccess) return e;
  const bool dst_dev = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool src_dev = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (kind > cudaMemcpyDefault) return fail(cudaErrorInvalidMemcpyDirection);
  if (dst_dev && check_device_range(dst, count) != cudaSuccess) return cudaErrorInvalidValue;
  if (src_dev && check_device_range(src, count) != cudaSuccess) return cudaErrorInvalidValue;
  if (count) std::memcpy(dst, src, count);  // overlapping ranges are an error for ASan, as on CUDA
  return cudaSuccess;
}
cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, cudaMemcpyKind kind) {
  return cudaMemcpyAsync(dst, src, count, kind, nullptr);
}

cudaError_t cudaMemsetAsync(void* ptr, int value, size_t count, cudaStream_t stream) {
  if (cudaError_t e = check_stream(stream); e != cudaSuccess) return e;
  if (check_device_range(ptr, count) != cudaSuccess) return cudaErrorInvalidValue;
  if (count) std::memset(ptr, value, count);
  return cudaSuccess;
}
cudaError_t cudaMemset(void* ptr, int value, size_t count) {
  return cudaMemsetAsync(ptr, value, count, nullptr);
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags) {
  auto* s = new CUstream_st{flags, current_device, 0};
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  st.streams.insert(s);
  *stream = s;
  return cudaSuccess;
}
cudaError_t cudaStreamCreate(cudaStream_t* stream) { return cudaStreamCreateWithFlags(stream, 0); }
cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (!st.streams.erase(stream)) return fail(cudaErrorInvalidResourceHandle);
  delete stream;
  return cudaSuccess;
}
// Work runs synchronously when enqueued, so a stream is idle unless a test holds it; waiting on
// a held stream finishes its held work.
cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (!live_stream(st, stream)) return fail(cudaErrorInvalidResourceHandle);
  if (!is_builtin(stream)) stream->hold = 0;
  return cudaSuccess;
}
cudaError_t cudaStreamQuery(cudaStream_t stream) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (!live_stream(st, stream)) return fail(cudaErrorInvalidResourceHandle);
  return !is_builtin(stream) && stream->hold ? cudaErrorNotReady : cudaSuccess;
}
cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t, unsigned) { return check_stream(stream); }

cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned flags) {
  auto* e = new CUevent_st{flags, current_device, nullptr, 0};
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  st.events.insert(e);
  ++st.counters.event_creates;
  *event = e;
  return cudaSuccess;
}
cudaError_t cudaEventCreate(cudaEvent_t* event) { return cudaEventCreateWithFlags(event, 0); }

static cudaError_t check_event(cudaEvent_t event) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  return st.events.count(event) ? cudaSuccess : fail(cudaErrorInvalidResourceHandle);
}
cudaError_t cudaEventDestroy(cudaEvent_t event) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (!st.events.erase(event)) return fail(cudaErrorInvalidResourceHandle);
  delete event;
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (!live_stream(st, stream) || !st.events.count(event)) return fail(cudaErrorInvalidResourceHandle);
  const int stream_dev = is_builtin(stream) ? current_device : stream->device;
  if (event->device != stream_dev) return fail(cudaErrorInvalidResourceHandle);  // as CUDA
  ++st.counters.event_records;
  event->stream = is_builtin(stream) ? nullptr : stream;
  event->hold = is_builtin(stream) ? 0 : stream->hold;
  return cudaSuccess;
}
cudaError_t cudaEventQuery(cudaEvent_t event) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (!st.events.count(event)) return fail(cudaErrorInvalidResourceHandle);
  return pending(st, event) ? cudaErrorNotReady : cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  EmuState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (!st.events.count(event)) return fail(cudaErrorInvalidResourceHandle);
  if (pending(st, event)) event->stream->hold = 0;  // the host waits: the held work finishes
  return cudaSuccess;
}
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  *ms = 0;  // the emulator has no device time
  if (cudaError_t e = check_event(start); e != cudaSuccess) return e;
  return check_event(end);
}
