// The registry: every catalogue entry, one line of the table per framework spelling.
// Sources for each definition and convention: ../shared/catalogue.md (Keras 3
// keras/src/activations/activations.py, torch/nn/functional.py and ATen kernels,
// jax/_src/nn/functions.py, tf.nn) and its section 6 for the derivative at kinks.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/entry.hpp"
#include "kernels/kernels.hpp"

namespace activ::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxFinite = std::numeric_limits<double>::max();

// ---- parameter descriptions -------------------------------------------------------

ParamInfo real(std::string_view name, double def, std::string_view desc, double lo = -kMaxFinite,
               double hi = kMaxFinite) {
  ParamInfo p;
  p.name = name;
  p.default_value = def;
  p.min = lo;
  p.max = hi;
  p.description = desc;
  return p;
}
ParamInfo positive(std::string_view name, double def, std::string_view desc) {
  ParamInfo p = real(name, def, desc, 0.0, kMaxFinite);
  p.min_open = true;
  return p;
}
ParamInfo nonnegative(std::string_view name, double def, std::string_view desc) {
  return real(name, def, desc, 0.0, kMaxFinite);
}
ParamInfo required(std::string_view name, std::string_view desc) {
  ParamInfo p = real(name, 0.0, desc);
  p.required = true;
  return p;
}
// An optional bound that Python spells None (no bound).
ParamInfo optional_bound(std::string_view name, std::string_view desc, double lo) {
  ParamInfo p = real(name, kInf, desc, lo, kInf);
  p.none_allowed = true;
  p.none_value = kInf;
  return p;
}
ParamInfo boolean(std::string_view name, bool def, std::string_view desc) {
  ParamInfo p = real(name, def ? 1.0 : 0.0, desc, 0.0, 1.0);
  p.kind = ParamKind::boolean;
  return p;
}
ParamInfo integer(std::string_view name, double def, std::string_view desc, double lo, double hi) {
  ParamInfo p = real(name, def, desc, lo, hi);
  p.kind = ParamKind::integer;
  return p;
}
constexpr std::string_view kGeluChoices[] = {"none", "tanh"};
ParamInfo gelu_choice(double def) {
  ParamInfo p = real("approximate", def, "'none': exact x*Phi(x) with erf; 'tanh': the tanh approximation", 0, 1);
  p.kind = ParamKind::choice;
  p.choices = kGeluChoices;
  return p;
}

// ---- the texts shared by every spelling of a family ------------------------------

struct FamilyText {
  std::string_view formula, derivative;
  bool piecewise_linear;
};

FamilyText family_text(Family f) {
  switch (f) {
    case Family::linear: return {"f(x) = x", "f'(x) = 1", true};
    case Family::relu:
      return {"f(x) = x > t ? (max_value given ? clip(x, 0, max_value) : x) : -negative_slope*(t - x)   (t = threshold)",
              "f'(x) = x > t ? (1 inside the clip range, 0 outside it) : negative_slope; f'(t): see the notes", true};
    case Family::clip:
      return {"f(x) = min(max(x, min_val), max_val)", "f'(x) = 1 for min_val < x < max_val, 0 outside", true};
    case Family::leaky_relu:
      return {"f(x) = x > 0 ? x : a*x", "f'(x) = x > 0 ? 1 : a", true};
    case Family::rrelu:
      return {"f(x) = x > 0 ? x : a*x, a = (lower + upper)/2 in eval mode, a ~ U(lower, upper) per element in training",
              "f'(x) = x > 0 ? 1 : a (the same a as the forward pass)", true};
    case Family::elu:
      return {"f(x) = x > 0 ? scale*x : scale*alpha*(exp(x/d) - 1)   (elu: scale = d = 1; selu: scale = 1.0507..., alpha = 1.6732...; celu: d = alpha)",
              "f'(x) = x > 0 ? scale : scale*(alpha/d)*exp(x/d)", false};
    case Family::exponential: return {"f(x) = exp(x)", "f'(x) = exp(x)", false};
    case Family::log1mexp:
      return {"f(x) = log(1 - exp(-x)) for x >= 0 (NaN below 0)", "f'(x) = 1/(exp(x) - 1)", false};
    case Family::gelu:
      return {"f(x) = x*Phi(x) = x/2*erfc(-x/sqrt(2)); tanh: x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715x^3)))",
              "f'(x) = Phi(x) + x*phi(x); tanh: s(1 + 2x(1 - s)u'), s = sigmoid(2u), u' = sqrt(2/pi)(1 + 0.134145x^2)", false};
    case Family::sigmoid: return {"f(x) = 1/(1 + exp(-x))", "f'(x) = f(x)*f(-x)", false};
    case Family::log_sigmoid: return {"f(x) = -log(1 + exp(-x)) = -softplus(-x)", "f'(x) = sigmoid(-x)", false};
    case Family::swish: return {"f(x) = x*sigmoid(beta*x)", "f'(x) = s*(1 + beta*x*(1 - s)), s = sigmoid(beta*x)", false};
    case Family::softplus:
      return {"f(x) = beta*x > threshold ? x : log(1 + exp(beta*x))/beta", "f'(x) = beta*x > threshold ? 1 : sigmoid(beta*x)", false};
    case Family::mish: return {"f(x) = x*tanh(softplus(x))", "f'(x) = t + x*sigmoid(x)*(1 - t^2), t = tanh(softplus(x))", false};
    case Family::tanh: return {"f(x) = tanh(x)", "f'(x) = 1 - tanh(x)^2", false};
    case Family::tanh_shrink: return {"f(x) = x - tanh(x)", "f'(x) = tanh(x)^2", false};
    case Family::softsign: return {"f(x) = x/(1 + |x|)", "f'(x) = 1/(1 + |x|)^2", false};
    case Family::squareplus: return {"f(x) = (x + sqrt(x^2 + b))/2", "f'(x) = f(x)/sqrt(x^2 + b)", false};
    case Family::hard_sigmoid: return {"f(x) = clip((x + 3)/6, 0, 1) = relu6(x + 3)/6", "f'(x) = 1/6 for -3 < x < 3, else 0", true};
    case Family::hard_swish: return {"f(x) = x*relu6(x + 3)/6", "f'(x) = x <= -3 ? 0 : x < 3 ? (2x + 3)/6 : 1", false};
    case Family::threshold: return {"f(x) = x > threshold ? x : value", "f'(x) = x > threshold ? 1 : 0", true};
    case Family::thresholded_relu: return {"f(x) = x > theta ? x : 0", "f'(x) = x > theta ? 1 : 0", true};
    case Family::hard_shrink: return {"f(x) = |x| > lambda ? x : 0", "f'(x) = |x| > lambda ? 1 : 0", true};
    case Family::soft_shrink:
      return {"f(x) = x > lambda ? x - lambda : x < -lambda ? x + lambda : 0", "f'(x) = |x| > lambda ? 1 : 0", true};
    case Family::sparse_plus:
      return {"f(x) = x <= -1 ? 0 : x >= 1 ? x : (x + 1)^2/4", "f'(x) = x <= -1 ? 0 : x >= 1 ? 1 : (x + 1)/2", false};
    case Family::sparse_sigmoid:
      return {"f(x) = clip((x + 1)/2, 0, 1)", "f'(x) = 1/2 for -1 < x < 1, 0 outside", true};
    case Family::count_: break;
  }
  return {"", "", false};
}

