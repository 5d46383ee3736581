// The float64 double-double SIMD bodies (src/kernels/simd/elementwise_f64.cc) on the
// points where they are hardest: e^x's subnormal range and underflow edge (x near -745,
// also scaled by each family's beta or divisor), the overflow edge near 709.78, tiny |x|
// (subnormal, 1e-300, 1e-20), tanh_shrink's and log1mexp's switches, the neighbourhoods
// of the derivative roots of swish, mish and gelu, the scaling switches and kinks of
// softsign, squareplus, hard_swish and sparse_plus, +-0, +-inf, NaN, the
// extremes of the double range and a dense random sample.
//  - On the best target: forward within 1 ULP and the derivative within 2 ULP of the
//    MPFR oracle; +-0, +-inf and NaN bit-identical to the scalar kernel (limits and the
//    sign of zero).
//  - On every compiled Highway target: the body runs (returns true) exactly where the
//    target has a native FMA, its output equals the public API's, and it is
//    bit-identical to the best target's (the same double-double operations); targets
//    without FMA must give the scalar kernel's bits.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <activ/activ.hpp>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "catalog/entry.hpp"
#include "kernels/kernels.hpp"
#include "kernels/simd/elementwise.hpp"
#include "reference/reference.hpp"

namespace {

using activ::reference::What;
using activ::detail::Family;
using activ::detail::Slots;
namespace simd = activ::detail::simd;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using ForwardFn = bool (*)(const Slots&, const double*, double*, std::size_t);
using BackwardFn = bool (*)(const Slots&, const double*, const double*, double*, std::size_t);
struct Body {
  Family family;
  ForwardFn forward;
  BackwardFn backward;
};
const Body kBodies[] = {
    {Family::exponential, simd::ExponentialForwardF64, simd::ExponentialBackwardF64},
    {Family::elu, simd::EluForwardF64, simd::EluBackwardF64},
    {Family::sigmoid, simd::SigmoidForwardF64, simd::SigmoidBackwardF64},
    {Family::log_sigmoid, simd::LogSigmoidForwardF64, simd::LogSigmoidBackwardF64},
    {Family::swish, simd::SwishForwardF64, simd::SwishBackwardF64},
    {Family::softplus, simd::SoftplusForwardF64, simd::SoftplusBackwardF64},
    {Family::tanh, simd::TanhForwardF64, simd::TanhBackwardF64},
    {Family::tanh_shrink, simd::TanhShrinkForwardF64, simd::TanhShrinkBackwardF64},
    {Family::mish, simd::MishForwardF64, simd::MishBackwardF64},
    {Family::log1mexp, simd::Log1mexpForwardF64, simd::Log1mexpBackwardF64},
    {Family::softsign, simd::SoftsignForwardF64, simd::SoftsignBackwardF64},
    {Family::squareplus, simd::SquareplusForwardF64, simd::SquareplusBackwardF64},
    {Family::hard_swish, simd::HardSwishForwardF64, simd::HardSwishBackwardF64},
    {Family::sparse_plus, simd::SparsePlusForwardF64, simd::SparsePlusBackwardF64},
    {Family::hard_sigmoid, simd::HardSigmoidForwardF64, simd::HardSigmoidBackwardF64},
    {Family::relu, simd::ReluShiftedForwardF64, simd::ReluShiftedBackwardF64},
};
const Body kGeluTanh = {Family::gelu, simd::GeluTanhForwardF64, simd::GeluTanhBackwardF64};
const Body kGeluErf = {Family::gelu, simd::GeluErfForwardF64, simd::GeluErfBackwardF64};
const Body& body_of(const activ::Activation& a) {
  const Family f = activ::detail::ActivationAccess::entry(a).family;
  if (f == Family::gelu) return activ::detail::ActivationAccess::slots(a)[0] != 0 ? kGeluTanh : kGeluErf;
  for (const Body& b : kBodies)
    if (b.family == f) return b;
  throw std::logic_error("no float64 SIMD body");
}

const char* const kSpecs[] = {"exponential", "elu", "selu", "tf:selu", "celu(alpha=0.5)", "elu(alpha=2.7)",
                              "sigmoid", "log_sigmoid", "silu", "swish(beta=1.7)", "swish(beta=-0.6)",
                              "softplus", "softplus(beta=2, threshold=10)", "softplus(beta=0.3, threshold=None)",
                              "tanh", "tanh_shrink", "mish", "gelu(approximate=tanh)", "jax:gelu",
                              "gelu", "log1mexp", "softsign", "squareplus", "squareplus(b=0.01)",
                              "squareplus(b=100)", "hard_swish", "sparse_plus", "hard_sigmoid",
                              "keras2:hard_sigmoid", "relu(negative_slope=0.1, threshold=0.5)",
                              "relu(negative_slope=0.3, max_value=6, threshold=-2.5)",
                              "relu(negative_slope=0.1, threshold=1e-280)"};

const double kSpecials[] = {0.0, -0.0, kInf, -kInf, kNaN, -kNaN};

std::vector<double> neighbours(double v, int ulps) {
  std::vector<double> out{v};
  double up = v, down = v;
  for (int i = 0; i < ulps; ++i) {
    up = std::nextafter(up, kInf);
    down = std::nextafter(down, -kInf);
    out.push_back(up);
    out.push_back(down);
  }
  return out;
}

std::vector<double> hard_points() {
  std::vector<double> x(std::begin(kSpecials), std::end(kSpecials));
  const double tiny[] = {1e-300, 1e-20, 1e-10, 0x1p-1074, 0x1p-1060, 0x1p-1022, 0x1.8p-1000, 0x1p-901, 0x1p-899,
                         std::numeric_limits<double>::max(), 1e300, 1e20};
  for (double t : tiny)
    for (double v : neighbours(t, 2)) {
      x.push_back(v);
      x.push_back(-v);
    }
  // e^x's tails, also divided by the betas and divisors of kSpecs (bx or x/d lands there).
  for (double scale : {1.0, 0.5, 2.0, 2.7, 1 / 1.7, -1 / 0.6, 1 / 0.3}) {
    for (double t = -750; t <= -700; t += 0.0625) x.push_back(t * scale);
    for (double edge : {-745.1332191019412, -708.3964185322641, 709.782712893384, 36.7368005696771, -36.7368005696771})
      for (double v : neighbours(edge, 3)) x.push_back(v * scale);
    for (double t = 709.5; t <= 710.0; t += 0.0078125) x.push_back(t * scale);
    for (double t = -60; t <= 60; t += 0.25) x.push_back(t * scale);
    for (double v : neighbours(0.0625 * scale, 8)) x.push_back(v);
    for (double edge : {0.6931471805599453, 1.0})  // log1mexp's switches
      for (double v : neighbours(edge * scale, 4)) x.push_back(v);
  }
  // gelu's erf form: the edges of its erfcx cells (|x| = sqrt 2 k / 8) and its left tail
  // through the subnormals (x from -39 to -37).
  for (int k = 0; k <= 220; ++k)
    for (double v : neighbours(1.4142135623730951 * k / 8, 1)) {
      x.push_back(v);
      x.push_back(-v);
    }
  for (double t = -39; t <= -37; t += 1.0 / 128) x.push_back(t);
  // softsign's and squareplus's scaling switches (2^300, 2^400) and squareplus's left tail
  // b / (4 x^2) through the subnormals (|x| up to 2^587); the kinks of hard_swish (-3,
  // -1.5, 3) and sparse_plus (-1, 1); hard_swish's x / 2 switch (2^-800) and its ties
  // x / 2 for odd subnormal x (3 and 5 times 2^-1074 here, with +-2^-1074 above).
  for (double edge : {0x1p300, 0x1p400, 0x1p-800, 0x1p-1000, 1e154, 1e155, 0x1p520, 0x1p560, 0x1p586, 0x1p587,
                      3.0, 1.5, 1.0, 0x3p-1074, 0x5p-1074})
    for (double v : neighbours(edge, 3)) {
      x.push_back(v);
      x.push_back(-v);
    }
  for (double t = 0x1p530; t <= 0x1p590; t *= 1.0625) x.push_back(-t);
  // hard_sigmoid: its kinks (+-2.5, +-3) and the exact ties of (x + 3) / 6, 1/2 + j 2^-54
  // at x = 3j 2^-53, and of (x + 2.5) / 5 at x = 5j 2^-54 (odd j), among k 2^-53 and
  // k 2^-54 for odd k.
  for (double v : neighbours(2.5, 3)) {
    x.push_back(v);
    x.push_back(-v);
  }
  for (int k = 1; k <= 95; k += 2)
    for (double v : {k * 0x1p-53, k * 0x1p-54})
      for (double w : neighbours(v, 1)) {
        x.push_back(w);
        x.push_back(-w);
      }
  for (double t = -3.5; t <= 3.5; t += 1.0 / 64) x.push_back(t);
  // relu with slope and threshold (0.5; -2.5 and max_value 6; 1e-280): the kinks, and
  // gaps t - x across the 2^+-900 switches to the scalar kernel.
  for (double v : {0.5, 6.0, -2.5 - 0x1p900, -2.5 - 0x1p901, 1e-280, 1e-280 - 0x1p-900, 1e-280 + 0x1p-899})
    for (double w : neighbours(v, 3)) x.push_back(w);
  for (double g = 0x1p-1000; g < 0x1p-800; g *= 8) x.push_back(1e-280 - g);
  // The derivative roots: swish'(u) = 0 at u = -1.2784645427610737 (beta = 1, 1.7, -0.6),
  // mish' at -1.1924312145154952, gelu's tanh form at -0.7524614220710163 and its erf
  // form at -0.7517915246935645. Around each:
  // +-64 ULP, the SIMD bodies' binary128 window (2^-10) and its edges, and the scalar
  // kernel's (0.05).
  for (double root : {-1.2784645427610737, -1.2784645427610737 / 1.7, -1.2784645427610737 / -0.6,
                      -1.1924312145154952, -0.7524614220710163, -0.7517915246935645}) {
    for (double v : neighbours(root, 64)) x.push_back(v);
    for (double t = -0.08; t <= 0.08; t += 0.0005) x.push_back(root + t);
    for (double t = -0x1p-9; t <= 0x1p-9; t += 0x1p-14) x.push_back(root + t);
  }
  // A dense random sample: uniform in [-800, 800], log-uniform magnitudes, and raw bits.
  std::mt19937_64 rng(64);
  std::uniform_real_distribution<double> uniform(-800, 800), exponent(-1074, 1024);
  for (int i = 0; i < 4000; ++i) x.push_back(uniform(rng));
  for (int i = 0; i < 2000; ++i) x.push_back((i % 2 ? 1 : -1) * std::exp2(exponent(rng)));
  for (int i = 0; i < 2000; ++i) x.push_back(std::bit_cast<double>(rng()));
  return x;
}

struct Outputs {
  std::vector<double> forward, backward;
};

// The body called directly (checking that it runs exactly where it should) and through
// the public API; both must agree.
Outputs run_target(const activ::Activation& a, const std::vector<double>& x, bool expect_body, const char* target) {
  const Slots s = activ::detail::ActivationAccess::slots(a);
  const Body& body = body_of(a);
  const std::vector<double> dy(x.size(), 1.0);
  Outputs direct{std::vector<double>(x.size()), std::vector<double>(x.size())};
  Outputs api = direct;
  EXPECT_EQ(body.forward(s, x.data(), direct.forward.data(), x.size()), expect_body) << a.to_string() << " " << target;
  EXPECT_EQ(body.backward(s, x.data(), dy.data(), direct.backward.data(), x.size()), expect_body)
      << a.to_string() << " " << target;
  a.forward(std::span<const double>(x), std::span<double>(api.forward));
  a.backward(std::span<const double>(x), std::span<const double>(dy), std::span<double>(api.backward));
  if (expect_body) {
    EXPECT_EQ(0, std::memcmp(direct.forward.data(), api.forward.data(), x.size() * sizeof(double))) << a.to_string();
    EXPECT_EQ(0, std::memcmp(direct.backward.data(), api.backward.data(), x.size() * sizeof(double))) << a.to_string();
  }
  return api;
}

std::size_t first_difference(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return i;
  return a.size();
}

bool has_native_fma(std::int64_t target) {
#if HWY_ARCH_X86
  return target <= HWY_AVX2;  // AVX2 and the AVX-512 targets (smaller bits are better)
#else
  (void)target;
  return false;  // the bodies are x86-tested; elsewhere only agreement with the scalar kernel is asserted
#endif
}

void check_ulps(const activ::Activation& a, What what, const std::vector<double>& x, const std::vector<double>& y,
                double bar, const char* label) {
  double worst = 0, worst_x = 0, worst_got = 0;
  std::size_t over = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) {
      EXPECT_TRUE(std::isnan(y[i])) << a.to_string() << " " << label << ": NaN in, " << y[i] << " out";
      continue;
    }
    const double err = activ::reference::ulp_error_f64(a, what, x[i], y[i]);
    if (!(err <= bar)) ++over;
    if (!(err <= worst)) {
      worst = std::isnan(err) ? kInf : err;
      worst_x = x[i];
      worst_got = y[i];
    }
  }
  std::printf("  %-36s %-10s max %.3f ULP at x=%.17g (got %.17g), %zu points\n", a.to_string().c_str(), label, worst,
              worst_x, worst_got, x.size());
  EXPECT_EQ(over, 0u) << a.to_string() << " " << label << ": max " << worst << " ULP at x=" << worst_x << " got "
                      << worst_got;
}

