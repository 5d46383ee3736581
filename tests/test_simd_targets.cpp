// The float32 SIMD kernels on every compiled Highway target (AVX-512, AVX2, SSE4,
// SSSE3, emulated), not only the machine's best:
//  - every unqualified catalogue entry, forward and backward, on hard points and a
//    random sample of every exponent: piecewise-linear entries bit-identical to the
//    scalar kernels (exact pairs rounded once: on targets without FMA the pair product
//    is Dekker's), smooth entries within 1 float32 ULP of them (both are within half an
//    ULP and a hair of the exact value);
//  - rrelu's training mode, float32 and float64: every lane draws the scalar kernel's
//    slope, forward bit-identical, backward dy * slope rounded once (float64) or as the
//    scalar kernel (float32), and a call split in two at any point gives the same bits.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <activ/activ.hpp>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <span>
#include <utility>
#include <string>
#include <vector>

#include "catalog/entry.hpp"
#include "kernels/kernels.hpp"
#include "kernels/scalar/piecewise.hpp"
#include "kernels/simd/elementwise.hpp"

namespace {

using activ::detail::Family;
using activ::detail::Slots;
namespace simd = activ::detail::simd;

constexpr float kInfF = std::numeric_limits<float>::infinity();

// Hard float32 points: +-0, +-inf, NaN, subnormals, the extremes, values next to the
// kinks the catalogue's defaults put at +-1, +-3, 6, and every exponent at random.
std::vector<float> hard_points() {
  std::vector<float> x = {0.0f, -0.0f, kInfF, -kInfF, std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min(),
                          std::numeric_limits<float>::min(), -std::numeric_limits<float>::min(),
                          std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()};
  for (float k : {0.5f, 1.0f, 2.5f, 3.0f, 6.0f, 20.0f, 88.7f}) {
    for (float s : {k, -k}) {
      x.push_back(s);
      x.push_back(std::nextafter(s, kInfF));
      x.push_back(std::nextafter(s, -kInfF));
    }
  }
  std::mt19937 gen(20261201);
  std::uniform_int_distribution<std::uint32_t> bits;
  for (int i = 0; i < 20000; ++i) {
    const float v = std::bit_cast<float>(bits(gen));
    if (!std::isnan(v)) x.push_back(v);
  }
  std::uniform_real_distribution<float> moderate(-12.0f, 12.0f);
  for (int i = 0; i < 20000; ++i) x.push_back(moderate(gen));
  return x;
}

template <class T>
bool same(T a, T b) {
  return std::bit_cast<std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>(a) ==
             std::bit_cast<std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>(b) ||
         (std::isnan(a) && std::isnan(b));
}

// Distance in float32 ULPs (steps between the two floats; 0 for equal bits or two NaNs).
double ulps_apart(float a, float b) {
  if (same(a, b)) return 0;
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::infinity();
  auto ordinal = [](float v) {
    const std::int64_t i = std::bit_cast<std::int32_t>(v);
    return i < 0 ? -(i & 0x7FFFFFFF) : i;
  };
  return static_cast<double>(std::llabs(ordinal(a) - ordinal(b)));
}

std::vector<std::int64_t> targets() {
  std::vector<std::int64_t> t = hwy::SupportedAndGeneratedTargets();
  for (std::int64_t target : t) std::printf("[simd-targets] target %s\n", hwy::TargetName(target));
  return t;
}

TEST(SimdTargets, EveryEntryMatchesTheScalarKernels) {
  const std::vector<float> x = hard_points();
  std::vector<float> dy(x.size());
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (float& v : dy) v = unit(gen);
  const std::vector<std::int64_t> all = targets();
  ASSERT_FALSE(all.empty());
  std::size_t checked = 0;
  for (const auto& entry : activ::detail::entries()) {
    if (entry.info.kind != activ::Kind::elementwise || entry.info.name.find(':') != std::string::npos) continue;
    // Required parameters (threshold's) get 0.5, inside every range they have here.
    std::string spec(entry.info.name), args;
    for (const auto& param : entry.info.params)
      if (param.required) args += (args.empty() ? "" : ", ") + std::string(param.name) + "=0.5";
    if (!args.empty()) spec += "(" + args + ")";
    const activ::Activation a = activ::parse(spec);
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const activ::detail::Kernels& scalar = activ::detail::scalar_kernels(entry.family);
    const activ::detail::Kernels& fast = activ::detail::kernels(entry.family);
    std::vector<float> want(x.size()), dwant(x.size()), got(x.size()), dgot(x.size());
    scalar.forward_f32(s, x.data(), want.data(), x.size());
    scalar.backward_f32(s, x.data(), dy.data(), dwant.data(), x.size());
    const double bar = entry.info.piecewise_linear ? 0.0 : 1.0;
    for (const std::int64_t target : all) {
      hwy::SetSupportedTargetsForTest(target);
      fast.forward_f32(s, x.data(), got.data(), x.size());
      fast.backward_f32(s, x.data(), dy.data(), dgot.data(), x.size());
      double worst = 0, dworst = 0;
      std::size_t at = 0, dat = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double e = ulps_apart(got[i], want[i]), de = ulps_apart(dgot[i], dwant[i]);
        if (e > worst) worst = e, at = i;
        if (de > dworst) dworst = de, dat = i;
      }
      EXPECT_LE(worst, bar) << spec << " forward on " << hwy::TargetName(target) << " at x=" << x[at]
                            << ": " << got[at] << " vs scalar " << want[at];
      EXPECT_LE(dworst, bar) << spec << " backward on " << hwy::TargetName(target) << " at x=" << x[dat]
                             << ": " << dgot[dat] << " vs scalar " << dwant[dat];
    }
    hwy::SetSupportedTargetsForTest(0);
    ++checked;
  }
  EXPECT_GT(checked, 25u);
}