// ---- the table ---------------------------------------------------------------------

using Bind = void (*)(const double*, Slots&);
using Check = std::string_view (*)(const double*);

std::string_view no_check(const double*) { return {}; }

struct Spelling {
  Framework framework;
  std::string_view name;
  std::vector<std::string_view> aliases;
  Family family;
  std::vector<ParamInfo> params;
  Bind bind;
  std::string_view notes;
  Check check = no_check;
  std::string_view formula = {};  // overrides the family's text where the spelling differs
  std::string_view derivative = {};
};

void set(Slots& s, long double a = 0, long double b = 0, long double c = 0, long double d = 0, long double e = 0) {
  s.v = {a, b, c, d, e};
}

// Binds shared by several spellings.
void bind_none(const double*, Slots& s) { set(s); }
void bind_relu_plain(const double*, Slots& s) { set(s, 0, kInf, 0, 0, 0); }
void bind_relu6(const double*, Slots& s) { set(s, 0, 6, 0); }
void bind_hardtanh_fixed_pass(const double*, Slots& s) { set(s, -1, 1, 1); }
void bind_slope_at_zero(const double* p, Slots& s) { set(s, p[0], p[0]); }
void bind_elu_left(const double* p, Slots& s) { set(s, p[0], 1, 1, 0); }
void bind_celu(const double* p, Slots& s) { set(s, p[0], 1, p[0], 0); }
void bind_selu_left(const double*, Slots& s) { set(s, kSeluAlpha, kSeluScale, 1, 0); }
void bind_selu_right(const double*, Slots& s) { set(s, kSeluAlpha, kSeluScale, 1, 1); }
void bind_gelu(const double* p, Slots& s) { set(s, p[0]); }
void bind_silu(const double*, Slots& s) { set(s, 1); }
void bind_beta(const double* p, Slots& s) { set(s, p[0]); }
void bind_softplus_exact(const double*, Slots& s) { set(s, 1, kInf); }
void bind_hard_sigmoid(const double*, Slots& s) { set(s, 3, 6, 0); }
void bind_first(const double* p, Slots& s) { set(s, p[0]); }
void bind_first_two(const double* p, Slots& s) { set(s, p[0], p[1]); }
void bind_sparse_sigmoid_zero(const double*, Slots& s) { set(s, 0); }
void bind_keras_relu(const double* p, Slots& s) {
  // Keras 3's ReLU.static_call: with only a slope it is backend leaky_relu (f'(0) =
  // slope); otherwise x * (x > t) (or relu / relu6) minus slope * relu(t - x), both
  // with zero gradient at x = t on TensorFlow. max_value == 6 without a threshold uses
  // relu6 (zero gradient at 6); any other max_value uses clip, which passes it.
  const bool leaky_path = p[1] == kInf && p[2] == 0;
  const bool relu6_path = p[1] == 6 && p[2] == 0;
  set(s, p[0], p[1], p[2], relu6_path ? 0 : 1, leaky_path ? p[0] : 0);
}

std::string_view check_rrelu(const double* p) {
  return p[0] <= p[1] ? std::string_view{} : std::string_view{"lower must be <= upper"};
}
std::string_view check_hardtanh(const double* p) {
  return p[0] < p[1] ? std::string_view{} : std::string_view{"max_val must be greater than min_val"};
}

constexpr std::string_view kKinkTorch = "At kinks the derivative follows PyTorch's autograd formulas.";

