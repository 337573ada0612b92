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
  // k blob centres far apart; blob b holds rows [b*n/k, (b+1)*n/k): its centre plus small noise,
  // written with broadcasting: (k, 1, dim) + (k, n/k, dim) -> (n, dim).
  nd::random::seed(1);
  nd::Device cpu = nd::Device::cpu();
  n -= n % k;
  nd::Array centres = nd::random::normal(0, 1, {k, dim}, nd::float32, cpu);
  nd::Array x = (centres.reshape({k, 1, dim}) +
                 nd::random::normal(0, 0.1, {k, n / k, dim}, nd::float32, cpu)).reshape({n, dim});
  std::vector<int64_t> t(n);
  for (int64_t i = 0; i < n; ++i) t[i] = i / (n / k);
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
    std::printf("\n%s: %.1f ms, %d Lloyd iterations, centroids (%lld, %lld), inertia %.4g\n  cluster sizes",
                dev.str().c_str(), ms, km.iterations, (long long)km.centroids.shape()[0],
                (long long)km.centroids.shape()[1], km.inertia);
    for (int64_t s : sizes) std::printf(" %lld", (long long)s);
    std::printf("\n  purity %.3f (1.000: every cluster is one blob)\n", purity);
    if (purity < 0.99) status = 1;
  }
  return status;
}