// A slot set for rrelu's training mode with the element offset of a call that starts
// `offset` elements into the array (what the thread pool passes).
Slots training_slots(double lower, double upper, double seed, std::size_t offset) {
  const activ::Activation a = activ::parse("rrelu(lower=" + std::to_string(lower) + ", upper=" + std::to_string(upper) +
                                           ", training=true, seed=" + std::to_string(seed) + ")");
  Slots s = activ::detail::ActivationAccess::slots(a);
  s.offset = offset;
  return s;
}

template <class T>
struct TrainingBodies;
template <>
struct TrainingBodies<float> {
  static constexpr auto forward = simd::RreluTrainingForwardF32;
  static constexpr auto backward = simd::RreluTrainingBackwardF32;
};
template <>
struct TrainingBodies<double> {
  static constexpr auto forward = simd::RreluTrainingForwardF64;
  static constexpr auto backward = simd::RreluTrainingBackwardF64;
};

template <class T>
void check_rrelu_training(double lower, double upper, double seed, std::size_t offset) {
  SCOPED_TRACE("rrelu training lower=" + std::to_string(lower) + " upper=" + std::to_string(upper) +
               " seed=" + std::to_string(seed) + " offset=" + std::to_string(offset) +
               (sizeof(T) == 4 ? " float" : " double"));
  const Slots s = training_slots(lower, upper, seed, offset);
  lower = static_cast<double>(s[0]);  // as parsed
  upper = static_cast<double>(s[1]);
  const std::vector<float> points = hard_points();
  const std::size_t n = 4099;  // not a multiple of any vector length: a padded tail
  std::vector<T> x(n), dy(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<T>(points[(i * 7919) % points.size()]);
    if (sizeof(T) == 8 && i % 5 == 0) x[i] = -std::ldexp(static_cast<T>(1) + static_cast<T>(i) * 0x1p-40, int(i % 600) - 300);
    dy[i] = static_cast<T>(points[(i * 104729 + 13) % points.size()]);
  }
  const activ::detail::Kernels& scalar = activ::detail::scalar_kernels(Family::rrelu);
  std::vector<T> want(n), dwant(n), got(n), dgot(n), split(n), dsplit(n);
  if constexpr (sizeof(T) == 4) {
    scalar.forward_f32(s, x.data(), want.data(), n);
    scalar.backward_f32(s, x.data(), dy.data(), dwant.data(), n);
  } else {
    scalar.forward_f64(s, x.data(), want.data(), n);
    // float64 backward: dy * slope rounded once (the scalar kernel rounds it through
    // long double, which can differ in the last bit: double rounding).
    for (std::size_t i = 0; i < n; ++i) {
      const double slope = activ::detail::scalar::rrelu_noise(static_cast<std::uint64_t>(seed), offset + i, lower, upper);
      dwant[i] = std::isnan(x[i]) ? x[i] : dy[i] * (x[i] > 0 ? 1.0 : slope);
    }
  }
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    TrainingBodies<T>::forward(s, x.data(), got.data(), n);
    TrainingBodies<T>::backward(s, x.data(), dy.data(), dgot.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(same(got[i], want[i])) << hwy::TargetName(target) << " forward at element " << i << " x=" << x[i]
                                         << ": " << got[i] << " vs scalar " << want[i];
      ASSERT_TRUE(same(dgot[i], dwant[i])) << hwy::TargetName(target) << " backward at element " << i << " x=" << x[i]
                                           << " dy=" << dy[i] << ": " << dgot[i] << " vs " << dwant[i];
    }
    // Split at an odd point, the second part with its offset: the same bits.
    for (const std::size_t cut : {std::size_t{1}, std::size_t{37}, n / 2 + 3}) {
      Slots rest = s;
      rest.offset = offset + cut;
      TrainingBodies<T>::forward(s, x.data(), split.data(), cut);
      TrainingBodies<T>::forward(rest, x.data() + cut, split.data() + cut, n - cut);
      TrainingBodies<T>::backward(s, x.data(), dy.data(), dsplit.data(), cut);
      TrainingBodies<T>::backward(rest, x.data() + cut, dy.data() + cut, dsplit.data() + cut, n - cut);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(same(split[i], got[i])) << hwy::TargetName(target) << " cut " << cut << " element " << i;
        ASSERT_TRUE(same(dsplit[i], dgot[i])) << hwy::TargetName(target) << " cut " << cut << " element " << i;
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

TEST(SimdTargets, RreluTrainingDrawsTheScalarSlopes) {
  for (const auto& [lower, upper] : {std::pair{0.125, 0.375}, std::pair{0.0, 1.0}, std::pair{-0.5, 0.3},
                                     std::pair{0.25, 0.25}, std::pair{0.0, 0.0}}) {
    for (const double seed : {0.0, 7.0, 123456789.0}) {
      for (const std::size_t offset : {std::size_t{0}, std::size_t{5}, std::size_t{1} << 40}) {
        check_rrelu_training<float>(lower, upper, seed, offset);
        check_rrelu_training<double>(lower, upper, seed, offset);
      }
    }
  }
}

// The float64 backward-from-output bodies (elementwise_f64.cc): on targets with FMA they
// run (return true) and agree bit for bit across those targets and with the public path;
// without FMA they return false and write nothing. Against the scalar kernel (long double,
// which rounds dy f' twice) they are within 1 ULP, with equal NaN, infinities and zeros,
// on y of every exponent (the 2^440 switch to the scalar kernel, subnormal f', +-inf,
// NaN) and dy from 1e-300 to 1e300, 0 and inf.
TEST(SimdTargets, FromOutputFloat64) {
  std::vector<double> y = {0.0, -0.0, 0.5, 1.0, -1.0, 1 - 0x1p-53, 0x1p-1074, -0x1p-1074, 0x1p440, 0x1p441, -0x1p441,
                           1e300, -1e300, std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()};
  for (int e = -1074; e <= 1023; e += 3) {
    y.push_back(std::ldexp(1.2345678901234567, e));
    y.push_back(-std::ldexp(1.7654321098765433, e));
  }
  for (int i = -3000; i <= 3000; ++i) y.push_back(i * 0.00037);
  const double dys[] = {1.0, -3.5, 1e-300, 1e300, 0.0, std::numeric_limits<double>::infinity(), 0x1.8p-1070};
  std::vector<double> dy(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) dy[i] = dys[i % std::size(dys)];
  using Body = bool (*)(const Slots&, const double*, const double*, double*, std::size_t);
  const std::pair<const char*, Body> cases[] = {
      {"sigmoid", simd::SigmoidBackwardFromOutputF64},         {"tanh", simd::TanhBackwardFromOutputF64},
      {"exponential", simd::ExponentialBackwardFromOutputF64}, {"relu", simd::ReluBackwardFromOutputF64},
      {"elu", simd::EluBackwardFromOutputF64},                 {"selu", simd::EluBackwardFromOutputF64},
      {"celu(alpha=0.7)", simd::EluBackwardFromOutputF64},     {"elu(alpha=2)", simd::EluBackwardFromOutputF64}};
  auto ulps = [](double a, double b) {
    if (same(a, b)) return 0.0;
    if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b) || (a == 0) != (b == 0))
      return std::numeric_limits<double>::infinity();
    if (std::signbit(a) != std::signbit(b)) return std::numeric_limits<double>::infinity();
    const auto ia = std::bit_cast<std::int64_t>(std::fabs(a)), ib = std::bit_cast<std::int64_t>(std::fabs(b));
    return static_cast<double>(ia > ib ? ia - ib : ib - ia);
  };
  for (const auto& [spec, body] : cases) {
    const activ::Activation a = activ::parse(spec);
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const Family family = activ::detail::ActivationAccess::entry(a).family;
    std::vector<double> want(y.size()), got(y.size()), best, pub(y.size());
    activ::detail::scalar_kernels(family).backward_from_output_f64(s, y.data(), dy.data(), want.data(), y.size());
    a.backward_from_output(std::span<const double>(y), std::span<const double>(dy), std::span<double>(pub));
    for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
      hwy::SetSupportedTargetsForTest(target);
      std::fill(got.begin(), got.end(), 42.0);
      const bool fma = HWY_ARCH_X86 && target <= HWY_AVX2;  // AVX2 and the AVX-512 targets
      ASSERT_EQ(body(s, y.data(), dy.data(), got.data(), y.size()), fma) << spec << " " << hwy::TargetName(target);
      if (!fma) {
        for (double v : got) ASSERT_EQ(v, 42.0) << spec << " wrote on " << hwy::TargetName(target);
        continue;
      }
      if (best.empty()) {
        best = got;
        for (std::size_t i = 0; i < y.size(); ++i)
          ASSERT_TRUE(same(got[i], pub[i])) << spec << " y=" << y[i] << ": body " << got[i] << ", public " << pub[i];
      }
      for (std::size_t i = 0; i < y.size(); ++i) {
        ASSERT_TRUE(same(got[i], best[i])) << spec << " " << hwy::TargetName(target) << " y=" << y[i];
        ASSERT_LE(ulps(got[i], want[i]), 1.0) << spec << " " << hwy::TargetName(target) << " y=" << y[i] << " dy=" << dy[i]
                                              << ": " << got[i] << " vs scalar " << want[i];
      }
    }
    hwy::SetSupportedTargetsForTest(0);
    EXPECT_FALSE(best.empty()) << "no FMA target compiled";
  }
}