std::vector<Spelling> spellings() {
  const ParamInfo slope_keras = real("negative_slope", 0.0, "slope below the threshold");
  const ParamInfo max_value = optional_bound("max_value", "upper saturation value (None: no upper bound)", 0.0);
  const ParamInfo threshold_keras = real("threshold", 0.0, "values at or below it take the negative_slope branch");
  const ParamInfo rrelu_lower = real("lower", 1.0 / 8, "lower bound of the random slope", -kMaxFinite, kMaxFinite);
  const ParamInfo rrelu_upper = real("upper", 1.0 / 3, "upper bound of the random slope", -kMaxFinite, kMaxFinite);
  const ParamInfo rrelu_training = boolean("training", false, "draw one slope per element (true) or use (lower+upper)/2");
  const ParamInfo rrelu_seed = integer("seed", 0, "seed of the per-element slopes in training mode (activ's addition)", 0, 9007199254740992.0);
  const ParamInfo alpha_elu = nonnegative("alpha", 1.0, "saturation value -alpha for x -> -inf");
  const ParamInfo alpha_celu = positive("alpha", 1.0, "saturation value and input scale");
  const ParamInfo softplus_beta = positive("beta", 1.0, "sharpness");
  ParamInfo softplus_threshold = optional_bound("threshold", "above beta*x > threshold the result is x", -kMaxFinite);
  softplus_threshold.default_value = 20.0;
  const ParamInfo lambd = nonnegative("lambd", 0.5, "half-width of the zero band");
  const ParamInfo shrink_keras = nonnegative("threshold", 0.5, "half-width of the zero band");
  const ParamInfo squareplus_b = nonnegative("b", 4.0, "smoothness at 0 (b = 0 gives relu)");

  std::vector<Spelling> t;
  auto add = [&](Spelling s) { t.push_back(std::move(s)); };
  using F = Framework;
  using Fa = Family;

  // ---- unqualified: PyTorch's definition where PyTorch has the function, else Keras 3's
  add({F::activ, "linear", {"identity"}, Fa::linear, {}, bind_none, "keras.activations.linear, jax.nn.identity."});
  add({F::activ, "relu", {}, Fa::relu, {slope_keras, max_value, threshold_keras},
       [](const double* p, Slots& s) { set(s, p[0], p[1], p[2], 0, p[0]); },
       "Keras 3's parameters with PyTorch's behaviour: the defaults give max(x, 0) and relu'(0) = 0 as PyTorch; f'(threshold) = negative_slope (the left slope, as leaky_relu's f'(0)); f' = 0 at max_value as PyTorch's hardtanh."});
  add({F::activ, "relu6", {}, Fa::clip, {}, bind_relu6, "f'(0) = f'(6) = 0 in PyTorch, TensorFlow and JAX alike.",
       no_check, "f(x) = min(max(x, 0), 6)", "f'(x) = 1 for 0 < x < 6, else 0"});
  add({F::activ, "leaky_relu", {}, Fa::leaky_relu, {real("negative_slope", 0.01, "slope for x < 0")}, bind_slope_at_zero,
       "PyTorch's default slope 0.01 (TensorFlow and Keras 3 use 0.2, the Keras LeakyReLU layer 0.3); f'(0) = slope as in PyTorch and TensorFlow (JAX: 1)."});
  add({F::activ, "prelu", {}, Fa::leaky_relu, {real("weight", 0.25, "the slope for x < 0 (PReLU's learnable parameter)")},
       bind_slope_at_zero, "torch.nn.functional.prelu with one shared weight; per-channel weights belong to the PReLU layer."});
  add({F::activ, "rrelu", {}, Fa::rrelu, {rrelu_lower, rrelu_upper, rrelu_training, rrelu_seed},
       [](const double* p, Slots& s) { set(s, p[0], p[1], p[2], p[3]); },
       "PyTorch only. Eval mode (the default of F.rrelu) is leaky_relu with slope (lower+upper)/2. Training mode draws slope i from a counter-based generator keyed by (seed, index i of the call), so backward reproduces the forward's slopes.",
       check_rrelu});
  add({F::activ, "elu", {}, Fa::elu, {alpha_elu}, bind_elu_left, "f'(0) = alpha as in PyTorch and JAX (TensorFlow's tf.nn.elu: 1)."});
  add({F::activ, "celu", {}, Fa::elu, {alpha_celu}, bind_celu, "max(0, x) + min(0, alpha*(exp(x/alpha) - 1)); f'(0) = 1 everywhere.",
       no_check, "f(x) = x > 0 ? x : alpha*(exp(x/alpha) - 1)", "f'(x) = x > 0 ? 1 : exp(x/alpha)"});
  add({F::activ, "selu", {}, Fa::elu, {}, bind_selu_left,
       "scale = 1.0507009873554804934, alpha = 1.6732632423543772848; f'(0) = scale*alpha as in PyTorch and JAX (TensorFlow: scale).",
       no_check, "f(x) = scale*(x > 0 ? x : alpha*(exp(x) - 1))", "f'(x) = x > 0 ? scale : scale*alpha*exp(x)"});
  add({F::activ, "gelu", {}, Fa::gelu, {gelu_choice(0)}, bind_gelu,
       "PyTorch's default approximate='none' (exact, erf); jax.nn.gelu and keras.ops.gelu default to the tanh form."});
  add({F::activ, "silu", {}, Fa::swish, {}, bind_silu, "x*sigmoid(x); swish with beta = 1.", no_check, "f(x) = x*sigmoid(x)",
       "f'(x) = s*(1 + x*(1 - s)), s = sigmoid(x)"});
  add({F::activ, "swish", {}, Fa::swish, {real("beta", 1.0, "slope of the gate")}, bind_beta,
       "TensorFlow's tf.nn.swish(features, beta=1.0); in PyTorch, JAX and Keras swish is silu without beta."});
  add({F::activ, "hard_swish", {"hardswish", "hard_silu"}, Fa::hard_swish, {}, bind_none, "f'(-3) = 0 and f'(3) = 1 in PyTorch and JAX."});
  add({F::activ, "sigmoid", {"logistic"}, Fa::sigmoid, {}, bind_none, ""});
  add({F::activ, "hard_sigmoid", {"hardsigmoid"}, Fa::hard_sigmoid, {}, bind_hard_sigmoid,
       "PyTorch, Keras 3 and JAX: relu6(x + 3)/6 with f'(+-3) = 0. Keras 2 used clip(0.2x + 0.5, 0, 1): keras2:hard_sigmoid."});
  add({F::activ, "log_sigmoid", {"logsigmoid"}, Fa::log_sigmoid, {}, bind_none, ""});
  add({F::activ, "tanh", {}, Fa::tanh, {}, bind_none, ""});
  add({F::activ, "hard_tanh", {"hardtanh"}, Fa::clip,
       {real("min_val", -1.0, "lower bound"), real("max_val", 1.0, "upper bound")},
       [](const double* p, Slots& s) { set(s, p[0], p[1], 0); },
       "PyTorch's bounds as parameters and f' = 0 at both bounds (JAX and Keras fix the bounds at +-1 and pass the gradient there).",
       check_hardtanh});
  add({F::activ, "tanh_shrink", {"tanhshrink"}, Fa::tanh_shrink, {}, bind_none, ""});
  add({F::activ, "softsign", {"soft_sign"}, Fa::softsign, {}, bind_none, ""});
  add({F::activ, "softplus", {}, Fa::softplus, {softplus_beta, softplus_threshold}, bind_first_two,
       "PyTorch's beta = 1, threshold = 20 (linear above it); JAX, TensorFlow and Keras have no parameters (threshold=None here)."});
  add({F::activ, "mish", {}, Fa::mish, {}, bind_none, ""});
  add({F::activ, "exponential", {"exp"}, Fa::exponential, {}, bind_none, "keras.activations.exponential."});
  add({F::activ, "log1mexp", {}, Fa::log1mexp, {}, bind_none,
       "jax.nn.log1mexp: log(-expm1(-x)) below ln 2, log1p(-exp(-x)) above, so neither end cancels. f(0) = -inf, NaN for x < 0."});
  add({F::activ, "threshold", {}, Fa::threshold, {required("threshold", "values at or below it are replaced"), required("value", "the replacement")},
       bind_first_two, "torch.nn.functional.threshold; keras.activations.threshold(x, threshold, default_value) is the same."});
  add({F::activ, "thresholded_relu", {}, Fa::thresholded_relu, {real("theta", 1.0, "threshold")}, bind_first,
       "Keras 2's ThresholdedReLU layer, x*(x > theta); Keras 3 keeps it only as a legacy layer."});
  add({F::activ, "hard_shrink", {"hardshrink"}, Fa::hard_shrink, {lambd}, bind_first, "PyTorch's name for the parameter is lambd, Keras's threshold."});
  add({F::activ, "soft_shrink", {"softshrink"}, Fa::soft_shrink, {lambd}, bind_first, "PyTorch's name for the parameter is lambd, Keras's threshold."});
  add({F::activ, "squareplus", {}, Fa::squareplus, {squareplus_b}, bind_first, "JAX and Keras 3 only."});
  add({F::activ, "sparse_plus", {}, Fa::sparse_plus, {}, bind_none, "JAX and Keras 3 only; f'(-1) = 0, f'(1) = 1."});
  add({F::activ, "sparse_sigmoid", {}, Fa::sparse_sigmoid, {}, bind_sparse_sigmoid_zero,
       "Keras 3's where() form: f'(+-1) = 0 (JAX's clip splits the tie: 0.25)."});

  // ---- torch.nn.functional
  add({F::torch, "relu", {}, Fa::relu, {}, bind_relu_plain, "clamp_min(x, 0); backward from the output, relu'(0) = 0.",
       no_check, "f(x) = max(x, 0)", "f'(x) = x > 0 ? 1 : 0"});
  add({F::torch, "relu6", {}, Fa::clip, {}, bind_relu6, "hardtanh(x, 0, 6); f'(0) = f'(6) = 0.", no_check,
       "f(x) = min(max(x, 0), 6)", "f'(x) = 1 for 0 < x < 6, else 0"});
  add({F::torch, "leaky_relu", {}, Fa::leaky_relu, {real("negative_slope", 0.01, "slope for x < 0")}, bind_slope_at_zero, "f'(0) = negative_slope."});
  add({F::torch, "prelu", {}, Fa::leaky_relu, {real("weight", 0.25, "slope for x < 0")}, bind_slope_at_zero, "One shared weight (nn.PReLU's init=0.25); f'(0) = weight."});
  add({F::torch, "rrelu", {}, Fa::rrelu, {rrelu_lower, rrelu_upper, rrelu_training, rrelu_seed},
       [](const double* p, Slots& s) { set(s, p[0], p[1], p[2], p[3]); },
       "F.rrelu defaults to training=False (nn.RReLU passes self.training). PyTorch draws from its global generator; activ from (seed, index).",
       check_rrelu});
  add({F::torch, "elu", {}, Fa::elu, {alpha_elu}, bind_elu_left, "f'(0) = alpha (the x <= 0 branch)."});
  add({F::torch, "celu", {}, Fa::elu, {alpha_celu}, bind_celu, "elu(x, alpha, scale=1, input_scale=1/alpha); alpha = 0 is an error.",
       no_check, "f(x) = x > 0 ? x : alpha*(exp(x/alpha) - 1)", "f'(x) = x > 0 ? 1 : exp(x/alpha)"});
  add({F::torch, "selu", {}, Fa::elu, {}, bind_selu_left, "f'(0) = scale*alpha.", no_check, "f(x) = scale*(x > 0 ? x : alpha*(exp(x) - 1))",
       "f'(x) = x > 0 ? scale : scale*alpha*exp(x)"});
  add({F::torch, "gelu", {}, Fa::gelu, {gelu_choice(0)}, bind_gelu, "approximate='none' by default (erf)."});
  add({F::torch, "silu", {}, Fa::swish, {}, bind_silu, "x*sigmoid(x), no beta.", no_check, "f(x) = x*sigmoid(x)",
       "f'(x) = s*(1 + x*(1 - s)), s = sigmoid(x)"});
  add({F::torch, "hardswish", {}, Fa::hard_swish, {}, bind_none, "f'(-3) = 0, f'(3) = 1 (the right-hand slope)."});
  add({F::torch, "sigmoid", {}, Fa::sigmoid, {}, bind_none, "torch.sigmoid; backward from the output, y(1 - y)."});
  add({F::torch, "hardsigmoid", {}, Fa::hard_sigmoid, {}, bind_hard_sigmoid, "clamp(x + 3, 0, 6)/6; f'(+-3) = 0."});
  add({F::torch, "logsigmoid", {}, Fa::log_sigmoid, {}, bind_none, ""});
  add({F::torch, "tanh", {}, Fa::tanh, {}, bind_none, "torch.tanh; backward from the output, 1 - y^2."});
  add({F::torch, "hardtanh", {}, Fa::clip, {real("min_val", -1.0, "lower bound"), real("max_val", 1.0, "upper bound")},
       [](const double* p, Slots& s) { set(s, p[0], p[1], 0); }, "f' = 0 at both bounds; max_val must exceed min_val.", check_hardtanh});
  add({F::torch, "tanhshrink", {}, Fa::tanh_shrink, {}, bind_none, ""});
  add({F::torch, "softsign", {}, Fa::softsign, {}, bind_none, "f'(0) = 1 (autograd of x/(1 + |x|) with sign(0) = 0)."});
  add({F::torch, "softplus", {}, Fa::softplus, {softplus_beta, softplus_threshold}, bind_first_two, "Reverts to x (and f' to 1) where beta*x > threshold."});
  add({F::torch, "mish", {}, Fa::mish, {}, bind_none, ""});
  add({F::torch, "threshold", {}, Fa::threshold, {required("threshold", "values at or below it are replaced"), required("value", "the replacement")},
       bind_first_two, "f'(threshold) = 0."});
  add({F::torch, "hardshrink", {}, Fa::hard_shrink, {lambd}, bind_first, "Bounds inclusive: f(+-lambd) = 0, f'(+-lambd) = 0."});
  add({F::torch, "softshrink", {}, Fa::soft_shrink, {lambd}, bind_first, "f'(+-lambd) = 0."});

  // ---- keras.activations (Keras 3; gradients as its default TensorFlow backend)
  add({F::keras, "relu", {}, Fa::relu, {slope_keras, max_value, threshold_keras}, bind_keras_relu,
       "With only negative_slope this is leaky_relu (f'(0) = negative_slope); otherwise f'(threshold) = 0 as on the TensorFlow backend. At max_value f' = 1 (clip passes the gradient) except for max_value = 6 without threshold, which uses relu6 (f' = 0)."});
  add({F::keras, "leaky_relu", {}, Fa::leaky_relu, {real("negative_slope", 0.2, "slope for x < 0")}, bind_slope_at_zero,
       "Default slope 0.2 (the LeakyReLU layer: 0.3); f'(0) = slope on TensorFlow and PyTorch, 1 on JAX."});
  add({F::keras, "relu6", {}, Fa::clip, {}, bind_relu6, "", no_check, "f(x) = min(max(x, 0), 6)", "f'(x) = 1 for 0 < x < 6, else 0"});
  add({F::keras, "elu", {}, Fa::elu, {alpha_elu}, bind_elu_left, "TensorFlow backend: where(x > 0, elu(x), alpha*elu(x)), so f'(0) = alpha."});
  add({F::keras, "selu", {}, Fa::elu, {}, bind_selu_right, "TensorFlow backend tf.nn.selu: f'(0) = scale (PyTorch and JAX: scale*alpha).",
       no_check, "f(x) = scale*(x > 0 ? x : alpha*(exp(x) - 1))", "f'(x) = x >= 0 ? scale : scale*alpha*exp(x)"});
  add({F::keras, "celu", {}, Fa::elu, {alpha_celu}, bind_celu, "", no_check, "f(x) = x > 0 ? x : alpha*(exp(x/alpha) - 1)",
       "f'(x) = x > 0 ? 1 : exp(x/alpha)"});
  ParamInfo gelu_keras = boolean("approximate", false, "use the tanh approximation");
  add({F::keras, "gelu", {}, Fa::gelu, {gelu_keras}, bind_gelu, "keras.activations.gelu defaults to approximate=False; keras.ops.gelu to True."});
  add({F::keras, "sigmoid", {}, Fa::sigmoid, {}, bind_none, ""});
  add({F::keras, "hard_sigmoid", {}, Fa::hard_sigmoid, {}, bind_hard_sigmoid, "Keras 3: relu6(x + 3)/6 (Keras 2 used 0.2x + 0.5: keras2:hard_sigmoid)."});
  add({F::keras, "hard_silu", {"hard_swish"}, Fa::hard_swish, {}, bind_none, ""});
  add({F::keras, "silu", {"swish"}, Fa::swish, {}, bind_silu, "No beta.", no_check, "f(x) = x*sigmoid(x)", "f'(x) = s*(1 + x*(1 - s)), s = sigmoid(x)"});
  add({F::keras, "softplus", {}, Fa::softplus, {}, bind_softplus_exact, "No parameters: log(1 + exp(x)) exactly (the torch backend inherits threshold 20).",
       no_check, "f(x) = log(1 + exp(x))", "f'(x) = sigmoid(x)"});
  add({F::keras, "softsign", {}, Fa::softsign, {}, bind_none, ""});
  add({F::keras, "log_sigmoid", {}, Fa::log_sigmoid, {}, bind_none, ""});
  add({F::keras, "tanh", {}, Fa::tanh, {}, bind_none, ""});
  add({F::keras, "tanh_shrink", {}, Fa::tanh_shrink, {}, bind_none, ""});
  add({F::keras, "hard_tanh", {}, Fa::clip, {}, bind_hardtanh_fixed_pass,
       "Bounds fixed at +-1; the TensorFlow backend's clip passes the gradient at the bounds (f'(+-1) = 1; not verified in source).", no_check,
       "f(x) = clip(x, -1, 1)", "f'(x) = 1 for -1 <= x <= 1, else 0"});
  add({F::keras, "hard_shrink", {}, Fa::hard_shrink, {shrink_keras}, bind_first, ""});
  add({F::keras, "soft_shrink", {}, Fa::soft_shrink, {shrink_keras}, bind_first, ""});
  add({F::keras, "threshold", {}, Fa::threshold,
       {required("threshold", "values at or below it are replaced"), required("default_value", "the replacement")}, bind_first_two, ""});
  add({F::keras, "squareplus", {}, Fa::squareplus, {squareplus_b}, bind_first, ""});
  add({F::keras, "sparse_plus", {}, Fa::sparse_plus, {}, bind_none, ""});
  add({F::keras, "sparse_sigmoid", {}, Fa::sparse_sigmoid, {}, bind_sparse_sigmoid_zero, "f'(+-1) = 0 (where() form)."});
  add({F::keras, "mish", {}, Fa::mish, {}, bind_none, ""});
  add({F::keras, "exponential", {}, Fa::exponential, {}, bind_none, ""});
  add({F::keras, "linear", {}, Fa::linear, {}, bind_none, ""});

  // ---- tf_keras.activations (Keras 2), where it differs from Keras 3
  add({F::keras2, "hard_sigmoid", {}, Fa::hard_sigmoid, {}, [](const double*, Slots& s) { set(s, 2.5, 5, 1); },
       "Keras 2 (and the seeds): clip(0.2x + 0.5, 0, 1), linear on [-2.5, 2.5]; clip_by_value passes the gradient at the bounds.",
       no_check, "f(x) = clip(0.2x + 0.5, 0, 1)", "f'(x) = 0.2 for -2.5 <= x <= 2.5, else 0"});
  add({F::keras2, "relu", {}, Fa::relu, {real("alpha", 0.0, "slope below the threshold"), max_value, threshold_keras}, bind_keras_relu,
       "Keras 2 spells negative_slope as alpha."});

  // ---- tf.nn / tf.math
  add({F::tf, "relu", {}, Fa::relu, {}, bind_relu_plain, "ReluGrad: f'(0) = 0.", no_check, "f(x) = max(x, 0)", "f'(x) = x > 0 ? 1 : 0"});
  add({F::tf, "relu6", {}, Fa::clip, {}, bind_relu6, "Relu6Grad: f'(0) = f'(6) = 0.", no_check, "f(x) = min(max(x, 0), 6)",
       "f'(x) = 1 for 0 < x < 6, else 0"});
  add({F::tf, "leaky_relu", {}, Fa::leaky_relu, {real("alpha", 0.2, "slope for x < 0")}, bind_slope_at_zero, "Default alpha 0.2; f'(0) = alpha."});
  add({F::tf, "elu", {}, Fa::elu, {}, [](const double*, Slots& s) { set(s, 1, 1, 1, 1); },
       "No alpha (fixed 1). EluGrad works from the output: f'(0) = 1.", no_check, "f(x) = x > 0 ? x : exp(x) - 1", "f'(x) = x >= 0 ? 1 : exp(x)"});
  add({F::tf, "selu", {}, Fa::elu, {}, bind_selu_right, "SeluGrad works from the output: f'(0) = scale.", no_check,
       "f(x) = scale*(x > 0 ? x : alpha*(exp(x) - 1))", "f'(x) = x >= 0 ? scale : scale*alpha*exp(x)"});
  add({F::tf, "gelu", {}, Fa::gelu, {boolean("approximate", false, "use the tanh approximation")}, bind_gelu, ""});
  add({F::tf, "silu", {"swish"}, Fa::swish, {real("beta", 1.0, "slope of the gate")}, bind_beta,
       "tf.nn.silu(features, beta=1.0); TensorFlow also gives beta a gradient."});
  add({F::tf, "sigmoid", {}, Fa::sigmoid, {}, bind_none, ""});
  add({F::tf, "tanh", {}, Fa::tanh, {}, bind_none, ""});
  add({F::tf, "softsign", {}, Fa::softsign, {}, bind_none, ""});
  add({F::tf, "softplus", {}, Fa::softplus, {}, bind_softplus_exact,
       "tf.math.softplus. TensorFlow's kernel returns x above -log(eps)-2 and exp(x) below log(eps)+2 (about -13.9 for float32, up to 7 ULP off); activ returns log(1 + exp(x)) correctly rounded.",
       no_check, "f(x) = log(1 + exp(x))", "f'(x) = sigmoid(x)"});
  add({F::tf, "log_sigmoid", {}, Fa::log_sigmoid, {}, bind_none, "tf.math.log_sigmoid."});

  // ---- jax.nn
  add({F::jax, "relu", {}, Fa::relu, {}, bind_relu_plain, "Custom JVP: f'(0) = 0.", no_check, "f(x) = max(x, 0)", "f'(x) = x > 0 ? 1 : 0"});
  add({F::jax, "relu6", {}, Fa::clip, {}, bind_relu6, "Custom JVP: f'(0) = f'(6) = 0.", no_check, "f(x) = min(max(x, 0), 6)",
       "f'(x) = 1 for 0 < x < 6, else 0"});
  add({F::jax, "leaky_relu", {}, Fa::leaky_relu, {real("negative_slope", 0.01, "slope for x < 0")},
       [](const double* p, Slots& s) { set(s, p[0], 1); }, "where(x >= 0, x, slope*x): f'(0) = 1.", no_check, "",
       "f'(x) = x >= 0 ? 1 : negative_slope"});
  add({F::jax, "elu", {}, Fa::elu, {alpha_elu}, bind_elu_left, "where(x > 0, x, alpha*expm1(x)): f'(0) = alpha."});
  add({F::jax, "celu", {}, Fa::elu, {alpha_celu}, bind_celu, "f'(0) = 0.5 + 0.5 = 1 (maximum and minimum split ties).", no_check,
       "f(x) = x > 0 ? x : alpha*(exp(x/alpha) - 1)", "f'(x) = x > 0 ? 1 : exp(x/alpha)"});
  add({F::jax, "selu", {}, Fa::elu, {}, bind_selu_left, "f'(0) = scale*alpha.", no_check, "f(x) = scale*(x > 0 ? x : alpha*(exp(x) - 1))",
       "f'(x) = x > 0 ? scale : scale*alpha*exp(x)"});
  add({F::jax, "gelu", {}, Fa::gelu, {boolean("approximate", true, "use the tanh approximation")}, bind_gelu, "Defaults to the tanh approximation."});
  add({F::jax, "silu", {"swish"}, Fa::swish, {}, bind_silu, "", no_check, "f(x) = x*sigmoid(x)", "f'(x) = s*(1 + x*(1 - s)), s = sigmoid(x)"});
  add({F::jax, "sigmoid", {}, Fa::sigmoid, {}, bind_none, "lax.logistic."});
  add({F::jax, "log_sigmoid", {}, Fa::log_sigmoid, {}, bind_none, ""});
  add({F::jax, "hard_sigmoid", {}, Fa::hard_sigmoid, {}, bind_hard_sigmoid, "relu6(x + 3)/6 with relu6's JVP: f'(+-3) = 0."});
  add({F::jax, "hard_silu", {"hard_swish"}, Fa::hard_swish, {}, bind_none, ""});
  add({F::jax, "hard_tanh", {}, Fa::clip, {}, bind_hardtanh_fixed_pass, "where(x > 1, 1, where(x < -1, -1, x)): f'(+-1) = 1.", no_check,
       "f(x) = clip(x, -1, 1)", "f'(x) = 1 for -1 <= x <= 1, else 0"});
  add({F::jax, "soft_sign", {}, Fa::softsign, {}, bind_none, ""});
  add({F::jax, "softplus", {}, Fa::softplus, {}, bind_softplus_exact, "logaddexp(x, 0), no parameters.", no_check, "f(x) = log(1 + exp(x))",
       "f'(x) = sigmoid(x)"});
  add({F::jax, "sparse_plus", {}, Fa::sparse_plus, {}, bind_none, ""});
  add({F::jax, "sparse_sigmoid", {}, Fa::sparse_sigmoid, {}, [](const double*, Slots& s) { set(s, 0.25); },
       "0.5*clip(x + 1, 0, 2): clip splits the gradient at ties, f'(+-1) = 0.25."});
  add({F::jax, "squareplus", {}, Fa::squareplus, {squareplus_b}, bind_first, ""});
  add({F::jax, "mish", {}, Fa::mish, {}, bind_none, ""});
  add({F::jax, "identity", {}, Fa::linear, {}, bind_none, ""});
  add({F::jax, "log1mexp", {}, Fa::log1mexp, {}, bind_none, "Custom JVP g/expm1(x)."});
  return t;
}


