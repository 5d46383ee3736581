// activ::Activation: forward/backward on float and double spans, in-place aliasing,
// argument checks that leave the output untouched, the accessors, NaN propagation and
// the limits at +-inf for every catalogue entry, and rrelu's training mode.
#include <gtest/gtest.h>

#include <activ/activ.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using activ::Activation;
using activ::FunctionInfo;
using activ::ParamInfo;

template <class T>
constexpr T kInf = std::numeric_limits<T>::infinity();
template <class T>
constexpr T kNaN = std::numeric_limits<T>::quiet_NaN();

constexpr long double kSeluAlpha = 1.6732632423543772848170429916717L;
constexpr long double kSeluScale = 1.0507009873554804934193349852946L;

std::string str(std::string_view s) { return std::string(s); }

std::string default_spec(const FunctionInfo& f) {
  std::string args;
  for (const ParamInfo& p : f.params)
    if (p.required) args += (args.empty() ? "" : ", ") + str(p.name) + "=" + (p.name == "threshold" ? "0.5" : "-2");
  return args.empty() ? str(f.name) : str(f.name) + "(" + args + ")";
}

// Every entry with its defaults, plus parameter values that change the tails or the
// kinks (negative slopes, alpha != 1, beta != 1, bounds, training-mode rrelu).
std::vector<std::string> all_specs() {
  std::vector<std::string> specs;
  for (const FunctionInfo& f : activ::catalog())
    if (f.kind == activ::Kind::elementwise) specs.push_back(default_spec(f));  // axis entries: test_tensor_*
  for (const char* s :
       {"elu(alpha=2)", "elu(alpha=0)", "celu(alpha=0.5)", "torch:celu(alpha=3)", "jax:elu(alpha=0.25)",
        "softplus(beta=2, threshold=5)", "softplus(threshold=None)", "softplus(beta=0.5)", "swish(beta=2)",
        "swish(beta=-1)", "swish(beta=0)", "tf:silu(beta=0.5)", "leaky_relu(negative_slope=-0.5)",
        "leaky_relu(negative_slope=0)", "prelu(weight=2)", "relu(negative_slope=0.1, max_value=6, threshold=1)",
        "relu(negative_slope=0.2)", "relu(max_value=3)", "keras:relu(max_value=6)", "keras:relu(threshold=-1)",
        "keras2:relu(alpha=0.3, threshold=2)", "squareplus(b=0)", "squareplus(b=1)", "hard_tanh(min_val=-2, max_val=3)",
        "threshold(threshold=-1, value=5)", "thresholded_relu(theta=-0.5)", "hard_shrink(lambd=0)",
        "soft_shrink(lambd=2)", "gelu(approximate=tanh)", "jax:gelu(approximate=false)",
        "rrelu(training=true, seed=3)", "rrelu(lower=0.5, upper=0.5)", "torch:rrelu(training=true, lower=0, upper=1)"})
    specs.push_back(s);
  return specs;
}

template <class T>
std::vector<T> fwd(const Activation& a, const std::vector<T>& x) {
  std::vector<T> y(x.size(), T(-777));
  a.forward(std::span<const T>(x), std::span<T>(y));
  return y;
}
template <class T>
std::vector<T> bwd(const Activation& a, const std::vector<T>& x, const std::vector<T>& dy) {
  std::vector<T> dx(x.size(), T(-777));
  a.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx));
  return dx;
}
template <class T>
T fwd1(const Activation& a, T x) {
  return fwd<T>(a, {x})[0];
}
template <class T>
T bwd1(const Activation& a, T x, T dy = 1) {
  return bwd<T>(a, {x}, {dy})[0];
}

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

template <class T>
std::vector<T> sample_inputs() {
  std::vector<T> x = {T(0),    -T(0),  T(1),   T(-1),   T(0.5), T(-0.5), T(3),     T(-3),   T(6),  T(2.5),
                      T(-2.5), T(7.25), T(-7.25), T(20), T(21),  T(-30),  T(1e-3), T(-1e-3), T(100), T(-100),
                      kInf<T>, -kInf<T>, kNaN<T>};
  for (int i = -40; i <= 40; ++i) x.push_back(T(i) / T(4) + T(0.03125));
  return x;
}