TEST(Float64Simd, HardPointsOnEveryTarget) {
  const std::vector<double> x = hard_points();
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  ASSERT_FALSE(targets.empty());
  for (const int64_t target : targets)
    std::printf("[f64-simd] target %s: %s\n", hwy::TargetName(target),
                has_native_fma(target) ? "double-double bodies" : "scalar kernels (no native FMA)");
  for (const char* spec : kSpecs) {
    const activ::Activation a = activ::parse(spec);
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const activ::detail::Kernels& scalar = activ::detail::scalar_kernels(activ::detail::ActivationAccess::entry(a).family);
    const std::vector<double> dy(x.size(), 1.0);
    Outputs reference{std::vector<double>(x.size()), std::vector<double>(x.size())};
    scalar.forward_f64(s, x.data(), reference.forward.data(), x.size());
    scalar.backward_f64(s, x.data(), dy.data(), reference.backward.data(), x.size());

    bool have_best = false;
    Outputs best;
    for (const int64_t target : targets) {  // best first
      hwy::SetSupportedTargetsForTest(target);
      const bool fma = has_native_fma(target);
      const Outputs got = run_target(a, x, fma, hwy::TargetName(target));
      if (!fma) {
        EXPECT_EQ(first_difference(got.forward, reference.forward), x.size()) << spec << " " << hwy::TargetName(target);
        EXPECT_EQ(first_difference(got.backward, reference.backward), x.size()) << spec << " " << hwy::TargetName(target);
        continue;
      }
      if (!have_best) {
        have_best = true;
        best = got;
        std::printf("[f64-simd] %s on %s\n", spec, hwy::TargetName(target));
        check_ulps(a, What::forward, x, got.forward, 1.0, "f64 fwd");
        check_ulps(a, What::derivative, x, got.backward, 2.0, "f64 deriv");
        // Limits and zero signs as the scalar kernel.
        auto same = [](double a, double b) {  // bits, or both NaN
          return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) || (std::isnan(a) && std::isnan(b));
        };
        for (std::size_t i = 0; i < std::size(kSpecials); ++i) {
          EXPECT_TRUE(same(got.forward[i], reference.forward[i]))
              << spec << " forward at " << x[i] << ": " << got.forward[i] << " vs scalar " << reference.forward[i];
          EXPECT_TRUE(same(got.backward[i], reference.backward[i]))
              << spec << " backward at " << x[i] << ": " << got.backward[i] << " vs scalar " << reference.backward[i];
        }
        // hard_swish, sparse_plus and hard_sigmoid (polynomial pieces, rounded once from
        // pairs) are correctly rounded here, as their scalar kernels: bit for bit the same
        // on every point, including hard_swish's ties x / 2 at odd subnormal x, decided by
        // the x^2 / 6 that a 1-ULP bar would not see, and hard_sigmoid's exact ties.
        const std::string name = spec;
        if (name == "hard_sigmoid" || name == "keras2:hard_sigmoid") {  // exact: the oracle rounded once
          std::size_t wrong = 0;
          for (std::size_t i = 0; i < x.size(); ++i) {
            if (std::isnan(x[i])) continue;
            const double exact = activ::reference::exact_f64(a, What::forward, x[i]);
            if (got.forward[i] != exact && ++wrong <= 3)
              ADD_FAILURE() << spec << " not correctly rounded at x=" << x[i] << ": " << got.forward[i] << " vs " << exact;
          }
          EXPECT_EQ(wrong, 0u) << spec;
        }
        if (name == "hard_swish" || name == "sparse_plus" || name == "hard_sigmoid" || name == "keras2:hard_sigmoid" ||
            name.starts_with("relu(")) {
          const std::size_t i = first_difference(got.forward, reference.forward);
          EXPECT_EQ(i, x.size()) << spec << " forward differs from the scalar kernel at x=" << (i < x.size() ? x[i] : 0.0)
                                 << ": " << (i < x.size() ? got.forward[i] : 0.0) << " vs "
                                 << (i < x.size() ? reference.forward[i] : 0.0);
        }
        continue;
      }
      const std::size_t f = first_difference(got.forward, best.forward);
      const std::size_t b = first_difference(got.backward, best.backward);
      EXPECT_EQ(f, x.size()) << spec << " " << hwy::TargetName(target) << " forward differs from the best target at x="
                             << (f < x.size() ? x[f] : 0.0);
      EXPECT_EQ(b, x.size()) << spec << " " << hwy::TargetName(target) << " backward differs from the best target at x="
                             << (b < x.size() ? x[b] : 0.0);
    }
    hwy::SetSupportedTargetsForTest(0);
  }
}