// ---- functions along an axis (docs/tensor.md) --------------------------------------

struct AxisSpelling {
  Framework framework;
  std::string_view name;
  AxisFamily family;
  std::vector<ParamInfo> params;
  Bind bind;
  std::string_view formula, derivative, notes;
};

constexpr double kAxisMax = 63;  // NumPy allows 64 dimensions
ParamInfo axis_param(std::string_view name, double def = -1) {
  return integer(name, def, "the axis to work along; negative counts from the end", -kAxisMax - 1, kAxisMax);
}
// torch's dim=None: PyTorch's deprecated implicit dim (0 for 0-, 1- and 3-D input, else 1).
ParamInfo torch_dim() {
  ParamInfo p = axis_param("dim");
  p.default_value = static_cast<double>(kImplicitAxis);
  p.none_allowed = true;
  p.none_value = static_cast<double>(kImplicitAxis);
  p.description = "the dimension to work along; negative counts from the end; None: PyTorch's implicit dim (0 for 0-, 1- and 3-D input, else 1)";
  return p;
}
ParamInfo temperature() { return positive("temperature", 1.0, "divides the logits (activ's addition)"); }

void bind_axis(const double* p, Slots& s) { set(s, p[0], 1); }
void bind_axis_temperature(const double* p, Slots& s) { set(s, p[0], p[1]); }

