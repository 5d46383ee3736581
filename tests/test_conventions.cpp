// The derivative conventions at kinks per framework (../shared/catalogue.md, section 6),
// the forward values at the kinks, and the signed zeros the frameworks produce.
// Every case is checked in float and double (all inputs are exact in both).
#include <gtest/gtest.h>

#include <activ/activ.hpp>

#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace {

using activ::Activation;

constexpr long double kSeluAlpha = 1.6732632423543772848170429916717L;
constexpr long double kSeluScale = 1.0507009873554804934193349852946L;
const double kScale = static_cast<double>(kSeluScale);
const double kScaleAlpha = static_cast<double>(kSeluScale * kSeluAlpha);

template <class T>
T forward(const std::string& spec, T x) {
  const Activation a = activ::parse(spec);
  T y = std::numeric_limits<T>::quiet_NaN();
  a.forward(std::span<const T>(&x, 1), std::span<T>(&y, 1));
  return y;
}
template <class T>
T derivative(const std::string& spec, T x) {
  const Activation a = activ::parse(spec);
  T dy = 1, dx = std::numeric_limits<T>::quiet_NaN();
  a.backward(std::span<const T>(&x, 1), std::span<const T>(&dy, 1), std::span<T>(&dx, 1));
  return dx;
}

template <class T>
void expect_value(T got, double want, const std::string& what) {
  const T w = static_cast<T>(want);
  if (w == 0 || std::isinf(w)) {
    EXPECT_EQ(got, w) << what;
  } else {
    EXPECT_NEAR(got, w, 4 * std::numeric_limits<T>::epsilon() * std::fabs(w)) << what;
  }
}

struct Case {
  std::string spec;
  double x;
  double want;
};

// f'(x) with dy = 1.
void expect_derivatives(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const std::string what = c.spec + "'(" + std::to_string(c.x) + ")";
    expect_value(derivative<double>(c.spec, c.x), c.want, what + " double");
    expect_value(derivative<float>(c.spec, static_cast<float>(c.x)), c.want, what + " float");
  }
}
void expect_forwards(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const std::string what = c.spec + "(" + std::to_string(c.x) + ")";
    expect_value(forward<double>(c.spec, c.x), c.want, what + " double");
    expect_value(forward<float>(c.spec, static_cast<float>(c.x)), c.want, what + " float");
  }
}

// ---- relu, leaky_relu, prelu, rrelu --------------------------------------------------

TEST(KinkConventions, ReluIsZeroAtZero) {
  // torch threshold_backward on y <= 0; TF ReluGrad g*(f > 0); JAX custom JVP.
  expect_derivatives({{"relu", 0, 0}, {"torch:relu", 0, 0}, {"tf:relu", 0, 0}, {"jax:relu", 0, 0}, {"keras:relu", 0, 0},
                      {"keras2:relu", 0, 0}});
  EXPECT_EQ(derivative<double>("relu", 1e-300), 1.0);
  EXPECT_EQ(derivative<double>("relu", -1e-300), 0.0);
  expect_forwards({{"relu", 0, 0}, {"torch:relu", 0, 0}, {"jax:relu", 0, 0}});
}

TEST(KinkConventions, LeakyReluAtZero) {
  expect_derivatives({
      {"torch:leaky_relu", 0, 0.01},                      // torch: slope at 0
      {"leaky_relu", 0, 0.01},                            // activ follows torch
      {"torch:leaky_relu(negative_slope=0.3)", 0, 0.3},   //
      {"tf:leaky_relu", 0, 0.2},                          // TF LeakyReluGrad: alpha at 0
      {"tf:leaky_relu(alpha=0.3)", 0, 0.3},               //
      {"keras:leaky_relu", 0, 0.2},                       // Keras 3 on TF: slope
      {"jax:leaky_relu", 0, 1},                           // JAX where(x >= 0, ...): 1
      {"jax:leaky_relu(negative_slope=0.3)", 0, 1},       //
      {"jax:leaky_relu", -1e-3, 0.01},                    //
      {"torch:prelu", 0, 0.25},                           // prelu: a at 0
      {"prelu(weight=0.1)", 0, 0.1},                      //
      {"rrelu", 0, (1.0 / 8 + 1.0 / 3) / 2},              // eval: leaky_relu with (l+u)/2
      {"torch:rrelu(lower=0.1, upper=0.3)", 0, 0.2},      //
  });
  // The derivative at -0.0 equals the one at +0.0.
  expect_derivatives({{"torch:leaky_relu", -0.0, 0.01}, {"jax:leaky_relu", -0.0, 1}});
  expect_forwards({{"leaky_relu", 0, 0}, {"jax:leaky_relu", 0, 0}});
}