// Settings a body does not cover (swish and softplus with beta outside [2^-20, 2^20],
// elu with scale * alpha below 2^-400, each gelu body with the other form, squareplus
// with b outside [2^-100, 2^100]) return false on every target, write nothing, and the
// public path gives the scalar kernel's bits.
TEST(Float64Simd, UncoveredSettingsFallBack) {
  const std::vector<double> x = {-800, -3, -1.2784645427610738e30, -0.5, 0, 1e-300, 2, 30, 710};
  const std::pair<const char*, const Body*> cases[] = {
      {"swish(beta=1e-30)", nullptr}, {"swish(beta=3e7)", nullptr}, {"softplus(beta=1e-7)", nullptr},
      {"elu(alpha=1e-300)", nullptr}, {"gelu", &kGeluTanh},          {"gelu(approximate=tanh)", &kGeluErf},
      {"squareplus(b=0)", nullptr},   {"squareplus(b=1e40)", nullptr}};
  for (const auto& [spec, other] : cases) {
    const activ::Activation a = activ::parse(spec);
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const Family family = activ::detail::ActivationAccess::entry(a).family;
    const Body& body = other ? *other : body_of(a);
    const std::vector<double> dy(x.size(), 1.0);
    std::vector<double> y(x.size(), 42.0), dx(x.size(), 42.0), want(x.size()), dwant(x.size());
    for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
      hwy::SetSupportedTargetsForTest(target);
      EXPECT_FALSE(body.forward(s, x.data(), y.data(), x.size())) << spec << " " << hwy::TargetName(target);
      EXPECT_FALSE(body.backward(s, x.data(), dy.data(), dx.data(), x.size())) << spec << " " << hwy::TargetName(target);
      for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(y[i] == 42.0 && dx[i] == 42.0) << spec << " wrote";
    }
    hwy::SetSupportedTargetsForTest(0);
    if (other) continue;  // the public path takes the form's own body
    a.forward(std::span<const double>(x), std::span<double>(y));
    a.backward(std::span<const double>(x), std::span<const double>(dy), std::span<double>(dx));
    activ::detail::scalar_kernels(family).forward_f64(s, x.data(), want.data(), x.size());
    activ::detail::scalar_kernels(family).backward_f64(s, x.data(), dy.data(), dwant.data(), x.size());
    EXPECT_EQ(first_difference(y, want), x.size()) << spec;
    EXPECT_EQ(first_difference(dx, dwant), x.size()) << spec;
  }
}