// The float32-lane routes with a double-route fallback (leaky_relu, rrelu eval,
// hard_sigmoid in both forms, hard_swish): the random points above send most vectors to
// the fallback (any tiny or special lane does), so these are runs of consecutive float32
// bit patterns in moderate ranges, where nearly every vector stays on the float route,
// and exact ties ((x + 3) / 6 = (2^24 + 2k + 1) 2^-25 at x = 3 (2k + 1) 2^-24; leaky's
// a x at slopes with few bits) placed one in 64 among them. Bit-identical to the scalar
// kernels on every target, forward and backward (the backward stays on the double
// route: in float32 lanes it measured no faster).
TEST(SimdTargets, FloatRoutesGiveTheDoubleRoutesBits) {
  std::vector<float> x;
  for (float start : {1.0f, -2.99f, 0.001f, 2.9f, -0.37f, -1e-20f, 1e-30f, -5.0f}) {
    std::uint32_t bits = std::bit_cast<std::uint32_t>(start);
    for (int i = 0; i < 1 << 15; ++i) x.push_back(std::bit_cast<float>(bits + (start < 0 ? -i : i)));
  }
  for (std::size_t i = 0, k = 0; i < x.size(); i += 64, ++k) x[i] = 3.0f * static_cast<float>(2 * (k % 4096) + 1) * 0x1p-24f;
  // The kinks and zero, one in 4096.
  const float kinks[] = {-3.0f, 3.0f, -2.5f, 2.5f, 0.0f, -0.0f};
  for (std::size_t i = 32, k = 0; i < x.size(); i += 4096, ++k) x[i] = kinks[k % 6];
  // dy: moderate, with a zero, a tiny and a huge value now and then.
  std::vector<float> dy(x.size());
  std::mt19937 gen(11);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (float& v : dy) v = unit(gen);
  for (std::size_t i = 100; i < dy.size(); i += 5000) dy[i] = (i / 5000) % 3 == 0 ? 0.0f : (i / 5000) % 3 == 1 ? 1e-40f : 3e38f;
  const std::vector<std::int64_t> all = targets();
  for (const char* spec : {"hard_sigmoid", "keras2:hard_sigmoid", "hard_swish",
                           "leaky_relu", "leaky_relu(negative_slope=0.2)", "leaky_relu(negative_slope=0.375)", "rrelu",
                           "torch:rrelu(lower=-0.5, upper=0.3)"}) {
    const activ::Activation a = activ::parse(spec);
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const Family family = activ::detail::ActivationAccess::entry(a).family;
    std::vector<float> want(x.size()), got(x.size()), dwant(x.size()), dgot(x.size());
    activ::detail::scalar_kernels(family).forward_f32(s, x.data(), want.data(), x.size());
    activ::detail::scalar_kernels(family).backward_f32(s, x.data(), dy.data(), dwant.data(), x.size());
    for (const std::int64_t target : all) {
      hwy::SetSupportedTargetsForTest(target);
      activ::detail::kernels(family).forward_f32(s, x.data(), got.data(), x.size());
      activ::detail::kernels(family).backward_f32(s, x.data(), dy.data(), dgot.data(), x.size());
      std::size_t wrong = 0, first = 0, dwrong = 0, dfirst = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!same(got[i], want[i]) && wrong++ == 0) first = i;
        if (!same(dgot[i], dwant[i]) && dwrong++ == 0) dfirst = i;
      }
      EXPECT_EQ(wrong, 0u) << spec << " on " << hwy::TargetName(target) << ", first at x=" << x[first] << ": "
                           << got[first] << " vs scalar " << want[first];
      EXPECT_EQ(dwrong, 0u) << spec << " backward on " << hwy::TargetName(target) << ", first at x=" << x[dfirst]
                            << ", dy=" << dy[dfirst] << ": " << dgot[dfirst] << " vs scalar " << dwant[dfirst];
    }
    hwy::SetSupportedTargetsForTest(0);
  }
}

}  // namespace

