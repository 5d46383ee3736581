// ULP distance of every catalogue entry's kernels from the MPFR oracle, over curated
// points (zeros, subnormals, kinks and thresholds +- a few ULP, overflow borders, the
// last finite values, infinities, NaN) and strided sweeps of the float32 and float64
// bit patterns. Bars (DEVELOPERS.md): float32 forward <= 1 ULP for smooth functions
// and exact (correctly rounded) for piecewise-linear ones, derivatives <= 2 ULP;
// float64 within the documented bounds below. Each test prints the worst case it saw.
#include <gtest/gtest.h>

#include <activ/activ.hpp>
#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "catalog/entry.hpp"
#include "reference/reference.hpp"

namespace {

using activ::reference::What;

// float64 bars: the kernels evaluate in x87 long double (64-bit significand), so
// results land within a few ULP; measured maxima are recorded in docs/accuracy.md.
constexpr double kF64ForwardBar = 1.0;
constexpr double kF64DerivativeBar = 2.0;

constexpr double kF32ForwardBar = 1.0;
constexpr double kF32DerivativeBar = 2.0;

template <class T>
std::vector<T> neighbours(T v, int ulps) {
  std::vector<T> out{v};
  T up = v, down = v;
  for (int i = 0; i < ulps; ++i) {
    up = std::nextafter(up, std::numeric_limits<T>::infinity());
    down = std::nextafter(down, -std::numeric_limits<T>::infinity());
    out.push_back(up);
    out.push_back(down);
  }
  return out;
}

// Small, large and extremal values for every entry, plus each parameter value and its
// negation (thresholds and kinks are parameters) and the fixed kinks of the catalogue.
template <class T>
std::vector<T> curated_points(const activ::Activation& a) {
  using L = std::numeric_limits<T>;
  std::vector<double> anchors = {0.0, 1e-30, 1e-7, 0.0625, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 6.0, 10.0, 20.0,
                                 30.0, 50.0, 87.33654, 88.72283, 89.0, 103.97208, 104.0, 150.0, 710.0, 745.2,
                                 1e10, 1e30};
  for (const activ::ParamInfo& p : a.info().params) {
    const double v = a.param(p.name);
    if (std::isfinite(v)) anchors.push_back(std::fabs(v));
  }
  std::vector<T> out;
  for (double m : anchors) {
    for (T s : {T(1), T(-1)}) {
      const T v = s * static_cast<T>(m);
      if (!std::isfinite(v)) continue;
      for (T n : neighbours(v, 3)) out.push_back(n);
    }
  }
  for (T v : {L::denorm_min(), T(2) * L::denorm_min(), L::min() / T(3), L::min(), L::max(), L::infinity()}) {
    for (T n : neighbours(v, 2)) {
      out.push_back(n);
      out.push_back(-n);
    }
  }
  out.push_back(L::quiet_NaN());
  out.push_back(-L::quiet_NaN());
  return out;
}

// Where the derivative of a smooth entry changes sign (gelu' near -0.75, silu' near
// -1.28, mish' near -1.19, ...): its value there comes from cancellation in any
// formula, so the points next to the root are the hardest for the ULP bar.
std::vector<double> derivative_roots(const activ::Activation& a) {
  std::vector<double> roots;
  if (a.info().piecewise_linear) return roots;
  auto d = [&](double x) { return activ::reference::exact_f64(a, What::derivative, x); };
  double x0 = -20.0, d0 = d(x0);
  for (int i = 1; i <= 4000; ++i) {
    const double x1 = -20.0 + i * 0.01, d1 = d(x1);
    if ((d0 < 0 && d1 > 0) || (d0 > 0 && d1 < 0)) {
      double lo = x0, hi = x1;
      for (int k = 0; k < 200 && std::nextafter(lo, hi) != hi; ++k) {
        const double mid = lo + (hi - lo) / 2;
        ((d(mid) < 0) == (d0 < 0) ? lo : hi) = mid;
      }
      roots.push_back(lo);
    }
    x0 = x1;
    d0 = d1;
  }
  return roots;
}

template <class T>
std::vector<T> near_roots(const std::vector<double>& roots) {
  std::vector<T> out;
  for (double r : roots)
    for (T n : neighbours(static_cast<T>(r), 64)) out.push_back(n);
  return out;
}

// Every `stride`-th float32 bit pattern (an odd stride hits every mantissa pattern in
// turn), plus a denser sweep of [-128, 128] where the functions bend.
std::vector<float> f32_sweep(std::uint64_t stride) {
  std::vector<float> out;
  for (std::uint64_t bits = 0; bits < (1ull << 32); bits += stride)
    out.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
  const std::uint32_t top = std::bit_cast<std::uint32_t>(128.0f);
  for (std::uint32_t bits = 0; bits < top; bits += static_cast<std::uint32_t>(stride / 2) | 1u) {
    out.push_back(std::bit_cast<float>(bits));
    out.push_back(-std::bit_cast<float>(bits));
  }
  return out;
}

// float64: a Weyl sequence over all 2^64 bit patterns, plus uniform points in
// [-800, 800], where the double-precision tails end.
std::vector<double> f64_sweep(std::size_t count) {
  std::vector<double> out;
  std::uint64_t bits = 0x2545F4914F6CDD1Dull;
  for (std::size_t i = 0; i < count; ++i) {
    bits += 0x9E3779B97F4A7C15ull;
    out.push_back(std::bit_cast<double>(bits));
  }
  for (std::size_t i = 0; i < count; ++i) out.push_back(-800.0 + 1600.0 * (double(i) + 0.5) / double(count));
  return out;
}

struct Worst {
  double ulp = 0;
  double x = 0, got = 0, exact = 0;
  std::size_t over_half = 0, over_bar = 0;
};

template <class T>
Worst measure(const activ::Activation& a, What what, const std::vector<T>& x, double bar) {
  std::vector<T> y(x.size());
  if (what == What::forward) {
    a.forward(std::span<const T>(x), std::span<T>(y));
  } else {
    const std::vector<T> ones(x.size(), T(1));
    a.backward(std::span<const T>(x), std::span<const T>(ones), std::span<T>(y));
  }
  const bool exact_required = a.info().piecewise_linear;
  Worst w;
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto exact_value = [&]() -> double {
      if constexpr (std::is_same_v<T, float>) return activ::reference::exact_f32(a, what, x[i], i);
      else return activ::reference::exact_f64(a, what, x[i], i);
    };
    double err;
    if constexpr (std::is_same_v<T, float>) err = activ::reference::ulp_error_f32(a, what, x[i], y[i], i);
    else err = activ::reference::ulp_error_f64(a, what, x[i], y[i], i);
    // Piecewise-linear functions must give the correctly rounded value itself.
    if (exact_required && what == What::forward && err > 0 && static_cast<T>(exact_value()) != y[i])
      err = std::max(err, bar + 1);
    if (err > 0.5) ++w.over_half;
    if (err > bar) ++w.over_bar;
    if (err > w.ulp || std::isnan(err)) {
      w.ulp = std::isnan(err) ? std::numeric_limits<double>::infinity() : err;
      w.x = x[i];
      w.got = y[i];
      w.exact = exact_value();
    }
  }
  return w;
}

