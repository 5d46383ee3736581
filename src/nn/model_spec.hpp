// Model specs: "dense(256),relu,dense(128),relu,dense(10)". Elements are separated by
// top-level commas (activation specs have commas inside parentheses). An element is a
// layer of this library:
//   dense(UNITS[, bias=true|false][, init=glorot_uniform|kaiming_uniform])  Keras init
//   linear(...)                        the same with torch's kaiming_uniform default
//   prelu[(num_parameters=N, init=0.25)]  learned slopes (torch.nn.PReLU)
//   rrelu[(lower=0.125, upper=1/3)]       random slopes in training (torch.nn.RReLU)
//   swish_learnable[(num_parameters=N, init=1.0)]  x * sigmoid(beta x), beta learned
//   dropout(P)
// or else any activ activation spec, parsed by activ::parse ("relu", "elu(alpha=0.5)",
// "torch:gelu", "softmax"). The layer names above take precedence over the catalogue
// functions of the same names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nn/sequential.hpp"

namespace activ::nn {

// The elements of `spec` split at top-level commas, trimmed. Throws
// std::invalid_argument for unbalanced parentheses or an empty element.
std::vector<std::string> split_model_spec(std::string_view spec);

// The layers of `spec`, not yet built. Throws std::invalid_argument naming the element
// (its position and text) and the problem.
template <class T>
Sequential<T> parse_model(std::string_view spec);

}  // namespace activ::nn