TEST(KinkConventions, RreluTrainingUsesTheElementSlopeAtZero) {
  const Activation a = activ::parse("torch:rrelu(lower=0.1, upper=0.4, training=true, seed=5)");
  const std::vector<double> x = {-1, -1, -1, -1, -1, -1, -1, -1};
  std::vector<double> zeros(x.size(), 0.0), y(x.size()), dz(x.size()), ones(x.size(), 1.0);
  a.forward(std::span<const double>(x), std::span<double>(y));
  a.backward(std::span<const double>(zeros), std::span<const double>(ones), std::span<double>(dz));
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(dz[i], -y[i]) << "x <= 0 uses r at x = 0, element " << i;
}

// Keras's relu with a slope plus a threshold or max_value is computed (keras/src/
// activations/activations.py, ReLU.static_call; tf_keras backend.relu is the same) as
//   x * cast(x > t)   [relu(x) or relu6(x) when t == 0], clipped to [0, max_value],
//   minus slope * relu(t - x).
// On the TensorFlow backend both parts have gradient 0 at x = t (cast(greater) has no
// gradient, ReluGrad is 0 at 0), so f'(t) = 0 there, not the slope. Only the pure
// leaky_relu path (slope, no max_value, t == 0) has f'(0) = slope (LeakyReluGrad).
TEST(KinkConventions, KerasReluAtThresholdFollowsTheTensorFlowBackend) {
  expect_derivatives({
      {"keras:relu(negative_slope=0.1)", 0, 0.1},  // leaky_relu path
      {"keras:relu(negative_slope=0.1, threshold=1)", 0.5, 0.1},
      {"keras:relu(negative_slope=0.1, threshold=1)", 1.5, 1},
      {"keras:relu(negative_slope=0.1, threshold=1)", 1, 0},  // 0 from x*(x>t), 0 from relu'(0)
      {"keras:relu(negative_slope=0.1, max_value=5)", 0, 0},  // relu'(0) = 0 twice
      {"keras:relu(negative_slope=0.1, max_value=6)", 0, 0},  // relu6'(0) = 0, relu'(0) = 0
      {"keras2:relu(alpha=0.1, threshold=1)", 1, 0},
  });
  expect_forwards({{"keras:relu(negative_slope=0.1, threshold=1)", 1, 0}});
}

// ---- elu family ---------------------------------------------------------------------

TEST(KinkConventions, EluAtZero) {
  expect_derivatives({
      {"torch:elu", 0, 1},              // alpha from the x <= 0 branch
      {"torch:elu(alpha=2)", 0, 2},     //
      {"torch:elu(alpha=0.5)", 0, 0.5}, //
      {"elu(alpha=2)", 0, 2},           // activ follows torch
      {"jax:elu(alpha=2)", 0, 2},       // JAX where(x > 0, ...): alpha
      {"keras:elu(alpha=2)", 0, 2},     // Keras 3 on TF: where(x > 0, elu, alpha*elu)
      {"tf:elu", 0, 1},                 // TF EluGrad from the output y = 0: 1
      {"tf:elu", -1, std::exp(-1.0)},   //
      {"torch:elu(alpha=2)", -1, 2 * std::exp(-1.0)},
  });
  expect_forwards({{"torch:elu(alpha=2)", 0, 0}, {"tf:elu", 0, 0}});
}

TEST(KinkConventions, SeluAtZero) {
  expect_derivatives({
      {"torch:selu", 0, kScaleAlpha},  // ≈ 1.7581
      {"jax:selu", 0, kScaleAlpha},
      {"selu", 0, kScaleAlpha},
      {"tf:selu", 0, kScale},  // TF SeluGrad from the output: lambda ≈ 1.0507
      {"keras:selu", 0, kScale},
      {"torch:selu", 1, kScale},
      {"tf:selu", -1, kScaleAlpha * std::exp(-1.0)},
  });
  EXPECT_NEAR(derivative<double>("torch:selu", 0.0), 1.7580993408473766, 1e-15);
  EXPECT_NEAR(derivative<double>("tf:selu", 0.0), 1.0507009873554805, 1e-15);
}

