// A program outside the ndgpu tree: the tutorial's search in a few lines, on the default device.
// Exits with 1 if a result is wrong, so the ctest `consumer_package` can run it.
#include <ndgpu/ndgpu.hpp>

#include <iostream>
#include <vector>

int main() {
  nd::Array a = nd::arange(0, 10, 2);
  if (a.to_vector<int64_t>() != std::vector<int64_t>{0, 2, 4, 6, 8}) return 1;

  // Four documents and a query, as embeddings: which document is closest?
  nd::Array docs = nd::array({{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.6, 0.8, 0.1}, {0.0, 0.0, 1.0}});
  nd::Array query = nd::array({0.5, 0.9, 0.0});
  nd::NearestResult best = nd::nearest(query, docs, 2);
  std::cout << "nearest documents " << best.indices << ", scores " << best.scores << "\n";
  if (best.indices.to_vector<int64_t>() != std::vector<int64_t>{2, 1}) return 1;

  std::cout << "consumer ok on " << a.device() << "\n";
  return 0;
}
