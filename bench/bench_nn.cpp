// The AI workloads of the tutorial: fused row ops (z-score, L2 normalise, softmax), top-k, cosine
// search (nearest), attention and k-means, on every device and timing mode. Names follow
// bench/README (`<op>/<dtype>/<size>/<device>/<mode>`) so the main job's workloads.hpp finds them.
#include <string>
#include <utility>

#include "support/bench_util.hpp"

namespace {

using nd::Array;
using nd::Device;

Array rand(const nd::Shape& s, Device dev) { return nd::random::rand(s, nd::float32, dev); }

void row_op(const std::string& op, int64_t rows, int64_t cols) {
  const std::string name = op + "/f32/" + std::to_string(rows) + "x" + std::to_string(cols);
  ndbench::register_pair(name, [op, rows, cols](Device dev) {
    nd::random::seed(0);
    Array x = rand({rows, cols}, dev);
    auto call = [op, x] {
      Array y = op == "zscore" ? nd::standardize(x, 1) : op == "l2norm" ? nd::normalize(x, 1) : nd::softmax(x, -1);
      benchmark::DoNotOptimize(y.data_ptr());
    };
    return ndbench::Case{call, 2.0 * rows * cols * 4};
  });
}

const bool registered = [] {
  row_op("zscore", 1000, 768);
  row_op("zscore", 100000, 768);
  row_op("l2norm", 100000, 768);
  row_op("softmax", 8192, 1024);
  row_op("softmax", 16384, 2048);

  for (int64_t q : {1, 32}) {  // top-10 of precomputed scores (C9)
    const std::string name = q == 1 ? "topk/f32/100000" : "topk/f32/32x100000";
    ndbench::register_pair(name, [q](Device dev) {
      nd::random::seed(1);
      Array s = q == 1 ? rand({100000}, dev) : rand({q, 100000}, dev);
      return ndbench::Case{[s] { benchmark::DoNotOptimize(nd::topk(s, 10).second.data_ptr()); }, 4.0 * s.size()};
    });
  }

  // Top-k at every k the issue names (15), on one long row, 32 rows and many short rows: the
  // warp select up to k = 256, the radix select and sort above.
  for (int64_t k : {1, 10, 100, 1000, 10000}) {
    for (auto [rows, len] : {std::pair<int64_t, int64_t>{1, 1000000}, {32, 100000}, {100000, 100}}) {
      if (k > len) continue;
      const std::string name = "topk_k" + std::to_string(k) + "/f32/" + std::to_string(rows) + "x" + std::to_string(len);
      ndbench::register_pair(name, [rows, len, k](Device dev) {
        nd::random::seed(1);
        Array s = rand({rows, len}, dev);
        return ndbench::Case{[s, k] { benchmark::DoNotOptimize(nd::topk(s, k).second.data_ptr()); }, 4.0 * s.size()};
      });
    }
  }

  // nearest (cosine, top-10) for 1, 8, 32 and 1024 queries: few queries read the corpus once.
  for (int64_t n : {100000, 1000000})
    for (int64_t q : {1, 8, 32, 1024}) {
      const std::string name = "nearest_q" + std::to_string(q) + "/f32/" + std::to_string(n) + "x768";
      ndbench::register_pair(name, [q, n](Device dev) {
        nd::random::seed(2);
        Array docs = rand({n, 768}, dev), queries = rand({q, 768}, dev);
        auto call = [queries, docs] { benchmark::DoNotOptimize(nd::nearest(queries, docs, 10).indices.data_ptr()); };
        return ndbench::Case{call, double(n) * 768 * 4};
      });
    }

  for (int64_t q : {1, 32}) {  // cosine scores against raw documents (norms recomputed) + top-10
    const std::string name = "cosine_topk/f32/" + std::to_string(q) + "x100000x768";
    ndbench::register_pair(name, [q](Device dev) {
      nd::random::seed(2);
      Array docs = rand({100000, 768}, dev);
      Array queries = q == 1 ? rand({768}, dev) : rand({q, 768}, dev);
      auto call = [queries, docs] {
        benchmark::DoNotOptimize(nd::nearest(queries, docs, 10).indices.data_ptr());
      };
      return ndbench::Case{call, 100000.0 * 768 * 4};
    });
  }

  for (bool causal : {false, true}) {  // causal: half the key tiles are skipped
    ndbench::register_pair(causal ? "attention_causal/f32/8x2048x128" : "attention/f32/8x2048x128", [causal](Device dev) {
      nd::random::seed(3);
      Array q = rand({8, 2048, 128}, dev), k = rand({8, 2048, 128}, dev), v = rand({8, 2048, 128}, dev);
      return ndbench::Case{.call = [q, k, v, causal] { benchmark::DoNotOptimize(nd::attention(q, k, v, causal).data_ptr()); },
                           .flops = (causal ? 0.5 : 1.0) * 8 * 2 * 2.0 * 2048 * 2048 * 128};
    });
  }

  ndbench::register_pair("kmeans/f32/10000x768k8", [](Device dev) {
    nd::random::seed(4);
    Array x = rand({10000, 768}, dev);
    return ndbench::Case{[x] {
      benchmark::DoNotOptimize(nd::kmeans(x, 8, {.iters = 10, .seed = 0}).labels.data_ptr());
    }};
  });
  ndbench::register_pair("kmeans/f32/100000x768k64", [](Device dev) {
    nd::random::seed(5);
    Array x = rand({100000, 768}, dev);
    return ndbench::Case{[x] {
      benchmark::DoNotOptimize(nd::kmeans(x, 64, {.iters = 10, .seed = 0}).labels.data_ptr());
    }};
  });
  return true;
}();

}  // namespace