// ---- forward and backward ------------------------------------------------------------

TEST(Api, FloatAgreesWithDoubleForEveryEntry) {
  // Every float result is the correctly rounded value, so it lies within one float ULP
  // of the double result; two ULP leave room for the double's own rounding.
  auto close = [](float got, double want) {
    if (std::isnan(want)) return std::isnan(got);
    if (std::isinf(want) || std::fabs(want) > std::numeric_limits<float>::max())
      return static_cast<double>(got) == static_cast<double>(static_cast<float>(want));
    const float wf = static_cast<float>(want);
    const float ulp = std::max(std::nextafter(std::fabs(wf), kInf<float>) - std::fabs(wf),
                               std::numeric_limits<float>::denorm_min());
    return std::fabs(static_cast<double>(got) - want) <= 2.0 * ulp;
  };
  for (const std::string& spec : all_specs()) {
    SCOPED_TRACE(spec);
    const Activation a = activ::parse(spec);
    const std::vector<float> xf = sample_inputs<float>();
    std::vector<double> xd(xf.begin(), xf.end());
    const std::vector<float> dyf(xf.size(), 1.5f);
    const std::vector<double> dyd(xf.size(), 1.5);
    const auto yf = fwd(a, xf);
    const auto yd = fwd(a, xd);
    const auto gf = bwd(a, xf, dyf);
    const auto gd = bwd(a, xd, dyd);
    for (std::size_t i = 0; i < xf.size(); ++i) {
      EXPECT_TRUE(close(yf[i], yd[i])) << "forward x=" << xf[i] << " float " << yf[i] << " double " << yd[i];
      EXPECT_TRUE(close(gf[i], gd[i])) << "backward x=" << xf[i] << " float " << gf[i] << " double " << gd[i];
    }
  }
}

TEST(Api, BackwardIsLinearInDy) {
  for (const std::string& spec : all_specs()) {
    SCOPED_TRACE(spec);
    const Activation a = activ::parse(spec);
    std::vector<double> x = sample_inputs<double>();
    x.erase(std::remove_if(x.begin(), x.end(), [](double v) { return !std::isfinite(v); }), x.end());
    const auto g1 = bwd(a, x, std::vector<double>(x.size(), 1.0));
    const auto g2 = bwd(a, x, std::vector<double>(x.size(), -2.5));
    const auto g0 = bwd(a, x, std::vector<double>(x.size(), 0.0));
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!std::isfinite(g1[i])) continue;  // exponential at large x
      EXPECT_NEAR(g2[i], -2.5 * g1[i], 4 * std::numeric_limits<double>::epsilon() * std::fabs(2.5 * g1[i]) + 1e-300)
          << "x=" << x[i];
      EXPECT_EQ(g0[i], 0.0) << "x=" << x[i];
    }
  }
}

// y may be x itself; dx may be x, dy, or both. In place must give the same bits.
template <class T>
void check_in_place(const std::string& spec) {
  SCOPED_TRACE(spec);
  const Activation a = activ::parse(spec);
  const std::vector<T> x = sample_inputs<T>();
  std::vector<T> dy(x.size());
  for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = T(0.75) - T(i % 7) / T(3);
  const auto y = fwd(a, x);
  const auto dx = bwd(a, x, dy);

  std::vector<T> buf = x;
  a.forward(std::span<const T>(buf), std::span<T>(buf));
  EXPECT_TRUE(same_bits(buf, y)) << "forward with y == x";

  std::vector<T> g = dy;  // dx aliases dy
  a.backward(std::span<const T>(x), std::span<const T>(g), std::span<T>(g));
  EXPECT_TRUE(same_bits(g, dx)) << "backward with dx == dy";

  std::vector<T> xs = x;  // dx aliases x
  a.backward(std::span<const T>(xs), std::span<const T>(dy), std::span<T>(xs));
  EXPECT_TRUE(same_bits(xs, dx)) << "backward with dx == x";

  std::vector<T> all = x;  // x, dy and dx are one buffer
  const auto expect_all = bwd(a, x, x);
  a.backward(std::span<const T>(all), std::span<const T>(all), std::span<T>(all));
  EXPECT_TRUE(same_bits(all, expect_all)) << "backward with dx == x == dy";
}

