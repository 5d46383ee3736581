// Backward from the forward's output (Activation::backward_from_output for elementwise
// entries: sigmoid, tanh, relu, elu / selu / celu, exponential), float32 and float64:
//  - for the y given, dx is the correctly rounded dy * f'(f^-1(y)) (within 0.5 ULP plus
//    the wide type's rounding; checked against 256-bit MPFR with dy = 1);
//  - relative to the x that produced y, within the derivative bar of 2 ULP wherever y's
//    own rounding is not amplified (|d ln f' / d ln y| <= 1: sigmoid x <= ln 2, tanh
//    |x| <= 0.65, elu x >= -d ln 2, exponential and relu everywhere), checked against
//    the oracle's f'(x); beyond, the measured maximum is printed (docs/accuracy.md);
//  - NaN gives NaN, strided tensors give the span result, bad settings throw and write
//    nothing.
#include <gtest/gtest.h>
#include <mpfr.h>

#include <activ/activ.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "catalog/entry.hpp"
#include "kernels/kernels.hpp"
#include "reference/mpfr_real.hpp"
#include "reference/reference.hpp"

namespace {

using activ::Activation;
using activ::detail::Family;
using activ::reference::mpfr::Real;
constexpr mpfr_rnd_t N = MPFR_RNDN;

// f'(x) at the x with f(x) = y, from y alone, exactly (the math of each family, stated
// here independently of the kernels).
long double exact_from_output(const Activation& a, long double y_value) {
  const activ::detail::Slots s = activ::detail::ActivationAccess::slots(a);
  Real y, r, t;
  mpfr_set_ld(y, y_value, N);
  switch (activ::detail::ActivationAccess::entry(a).family) {
    case Family::sigmoid:  // y (1 - y)
      mpfr_ui_sub(t, 1, y, N);
      mpfr_mul(r, y, t, N);
      break;
    case Family::tanh:  // 1 - y^2
      mpfr_sqr(t, y, N);
      mpfr_ui_sub(r, 1, t, N);
      break;
    case Family::exponential: mpfr_set(r, y, N); break;
    case Family::relu: mpfr_set_ui(r, y_value > 0 ? 1 : 0, N); break;
    case Family::elu: {  // scale above 0; the kink convention at y = 0; (y + scale alpha) / d below
      Real scale, c, d;
      mpfr_set_ld(scale, s[1], N);
      mpfr_set_ld(c, s[0], N);
      mpfr_mul(c, c, scale, N);
      mpfr_set_ld(d, s[2], N);
      if (y_value > 0 || (y_value == 0 && s[3] != 0)) {
        mpfr_set(r, scale, N);
      } else {
        mpfr_add(t, y, c, N);
        mpfr_div(r, t, d, N);
      }
      break;
    }
    default: ADD_FAILURE() << "no from-output formula for " << a.name(); return NAN;
  }
  return mpfr_get_ld(r, N);
}

// |got - exact| in ULP of T at `exact` (long double has 64 bits: enough for T's ULP).
template <class T>
double ulp_distance(T got, long double exact) {
  if (std::isnan(got) || std::isnan(exact)) return std::isnan(got) && std::isnan(exact) ? 0 : INFINITY;
  const long double a = std::fabs(exact);
  int e = 0;
  std::frexp(a, &e);
  if (a == 0) e = std::numeric_limits<T>::min_exponent;
  const long double ulp =
      std::ldexp(1.0L, std::max(e, std::numeric_limits<T>::min_exponent) - std::numeric_limits<T>::digits);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - exact) / ulp);
}

// Where y's rounding is not amplified: |d ln f' / d ln y| <= 1 (header).
bool well_conditioned(const Activation& a, double x) {
  const activ::detail::Slots s = activ::detail::ActivationAccess::slots(a);
  switch (activ::detail::ActivationAccess::entry(a).family) {
    case Family::sigmoid: return x <= 0.6931;
    case Family::tanh: return std::fabs(x) <= 0.65;
    case Family::elu: return x >= -static_cast<double>(s[2]) * 0.6931;
    default: return true;
  }
}

