// Semantic search, the tutorial's RAG example: load an embeddings matrix from .npy (or generate a
// corpus), normalise it, and answer queries with the top-k document ids and cosine scores, on the
// CPU and on the GPU when there is one.
//   semantic_search [--corpus C.npy --queries Q.npy] [--n 100000 --dim 768 --nq 4] [--k 5]
//                   [--expect-ids IDS.npy --expect-scores SCORES.npy]   (exit 1 on a mismatch)
//                   [--dtype float32|float64|float16|bfloat16]   (the corpus and queries' dtype)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <ndgpu/ndgpu.hpp>

namespace {

struct Options {
  std::string corpus, queries, expect_ids, expect_scores, dtype = "float32";
  int64_t n = 100000, dim = 768, nq = 4, k = 5;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--corpus") o.corpus = v;
    else if (a == "--queries") o.queries = v;
    else if (a == "--expect-ids") o.expect_ids = v;
    else if (a == "--expect-scores") o.expect_scores = v;
    else if (a == "--n") o.n = std::atoll(v.c_str());
    else if (a == "--dim") o.dim = std::atoll(v.c_str());
    else if (a == "--nq") o.nq = std::atoll(v.c_str());
    else if (a == "--k") o.k = std::atoll(v.c_str());
    else if (a == "--dtype") o.dtype = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      std::exit(2);
    }
  }
  return o;
}

// Top-k neighbours of each query: ids (int64) and cosine scores (float32), both (nq, k).
struct Hits {
  nd::Array ids, scores;
};

// The tutorial's recipe, on whatever device the arrays live on.
Hits search(const nd::Array& corpus, const nd::Array& queries, int64_t k) {
  nd::Array docs = nd::normalize(corpus, -1);       // rows to unit length, once per corpus
  nd::Array q = nd::normalize(queries, -1);
  nd::Array scores = nd::matmul(q, docs.T());       // (nq, n) cosine similarities
  auto [values, ids] = nd::topk(scores, k, -1);     // best first
  return {ids, values};
}

}  // namespace

// The dtype named on the command line (its NumPy name).
nd::DType dtype_named(const std::string& name) {
  for (nd::DType t : {nd::float32, nd::float64, nd::float16, nd::bfloat16})
    if (nd::dtype_name(t) == name) return t;
  std::fprintf(stderr, "--dtype: expected float32, float64, float16 or bfloat16, got %s\n", name.c_str());
  std::exit(2);
}

// How far scores may be from float32's: the rounding of the inputs and of the scores to the
// dtype (8 and 16 ULPs at 1 for float16 and bfloat16).
double score_tolerance(nd::DType t) {
  return t == nd::float16 ? 8 * 0x1p-10 : t == nd::bfloat16 ? 16 * 0x1p-7 : 1e-5;
}

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  const nd::DType dtype = dtype_named(opt.dtype);
  nd::Array corpus, queries;
  if (!opt.corpus.empty()) {
    corpus = nd::load(opt.corpus);
    queries = nd::load(opt.queries);
    std::printf("corpus %s: %lld x %lld, %lld queries\n", opt.corpus.c_str(),
                (long long)corpus.shape()[0], (long long)corpus.shape()[1], (long long)queries.shape()[0]);
  } else {
    // A synthetic corpus; each query is a noisy copy of a known document, so the right answer is known.
    nd::random::seed(7);
    corpus = nd::random::randn({opt.n, opt.dim}, nd::float32, nd::Device::cpu());
    queries = nd::random::normal(0, 0.3, {opt.nq, opt.dim}, nd::float32, nd::Device::cpu());
    std::string which;
    for (int64_t i = 0; i < opt.nq; ++i) {
      int64_t r = (i * 7919 + 11) % opt.n;
      queries(i, nd::all) += corpus(r, nd::all);  // query i = document r + noise
      which += (i ? ", " : "") + std::to_string(r);
    }
    std::printf("generated corpus: %lld x %lld; the queries are noisy copies of documents %s\n",
                (long long)opt.n, (long long)opt.dim, which.c_str());
  }

  if (corpus.dtype() != dtype) {
    corpus = corpus.astype(dtype);
    queries = queries.astype(dtype);
    std::printf("searching in %s\n", opt.dtype.c_str());
  }

  std::vector<nd::Device> devices = {nd::Device::cpu()};
  if (nd::cuda_available()) devices.push_back(nd::Device::cuda());
  std::vector<Hits> per_device;
  for (nd::Device dev : devices) {
    nd::Array c = corpus.to(dev), q = queries.to(dev);
    search(c, q, opt.k);  // warm-up (pools, BLAS threads, cuBLAS handle)
    nd::synchronize(dev);
    auto t0 = std::chrono::steady_clock::now();
    Hits h = search(c, q, opt.k);
    nd::synchronize(dev);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    h = {h.ids.cpu(), h.scores.cpu()};
    std::printf("\n%s: %.3f ms for %lld queries (normalise + scores + top-%lld)\n", dev.str().c_str(), ms,
                (long long)queries.shape()[0], (long long)opt.k);
    std::vector<int64_t> ids = h.ids.to_vector<int64_t>();
    std::vector<float> sc = h.scores.astype(nd::float32).to_vector<float>();
    for (int64_t i = 0; i < queries.shape()[0]; ++i) {
      std::printf("  query %lld:", (long long)i);
      for (int64_t j = 0; j < opt.k; ++j)
        std::printf("  %lld (%.4f)", (long long)ids[i * opt.k + j], sc[i * opt.k + j]);
      std::printf("\n");
    }
    per_device.push_back(h);
  }

  int status = 0;
  auto compare = [&](const char* what, const Hits& a, const Hits& b) {
    bool ids_equal = a.ids.to_vector<int64_t>() == b.ids.to_vector<int64_t>();
    std::vector<float> x = a.scores.astype(nd::float32).to_vector<float>();
    std::vector<float> y = b.scores.astype(nd::float32).to_vector<float>();
    double worst = 0;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) worst = std::max(worst, double(std::abs(x[i] - y[i])));
    bool ok = ids_equal && x.size() == y.size() && worst <= score_tolerance(dtype);
    std::printf("%s: ids %s, largest score difference %.2g -> %s\n", what, ids_equal ? "equal" : "DIFFER",
                worst, ok ? "match" : "MISMATCH");
    if (!ok) status = 1;
  };
  std::printf("\n");
  if (per_device.size() > 1) compare("cpu vs cuda:0", per_device[0], per_device[1]);
  if (!opt.expect_ids.empty()) {
    Hits numpy{nd::load(opt.expect_ids), nd::load(opt.expect_scores)};
    for (size_t d = 0; d < per_device.size(); ++d)
      compare((devices[d].str() + " vs NumPy").c_str(), per_device[d], numpy);
  }
  return status;
}