TEST(KinkConventions, CeluIsOneAtZero) {
  // torch: in_scale*alpha*e^0 = 1; JAX: max and min split the tie, 0.5 + 0.5 = 1.
  expect_derivatives({{"celu", 0, 1}, {"celu(alpha=2)", 0, 1}, {"torch:celu", 0, 1}, {"torch:celu(alpha=0.5)", 0, 1},
                      {"jax:celu", 0, 1}, {"jax:celu(alpha=3)", 0, 1}, {"keras:celu", 0, 1},
                      {"keras:celu(alpha=2)", 0, 1}, {"torch:celu(alpha=2)", -2, std::exp(-1.0)}});
}

// ---- clip family -----------------------------------------------------------------

TEST(KinkConventions, HardTanhBounds) {
  expect_derivatives({
      {"torch:hardtanh", -1, 0},  // torch: 0 at both bounds
      {"torch:hardtanh", 1, 0},
      {"hard_tanh", -1, 0},
      {"hard_tanh", 1, 0},
      {"hardtanh", 1, 0},
      {"torch:hardtanh(min_val=-2, max_val=3)", -2, 0},
      {"torch:hardtanh(min_val=-2, max_val=3)", 3, 0},
      {"torch:hardtanh(min_val=-2, max_val=3)", 2.5, 1},
      {"torch:hardtanh(min_val=-2, max_val=3)", -1, 1},
      {"jax:hard_tanh", -1, 1},  // JAX nested where: 1 at +-1
      {"jax:hard_tanh", 1, 1},
      {"jax:hard_tanh", 1.5, 0},
      {"torch:hardtanh", 0.5, 1},
      {"torch:hardtanh", 1.5, 0},
  });
  expect_forwards({{"torch:hardtanh", -1, -1}, {"torch:hardtanh", 1, 1}, {"jax:hard_tanh", 1, 1},
                   {"torch:hardtanh(min_val=-2, max_val=3)", 3, 3}});
}

TEST(KinkConventions, Relu6IsZeroAtBothEnds) {
  for (const char* s : {"relu6", "torch:relu6", "tf:relu6", "jax:relu6", "keras:relu6"}) {
    expect_derivatives({{s, 0, 0}, {s, 6, 0}, {s, 3, 1}, {s, -1, 0}, {s, 7, 0}});
    expect_forwards({{s, 0, 0}, {s, 6, 6}});
  }
  // Keras's relu with max_value=6 and no threshold is backend relu6.
  expect_derivatives({{"keras:relu(max_value=6)", 6, 0}, {"keras:relu(max_value=6)", 0, 0}});
  // activ's relu with max_value follows torch's hardtanh: 0 at the bound.
  expect_derivatives({{"relu(max_value=6)", 6, 0}, {"relu(max_value=2.5)", 2.5, 0}});
}

// ---- hard sigmoid / hard swish -------------------------------------------------------

TEST(KinkConventions, HardSigmoid) {
  for (const char* s : {"hard_sigmoid", "hardsigmoid", "torch:hardsigmoid", "jax:hard_sigmoid", "keras:hard_sigmoid"}) {
    expect_derivatives({{s, -3, 0}, {s, 3, 0}, {s, 0, 1.0 / 6}, {s, 2.5, 1.0 / 6}, {s, -4, 0}});
    expect_forwards({{s, -3, 0}, {s, 3, 1}, {s, 0, 0.5}});
  }
  // Keras 2: clip(0.2x + 0.5, 0, 1); clip_by_value passes the gradient at the bounds.
  expect_derivatives({{"keras2:hard_sigmoid", -2.5, 0.2}, {"keras2:hard_sigmoid", 2.5, 0.2},
                      {"keras2:hard_sigmoid", 0, 0.2}, {"keras2:hard_sigmoid", 3, 0},
                      {"keras2:hard_sigmoid", -2.75, 0}});
  expect_forwards({{"keras2:hard_sigmoid", -2.5, 0}, {"keras2:hard_sigmoid", 2.5, 1}, {"keras2:hard_sigmoid", 0, 0.5}});
}

TEST(KinkConventions, HardSwish) {
  for (const char* s : {"hard_swish", "hard_silu", "torch:hardswish", "jax:hard_silu", "jax:hard_swish",
                        "keras:hard_silu"}) {
    // -3 -> 0; 3 -> 1 (the right-hand slope; the left-hand one is 1.5).
    expect_derivatives({{s, -3, 0}, {s, 3, 1}, {s, 0, 0.5}, {s, 2, 7.0 / 6}, {s, -2, -1.0 / 6}, {s, -4, 0}, {s, 4, 1}});
    expect_forwards({{s, -3, 0}, {s, 3, 3}, {s, 0, 0}});
  }
}

