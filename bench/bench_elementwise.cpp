// Elementwise and broadcast workloads of the tutorial on every device, allocating their result
// as the tutorial writes them (`a + b`, `np.exp(a)`, `X + row`), plus the in-place form (output
// reuse) and per-call overhead at 10 and 1e3. Names and timing modes: bench/README.md. Counters:
// GBps of compulsory traffic and, on the CPU, pct_stream of a same-run STREAM-like add.
#include <functional>
#include <string>

#include "support/bench_util.hpp"

namespace {

using nd::Array;
using nd::Device;

Array rand(const nd::Shape& s, Device dev) { return nd::random::rand(s, nd::float32, dev); }

// One op over n float32 elements; bytes = inputs read + output written.
void elementwise(const std::string& op, int64_t n) {
  ndbench::register_pair(op + "/f32/" + std::to_string(n), [op, n](Device dev) {
    nd::random::seed(0);
    Array a = rand({n}, dev) + 0.5f, b = rand({n}, dev) + 0.5f;  // log/sqrt of positive values
    if (op == "add_inplace") b = b * 0.0f;                       // a += 0 forever: values stay put
    int streams = 2;  // arrays read + written
    std::function<Array()> f;
    if (op == "add") f = [a, b] { return a + b; }, streams = 3;
    else if (op == "mul") f = [a, b] { return a * b; }, streams = 3;
    else if (op == "add_inplace") f = [a, b]() mutable { return a += b; }, streams = 3;  // no allocation
    else if (op == "add_scalar") f = [a] { return a + 1.0f; };
    else if (op == "square") f = [a] { return nd::pow(a, 2); };
    else if (op == "pow3") f = [a] { return nd::pow(a, 3.0); };              // powf
    else if (op == "pow") f = [a, b] { return nd::pow(a, b); }, streams = 3;
    else if (op == "sqrt") f = [a] { return nd::sqrt(a); };
    else if (op == "exp") f = [a] { return nd::exp(a); };
    else if (op == "log") f = [a] { return nd::log(a); };
    else if (op == "sigmoid") f = [a] { return nd::sigmoid(a); };
    return ndbench::Case{[f] { benchmark::DoNotOptimize(f().data_ptr()); }, 4.0 * streams * n};
  });
}

const bool registered = [] {
  for (int64_t n : {1000, 100000, 1000000, 10000000})  // 1e5: below the 1 MiB huge-page blocks
    for (const char* op : {"add", "mul", "exp", "log", "sqrt", "pow", "add_inplace"}) elementwise(op, n);
  for (const char* op : {"square", "pow3", "sigmoid"}) elementwise(op, 10000000);
  elementwise("add_scalar", 1000);
  elementwise("add", 10);  // per-call overhead with next to no work

  // X + row vector: the broadcast of the tutorial's normalisation, (100000, 768).
  ndbench::register_pair("add_row/f32/100000x768", [](Device dev) {
    nd::random::seed(1);
    Array x = rand({100000, 768}, dev), r = rand({768}, dev);
    return ndbench::Case{[x, r] { benchmark::DoNotOptimize((x + r).data_ptr()); }, 2.0 * x.nbytes()};
  });
  // (X - mean) / std with (N, 1) columns: the tutorial's row normalisation as two broadcasts.
  ndbench::register_pair("sub_div_cols/f32/100000x768", [](Device dev) {
    nd::random::seed(2);
    Array x = rand({100000, 768}, dev), m = rand({100000, 1}, dev), sd = rand({100000, 1}, dev) + 1.0f;
    return ndbench::Case{[x, m, sd] { benchmark::DoNotOptimize(((x - m) / sd).data_ptr()); }, 2.0 * x.nbytes()};
  });
  return true;
}();

}  // namespace
