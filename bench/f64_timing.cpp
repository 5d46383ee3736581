// float64 elementwise timing without Google Benchmark: ns per element of forward and
// backward for a few specs at two sizes, single thread, the median of several runs,
// next to memcpy of the same bytes timed in the same run (docs/performance.md, "float64").
//   activ_f64_timing [runs] [spec...]
#include <activ/activ.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

template <class F>
double median_ns_per_element(std::size_t n, int runs, F&& body) {
  std::vector<double> t;
  body();  // warm-up: page faults, dispatch
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    body();
    const auto stop = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::nano>(stop - start).count() / double(n));
  }
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 11;
  std::vector<std::string> specs;
  for (int i = 2; i < argc; ++i) specs.emplace_back(argv[i]);
  if (specs.empty())
    specs = {"exponential", "elu", "selu", "celu(alpha=0.5)", "sigmoid", "silu", "swish(beta=1.7)",
             "softplus", "log_sigmoid"};
  activ::set_num_threads(1);
  std::printf("%-18s %8s %10s %10s %10s\n", "spec", "n", "memcpy", "forward", "backward");
  for (std::size_t n : {std::size_t{1} << 16, std::size_t{1} << 20}) {
    std::vector<double> x(n), y(n), dy(n, 1.0), dx(n);
    std::uint64_t state = 12345;
    for (double& v : x) {  // uniform in [-30, 30): every branch of every family
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      v = -30.0 + 60.0 * double(state >> 11) * 0x1p-53;
    }
    for (const std::string& spec : specs) {
      const activ::Activation a = activ::parse(spec);
      const double copy = median_ns_per_element(n, runs, [&] { std::memcpy(y.data(), x.data(), n * sizeof(double)); });
      const double fwd = median_ns_per_element(n, runs, [&] { a.forward(std::span<const double>(x), std::span<double>(y)); });
      const double bwd = median_ns_per_element(
          n, runs, [&] { a.backward(std::span<const double>(x), std::span<const double>(dy), std::span<double>(dx)); });
      std::printf("%-18s %8zu %10.3f %10.3f %10.3f\n", spec.c_str(), n, copy, fwd, bwd);
    }
  }
  return 0;
}