// ---- shrink, threshold ------------------------------------------------------------

TEST(KinkConventions, ShrinkAtLambda) {
  for (const char* s : {"hard_shrink", "torch:hardshrink", "keras:hard_shrink"}) {
    expect_derivatives({{s, 0.5, 0}, {s, -0.5, 0}, {s, 0.75, 1}, {s, -0.75, 1}, {s, 0.25, 0}});
    expect_forwards({{s, 0.5, 0}, {s, -0.5, 0}, {s, 0.75, 0.75}});  // bounds inclusive
  }
  for (const char* s : {"soft_shrink", "torch:softshrink", "keras:soft_shrink"}) {
    expect_derivatives({{s, 0.5, 0}, {s, -0.5, 0}, {s, 0.75, 1}, {s, -0.75, 1}, {s, 0, 0}});
    expect_forwards({{s, 0.5, 0}, {s, -0.5, 0}, {s, 0.75, 0.25}, {s, -0.75, -0.25}});
  }
  expect_derivatives({{"torch:hardshrink(lambd=1.5)", 1.5, 0}, {"torch:hardshrink(lambd=1.5)", -1.5, 0},
                      {"torch:softshrink(lambd=1.5)", 1.5, 0}, {"keras:soft_shrink(threshold=2)", -2, 0},
                      {"hard_shrink(lambd=0)", 0, 0}, {"soft_shrink(lambd=0)", 0, 0}});
  expect_forwards({{"torch:hardshrink(lambd=1.5)", 1.5, 0}, {"keras:hard_shrink(threshold=2)", -2, 0}});
}

TEST(KinkConventions, ThresholdAtT) {
  for (const char* s : {"threshold(threshold=0.5, value=-2)", "torch:threshold(0.5, -2)",
                        "keras:threshold(threshold=0.5, default_value=-2)"}) {
    expect_derivatives({{s, 0.5, 0}, {s, 0.75, 1}, {s, 0.25, 0}});
    expect_forwards({{s, 0.5, -2}, {s, 0.75, 0.75}});
  }
  // Keras 2 ThresholdedReLU: x*(x > theta).
  expect_derivatives({{"thresholded_relu", 1, 0}, {"thresholded_relu", 1.5, 1}, {"thresholded_relu(theta=0.5)", 0.5, 0}});
  expect_forwards({{"thresholded_relu", 1, 0}, {"thresholded_relu(theta=-1)", -1, 0}});
}

// ---- sparse_plus / sparse_sigmoid -------------------------------------------------

TEST(KinkConventions, SparseSigmoid) {
  expect_derivatives({{"jax:sparse_sigmoid", -1, 0.25}, {"jax:sparse_sigmoid", 1, 0.25},  // clip splits the tie
                      {"jax:sparse_sigmoid", 0, 0.5},   {"keras:sparse_sigmoid", -1, 0},  // where() form
                      {"keras:sparse_sigmoid", 1, 0},   {"keras:sparse_sigmoid", 0.5, 0.5},
                      {"sparse_sigmoid", -1, 0},        {"sparse_sigmoid", 1, 0}});
  for (const char* s : {"sparse_sigmoid", "keras:sparse_sigmoid", "jax:sparse_sigmoid"})
    expect_forwards({{s, -1, 0}, {s, 1, 1}, {s, 0, 0.5}});
}

TEST(KinkConventions, SparsePlus) {
  for (const char* s : {"sparse_plus", "keras:sparse_plus", "jax:sparse_plus"}) {
    expect_derivatives({{s, -1, 0}, {s, 1, 1}, {s, 0, 0.5}, {s, -2, 0}, {s, 2, 1}});
    expect_forwards({{s, -1, 0}, {s, 1, 1}, {s, 0, 0.25}});
  }
}

// ---- softplus threshold ----------------------------------------------------------