// A call's result does not depend on where an element sits (full vectors, the padded
// tail, in place) nor on dy's scaling beyond the double range of dy * f'; special dy
// (+-inf, NaN, +-0) give the scalar kernel's dy * f'(x).
TEST(Float64Simd, TailsInPlaceAndExtremeDy) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(-40, 40);
  std::vector<double> x(37);
  for (double& v : x) v = uniform(rng);
  x[3] = -1.2784645427610738;  // swish' root lane (scalar fallback) inside a vector
  for (const char* spec : kSpecs) {
    const activ::Activation a = activ::parse(spec);
    std::vector<double> y(x.size()), dy(x.size(), 1.0), dx(x.size());
    a.forward(std::span<const double>(x), std::span<double>(y));
    a.backward(std::span<const double>(x), std::span<const double>(dy), std::span<double>(dx));
    for (std::size_t start = 0; start < 9; ++start) {
      std::vector<double> part(x.begin() + static_cast<long>(start), x.end()), out(part.size());
      a.forward(std::span<const double>(part), std::span<double>(out));
      EXPECT_EQ(first_difference(out, std::vector<double>(y.begin() + static_cast<long>(start), y.end())), part.size())
          << spec << " start " << start;
    }
    std::vector<double> in_place = x, ones(x.size(), 1.0);
    a.backward(std::span<const double>(in_place), std::span<const double>(ones), std::span<double>(in_place));
    EXPECT_EQ(first_difference(in_place, dx), x.size()) << spec << " in place";
    // dy = +-inf, NaN, 0 and -0 give the scalar kernel's dy * f'(x) (inf, NaN for inf * 0,
    // signed zeros).
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const activ::detail::Kernels& scalar = activ::detail::scalar_kernels(activ::detail::ActivationAccess::entry(a).family);
    for (const double special : {kInf, -kInf, kNaN, 0.0, -0.0}) {
      std::vector<double> d(x.size(), special), got(x.size()), want(x.size());
      std::vector<double> xs = x;
      xs.insert(xs.end(), {kInf, -kInf, 0.0, -0.0});
      d.resize(xs.size(), special);
      got.resize(xs.size());
      want.resize(xs.size());
      a.backward(std::span<const double>(xs), std::span<const double>(d), std::span<double>(got));
      scalar.backward_f64(s, xs.data(), d.data(), want.data(), xs.size());
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const bool same = std::bit_cast<std::uint64_t>(got[i]) == std::bit_cast<std::uint64_t>(want[i]) ||
                          (std::isnan(got[i]) && std::isnan(want[i]));
        EXPECT_TRUE(same) << spec << " dy=" << special << " x=" << xs[i] << ": " << got[i] << " vs scalar " << want[i];
      }
    }
    // dy = 2^k scales dx exactly while both results are normal.
    for (const double k : {-900.0, 900.0}) {
      std::vector<double> big(x.size(), std::exp2(k)), got(x.size());
      a.backward(std::span<const double>(x), std::span<const double>(big), std::span<double>(got));
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double want = dx[i] * std::exp2(k);
        if (std::isnormal(dx[i]) && std::isnormal(want)) {
          ASSERT_EQ(got[i], want) << spec << " dy=2^" << k << " x=" << x[i];
        }
      }
    }
  }
}

}  // namespace

