#include "ndgpu/storage.hpp"

#include "backend.hpp"

namespace nd {

namespace {
// make_shared needs a public constructor; this puts the control block and the Storage in one
// heap block (one malloc per array instead of two).
struct Owned : Storage {
  Owned(void* data, int64_t nbytes, Device device, Backend* owner)
      : Storage(data, nbytes, device, owner, {}) {}
};
}  // namespace

std::shared_ptr<Storage> Storage::allocate(int64_t nbytes, Backend& backend) {
  if (nbytes < 0) throw ValueError("negative dimensions are not allowed");
  void* p = nbytes > 0 ? backend.allocate(nbytes) : nullptr;  // size-0: no driver allocation
  try {
    return std::make_shared<Owned>(p, nbytes, backend.device(), &backend);
  } catch (...) {
    if (p) backend.deallocate(p, nbytes);
    throw;
  }
}

std::shared_ptr<Storage> Storage::wrap(void* data, int64_t nbytes, Device device,
                                       std::function<void(void*)> deleter) {
  return std::shared_ptr<Storage>(new Storage(data, nbytes, device, nullptr, std::move(deleter)));
}

Storage::~Storage() {
  if (owner_ != nullptr) {
    if (data_ != nullptr) owner_->deallocate(data_, nbytes_);
  } else if (deleter_) {
    try {
      deleter_(data_);
    } catch (...) {  // destructors never throw
    }
  }
}

}  // namespace nd
