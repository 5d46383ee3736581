// The catalogue of activation functions: what a spec string may name. Most entries
// are elementwise; softmax, glu, maxout and their relatives work along an axis.
#pragma once

#include <span>
#include <string_view>

namespace activ {

// Whose definition, parameter names and defaults an entry follows.
enum class Framework : unsigned char {
  activ,   // unqualified names: PyTorch's definition where PyTorch has it, Keras 3's otherwise
  torch,   // torch.nn.functional
  keras,   // keras.activations (Keras 3; gradients as its default TensorFlow backend)
  keras2,  // tf_keras.activations (Keras 2), only where it differs from Keras 3
  tf,      // tf.nn / tf.math
  jax,     // jax.nn
};

// "torch", "keras", ... ("" for Framework::activ).
std::string_view framework_prefix(Framework f) noexcept;

enum class ParamKind : unsigned char {
  real,     // any double inside [min, max]
  integer,  // an integral double inside [min, max]
  boolean,  // true / false (also True / False, 1 / 0)
  choice,   // one of `choices`; the value is its index
};

struct ParamInfo {
  std::string_view name;
  ParamKind kind = ParamKind::real;
  double default_value = 0;  // meaningless when `required`
  bool required = false;     // no default: the spec string must give it
  double min = 0, max = 0;   // valid range (after `none_value` substitution)
  bool min_open = false, max_open = false;
  // For optional thresholds spelled `None` in Python (e.g. relu's max_value):
  // the spelling `None` stands for this value, and it prints back as None.
  bool none_allowed = false;
  double none_value = 0;
  std::span<const std::string_view> choices;  // ParamKind::choice only
  std::string_view description;
};

// How a function relates its output to its input.
enum class Kind : unsigned char {
  elementwise,  // y[i] = f(x[i]); any shape
  axis,         // along one axis (the `axis` / `dim` parameter, negative from the end)
};

// How an axis function changes the size of its axis.
enum class AxisSize : unsigned char {
  same,          // softmax, log_softmax, softmin, softmax2d, sparsemax
  halved,        // glu, swiglu, geglu, reglu: the size must be even
  divided_by_k,  // maxout: the size must be a multiple of the parameter k
};

struct FunctionInfo {
  std::string_view name;    // as spelled in a spec string, e.g. "gelu", "jax:gelu"
  std::string_view family;  // the mathematical family shared across frameworks, e.g. "gelu"
  Framework framework = Framework::activ;
  std::span<const ParamInfo> params;
  std::span<const std::string_view> aliases;  // other spellings, with the same prefix
  std::string_view formula;                   // f(x), plain text
  std::string_view derivative;                // f'(x), plain text, with the value at kinks
  std::string_view notes;                     // how this definition differs from the others
  bool piecewise_linear = false;              // results are exact (correctly rounded)
  Kind kind = Kind::elementwise;
  AxisSize axis_size = AxisSize::same;        // Kind::axis only
  // Activation::backward_from_output accepts the forward's output y instead of x
  // (sigmoid, tanh, relu, elu, selu, celu, exponential; softmax, log_softmax, softmin,
  // softmax2d, sparsemax: what the frameworks do).
  bool backward_from_output = false;
};

// Every entry, unqualified names first, in a stable order.
std::span<const FunctionInfo> catalog() noexcept;

// The entry for a name or alias ("gelu", "torch:hardswish"), or nullptr.
const FunctionInfo* find_function(std::string_view name) noexcept;

}  // namespace activ