namespace {

// sparse_sigmoid's float64 body (elementwise.cc, "float64": RN(x + 1) / 2, exact) is
// correctly rounded, ties to even included: x + 1 exactly halfway between doubles
// (x = 2^-53 k, odd k, and 1 - 2^-53, where (x + 1) / 2 is a tie again), its neighbours,
// -1 + 2^-53 (the smallest x + 1), the kinks, subnormal x and a random sample. Checked
// against the MPFR oracle and bit for bit against the scalar kernel, forward and
// backward (f'(+-1) = 0 in Keras, 0.25 in JAX), on every compiled target.
TEST(Float64Simd, SparseSigmoidExactWithTies) {
  std::vector<double> x(std::begin(kSpecials), std::end(kSpecials));
  for (int k = 1; k <= 64; k += 2)
    for (double v : neighbours(k * 0x1p-53, 2)) {
      x.push_back(v);
      x.push_back(-v);
    }
  for (double edge : {1.0, -1.0, 1.0 - 0x1p-53, -1.0 + 0x1p-53, 0.5, -0.5, 0x1p-1074, 0x1p-1022, 1e-300})
    for (double v : neighbours(edge, 4)) {
      x.push_back(v);
      x.push_back(-v);
    }
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> uniform(-1.5, 1.5);
  for (int i = 0; i < 4000; ++i) x.push_back(uniform(rng));
  const std::vector<double> dy(x.size(), 1.0);
  for (const char* spec : {"sparse_sigmoid", "jax:sparse_sigmoid"}) {
    const activ::Activation a = activ::parse(spec);
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const activ::detail::Kernels& scalar = activ::detail::scalar_kernels(Family::sparse_sigmoid);
    std::vector<double> want(x.size()), dwant(x.size());
    scalar.forward_f64(s, x.data(), want.data(), x.size());
    scalar.backward_f64(s, x.data(), dy.data(), dwant.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(x[i])) continue;
      const double exact = activ::reference::exact_f64(a, What::forward, x[i]);
      ASSERT_EQ(std::bit_cast<std::uint64_t>(want[i]), std::bit_cast<std::uint64_t>(exact))
          << spec << " scalar kernel at x=" << x[i];
    }
    for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
      hwy::SetSupportedTargetsForTest(target);
      std::vector<double> y(x.size()), dx(x.size());
      ASSERT_TRUE(simd::SparseSigmoidForwardF64(s, x.data(), y.data(), x.size())) << hwy::TargetName(target);
      ASSERT_TRUE(simd::SparseSigmoidBackwardF64(s, x.data(), dy.data(), dx.data(), x.size())) << hwy::TargetName(target);
      const std::size_t f = first_difference(y, want), b = first_difference(dx, dwant);
      EXPECT_EQ(f, x.size()) << spec << " " << hwy::TargetName(target) << " forward at x=" << (f < x.size() ? x[f] : 0.0)
                             << ": " << (f < x.size() ? y[f] : 0.0) << " vs " << (f < x.size() ? want[f] : 0.0);
      EXPECT_EQ(b, x.size()) << spec << " " << hwy::TargetName(target) << " backward at x=" << (b < x.size() ? x[b] : 0.0);
      // In place, through the public API.
      std::vector<double> in_place = x;
      a.forward(std::span<const double>(in_place), std::span<double>(in_place));
      EXPECT_EQ(first_difference(in_place, want), x.size()) << spec << " in place " << hwy::TargetName(target);
    }
    hwy::SetSupportedTargetsForTest(0);
  }
}

}  // namespace
