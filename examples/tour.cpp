// The tutorial (seed/numpy_basics.md), every snippet in order, in ndgpu. It prints exactly what
// examples/tour_numpy.py prints with NumPy (tour_numpy.txt; a test compares the two). Runs on the
// default device: the GPU when there is one, else the CPU (NDGPU_DEVICE=cpu|cuda picks).
// `tour --dtype float16` (or bfloat16, float64) makes every float array of the tour that dtype;
// it then prints what `tour_numpy.py --dtype float16` prints (tour_numpy_float16.txt), up to the
// last digit of the 16-bit type, and the allclose checks take that type's tolerances.
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include <ndgpu/ndgpu.hpp>

namespace {

template <class T>
void show(const std::string& code, const T& value) {
  std::cout << ">>> " << code << "\n" << value << "\n";
}

// Python's spelling of a shape tuple: (3,), (3, 4).
std::string shape_str(const nd::Array& a) {
  std::ostringstream os;
  os << "(";
  for (int i = 0; i < a.ndim(); ++i) os << (i ? ", " : "") << a.shape()[i];
  os << (a.ndim() == 1 ? ",)" : ")");
  return os.str();
}

// The tolerances of the tour's allclose checks in each float dtype (tour_numpy.py has the same).
struct Tolerances {
  const char* mean_atol;
  const char* std_atol;
  const char* norm_atol;
};
Tolerances tolerances(nd::DType t) {
  if (t == nd::float16) return {"1e-2", "1e-2", "1e-2"};
  if (t == nd::bfloat16) return {"1e-1", "1e-1", "1e-1"};
  return {"1e-5", "1e-4", "1e-5"};
}

nd::DType dtype_arg(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--dtype")
    for (nd::DType t : {nd::float32, nd::float64, nd::float16, nd::bfloat16})
      if (nd::dtype_name(t) == argv[2]) return t;
  if (argc == 1) return nd::float32;
  std::cerr << "usage: tour [--dtype float32|float64|float16|bfloat16]\n";
  std::exit(2);
}

// np.allclose(a, target, atol=atol, rtol=0) for a float array, printed as Python's bool.
std::string allclose(const nd::Array& a, double target, const char* atol_text) {
  const double atol = std::stod(atol_text);
  for (float v : a.astype(nd::float32).to_vector<float>())
    if (!(std::abs(v - target) <= atol)) return "False";
  return "True";
}

// ((a >= 0) & (a < 1)).all(), printed as Python's bool.
std::string in_unit_interval(const nd::Array& a) {
  for (float v : a.astype(nd::float32).to_vector<float>())
    if (!(v >= 0 && v < 1)) return "False";
  return "True";
}

}  // namespace