constexpr std::string_view kSoftmaxF = "y_i = exp(x_i/T) / sum_j exp(x_j/T) along axis (T = temperature); masked entries 0";
constexpr std::string_view kSoftmaxD = "dx = y*(dy - sum(dy*y))/T (backward_from_output takes y)";
constexpr std::string_view kLogSoftmaxF = "y_i = x_i/T - log(sum_j exp(x_j/T)) along axis; masked entries -inf";
constexpr std::string_view kLogSoftmaxD = "dx = (dy - exp(y)*sum(dy))/T (backward_from_output takes y)";
constexpr std::string_view kSoftminF = "y = softmax(-x/T) along axis";
constexpr std::string_view kSoftminD = "dx = -y*(dy - sum(dy*y))/T (backward_from_output takes y)";
constexpr std::string_view kSparsemaxF = "y = max(x - tau, 0), tau such that sum(y) = 1 (Martins & Astudillo 2016)";
constexpr std::string_view kSparsemaxD = "dx = dy - mean(dy over y > 0) where y > 0, else 0";
constexpr std::string_view kGluF = "[a, b] = halves of x along axis; y = a*sigmoid(b) (size halves)";
constexpr std::string_view kGluD = "da = dy*sigmoid(b), db = dy*a*sigmoid(b)*sigmoid(-b)";