template <class T>
void check(const activ::Activation& a, What what, const std::vector<T>& x, double bar, const char* label) {
  const Worst w = measure(a, what, x, bar);
  std::printf("  %-26s %-10s max %.3f ULP at x=%.17g (got %.17g, exact %.17g), %zu > 0.5 ULP, %zu > bar, %zu points\n",
              a.to_string().c_str(), label, w.ulp, w.x, w.got, w.exact, w.over_half, w.over_bar, x.size());
  EXPECT_LE(w.ulp, bar) << a.to_string() << " " << label << ": max " << w.ulp << " ULP at x=" << w.x << " got "
                        << w.got << " exact " << w.exact << " (" << w.over_bar << " points over the bar)";
}

// Unqualified entries get the full sweeps; framework spellings (same kernels, other
// parameters and kink conventions) and extra parameter settings get lighter ones.
struct Case {
  std::string spec;
  bool full;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const activ::FunctionInfo& f : activ::catalog()) {
    if (f.kind != activ::Kind::elementwise) continue;  // axis entries: test_tensor_accuracy
    // Required parameters (threshold's) get arbitrary values; the rest their defaults.
    std::string args;
    const double required_values[] = {0.5, -2.0, 1.5, 3.0};
    for (std::size_t i = 0, k = 0; i < f.params.size(); ++i)
      if (f.params[i].required)
        args += (args.empty() ? "" : ", ") + std::string(f.params[i].name) + "=" + std::to_string(required_values[k++ % 4]);
    out.push_back({std::string(f.name) + (args.empty() ? "" : "(" + args + ")"), f.framework == activ::Framework::activ});
  }
  for (const char* spec :
       {"relu(negative_slope=0.1, max_value=6, threshold=0.5)", "relu(negative_slope=0.3, threshold=-1)",
        "relu(max_value=2.5)", "leaky_relu(negative_slope=-0.7)", "leaky_relu(negative_slope=3)",
        "prelu(weight=0.1)", "rrelu(lower=0.1, upper=0.9)", "rrelu(training=true, seed=7)",
        "elu(alpha=0.5)", "elu(alpha=2.7)", "celu(alpha=0.3)", "celu(alpha=3)", "swish(beta=1.7)",
        "swish(beta=-0.6)", "swish(beta=0)", "softplus(beta=2, threshold=10)", "softplus(beta=0.3, threshold=None)",
        "softplus(beta=1e-3)", "hard_tanh(min_val=-2, max_val=0.5)", "threshold(threshold=0.5, value=-1)",
        "thresholded_relu(theta=-0.5)", "hard_shrink(lambd=1.3)", "soft_shrink(lambd=0.1)", "soft_shrink(lambd=0)",
        "squareplus(b=0)", "squareplus(b=0.01)", "squareplus(b=100)", "gelu(approximate=tanh)",
        "tf:silu(beta=0.25)", "keras:relu(max_value=6)", "keras2:relu(alpha=0.2, max_value=3)"})
    out.push_back({spec, true});
  return out;
}

