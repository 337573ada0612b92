// The size sweep (bench/README.md, "Size sweep"): the everyday ops at sizes from 10 to 1e8
// elements, so that no size between the per-op floor and the memory-bound regime goes unmeasured.
// Flat ops run on n-element vectors (shape "n"), row ops on (R, 768) matrices (shape "Rx768"),
// matmul on N x N squares (shape "NxN"). api_peers.py --set sweep builds the same in NumPy and
// PyTorch from each row's fields.
#include <ndgpu/ndgpu.hpp>

#include "api_rows.hpp"

namespace ndapi {
namespace {

using nd::Array;

template <class F>
Timed keep(F f) {
  return [f] { volatile auto sink = f(); (void)sink; };
}

// x in [0.5, 1.5), as api_rows.cpp's inputs.
Array vec(int64_t n, uint64_t seed) {
  nd::random::seed(seed);
  return nd::random::rand({n}) + 0.5f;
}
Array mat(int64_t rows, int64_t cols, uint64_t seed) {
  nd::random::seed(seed);
  return nd::random::rand({rows, cols}) + 0.5f;
}

void add(std::vector<Row>& rows, std::string op, std::string shape, Setup s) {
  rows.push_back({std::move(op), "sweep", "f32", std::move(shape), "C", "", std::move(s)});
}

}  // namespace

std::vector<Row> sweep_rows() {
  std::vector<Row> rows;
  for (int64_t n = 10; n <= 100000000; n *= 10) {
    const std::string s = std::to_string(n);
    add(rows, "add", s, [n] { Array x = vec(n, 1), y = vec(n, 2); return keep([x, y] { return (x + y).data_ptr(); }); });
    add(rows, "axpy", s, [n] {  // x * 0.5 + y: an update as users write it
      Array x = vec(n, 1), y = vec(n, 2);
      return keep([x, y] { return (x * 0.5f + y).data_ptr(); });
    });
    add(rows, "exp", s, [n] { Array x = vec(n, 1); return keep([x] { return nd::exp(x).data_ptr(); }); });
    add(rows, "sum", s, [n] { Array x = vec(n, 1); return keep([x] { return nd::sum(x).data_ptr(); }); });
  }
  for (int64_t r : {1, 13, 130, 1300, 13000, 130000}) {
    const std::string s = std::to_string(r) + "x768";
    add(rows, "row_sum", s, [r] { Array x = mat(r, 768, 1); return keep([x] { return nd::sum(x, -1).data_ptr(); }); });
    add(rows, "softmax", s, [r] { Array x = mat(r, 768, 1); return keep([x] { return nd::softmax(x).data_ptr(); }); });
    add(rows, "topk", s, [r] { Array x = mat(r, 768, 1); return keep([x] { return nd::topk(x, 10).first.data_ptr(); }); });
    if (r < 10) continue;  // search needs more rows than k
    for (int64_t q : {1, 32}) {
      add(rows, "nearest" + std::to_string(q), s, [r, q] {
        Array db = mat(r, 768, 1), qs = mat(q, 768, 2);
        return keep([db, qs] { return nd::nearest(qs, db, 10).indices.data_ptr(); });
      });
    }
  }
  for (int64_t n : {16, 64, 256, 1024, 2048}) {
    add(rows, "matmul", std::to_string(n) + "x" + std::to_string(n), [n] {
      Array a = mat(n, n, 1), b = mat(n, n, 2);
      return keep([a, b] { return nd::matmul(a, b).data_ptr(); });
    });
  }
  return rows;
}

}  // namespace ndapi
