// Clustering, the tutorial's third AI pattern: k-means on embeddings. Makes k well-separated
// blobs of "embeddings", clusters them on the CPU and on the GPU when there is one, and reports
// cluster sizes, inertia and how well the clusters recover the blobs.
//   clustering [--n 20000] [--dim 768] [--k 8] [--iters 25]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <ndgpu/ndgpu.hpp>

int main(int argc, char** argv) {
  int64_t n = 20000, dim = 768, k = 8, iters = 25;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int64_t v = std::atoll(argv[i + 1]);
    if (a == "--n") n = v;
    else if (a == "--dim") dim = v;
    else if (a == "--k") k = v;
    else if (a == "--iters") iters = v;
  }
  // k blob centres far apart; every point is a centre plus small noise.
  nd::random::seed(1);
  nd::Device cpu = nd::Device::cpu();
  nd::Array centres = nd::random::normal(0, 1, {k, dim}, nd::float32, cpu);
  nd::Array truth = nd::random::integers(0, k, {n}, nd::int64, cpu);
  nd::Array x = centres[truth] + nd::random::normal(0, 0.1, {n, dim}, nd::float32, cpu);
  std::printf("%lld embeddings of dimension %lld in %lld blobs\n", (long long)n, (long long)dim, (long long)k);

  std::vector<nd::Device> devices = {cpu};
  if (nd::cuda_available()) devices.push_back(nd::Device::cuda());
  int status = 0;
  for (nd::Device dev : devices) {
    nd::Array xd = x.to(dev);
    auto t0 = std::chrono::steady_clock::now();
    auto km = nd::kmeans(xd, k, {.iters = static_cast<int>(iters), .seed = 0});
    nd::synchronize(dev);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::vector<int64_t> labels = km.labels.cpu().astype(nd::int64).to_vector<int64_t>();
    std::vector<int64_t> t = truth.to_vector<int64_t>();
    // Purity: each cluster counts its most common true blob.
    std::vector<std::map<int64_t, int64_t>> votes(k);
    std::vector<int64_t> sizes(k);
    for (int64_t i = 0; i < n; ++i) ++votes[labels[i]][t[i]], ++sizes[labels[i]];
    int64_t agree = 0;
    for (auto& v : votes) {
      int64_t best = 0;
      for (auto& [blob, count] : v) best = std::max(best, count);
      agree += best;
    }
    double purity = double(agree) / n;
    std::printf("\n%s: %.1f ms, centroids %s, cluster sizes", dev.str().c_str(), ms,
                nd::to_string(nd::array(km.centroids.shape())).c_str());
    for (int64_t s : sizes) std::printf(" %lld", (long long)s);
    std::printf("\n  purity %.3f (1.000: every cluster is one blob)\n", purity);
    if (purity < 0.99) status = 1;
  }
  return status;
}
