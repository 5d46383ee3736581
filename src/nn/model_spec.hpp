// Model specs: "dense(256),relu,dense(128),relu,dense(10)". Elements are separated by
// top-level commas (activation specs have commas inside parentheses). An element is a
// layer of this library:
//   dense(UNITS[, bias=true|false][, init=glorot_uniform|kaiming_uniform])  Keras init
//   linear(...)                        the same with torch's kaiming_uniform default
//   prelu[(num_parameters=N, init=0.25)]  learned slopes (torch.nn.PReLU)
//   rrelu[(lower=0.125, upper=1/3)]       random slopes in training (torch.nn.RReLU)
//   swish_learnable[(num_parameters=N, init=1.0)]  x * sigmoid(beta x), beta learned
//   dropout(P)
//   maxout(UNITS[, pieces=2][, bias=true|false][, init=...])  dense to UNITS*pieces, max
//                                      over each group of pieces (maxout.hpp)
// Keras 3 layers, by their Keras class names (case-sensitive), with Keras's defaults:
//   PReLU[(alpha_initializer=zeros|ones|constant(V)|glorot_uniform,
//          alpha_regularizer=None|l1(V)|l2(V)|l1_l2(l1=A, l2=B),
//          alpha_constraint=None|non_neg|max_norm(max_value=2, axis=0)
//                           |min_max_norm(min_value=0, max_value=1, rate=1, axis=0),
//          shared_axes=None|A|(A, B, ...), feature_shape=None|(D1, D2, ...))]
//   ReLU[(max_value=None, negative_slope=0, threshold=0)]   LeakyReLU[(negative_slope=0.3)]
//   ELU[(alpha=1)]   Softmax[(axis=-1)]   ThresholdedReLU[(theta=1)]
// (keras_prelu.hpp; the others are keras: catalogue functions under the layer's name)
// or else any activ activation spec, parsed by activ::parse ("relu", "elu(alpha=0.5)",
// "torch:gelu", "softmax", "maxout(k=2)"). The layer names above take precedence over
// the catalogue functions of the same names; maxout is the layer only with UNITS.
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