class Accuracy : public ::testing::TestWithParam<Case> {};

TEST_P(Accuracy, Float32) {
  const activ::Activation a = activ::parse(GetParam().spec);
  std::vector<float> x = curated_points<float>(a);
  for (float r : near_roots<float>(derivative_roots(a))) x.push_back(r);
  const std::vector<float> sweep = f32_sweep(GetParam().full ? 65537 : 1048573);
  x.insert(x.end(), sweep.begin(), sweep.end());
  check(a, What::forward, x, kF32ForwardBar, "f32 fwd");
  check(a, What::derivative, x, kF32DerivativeBar, "f32 deriv");
}

TEST_P(Accuracy, Float64) {
  const activ::Activation a = activ::parse(GetParam().spec);
  std::vector<double> x = curated_points<double>(a);
  for (float v : curated_points<float>(a)) x.push_back(v);
  for (double r : near_roots<double>(derivative_roots(a))) x.push_back(r);
  const std::vector<double> sweep = f64_sweep(GetParam().full ? 20000 : 2000);
  x.insert(x.end(), sweep.begin(), sweep.end());
  check(a, What::forward, x, kF64ForwardBar, "f64 fwd");
  check(a, What::derivative, x, kF64DerivativeBar, "f64 deriv");
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s;
  for (char c : info.param.spec) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return std::to_string(info.index) + "_" + s;
}

INSTANTIATE_TEST_SUITE_P(Catalog, Accuracy, ::testing::ValuesIn(cases()), case_name);

// The oracle itself against known values, so that a broken oracle cannot pass
// everything: it must not agree with a deliberately wrong kernel.
TEST(Oracle, KnownValues) {
  using activ::reference::exact_f64;
  EXPECT_DOUBLE_EQ(exact_f64(activ::parse("sigmoid"), What::forward, 0.0), 0.5);
  EXPECT_NEAR(exact_f64(activ::parse("gelu"), What::forward, -10.0), -7.619853024160527e-23, 1e-36);
  EXPECT_NEAR(exact_f64(activ::parse("sigmoid"), What::forward, -100.0), 3.7200759760208361e-44, 1e-57);
  EXPECT_DOUBLE_EQ(exact_f64(activ::parse("selu"), What::forward, 1.0), 1.0507009873554805);
  EXPECT_DOUBLE_EQ(exact_f64(activ::parse("elu"), What::forward, -std::numeric_limits<double>::infinity()), -1.0);
  EXPECT_EQ(exact_f64(activ::parse("gelu"), What::forward, -std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_TRUE(std::signbit(exact_f64(activ::parse("silu"), What::forward, -std::numeric_limits<double>::infinity())));
  EXPECT_NEAR(exact_f64(activ::parse("tanh_shrink"), What::forward, 1e-5), 3.3333333332e-16, 1e-28);
  EXPECT_TRUE(std::isnan(exact_f64(activ::parse("relu"), What::forward, std::nan(""))));
}

TEST(Oracle, MeasuresUlps) {
  const activ::Activation a = activ::parse("exponential");
  const float e = activ::reference::exact_f32(a, What::forward, 1.0f);
  EXPECT_LE(activ::reference::ulp_error_f32(a, What::forward, 1.0f, e), 0.5);
  EXPECT_GT(activ::reference::ulp_error_f32(a, What::forward, 1.0f, std::nextafter(e, 10.0f)), 0.5);
  EXPECT_GT(activ::reference::ulp_error_f32(a, What::forward, 1.0f, std::nextafter(std::nextafter(e, 10.0f), 10.0f)), 1.0);
  // Subnormal spacing: sigmoid(-100) is about 2.6e1 ulps of 2^-149.
  const activ::Activation s = activ::parse("sigmoid");
  EXPECT_GE(activ::reference::ulp_error_f32(s, What::forward, -100.0f, 0.0f), 20.0);
  // A flushed result counts as infinitely wrong only for NaN / inf mismatches.
  EXPECT_EQ(activ::reference::ulp_error_f32(a, What::forward, 100.0f, std::numeric_limits<float>::infinity()), 0.0);
  EXPECT_TRUE(std::isinf(activ::reference::ulp_error_f32(a, What::forward, 1.0f, std::numeric_limits<float>::infinity())));
}

}  // namespace