// Every `stride`-th float32 bit pattern (both signs, every exponent, ±inf, NaN).
std::vector<float> float_samples(std::uint32_t stride) {
  std::vector<float> x;
  for (std::uint64_t b = 0; b <= 0xffffffffu; b += stride) x.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(b)));
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 0.5f, -0.5f, 1.0f, -1.0f, 20.0f, -20.0f, 88.0f, -88.0f, -104.0f})
    x.push_back(v);
  return x;
}

std::vector<double> double_samples() {
  std::vector<double> x;
  for (int i = -4000; i <= 4000; ++i) x.push_back(i * 0.01 + 0.003);  // dense around the bends
  for (int e = -1070; e <= 1023; e += 7) {
    x.push_back(std::ldexp(1.37, e));
    x.push_back(-std::ldexp(1.37, e));
  }
  for (double v : {0.0, -0.0, 700.0, -700.0, 745.0, -745.0}) x.push_back(v);
  return x;
}

std::vector<std::string> specs() {
  std::vector<std::string> out;
  for (const activ::FunctionInfo& f : activ::catalog())
    if (f.kind == activ::Kind::elementwise && f.backward_from_output) out.emplace_back(f.name);
  for (const char* s : {"elu(alpha=0.5)", "celu(alpha=2)", "torch:celu(alpha=0.25)", "keras:elu(alpha=3)"})
    out.emplace_back(s);
  return out;
}

struct Measured {
  double given_y = 0, at_x = 0, at_x_anywhere = 0;
};

template <class T>
Measured measure(const Activation& a, const std::vector<T>& x) {
  std::vector<T> y(x.size()), dx(x.size()), ones(x.size(), T(1));
  a.forward(std::span<const T>(x), std::span<T>(y));
  a.backward_from_output(std::span<const T>(y), std::span<const T>(ones), std::span<T>(dx));
  Measured m;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) {
      EXPECT_TRUE(std::isnan(dx[i])) << a.to_string() << " y = NaN gave " << dx[i];
      continue;
    }
    if (std::isinf(y[i])) continue;  // exponential's overflow: no finite x-derivative to compare
    const double given = ulp_distance<T>(dx[i], exact_from_output(a, y[i]));
    EXPECT_LE(given, 0.5001) << a.to_string() << " y = " << y[i] << " (x = " << x[i] << "): dx = " << dx[i];
    m.given_y = std::max(m.given_y, given);
    if (std::isinf(x[i])) continue;
    const double err = std::is_same_v<T, float>
                           ? activ::reference::ulp_error_f32(a, activ::reference::What::derivative, float(x[i]), float(dx[i]))
                           : activ::reference::ulp_error_f64(a, activ::reference::What::derivative, double(x[i]), double(dx[i]));
    m.at_x_anywhere = std::max(m.at_x_anywhere, err);
    if (well_conditioned(a, double(x[i]))) {
      EXPECT_LE(err, 2.0) << a.to_string() << " x = " << x[i] << ", y = " << y[i] << ": dx = " << dx[i];
      m.at_x = std::max(m.at_x, err);
    }
  }
  return m;
}

TEST(BackwardFromOutput, Float32CorrectForTheGivenYAndWithinTheBarWhereWellConditioned) {
  const std::vector<float> x = float_samples(65537);
  for (const std::string& spec : specs()) {
    const Measured m = measure<float>(activ::parse(spec), x);
    std::printf("  %-24s f32: %.3f ULP given y, %.3f ULP at x where well conditioned, %.3g anywhere\n", spec.c_str(),
                m.given_y, m.at_x, m.at_x_anywhere);
  }
}

TEST(BackwardFromOutput, Float64CorrectForTheGivenYAndWithinTheBarWhereWellConditioned) {
  const std::vector<double> x = double_samples();
  for (const std::string& spec : specs()) {
    const Measured m = measure<double>(activ::parse(spec), x);
    std::printf("  %-24s f64: %.3f ULP given y, %.3f ULP at x where well conditioned, %.3g anywhere\n", spec.c_str(),
                m.given_y, m.at_x, m.at_x_anywhere);
  }
}