// The float32-lane transcendental routes (sigmoid, tanh, the elu family, the forwards
// of swish, mish and gelu's tanh form, exponential, and the derivatives of log_sigmoid
// and softplus; FMA targets) are faithful, not exact: each stays within its proved bound
// of the exact value, 0.565 ULP with 16 float lanes (exp32's table of 16) and 0.623 with
// 8 (tanh's forward 0.65 / 0.67, the elu family's 0.585, mish's 0.586 / 0.663), here against the scalar float64
// kernels (x87, within a few float64 ULP, 2^-28 of a float32 ULP). The points: moderate
// and log-uniform magnitudes of both signs, random bit patterns (every exponent), the
// domain edges (+-75, +-80, 88, the double route's side included), the tails with tiny
// and subnormal results (|x| in [60, 115], x in [-13, -8.5]), zeros, subnormals,
// infinities and NaN; dy = 1 measures f' itself, a random dy the one rounding of dy f'.
double float_ulps_from(float got, double exact) {
  if (std::isnan(exact)) return std::isnan(got) ? 0 : std::numeric_limits<double>::infinity();
  // Beyond FLT_MAX + half its ULP, round to nearest gives inf.
  const double overflow = 0x1.ffffffp127;
  if (std::isinf(got) && std::fabs(exact) >= overflow && (got > 0) == (exact > 0)) return 0;
  if (std::isinf(exact) || std::isinf(got)) return got == exact ? 0 : std::numeric_limits<double>::infinity();
  const double mag = std::fabs(exact);
  const double ulp = mag < 0x1p-126 ? 0x1p-149 : std::ldexp(1.0, std::ilogb(mag) - 23);
  return std::fabs(static_cast<double>(got) - exact) / ulp;
}