std::vector<AxisSpelling> axis_spellings() {
  using F = Framework;
  using A = AxisFamily;
  const ParamInfo axis = axis_param("axis");
  std::vector<AxisSpelling> t;
  t.push_back({F::activ, "softmax", A::softmax, {axis, temperature()}, bind_axis_temperature, kSoftmaxF, kSoftmaxD,
               "axis=-1 by default as Keras, JAX and TensorFlow (torch:softmax keeps PyTorch's implicit dim). A row with +inf entries splits the probability equally among them; -inf entries get 0; an all -inf or fully masked row gives zeros (PyTorch: NaN)."});
  t.push_back({F::activ, "log_softmax", A::log_softmax, {axis, temperature()}, bind_axis_temperature, kLogSoftmaxF, kLogSoftmaxD,
               "x/T - max - log1p(sum of the others): no overflow and no cancellation. An all -inf or fully masked row gives -inf (PyTorch: NaN)."});
  t.push_back({F::activ, "softmin", A::softmin, {axis, temperature()}, bind_axis_temperature, kSoftminF, kSoftminD,
               "torch.nn.functional.softmin with axis=-1 by default."});
  t.push_back({F::activ, "softmax2d", A::softmax2d, {}, [](const double*, Slots& s) { set(s, -3, 1); },
               "y = softmax over axis -3 (channels of CHW / NCHW); input must be 3-D or 4-D", kSoftmaxD, "torch.nn.Softmax2d."});
  t.push_back({F::activ, "sparsemax", A::sparsemax, {axis}, bind_axis, kSparsemaxF, kSparsemaxD,
               "keras.activations.sparsemax. Sparse probabilities: exact zeros below the threshold tau."});
  t.push_back({F::activ, "glu", A::glu, {axis}, bind_axis, kGluF, kGluD, "torch.nn.functional.glu with axis for dim."});
  t.push_back({F::activ, "swiglu", A::swiglu, {axis}, bind_axis, "[a, b] = halves of x along axis; y = a*silu(b) (size halves)",
               "da = dy*silu(b), db = dy*a*silu'(b)", "Shazeer (2020); a is the first half (as glu)."});
  t.push_back({F::activ, "geglu", A::geglu, {axis, gelu_choice(0)}, [](const double* p, Slots& s) { set(s, p[0], 1, 0, p[1]); },
               "[a, b] = halves of x along axis; y = a*gelu(b), erf or tanh form (size halves)", "da = dy*gelu(b), db = dy*a*gelu'(b)",
               "Shazeer (2020); approximate='tanh' for the tanh form of gelu."});
  t.push_back({F::activ, "reglu", A::reglu, {axis}, bind_axis, "[a, b] = halves of x along axis; y = a*relu(b) (size halves)",
               "da = dy*relu(b), db = dy*a*(b > 0)", "Shazeer (2020); relu'(0) = 0."});
  t.push_back({F::activ, "maxout", A::maxout, {integer("k", 2, "group size: consecutive groups of k along the axis", 1, 2147483647.0), axis},
               [](const double* p, Slots& s) { set(s, p[1], 1, p[0]); },
               "y_j = max(x_{jk}, ..., x_{jk+k-1}) along axis (size divided by k)",
               "dx = dy at the first maximum of each group, 0 elsewhere",
               "Goodfellow et al. (2013): groups of k consecutive entries; NaN in a group gives NaN."});

  const ParamInfo dim = torch_dim();
  t.push_back({F::torch, "softmax", A::softmax, {dim}, bind_axis, "y_i = exp(x_i) / sum_j exp(x_j) along dim", kSoftmaxD,
               "dim=None uses PyTorch's deprecated implicit dim: 0 for 0-, 1- and 3-D input, else 1. An all -inf row gives zeros here, NaN in PyTorch."});
  t.push_back({F::torch, "log_softmax", A::log_softmax, {dim}, bind_axis, "y_i = x_i - log(sum_j exp(x_j)) along dim", kLogSoftmaxD,
               "dim=None: PyTorch's implicit dim. An all -inf row gives -inf here, NaN in PyTorch."});
  t.push_back({F::torch, "softmin", A::softmin, {dim}, bind_axis, "y = softmax(-x) along dim", kSoftminD, "dim=None: PyTorch's implicit dim."});
  t.push_back({F::torch, "softmax2d", A::softmax2d, {}, [](const double*, Slots& s) { set(s, -3, 1); },
               "y = softmax over dim -3 of a 3-D or 4-D input", kSoftmaxD, "torch.nn.Softmax2d."});
  t.push_back({F::torch, "glu", A::glu, {axis_param("dim")}, bind_axis, kGluF, kGluD, "F.glu(input, dim=-1); the size along dim must be even."});

  t.push_back({F::keras, "softmax", A::softmax, {axis}, bind_axis, "y_i = exp(x_i) / sum_j exp(x_j) along axis", kSoftmaxD,
               "The Softmax layer's mask sets masked logits to -1e9, so a fully masked row is uniform there; activ's mask gives zeros."});
  t.push_back({F::keras, "log_softmax", A::log_softmax, {axis}, bind_axis, "y_i = x_i - log(sum_j exp(x_j)) along axis", kLogSoftmaxD, ""});
  t.push_back({F::keras, "sparsemax", A::sparsemax, {axis}, bind_axis, kSparsemaxF, kSparsemaxD, ""});
  t.push_back({F::keras, "glu", A::glu, {axis}, bind_axis, kGluF, kGluD, "keras.activations.glu(x, axis=-1)."});

  t.push_back({F::tf, "softmax", A::softmax, {axis}, bind_axis, "y_i = exp(x_i) / sum_j exp(x_j) along axis", kSoftmaxD,
               "tf.nn.softmax(logits, axis=None): None means -1."});
  t.push_back({F::tf, "log_softmax", A::log_softmax, {axis}, bind_axis, "y_i = x_i - log(sum_j exp(x_j)) along axis", kLogSoftmaxD,
               "tf.nn.log_softmax(logits, axis=None): None means -1."});

  t.push_back({F::jax, "softmax", A::softmax, {axis}, bind_axis, "y_i = exp(x_i) / sum_j exp(x_j) along axis", kSoftmaxD,
               "jax.nn.softmax(x, axis=-1, where=None); its custom JVP works from the output."});
  t.push_back({F::jax, "log_softmax", A::log_softmax, {axis}, bind_axis, "y_i = x_i - log(sum_j exp(x_j)) along axis", kLogSoftmaxD, ""});
  t.push_back({F::jax, "glu", A::glu, {axis}, bind_axis, kGluF, kGluD, "jax.nn.glu(x, axis=-1)."});
  return t;
}