TEST(KinkConventions, SoftplusThreshold) {
  // torch: beta*x > threshold -> x and gradient 1; at beta*x == threshold the log form.
  const double s20 = 1 / (1 + std::exp(-20.0));
  expect_derivatives({{"torch:softplus", 20.5, 1}, {"softplus", 25, 1}, {"torch:softplus", 20, s20},
                      {"torch:softplus", 19.5, 1 / (1 + std::exp(-19.5))},
                      {"torch:softplus(beta=2, threshold=10)", 5.25, 1},
                      {"torch:softplus(beta=2, threshold=10)", 4.75, 1 / (1 + std::exp(-9.5))},
                      {"torch:softplus(threshold=-1)", -0.5, 1}});
  expect_forwards({{"torch:softplus", 20.5, 20.5}, {"torch:softplus(beta=2, threshold=10)", 5.25, 5.25},
                   {"torch:softplus", 20, std::log1p(std::exp(20.0))}});
  // Below the threshold the gradient is sigmoid(beta*x) < 1 in double.
  EXPECT_LT(derivative<double>("torch:softplus", 19.5), 1.0);
  // Without a threshold (JAX, TF, Keras) the gradient stays sigmoid(x): below 1 at x = 25.
  for (const char* s : {"keras:softplus", "jax:softplus", "tf:softplus", "softplus(threshold=None)"}) {
    EXPECT_LT(derivative<double>(s, 25.0), 1.0) << s;
    EXPECT_GT(forward<double>(s, 25.0), 25.0) << s;
    expect_value(derivative<double>(s, 25.0), 1 / (1 + std::exp(-25.0)), std::string(s) + "'(25)");
  }
}

TEST(KinkConventions, SoftsignAndSquareplusAtZero) {
  // torch: autograd of x/(1+|x|) with sign(0) = 0 gives 1.
  expect_derivatives({{"softsign", 0, 1}, {"torch:softsign", 0, 1}, {"jax:soft_sign", 0, 1}, {"tf:softsign", 0, 1}});
  expect_derivatives({{"squareplus", 0, 0.5}, {"jax:squareplus(b=0)", 0, 0.5}, {"keras:squareplus(b=0)", 1, 1},
                      {"keras:squareplus(b=0)", -1, 0}});
}

// ---- signed zeros --------------------------------------------------------------------

template <class T>
void expect_signed_zero(const std::string& spec, T x, bool negative) {
  const T y = forward<T>(spec, x);
  EXPECT_EQ(y, T(0)) << spec << "(" << x << ")";
  EXPECT_EQ(std::signbit(y), negative) << spec << "(" << x << ") = " << (std::signbit(y) ? "-0" : "+0") << ", want "
                                       << (negative ? "-0" : "+0") << (sizeof(T) == 4 ? " (float)" : " (double)");
}

TEST(SignedZeros, NegativeZeroThroughProducts) {
  // x*slope, x*Phi(x), x*sigmoid(x), x/(1+|x|), tanh, x*relu6(x+3)/6 ... of -0.0 are -0.0.
  for (const char* s : {"torch:leaky_relu", "leaky_relu", "tf:leaky_relu", "keras:leaky_relu", "jax:leaky_relu",
                        "prelu", "torch:prelu", "rrelu", "gelu", "torch:gelu(approximate=tanh)", "jax:gelu", "silu",
                        "torch:silu", "softsign", "tanh", "torch:tanh", "mish", "hard_swish", "torch:hardswish",
                        "linear", "identity", "torch:hardtanh", "jax:hard_tanh", "swish(beta=2)"}) {
    expect_signed_zero<double>(s, -0.0, true);
    expect_signed_zero<float>(s, -0.0f, true);
    expect_signed_zero<double>(s, 0.0, false);
    expect_signed_zero<float>(s, 0.0f, false);
  }
  // hardswish is x * 0 = -0.0 on the flat part left of -3.
  expect_signed_zero<double>("torch:hardswish", -4.0, true);
  expect_signed_zero<float>("torch:hardswish", -4.0f, true);
  // leaky_relu with a positive slope keeps the sign of tiny negatives that underflow.
  expect_signed_zero<double>("torch:leaky_relu", -std::numeric_limits<double>::denorm_min(), true);
}

TEST(SignedZeros, ConstantBranchesArePositiveZero) {
  // relu of a negative number, hardshrink inside the band, hardsigmoid below -3:
  // the frameworks return the constant 0 (clamp_min / select), not x*0.
  for (const char* s : {"relu", "torch:relu", "tf:relu", "jax:relu"}) {
    expect_signed_zero<double>(s, -2.0, false);
    expect_signed_zero<float>(s, -2.0f, false);
  }
  expect_signed_zero<double>("torch:hardshrink", -0.25, false);
  expect_signed_zero<double>("torch:hardshrink", 0.5, false);
  expect_signed_zero<double>("torch:hardsigmoid", -4.0, false);
  expect_signed_zero<double>("torch:relu6", -1.0, false);
}

}  // namespace