TEST(SimdTargets, FloatLaneTranscendentalsWithinTheirBounds) {
  std::vector<float> x = {0.0f, -0.0f, kInfF, -kInfF, std::numeric_limits<float>::quiet_NaN(), 1e-45f, -1e-45f,
                          1e-38f, -1e-38f};
  for (float edge : {37.5f, 40.0f, 44.0f, 75.0f, 80.0f, 88.0f, 88.7f}) {
    for (float s : {edge, -edge}) {
      float up = s, down = s;
      for (int i = 0; i < 8; ++i) {
        x.push_back(up), x.push_back(down);
        up = std::nextafter(up, kInfF), down = std::nextafter(down, -kInfF);
      }
    }
  }
  std::mt19937 gen(20261202);
  std::uniform_real_distribution<float> moderate(-90.0f, 90.0f), exponent(-30.0f, 7.0f);
  for (int i = 0; i < 15000; ++i) x.push_back(moderate(gen));
  for (int i = 0; i < 15000; ++i) x.push_back((i % 2 ? -1.0f : 1.0f) * std::exp2(exponent(gen)));
  // The tails whose results are tiny or subnormal (TimesExpTail): sigmoid, silu and
  // mish below -64 down to where they round to 0, sigmoid' on both sides, gelu(tanh)
  // below -9.
  std::uniform_real_distribution<float> far_left(-115.0f, -60.0f), gelu_left(-13.0f, -8.5f);
  for (int i = 0; i < 6000; ++i) x.push_back(i % 3 == 2 ? -far_left(gen) : far_left(gen));
  for (int i = 0; i < 3000; ++i) x.push_back(gelu_left(gen));
  // Every exponent (x^3 and e^x overflow, products underflow).
  std::uniform_int_distribution<std::uint32_t> bits;
  for (int i = 0; i < 5000; ++i) {
    const float v = std::bit_cast<float>(bits(gen));
    if (!std::isnan(v)) x.push_back(v);
  }
  std::vector<float> ones(x.size(), 1.0f), dy(x.size());
  std::uniform_real_distribution<float> unit(-4.0f, 4.0f);
  for (float& v : dy) v = unit(gen);
  const std::vector<double> xd(x.begin(), x.end()), dyd(dy.begin(), dy.end()), onesd(x.size(), 1.0);

  const std::vector<std::int64_t> all = targets();
  for (const char* spec : {"sigmoid", "silu", "swish(beta=2)", "swish(beta=-0.25)", "exponential", "tanh",
                           "log_sigmoid", "softplus", "softplus(beta=0.5, threshold=8)", "elu", "selu",
                           "celu(alpha=0.5)", "torch:elu(alpha=0.3)", "gelu(approximate=tanh)", "mish"}) {
    const activ::Activation a = activ::parse(spec);
    const Slots s = activ::detail::ActivationAccess::slots(a);
    const Family family = activ::detail::ActivationAccess::entry(a).family;
    const activ::detail::Kernels& scalar = activ::detail::scalar_kernels(family);
    std::vector<double> want(x.size()), dwant(x.size()), gwant(x.size());
    scalar.forward_f64(s, xd.data(), want.data(), x.size());
    scalar.backward_f64(s, xd.data(), onesd.data(), dwant.data(), x.size());
    scalar.backward_f64(s, xd.data(), dyd.data(), gwant.data(), x.size());
    std::vector<float> got(x.size()), dgot(x.size()), ggot(x.size());
    for (const std::int64_t target : all) {
      hwy::SetSupportedTargetsForTest(target);
      const bool wide16 = (target & (HWY_AVX3 | HWY_AVX3_DL)) != 0;
      const double bar = wide16 ? 0.565 : 0.623;
      // tanh: its series side; the elu family: exp32::Expm1 next to |x| = L/2; mish: its
      // sensitivity 4/3 to the exp's error.
      const std::string name(spec);
      const bool elu = name.find("elu") != std::string::npos;
      const double forward_bar = name == "tanh"   ? (wide16 ? 0.65 : 0.67)
                                 : elu              ? std::max(bar, 0.585)
                                 : name == "mish"   ? (wide16 ? 0.586 : 0.663)
                                                    : bar;
      activ::detail::kernels(family).forward_f32(s, x.data(), got.data(), x.size());
      activ::detail::kernels(family).backward_f32(s, x.data(), ones.data(), dgot.data(), x.size());
      activ::detail::kernels(family).backward_f32(s, x.data(), dy.data(), ggot.data(), x.size());
      double worst[3] = {0, 0, 0};
      std::size_t at[3] = {0, 0, 0};
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double e[3] = {float_ulps_from(got[i], want[i]), float_ulps_from(dgot[i], dwant[i]),
                             float_ulps_from(ggot[i], gwant[i])};
        for (int k = 0; k < 3; ++k)
          if (e[k] > worst[k]) worst[k] = e[k], at[k] = i;
      }
      std::printf("[float-lanes] %-32s %-8s forward %.3f (bar %.3f), f' %.3f, dy f' %.3f ULP (bar %.3f)\n", spec,
                  hwy::TargetName(target), worst[0], forward_bar, worst[1], worst[2], bar);
      const char* what[3] = {"forward", "f'", "dy f'"};
      for (int k = 0; k < 3; ++k)
        EXPECT_LE(worst[k], k == 0 ? forward_bar : bar) << spec << " " << what[k] << " on " << hwy::TargetName(target) << " at x=" << x[at[k]]
                                 << " dy=" << (k == 2 ? dy[at[k]] : 1.0f);
    }
    hwy::SetSupportedTargetsForTest(0);
  }
}
