// Storage: one owned (or borrowed) buffer on one device, freed by RAII.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

#include "ndgpu/device.hpp"

namespace nd {

class Backend;  ///< runtime-internal

/// One owned (or borrowed) buffer on one device, freed by RAII; arrays share it.
class Storage {
 public:
  /// Allocates nbytes through the backend's (caching) allocator; 0 bytes allocates nothing.
  static std::shared_ptr<Storage> allocate(int64_t nbytes, Backend& backend);
  /// Wraps memory owned elsewhere; `deleter` (may be empty) runs when the last array lets go.
  static std::shared_ptr<Storage> wrap(void* data, int64_t nbytes, Device device,
                                       std::function<void(void*)> deleter);

  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }        ///< the buffer's address (device memory for cuda)
  int64_t nbytes() const { return nbytes_; }  ///< the buffer's size in bytes
  Device device() const { return device_; }   ///< where the buffer lives

 protected:  // for allocate's one-allocation make_shared (storage.cpp)
  /// Used by allocate() and wrap() only.
  Storage(void* data, int64_t nbytes, Device device, Backend* owner,
          std::function<void(void*)> deleter)
      : data_(data), nbytes_(nbytes), device_(device), owner_(owner), deleter_(std::move(deleter)) {}

 private:
  void* data_;
  int64_t nbytes_;
  Device device_;
  Backend* owner_;                      ///< set for memory from a backend's allocator
  std::function<void(void*)> deleter_;  ///< for wrapped memory (may be empty: borrowed)
};

}  // namespace nd
