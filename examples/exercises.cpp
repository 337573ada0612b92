// The tutorial's three exercises, to try first: fill in the functions marked TODO, rebuild, and
// run `exercises` to see which checks pass. solutions.cpp holds one answer for each.
#include <vector>

#include <ndgpu/ndgpu.hpp>

#include "exercise_checks.hpp"

using exercises::NotDone;

// Exercise 1: generate a random 5x5 matrix, normalise each row (subtract the row's mean, divide
// by its std) and return it. Hint: x.mean(axis, keepdims), x.std(axis, keepdims), broadcasting.
nd::Array normalized_random_matrix() {
  throw NotDone();  // TODO
}

// Exercise 2: distance and similarity between vectors, and the most similar row of a matrix.
// Hint: nd::linalg::norm, nd::dot, argmax.
float euclidean_distance(const nd::Array& a, const nd::Array& b) {
  throw NotDone();  // TODO
}
float cosine_similarity(const nd::Array& a, const nd::Array& b) {
  throw NotDone();  // TODO
}
int64_t find_nearest(const nd::Array& query, const nd::Array& vectors) {
  throw NotDone();  // TODO: index of the row of `vectors` most similar (cosine) to `query`
}

// Exercise 3: the same sum written as a loop (element by element, as the tutorial's add_loop)
// and vectorised; the checks time both.
std::vector<float> add_loop(const nd::Array& arr1, const nd::Array& arr2) {
  throw NotDone();  // TODO: result.push_back(...) for every i
}
nd::Array add_vectorized(const nd::Array& arr1, const nd::Array& arr2) {
  throw NotDone();  // TODO
}

int main() {
  exercises::Report r = exercises::run_checks({normalized_random_matrix, euclidean_distance,
                                               cosine_similarity, find_nearest, add_loop,
                                               add_vectorized});
  return r.failed() == 0 ? 0 : 1;  // to-do checks are not failures
}