TEST(Api, InPlaceEqualsOutOfPlaceForEveryEntry) {
  for (const std::string& spec : all_specs()) {
    check_in_place<float>(spec);
    check_in_place<double>(spec);
  }
}

// ---- argument checks ---------------------------------------------------------------

template <class T>
void expect_throw_untouched(const char* what, auto&& call, const std::vector<T>& buffer_before,
                            const std::vector<T>& buffer_after, std::string_view substring) {
  try {
    call();
    ADD_FAILURE() << what << ": no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(substring), std::string::npos) << what << ": " << e.what();
  } catch (...) {
    ADD_FAILURE() << what << ": not std::invalid_argument";
  }
  EXPECT_TRUE(same_bits(buffer_before, buffer_after)) << what << ": the output buffer was written";
}

template <class T>
void check_argument_errors() {
  const T sentinel = T(12345.5);
  const Activation a = activ::parse("elu");
  const std::vector<T> x = {T(-1), T(0.5), T(2), T(-3)};
  const std::vector<T> dy = {T(1), T(1), T(1), T(1)};

  // Size mismatch: forward.
  {
    std::vector<T> y(3, sentinel);
    const auto before = y;
    expect_throw_untouched<T>("forward y shorter", [&] { a.forward(std::span<const T>(x), std::span<T>(y)); }, before,
                              y, "elements");
    std::vector<T> y5(5, sentinel);
    const auto before5 = y5;
    expect_throw_untouched<T>("forward y longer", [&] { a.forward(std::span<const T>(x), std::span<T>(y5)); }, before5,
                              y5, "elements");
  }
  // Size mismatch: backward (dy, dx).
  {
    std::vector<T> dx(4, sentinel);
    const auto before = dx;
    const std::vector<T> dy3(3, T(1));
    expect_throw_untouched<T>("backward dy shorter",
                              [&] { a.backward(std::span<const T>(x), std::span<const T>(dy3), std::span<T>(dx)); },
                              before, dx, "elements");
    std::vector<T> dx3(3, sentinel);
    const auto before3 = dx3;
    expect_throw_untouched<T>("backward dx shorter",
                              [&] { a.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx3)); },
                              before3, dx3, "elements");
  }
  // Partial overlap: forward y = buf[1..5), x = buf[0..4).
  {
    std::vector<T> buf = {T(-1), T(0.5), T(2), T(-3), sentinel, sentinel};
    const auto before = buf;
    expect_throw_untouched<T>(
        "forward partial overlap",
        [&] { a.forward(std::span<const T>(buf.data(), 4), std::span<T>(buf.data() + 1, 4)); }, before, buf,
        "overlap");
    expect_throw_untouched<T>(
        "forward partial overlap (y before x)",
        [&] { a.forward(std::span<const T>(buf.data() + 2, 4), std::span<T>(buf.data(), 4)); }, before, buf,
        "overlap");
    // Same start, different length: a size mismatch, still nothing written.
    expect_throw_untouched<T>(
        "forward same start, shorter y",
        [&] { a.forward(std::span<const T>(buf.data(), 4), std::span<T>(buf.data(), 3)); }, before, buf, "elements");
  }
  // Partial overlap: backward dx with x, and dx with dy.
  {
    std::vector<T> buf = {T(-1), T(0.5), T(2), T(-3), sentinel, sentinel};
    const auto before = buf;
    expect_throw_untouched<T>("backward dx overlaps x",
                              [&] {
                                a.backward(std::span<const T>(buf.data(), 4), std::span<const T>(dy),
                                           std::span<T>(buf.data() + 1, 4));
                              },
                              before, buf, "overlap");
    expect_throw_untouched<T>("backward dx overlaps dy",
                              [&] {
                                a.backward(std::span<const T>(x), std::span<const T>(buf.data() + 1, 4),
                                           std::span<T>(buf.data(), 4));
                              },
                              before, buf, "overlap");
  }
  // Inputs may overlap each other: x and dy are only read.
  {
    std::vector<T> buf = {T(-1), T(0.5), T(2), T(-3), T(4)};
    std::vector<T> dx(4, sentinel);
    EXPECT_NO_THROW(a.backward(std::span<const T>(buf.data(), 4), std::span<const T>(buf.data() + 1, 4),
                               std::span<T>(dx)));
    EXPECT_EQ(dx[2], T(-3) * T(1));  // elu'(2) = 1 times dy = buf[3]
  }
}