struct Registry {
  std::deque<std::string> strings;  // prefixed names
  std::deque<std::vector<ParamInfo>> params;
  std::deque<std::vector<std::string_view>> aliases;
  std::vector<Entry> entries;
  std::vector<FunctionInfo> infos;
  std::unordered_map<std::string_view, std::size_t> by_name;  // names and aliases

  std::string_view prefixed(Framework f, std::string_view name) {
    const std::string_view prefix = framework_prefix(f);
    if (prefix.empty()) return name;
    return strings.emplace_back(std::string(prefix) + ":" + std::string(name));
  }

  Registry() {
    for (Spelling& s : spellings()) {
      const FamilyText text = family_text(s.family);
      Entry e{};
      e.info.name = prefixed(s.framework, s.name);
      e.info.family = family_name(s.family);
      e.info.framework = s.framework;
      e.info.params = params.emplace_back(std::move(s.params));
      auto& al = aliases.emplace_back();
      for (std::string_view a : s.aliases) al.push_back(prefixed(s.framework, a));
      e.info.aliases = al;
      e.info.formula = s.formula.empty() ? text.formula : s.formula;
      e.info.derivative = s.derivative.empty() ? text.derivative : s.derivative;
      e.info.notes = s.notes.empty() && s.framework == Framework::torch ? kKinkTorch : s.notes;
      e.info.piecewise_linear = text.piecewise_linear;
      e.info.backward_from_output = scalar_kernels(s.family).backward_from_output_f64 != nullptr;
      e.family = s.family;
      e.bind = s.bind;
      e.check = s.check;
      entries.push_back(e);
    }
    for (AxisSpelling& s : axis_spellings()) {
      Entry e{};
      e.info.name = prefixed(s.framework, s.name);
      e.info.family = axis_family_name(s.family);
      e.info.framework = s.framework;
      e.info.params = params.emplace_back(std::move(s.params));
      e.info.aliases = aliases.emplace_back();
      e.info.formula = s.formula;
      e.info.derivative = s.derivative;
      e.info.notes = s.notes.empty() ? std::string_view{"Along an axis; see docs/tensor.md."} : s.notes;
      e.info.piecewise_linear = s.family == AxisFamily::maxout;
      e.info.kind = Kind::axis;
      const bool halves = s.family == AxisFamily::glu || s.family == AxisFamily::swiglu ||
                          s.family == AxisFamily::geglu || s.family == AxisFamily::reglu;
      e.info.axis_size = halves ? AxisSize::halved : s.family == AxisFamily::maxout ? AxisSize::divided_by_k : AxisSize::same;
      e.info.backward_from_output = !halves && s.family != AxisFamily::maxout;
      e.family = Family::linear;  // unused for axis entries
      e.axis_family = s.family;
      e.bind = s.bind;
      e.check = no_check;
      entries.push_back(e);
    }
    // Unqualified names first (the axis entries were appended after every spelling).
    std::stable_partition(entries.begin(), entries.end(),
                          [](const Entry& e) { return e.info.framework == Framework::activ; });
    for (std::size_t i = 0; i < entries.size(); ++i) {
      by_name.emplace(entries[i].info.name, i);
      for (std::string_view a : entries[i].info.aliases) by_name.emplace(a, i);
      infos.push_back(entries[i].info);
    }
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

std::string_view family_name(Family f) noexcept {
  static constexpr std::string_view names[] = {
      "linear",      "relu",        "clip",         "leaky_relu", "rrelu",       "elu",
      "exponential", "log1mexp",    "gelu",        "sigmoid",      "log_sigmoid", "swish",      "softplus",
      "mish",        "tanh",        "tanh_shrink",  "softsign",   "squareplus",  "hard_sigmoid",
      "hard_swish",  "threshold",   "thresholded_relu", "hard_shrink", "soft_shrink", "sparse_plus",
      "sparse_sigmoid"};
  static_assert(std::size(names) == static_cast<std::size_t>(Family::count_));
  return names[static_cast<std::size_t>(f)];
}

std::string_view axis_family_name(AxisFamily f) noexcept {
  static constexpr std::string_view names[] = {"",       "softmax", "log_softmax", "softmin", "softmax2d", "sparsemax",
                                               "glu",    "swiglu",  "geglu",       "reglu",   "maxout"};
  return names[static_cast<std::size_t>(f)];
}

std::span<const Entry> entries() noexcept { return registry().entries; }

const Entry* find_entry(std::string_view name) noexcept {
  const auto& r = registry();
  const auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : &r.entries[it->second];
}

}  // namespace activ::detail

namespace activ {

std::string_view framework_prefix(Framework f) noexcept {
  switch (f) {
    case Framework::activ: return "";
    case Framework::torch: return "torch";
    case Framework::keras: return "keras";
    case Framework::keras2: return "keras2";
    case Framework::tf: return "tf";
    case Framework::jax: return "jax";
  }
  return "";
}

std::span<const FunctionInfo> catalog() noexcept { return detail::registry().infos; }

const FunctionInfo* find_function(std::string_view name) noexcept {
  const detail::Entry* e = detail::find_entry(name);
  return e ? &catalog()[e - detail::entries().data()] : nullptr;
}

}  // namespace activ