int main(int argc, char** argv) {
  const nd::DType F = dtype_arg(argc, argv);  // the float dtype of the tour's float arrays
  const Tolerances tol = tolerances(F);
  std::cout << "# 1. Array creation\n";
  nd::Array arr = nd::array({1, 2, 3, 4, 5});
  show("arr = np.array([1, 2, 3, 4, 5])", arr);
  nd::Array zeros = nd::zeros({3, 4}, F);
  show("zeros = np.zeros((3, 4))", zeros);
  nd::Array ones = nd::ones({2, 3}, F);
  show("ones = np.ones((2, 3))", ones);
  nd::Array identity = nd::eye(4, {}, 0, F);
  show("identity = np.eye(4)", identity);
  nd::random::seed(0);
  nd::Array random = nd::random::rand({3, 3}, F);
  show("random = np.random.rand(3, 3)  # shape, dtype, all in [0, 1)",
       shape_str(random) + " " + std::string(nd::dtype_name(random.dtype())) + " " + in_unit_interval(random));
  nd::Array sequence = nd::arange(0, 10, 2);
  show("sequence = np.arange(0, 10, 2)", sequence);
  nd::Array linspace = nd::linspace(0, 1, 5, true, F);
  show("linspace = np.linspace(0, 1, 5)", linspace);

  std::cout << "# 2. Array operations\n";
  nd::Array arr1 = nd::array({1, 2, 3});
  nd::Array arr2 = nd::array({4, 5, 6});
  show("arr1 + arr2", arr1 + arr2);
  show("arr1 * 2", arr1 * 2);
  show("arr1 ** 2", nd::pow(arr1, 2));
  show("np.sqrt(arr1)", nd::sqrt(arr1.astype(F)));  // float32 math on integers, F's rounding
  show("np.exp(arr1)", nd::exp(arr1.astype(F)));
  show("np.log(arr1)", nd::log(arr1.astype(F)));

  std::cout << "# 3. Indexing and slicing\n";
  arr = nd::array({10, 20, 30, 40, 50});
  show("arr[0]", arr[0]);
  show("arr[-1]", arr[-1]);
  show("arr[1:4]", arr(nd::slice(1, 4)));
  show("arr[:3]", arr(nd::slice(nd::_, 3)));
  show("arr[::2]", arr(nd::slice(nd::_, nd::_, 2)));
  nd::Array matrix = nd::array({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
  show("matrix", matrix);
  show("matrix[0, 1]", matrix(0, 1));
  show("matrix[:, 1]", matrix(nd::all, 1));
  show("matrix[1, :]", matrix(1, nd::all));

  std::cout << "# 4. Broadcasting\n";
  arr = nd::array({1, 2, 3});
  matrix = nd::array({{1}, {2}, {3}});
  show("arr + matrix", arr + matrix);
  nd::Array embeddings = nd::random::rand({100, 768}, F);
  nd::Array mean = embeddings.mean(1, /*keepdims=*/true);
  nd::Array std = embeddings.std(1, /*keepdims=*/true);
  nd::Array normalized = (embeddings - mean) / std;
  show("mean.shape, std.shape, normalized.shape",
       shape_str(mean) + " " + shape_str(std) + " " + shape_str(normalized));
  show(std::string("np.allclose(normalized.mean(axis=1), 0, atol=") + tol.mean_atol + ")",
       allclose(normalized.mean(1), 0, tol.mean_atol));
  show(std::string("np.allclose(normalized.std(axis=1), 1, atol=") + tol.std_atol + ")",
       allclose(normalized.std(1), 1, tol.std_atol));

  std::cout << "# 5. Reshaping\n";
  arr = nd::arange(12);
  show("arr = np.arange(12)", arr);
  matrix = arr.reshape({3, 4});
  show("matrix = arr.reshape(3, 4)", matrix);
  nd::Array cube = arr.reshape({2, 2, 3});
  show("cube = arr.reshape(2, 2, 3)", cube);
  nd::Array flat = matrix.flatten();
  show("flat = matrix.flatten()", flat);
  nd::Array transposed = matrix.T();
  show("transposed = matrix.T", transposed);

  std::cout << "# Example 1: cosine similarity\n";
  nd::Array text1_embedding = nd::array({0.2, 0.5, 0.8}, F);
  nd::Array text2_embedding = nd::array({0.3, 0.6, 0.7}, F);
  auto cosine_similarity = [](const nd::Array& a, const nd::Array& b) {
    return nd::dot(a, b) / (nd::linalg::norm(a) * nd::linalg::norm(b));
  };
  float similarity = cosine_similarity(text1_embedding, text2_embedding).astype(nd::float32).item<float>();
  std::printf("Similarity: %.4f\n", similarity);
  std::fflush(stdout);

  std::cout << "# Example 2: batch processing\n";
  nd::Array batch_embeddings = nd::random::rand({32, 768}, F);
  nd::Array norms = nd::linalg::norm(batch_embeddings, 1, /*keepdims=*/true);
  nd::Array normalized_batch = batch_embeddings / norms;
  show("norms.shape, normalized_batch.shape", shape_str(norms) + " " + shape_str(normalized_batch));
  show(std::string("np.allclose(np.linalg.norm(normalized_batch, axis=1), 1, atol=") + tol.norm_atol + ")",
       allclose(nd::linalg::norm(normalized_batch, 1), 1, tol.norm_atol));

  std::cout << "# Example 3: attention scores\n";
  nd::Array query = nd::array({1.0, 0.5, 0.2}, F);
  nd::Array keys = nd::array({{1.0, 0.3, 0.1}, {0.5, 0.9, 0.4}, {0.2, 0.1, 0.8}}, F);
  nd::Array scores = nd::dot(keys, query);
  nd::Array attention_weights = nd::exp(scores) / nd::exp(scores).sum();
  std::cout << "Attention weights: " << attention_weights << "\n";
  return 0;
}
