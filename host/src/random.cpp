// nd::random: one global (seed, counter) stream. Each draw takes the next ceil(size / k) Philox
// counters, k values per counter (kernels/random_draw.hpp), so a sequence of draws after seed(s)
// gives the same numbers on every device.
#include <atomic>
#include <mutex>

#include "detail.hpp"
#include "random_draw.hpp"
// After kernels/: its unqualified sqrt/log must not see nd::sqrt(const Array&).
#include "ndgpu/ops.hpp"

namespace nd::random {
namespace {

struct Stream {
  std::mutex mu;
  uint64_t seed = 0x5eed;
  uint64_t counter = 0;
};
Stream& stream() {
  static Stream s;
  return s;
}

Array draw(RandomDist dist, double a, double b, const Shape& shape, DType dtype, OptDevice device) {
  if (is_bool(dtype)) throw TypeError("random numbers of dtype bool are not supported");
  if (detail::computes_wider(dtype)) {  // the float32 (int32, int64) draws, same bits everywhere
    Array u = draw(dist, a, b, shape, opmath_dtype(dtype), device);
    if (dist == RandomDist::uniform && a == 0 && b == 1) {
      // rand stays in [0, 1): rounding to nearest would take values within half an ULP of 1 to
      // 1, so they go down to the 16-bit type's grid k 2^-p below 1 (as PyTorch's half rand).
      const double grid = dtype == float16 ? 0x1p11 : 0x1p8;  // 2^p, p = significand bits
      u = floor(u * grid) / grid;
    }
    return u.astype(dtype);
  }
  Array out = detail::new_array(shape, dtype, detail::resolve(device));
  RandomDesc d;
  d.dist = dist;
  d.a = a;
  d.b = b;
  d.n = out.size();
  d.out = detail::operand(out);
  {
    Stream& s = stream();
    std::lock_guard<std::mutex> lock(s.mu);
    d.seed = s.seed;
    d.counter = s.counter;
    s.counter += static_cast<uint64_t>(kern::random_counters(d));  // ceil(n / values per counter)
  }
  if (d.n > 0) detail::backend(out.device()).random(d);
  return out;
}

void require_float(DType t, const char* fn) {
  if (!is_floating(t)) throw TypeError(std::string(fn) + ": unsupported dtype " + std::string(dtype_name(t)));
}

}  // namespace

void seed(uint64_t s) {
  Stream& st = stream();
  std::lock_guard<std::mutex> lock(st.mu);
  st.seed = s;
  st.counter = 0;
}

Array rand(const Shape& shape, DType dtype, OptDevice device) {
  require_float(dtype, "rand");
  return draw(RandomDist::uniform, 0.0, 1.0, shape, dtype, device);
}
Array randn(const Shape& shape, DType dtype, OptDevice device) {
  require_float(dtype, "randn");
  return draw(RandomDist::normal, 0.0, 1.0, shape, dtype, device);
}
Array uniform(double low, double high, const Shape& shape, DType dtype, OptDevice device) {
  require_float(dtype, "uniform");
  return draw(RandomDist::uniform, low, high, shape, dtype, device);
}
Array normal(double mean, double stddev, const Shape& shape, DType dtype, OptDevice device) {
  require_float(dtype, "normal");
  if (stddev < 0) throw ValueError("scale < 0");
  return draw(RandomDist::normal, mean, stddev, shape, dtype, device);
}
Array integers(int64_t low, int64_t high, const Shape& shape, DType dtype, OptDevice device) {
  if (!is_integer(dtype)) throw TypeError("integers: unsupported dtype " + std::string(dtype_name(dtype)));
  if (low >= high) throw ValueError("low >= high");
  if (!detail::holds(dtype, low)) throw ValueError("low is out of bounds for " + std::string(dtype_name(dtype)));
  if (!detail::holds(dtype, high - 1)) throw ValueError("high is out of bounds for " + std::string(dtype_name(dtype)));
  return draw(RandomDist::integers, static_cast<double>(low), static_cast<double>(high), shape,
              dtype, device);
}

}  // namespace nd::random
