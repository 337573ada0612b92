#include "ndgpu/storage.hpp"

#include "backend.hpp"

namespace nd {

std::shared_ptr<Storage> Storage::allocate(int64_t nbytes, Backend& backend) {
  if (nbytes < 0) throw ValueError("negative dimensions are not allowed");
  void* p = nbytes > 0 ? backend.allocate(nbytes) : nullptr;  // size-0: no driver allocation
  return std::shared_ptr<Storage>(new Storage(p, nbytes, backend.device(), &backend, {}));
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