// The float32 SIMD bodies (elementwise.cc) promise the scalar kernels' bits: every 1021st
// float32 bit pattern as y (NaN, infinities, subnormals included) with varied dy, over a
// length that leaves a partial last vector.
TEST(BackwardFromOutput, SimdBodiesGiveTheScalarKernelsBits) {
  std::vector<float> y, dy;
  for (std::uint64_t b = 0; b <= 0xffffffffu; b += 1021) {
    y.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(b)));
    dy.push_back(static_cast<float>(static_cast<int>(b % 7) - 3) * 0.37f);
  }
  y.resize(y.size() - 5), dy.resize(y.size());
  for (const char* spec : {"sigmoid", "tanh", "exponential", "relu", "elu", "selu", "celu(alpha=0.7)", "elu(alpha=2)"}) {
    const Activation a = activ::parse(spec);
    const auto& entry = activ::detail::ActivationAccess::entry(a);
    const activ::detail::Slots slots = activ::detail::ActivationAccess::slots(a);
    std::vector<float> simd(y.size()), scalar(y.size());
    activ::detail::kernels(entry.family).backward_from_output_f32(slots, y.data(), dy.data(), simd.data(), y.size());
    activ::detail::scalar_kernels(entry.family).backward_from_output_f32(slots, y.data(), dy.data(), scalar.data(),
                                                                          y.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (std::bit_cast<std::uint32_t>(simd[i]) != std::bit_cast<std::uint32_t>(scalar[i]) &&
          !(std::isnan(simd[i]) && std::isnan(scalar[i])) && differ++ < 5)
        ADD_FAILURE() << spec << " y = " << y[i] << " dy = " << dy[i] << ": SIMD " << simd[i] << ", scalar " << scalar[i];
    EXPECT_EQ(differ, 0u) << spec;
  }
}

TEST(BackwardFromOutput, MultipliesByDyAndMatchesTheTensorPath) {
  const Activation a = activ::parse("sigmoid");
  std::vector<float> x{-3, -1, 0, 1, 3, 7}, y(6), dy{2, -1, 0.5f, 4, -3, 1}, dx(6), dx_t(6);
  a.forward(std::span<const float>(x), std::span<float>(y));
  a.backward_from_output(std::span<const float>(y), std::span<const float>(dy), std::span<float>(dx));
  for (std::size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(dx[i], static_cast<float>(double(dy[i]) * (double(y[i]) * (1 - double(y[i])))));
  // The same data as a strided 2x3 view (transposed): the span result, element by element.
  activ::ConstTensorView<float> yv(y.data(), {3, 2}, {1, 3}), dyv(dy.data(), {3, 2}, {1, 3});
  a.backward_from_output(yv, dyv, activ::TensorView<float>(dx_t.data(), {3, 2}, {1, 3}));
  EXPECT_EQ(dx_t, dx);
}

TEST(BackwardFromOutput, RefusesWhatTheOutputDoesNotDetermineAndWritesNothing) {
  std::vector<float> y{0.5f, 1}, dy{1, 1}, dx{7, 7};
  const auto refuses = [&](const char* spec, const char* message) {
    try {
      activ::parse(spec).backward_from_output(std::span<const float>(y), std::span<const float>(dy), std::span<float>(dx));
      ADD_FAILURE() << spec << " did not throw";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << spec << ": " << e.what();
    }
    EXPECT_EQ(dx, (std::vector<float>{7, 7})) << spec << " wrote into dx";
  };
  refuses("gelu", "not available for gelu");
  refuses("softplus", "not available for softplus");
  refuses("elu(alpha=0)", "needs alpha > 0");
  refuses("keras:relu(negative_slope=0.1)", "needs the plain relu");
  refuses("keras:relu(max_value=6)", "needs the plain relu");
  refuses("keras:relu(threshold=1)", "needs the plain relu");
  std::vector<float> short_dx(1);
  EXPECT_THROW(activ::parse("tanh").backward_from_output(std::span<const float>(y), std::span<const float>(dy),
                                                         std::span<float>(short_dx)),
               std::invalid_argument);
  EXPECT_FALSE(activ::parse("gelu").info().backward_from_output);
  EXPECT_TRUE(activ::parse("torch:sigmoid").info().backward_from_output);
}

}  // namespace