TEST(Api, SizeMismatchAndPartialOverlapThrowWithoutWriting) {
  check_argument_errors<float>();
  check_argument_errors<double>();
}

TEST(Api, EmptySpansAreFine) {
  for (const std::string& spec : all_specs()) {
    const Activation a = activ::parse(spec);
    std::vector<float> ef;
    std::vector<double> ed;
    EXPECT_NO_THROW(a.forward(std::span<const float>(ef), std::span<float>(ef))) << spec;
    EXPECT_NO_THROW(a.forward(std::span<const double>(), std::span<double>())) << spec;
    EXPECT_NO_THROW(a.backward(std::span<const float>(), std::span<const float>(), std::span<float>())) << spec;
    EXPECT_NO_THROW(a.backward(std::span<const double>(ed), std::span<const double>(ed), std::span<double>(ed))) << spec;
  }
  // An empty input with a non-empty output is a size mismatch.
  const Activation a = activ::parse("relu");
  std::vector<double> y(2, 7.0);
  EXPECT_THROW(a.forward(std::span<const double>(), std::span<double>(y)), std::invalid_argument);
  EXPECT_EQ(y[0], 7.0);
}

TEST(Api, NameInfoAndParam) {
  const Activation a = activ::parse("torch:elu(alpha=2)");
  EXPECT_EQ(a.name(), "torch:elu");
  EXPECT_EQ(&a.info(), activ::find_function("torch:elu"));
  EXPECT_EQ(a.info().framework, activ::Framework::torch);
  EXPECT_EQ(a.info().family, "elu");
  EXPECT_EQ(a.param("alpha"), 2.0);
  EXPECT_EQ(a.to_string(), "torch:elu(alpha=2)");

  const Activation alias = activ::parse("hardswish");
  EXPECT_EQ(alias.name(), "hard_swish");
  EXPECT_EQ(activ::parse("keras:swish").name(), "keras:silu");

  const Activation g = activ::parse("gelu(approximate=tanh)");
  EXPECT_EQ(g.param("approximate"), 1.0);  // a choice's value is its index
  EXPECT_EQ(activ::parse("jax:gelu").param("approximate"), 1.0);
  EXPECT_EQ(activ::parse("relu").param("max_value"), kInf<double>);
  EXPECT_EQ(activ::parse("rrelu(training=true, seed=42)").param("seed"), 42.0);
  EXPECT_EQ(activ::parse("rrelu(training=true)").param("training"), 1.0);
  EXPECT_EQ(activ::parse("torch:softplus").param("threshold"), 20.0);

  try {
    (void)a.param("beta");
    ADD_FAILURE() << "param(\"beta\") should throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("beta"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)activ::parse("relu6").param("alpha"), std::invalid_argument);
  EXPECT_THROW((void)a.param(""), std::invalid_argument);
  EXPECT_THROW((void)a.param("ALPHA"), std::invalid_argument);

  // Copies compare equal; different parameters or entries do not.
  const Activation copy = a;
  EXPECT_TRUE(copy == a);
  EXPECT_FALSE(a == activ::parse("torch:elu"));
  EXPECT_FALSE(activ::parse("elu") == activ::parse("torch:elu"));
}

// ---- NaN and infinities --------------------------------------------------------------

template <class T>
void check_nan(const std::string& spec) {
  SCOPED_TRACE(spec + (sizeof(T) == 4 ? " float" : " double"));
  const Activation a = activ::parse(spec);
  const std::vector<T> x = {kNaN<T>, -kNaN<T>, T(1), T(-1), T(0), kInf<T>};
  const auto y = fwd(a, x);
  EXPECT_TRUE(std::isnan(y[0])) << "f(NaN) = " << y[0];
  EXPECT_TRUE(std::isnan(y[1])) << "f(-NaN) = " << y[1];
  const auto g = bwd(a, x, std::vector<T>(x.size(), T(1)));
  EXPECT_TRUE(std::isnan(g[0])) << "f'(NaN) = " << g[0];
  EXPECT_TRUE(std::isnan(g[1])) << "f'(-NaN) = " << g[1];
  // A NaN upstream gradient gives a NaN gradient at finite points.
  const auto gn = bwd(a, x, std::vector<T>(x.size(), kNaN<T>));
  for (std::size_t i = 0; i < 5; ++i) EXPECT_TRUE(std::isnan(gn[i])) << "dy = NaN at x = " << x[i] << ": " << gn[i];
}

TEST(Api, NaNPropagatesForEveryEntry) {
  for (const std::string& spec : all_specs()) {
    check_nan<float>(spec);
    check_nan<double>(spec);
  }
}

// The limit at +-inf, read from the value at +-1e300 in double: beyond 1e100 it is
// infinite, below 1e-100 it is zero, otherwise the function has settled to its limit
// (every catalogue function is monotone or constant in its tails).
double settle(double v) {
  if (std::isnan(v)) return v;
  if (std::fabs(v) >= 1e100) return std::copysign(kInf<double>, v);
  if (std::fabs(v) <= 1e-100) return 0.0;
  return v;
}

template <class T>
void expect_limit(T got, double want, const std::string& what) {
  if (std::isnan(want)) {  // outside the domain (log1mexp below 0)
    EXPECT_TRUE(std::isnan(got)) << what << " = " << got << " outside the domain";
    return;
  }
  ASSERT_FALSE(std::isnan(got)) << what << " is NaN";
  const T w = static_cast<T>(want);
  if (std::isinf(w) || w == 0) {
    EXPECT_EQ(got, w) << what;
  } else {
    EXPECT_NEAR(got, w, 8 * std::numeric_limits<T>::epsilon() * std::fabs(w)) << what;
  }
}

template <class T>
void check_infinities(const std::string& spec) {
  SCOPED_TRACE(spec + (sizeof(T) == 4 ? " float" : " double"));
  const Activation a = activ::parse(spec);
  const std::vector<double> big = {-1e300, 1e300};
  const auto fb = fwd(a, big);
  const auto gb = bwd(a, big, {1.0, 1.0});
  const std::vector<T> inf = {-kInf<T>, kInf<T>};
  const auto fi = fwd(a, inf);
  const auto gi = bwd(a, inf, {T(1), T(1)});
  expect_limit(fi[0], settle(fb[0]), "f(-inf)");
  expect_limit(fi[1], settle(fb[1]), "f(+inf)");
  expect_limit(gi[0], settle(gb[0]), "f'(-inf)");
  expect_limit(gi[1], settle(gb[1]), "f'(+inf)");
}

TEST(Api, InfinitiesGiveTheLimitsForEveryEntry) {
  for (const std::string& spec : all_specs()) {
    check_infinities<float>(spec);
    check_infinities<double>(spec);
  }
}

// The same limits stated explicitly, so that the tail evaluation above is not the only
// witness.
TEST(Api, ExplicitLimits) {
  struct Case {
    const char* spec;
    double at_minus, at_plus, d_minus, d_plus;
  };
  const double inf = kInf<double>;
  const double selu_sat = -static_cast<double>(kSeluScale * kSeluAlpha);
  const std::vector<Case> cases = {
      {"sigmoid", 0, 1, 0, 0},
      {"jax:sigmoid", 0, 1, 0, 0},
      {"gelu", 0, inf, 0, 1},
      {"jax:gelu", 0, inf, 0, 1},
      {"silu", 0, inf, 0, 1},
      {"swish(beta=2)", 0, inf, 0, 1},
      {"softsign", -1, 1, 0, 0},
      {"elu", -1, inf, 0, 1},
      {"elu(alpha=2)", -2, inf, 0, 1},
      {"torch:elu(alpha=0.5)", -0.5, inf, 0, 1},
      {"tf:elu", -1, inf, 0, 1},
      {"celu(alpha=2)", -2, inf, 0, 1},
      {"selu", selu_sat, inf, 0, static_cast<double>(kSeluScale)},
      {"tf:selu", selu_sat, inf, 0, static_cast<double>(kSeluScale)},
      {"log_sigmoid", -inf, 0, 1, 0},
      {"tanh_shrink", -inf, inf, 1, 1},
      {"mish", 0, inf, 0, 1},
      {"tanh", -1, 1, 0, 0},
      {"softplus", 0, inf, 0, 1},
      {"keras:softplus", 0, inf, 0, 1},
      {"exponential", 0, inf, 0, inf},
      {"hard_swish", 0, inf, 0, 1},
      {"hard_sigmoid", 0, 1, 0, 0},
      {"keras2:hard_sigmoid", 0, 1, 0, 0},
      {"relu6", 0, 6, 0, 0},
      {"hard_tanh", -1, 1, 0, 0},
      {"hard_tanh(min_val=-2, max_val=3)", -2, 3, 0, 0},
      {"relu", 0, inf, 0, 1},
      {"leaky_relu", -inf, inf, 0.01, 1},
      {"leaky_relu(negative_slope=-0.5)", inf, inf, -0.5, 1},
      {"prelu", -inf, inf, 0.25, 1},
      {"rrelu", -inf, inf, (1.0 / 8 + 1.0 / 3) / 2, 1},
      {"sparse_plus", 0, inf, 0, 1},
      {"sparse_sigmoid", 0, 1, 0, 0},
      {"squareplus", 0, inf, 0, 1},
      {"threshold(threshold=0.5, value=-2)", -2, inf, 0, 1},
      {"thresholded_relu", 0, inf, 0, 1},
      {"hard_shrink", -inf, inf, 1, 1},
      {"soft_shrink", -inf, inf, 1, 1},
      {"linear", -inf, inf, 1, 1},
      {"keras:relu(max_value=6)", 0, 6, 0, 0},
      {"relu(negative_slope=0.1, threshold=1)", -inf, inf, 0.1, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    const Activation a = activ::parse(c.spec);
    expect_limit(fwd1(a, -kInf<double>), c.at_minus, "f(-inf) double");
    expect_limit(fwd1(a, kInf<double>), c.at_plus, "f(+inf) double");
    expect_limit(bwd1(a, -kInf<double>), c.d_minus, "f'(-inf) double");
    expect_limit(bwd1(a, kInf<double>), c.d_plus, "f'(+inf) double");
    expect_limit(fwd1(a, -kInf<float>), c.at_minus, "f(-inf) float");
    expect_limit(fwd1(a, kInf<float>), c.at_plus, "f(+inf) float");
    expect_limit(bwd1(a, -kInf<float>), c.d_minus, "f'(-inf) float");
    expect_limit(bwd1(a, kInf<float>), c.d_plus, "f'(+inf) float");
  }
}

// ---- rrelu --------------------------------------------------------------------------

template <class T>
void check_rrelu_training(const char* name) {
  SCOPED_TRACE(std::string(name) + (sizeof(T) == 4 ? " float" : " double"));
  const double lower = 0.1, upper = 0.4;
  const std::string base = std::string(name) + "(lower=0.1, upper=0.4, training=true, seed=";
  const Activation a1 = activ::parse(base + "1)");
  const Activation a1b = activ::parse(base + "1)");
  const Activation a2 = activ::parse(base + "2)");
  const std::size_t n = 4096;
  // Powers of two, so y = slope * x is exact and the slope can be read back.
  std::vector<T> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = (i % 3 == 0) ? T(-1) : (i % 3 == 1 ? T(-2) : T(-0.5));
  const auto y1 = fwd(a1, x);
  const auto y1b = fwd(a1b, x);
  const auto y1c = fwd(a1, x);
  const auto y2 = fwd(a2, x);
  EXPECT_TRUE(same_bits(y1, y1b)) << "same seed, same outputs";
  EXPECT_TRUE(same_bits(y1, y1c)) << "the same Activation twice, same outputs";
  std::size_t differ = 0;
  for (std::size_t i = 0; i < n; ++i) differ += y1[i] != y2[i];
  EXPECT_GT(differ, n * 9 / 10) << "a different seed gives different slopes";

  const auto g1 = bwd(a1, x, std::vector<T>(n, T(1)));
  T lo = T(1), hi = T(0);
  double sum = 0;
  std::size_t distinct_from_first = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T slope = y1[i] / x[i];
    EXPECT_EQ(g1[i], slope) << "element " << i << ": backward slope differs from forward slope";
    EXPECT_GE(slope, T(lower)) << "element " << i;
    EXPECT_LE(slope, T(upper)) << "element " << i;
    lo = std::min(lo, slope);
    hi = std::max(hi, slope);
    sum += slope;
    distinct_from_first += slope != y1[0] / x[0];
  }
  EXPECT_GT(distinct_from_first, n * 9 / 10) << "one slope per element";
  // Uniform on [lower, upper]: spread over the whole interval, mean in the middle.
  EXPECT_LT(lo, T(lower + 0.01 * (upper - lower)));
  EXPECT_GT(hi, T(upper - 0.01 * (upper - lower)));
  EXPECT_NEAR(sum / n, (lower + upper) / 2, 0.01);

  // Positive inputs pass through with gradient 1 in training mode too.
  const std::vector<T> pos = {T(0.5), T(3), T(1e-3)};
  EXPECT_TRUE(same_bits(fwd(a1, pos), pos));
  const auto gp = bwd(a1, pos, std::vector<T>(3, T(2)));
  for (T v : gp) EXPECT_EQ(v, T(2));
}

TEST(Rrelu, TrainingModeSlopes) {
  check_rrelu_training<float>("rrelu");
  check_rrelu_training<double>("rrelu");
  check_rrelu_training<float>("torch:rrelu");
  check_rrelu_training<double>("torch:rrelu");
}

TEST(Rrelu, TrainingSlopesAgreeBetweenFloatAndDouble) {
  const Activation a = activ::parse("rrelu(training=true, seed=7)");
  const std::vector<float> xf(256, -1.0f);
  const std::vector<double> xd(256, -1.0);
  const auto yf = fwd(a, xf);
  const auto yd = fwd(a, xd);
  for (std::size_t i = 0; i < xf.size(); ++i) EXPECT_EQ(yf[i], static_cast<float>(yd[i])) << i;
}

TEST(Rrelu, EvalModeIsLeakyReluWithTheMeanSlope) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"rrelu", "leaky_relu(negative_slope=0.22916666666666666)"},
      {"torch:rrelu", "torch:leaky_relu(negative_slope=0.22916666666666666)"},
      {"rrelu(lower=0.1, upper=0.4)", "leaky_relu(negative_slope=0.25)"},
      {"rrelu(lower=0.1, upper=0.4, training=false, seed=9)", "leaky_relu(negative_slope=0.25)"},
      {"torch:rrelu(lower=-0.5, upper=0.3)", "torch:leaky_relu(negative_slope=-0.1)"},
  };
  EXPECT_EQ((1.0 / 8 + 1.0 / 3) / 2, 0.22916666666666666);
  for (const auto& [r, l] : pairs) {
    SCOPED_TRACE(r + " vs " + l);
    const Activation ar = activ::parse(r), al = activ::parse(l);
    for (int t = 0; t < 2; ++t) {
      const std::vector<double> x = sample_inputs<double>();
      const std::vector<double> dy(x.size(), 1.25);
      EXPECT_TRUE(same_bits(fwd(ar, x), fwd(al, x))) << "forward";
      EXPECT_TRUE(same_bits(bwd(ar, x, dy), bwd(al, x, dy))) << "backward";
      const std::vector<float> xf = sample_inputs<float>();
      const std::vector<float> dyf(xf.size(), 1.25f);
      EXPECT_TRUE(same_bits(fwd(ar, xf), fwd(al, xf))) << "forward float";
      EXPECT_TRUE(same_bits(bwd(ar, xf, dyf), bwd(al, xf, dyf))) << "backward float";
    }
  }
}

}  // namespace
