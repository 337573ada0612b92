// Elementwise and broadcast workloads of the tutorial on every device, allocating their result
// as the tutorial writes them (`a + b`, `np.exp(a)`, `X + row`). Names: bench/README.md.
#include <string>

#include "support/bench_util.hpp"

namespace {

using nd::Array;
using nd::Device;

Array rand(const nd::Shape& s, Device dev) { return nd::random::rand(s, nd::float32, dev); }

// One unary or binary op over n float32 elements; bytes = inputs read + output written.
void elementwise(const std::string& op, int64_t n) {
  ndbench::register_pair(op + "/f32/" + std::to_string(n), [op, n](benchmark::State& st, Device dev) {
    nd::random::seed(0);
    Array a = rand({n}, dev) + 0.5f, b = rand({n}, dev) + 0.5f;  // log/sqrt of positive values
    nd::synchronize(dev);
    int arity = 1;
    std::function<Array()> f;
    if (op == "add") f = [&] { return a + b; }, arity = 2;
    else if (op == "mul") f = [&] { return a * b; }, arity = 2;
    else if (op == "square") f = [&] { return nd::pow(a, 2); };
    else if (op == "sqrt") f = [&] { return nd::sqrt(a); };
    else if (op == "exp") f = [&] { return nd::exp(a); };
    else if (op == "log") f = [&] { return nd::log(a); };
    ndbench::timed(st, dev, [&] { benchmark::DoNotOptimize(f().data_ptr()); });
    st.SetBytesProcessed(st.iterations() * (arity + 1) * n * 4);
  });
}

const bool registered = [] {
  for (int64_t n : {1000, 1000000, 10000000}) {
    elementwise("add", n);
    elementwise("exp", n);
  }
  for (const char* op : {"mul", "square", "sqrt", "log"}) elementwise(op, 10000000);

  // X + row vector: the broadcast of the tutorial's normalisation, (100000, 768).
  ndbench::register_pair("add_row/f32/100000x768", [](benchmark::State& st, Device dev) {
    nd::random::seed(1);
    Array x = rand({100000, 768}, dev), r = rand({768}, dev);
    ndbench::timed(st, dev, [&] { benchmark::DoNotOptimize((x + r).data_ptr()); });
    st.SetBytesProcessed(st.iterations() * 2 * x.nbytes());
  });
  return true;
}();

}  // namespace
