// The catalogue of elementwise activation functions: what a spec string may name.
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
};

// Every entry, unqualified names first, in a stable order.
std::span<const FunctionInfo> catalog() noexcept;

// The entry for a name or alias ("gelu", "torch:hardswish"), or nullptr.
const FunctionInfo* find_function(std::string_view name) noexcept;

}  // namespace activ
