// float64 elementwise timing without Google Benchmark: ns per element of forward and
// backward for a few specs at two sizes, single thread, the median of several runs, for
// the public path (the double-double SIMD bodies where a family has one) and the
// portable scalar kernel (the float64 path before them), next to memcpy of the same
// bytes, all timed in the same run (docs/performance.md, "float64"); for the families
// with a backward from the output (sigmoid, tanh, exponential, relu, elu), that too.
//   activ_f64_timing [runs] [spec...]
#include <activ/activ.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "catalog/entry.hpp"
#include "kernels/kernels.hpp"

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
    specs = {"exponential", "elu", "selu", "celu(alpha=0.5)", "sigmoid", "silu", "swish(beta=1.7)", "softplus",
             "log_sigmoid", "tanh", "tanh_shrink", "mish", "gelu", "gelu(approximate=tanh)", "log1mexp", "relu"};
  activ::set_num_threads(1);
  std::printf("%-24s %8s %8s %9s %9s %9s %9s %9s %9s\n", "spec", "n", "memcpy", "fwd old", "fwd new", "bwd old", "bwd new",
              "bwdy old", "bwdy new");
  for (std::size_t n : {std::size_t{1} << 16, std::size_t{1} << 20}) {
    std::vector<double> x(n), y(n), dy(n, 1.0), dx(n);
    for (const std::string& spec : specs) {
      std::uint64_t state = 12345;
      for (double& v : x) {  // uniform in [-30, 30) (log1mexp: [0, 30), its domain): every branch
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        v = -30.0 + 60.0 * double(state >> 11) * 0x1p-53;
        if (spec == "log1mexp") v = std::fabs(v);
      }
      const activ::Activation a = activ::parse(spec);
      const activ::detail::Slots s = activ::detail::ActivationAccess::slots(a);
      const activ::detail::Kernels& old = activ::detail::scalar_kernels(activ::detail::ActivationAccess::entry(a).family);
      const double copy = median_ns_per_element(n, runs, [&] { std::memcpy(y.data(), x.data(), n * sizeof(double)); });
      const double fwd_old = median_ns_per_element(n, runs, [&] { old.forward_f64(s, x.data(), y.data(), n); });
      const double fwd = median_ns_per_element(n, runs, [&] { a.forward(std::span<const double>(x), std::span<double>(y)); });
      const double bwd_old = median_ns_per_element(n, runs, [&] { old.backward_f64(s, x.data(), dy.data(), dx.data(), n); });
      const double bwd = median_ns_per_element(
          n, runs, [&] { a.backward(std::span<const double>(x), std::span<const double>(dy), std::span<double>(dx)); });
      double bwdy_old = NAN, bwdy = NAN;  // backward from the output y = f(x)
      if (old.backward_from_output_f64 && old.from_output_unavailable(s).empty()) {
        a.forward(std::span<const double>(x), std::span<double>(y));
        bwdy_old = median_ns_per_element(n, runs, [&] { old.backward_from_output_f64(s, y.data(), dy.data(), dx.data(), n); });
        bwdy = median_ns_per_element(n, runs, [&] {
          a.backward_from_output(std::span<const double>(y), std::span<const double>(dy), std::span<double>(dx));
        });
      }
      std::printf("%-24s %8zu %8.3f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f\n", spec.c_str(), n, copy, fwd_old, fwd, bwd_old,
                  bwd, bwdy_old, bwdy);
    }
  }
  return 0;
}
