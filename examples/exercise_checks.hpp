// The checks of the tutorial's three exercises, shared by exercises.cpp (try first) and
// solutions.cpp (complete). Each check runs the reader's function and reports pass / todo / FAIL;
// a function that still throws NotDone counts as todo.
#pragma once
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <ndgpu/ndgpu.hpp>

namespace exercises {

// Thrown by the skeletons in exercises.cpp until the reader fills them in.
struct NotDone : std::runtime_error {
  NotDone() : std::runtime_error("not done yet") {}
};

// The functions a reader writes.
struct Answers {
  std::function<nd::Array()> normalized_random_matrix;                        // exercise 1
  std::function<float(const nd::Array&, const nd::Array&)> euclidean_distance;  // exercise 2
  std::function<float(const nd::Array&, const nd::Array&)> cosine_similarity;
  std::function<int64_t(const nd::Array&, const nd::Array&)> find_nearest;      // index of the row
  std::function<std::vector<float>(const nd::Array&, const nd::Array&)> add_loop;  // exercise 3
  std::function<nd::Array(const nd::Array&, const nd::Array&)> add_vectorized;
};

class Report {
 public:
  void check(const std::string& name, const std::function<bool()>& fn) {
    std::string verdict;
    try {
      verdict = fn() ? "pass" : "FAIL";
    } catch (const NotDone&) {
      verdict = "todo";
    } catch (const std::exception& e) {
      verdict = std::string("FAIL (") + e.what() + ")";
    }
    std::printf("  [%s] %s\n", verdict.c_str(), name.c_str());
    ++total_;
    if (verdict == "pass") ++passed_;
    else if (verdict == "todo") ++todo_;
  }
  int passed() const { return passed_; }
  int total() const { return total_; }
  int failed() const { return total_ - passed_ - todo_; }
  void summary() const {
    std::printf("%d of %d checks pass (%d to do, %d failing)\n", passed_, total_, todo_, failed());
  }

 private:
  int passed_ = 0, total_ = 0, todo_ = 0;
};

inline bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }

inline Report run_checks(const Answers& ans) {
  Report r;
  std::printf("Exercise 1: a random 5x5 matrix, each row normalised (subtract mean, divide by std)\n");
  r.check("shape is (5, 5)", [&] {
    nd::Array m = ans.normalized_random_matrix();
    return m.shape() == nd::Shape{5, 5};
  });
  r.check("every row has mean 0 and std 1", [&] {
    std::vector<float> v = ans.normalized_random_matrix().astype(nd::float32).to_vector<float>();
    for (int i = 0; i < 5; ++i) {
      double s = 0, s2 = 0;
      for (int j = 0; j < 5; ++j) s += v[i * 5 + j], s2 += double(v[i * 5 + j]) * v[i * 5 + j];
      double mean = s / 5, var = s2 / 5 - mean * mean;
      if (!near(mean, 0, 1e-5) || !near(var, 1, 1e-4)) return false;
    }
    return true;
  });

  std::printf("Exercise 2: vector operations\n");
  nd::Array a = nd::array({0.0, 0.0}), b = nd::array({3.0, 4.0});
  r.check("euclidean_distance([0, 0], [3, 4]) == 5",
          [&] { return near(ans.euclidean_distance(a, b), 5, 1e-6); });
  r.check("cosine_similarity([0.2, 0.5, 0.8], [0.3, 0.6, 0.7]) == 0.9840 (the tutorial's value)", [&] {
    return near(ans.cosine_similarity(nd::array({0.2, 0.5, 0.8}), nd::array({0.3, 0.6, 0.7})), 0.98396, 1e-4);
  });
  r.check("cosine_similarity of orthogonal vectors == 0", [&] {
    return near(ans.cosine_similarity(nd::array({1.0, 0.0}), nd::array({0.0, 2.0})), 0, 1e-6);
  });
  r.check("find_nearest picks the most similar row", [&] {
    nd::Array vectors = nd::array({{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.6, 0.8, 0.1}, {0.0, 0.0, 1.0}});
    return ans.find_nearest(nd::array({0.5, 0.9, 0.0}), vectors) == 2 &&
           ans.find_nearest(nd::array({0.0, 0.1, 3.0}), vectors) == 3;
  });

  std::printf("Exercise 3: loop vs vectorised, 1e6 elements\n");
  nd::random::seed(3);
  // On the CPU: a loop of 1e6 element reads from a GPU would take minutes, one sync each.
  nd::Array x = nd::random::rand({1'000'000}, nd::float32, nd::Device::cpu());
  nd::Array y = nd::random::rand({1'000'000}, nd::float32, nd::Device::cpu());
  double t_loop = 0, t_vec = 0;
  r.check("add_loop and add_vectorized give the same numbers", [&] {
    ans.add_vectorized(x, y);  // warm-up: the first call also pays for fresh pages
    auto t0 = std::chrono::steady_clock::now();
    std::vector<float> looped = ans.add_loop(x, y);
    auto t1 = std::chrono::steady_clock::now();
    nd::Array vec = ans.add_vectorized(x, y);
    nd::synchronize(vec.device());
    auto t2 = std::chrono::steady_clock::now();
    t_loop = std::chrono::duration<double>(t1 - t0).count();
    t_vec = std::chrono::duration<double>(t2 - t1).count();
    return looped == vec.to_vector<float>();
  });
  r.check("the vectorised add is at least 10x faster than the loop", [&] {
    if (t_loop == 0) throw NotDone();
    std::printf("        loop %.1f ms, vectorised %.3f ms: %.0fx\n", t_loop * 1e3, t_vec * 1e3, t_loop / t_vec);
    return t_loop >= 10 * t_vec;
  });
  r.summary();
  return r;
}

}  // namespace exercises
