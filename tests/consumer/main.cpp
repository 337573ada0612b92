#include <ndgpu/ndgpu.hpp>

#include <iostream>

int main() {
  nd::Array a = nd::arange(0, 10, 2);
  std::vector<int64_t> v = a.to_vector<int64_t>();
  if (v != std::vector<int64_t>{0, 2, 4, 6, 8}) return 1;
  std::cout << "consumer ok: " << v.size() << " values on " << a.device() << "\n";
  return 0;
}
