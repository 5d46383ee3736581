// activ: activation functions of neural networks, correctly rounded, with each
// framework's definition selectable by name. This umbrella header is the public API.
//
//   activ::Activation gelu = activ::parse("gelu");          // PyTorch's erf form
//   activ::Activation jg = activ::parse("jax:gelu");        // JAX's tanh form
//   gelu.forward(x, y);                                     // spans of float or double
//   gelu.backward(x, dy, dx);                               // dx = dy * f'(x)
//   for (const activ::FunctionInfo& f : activ::catalog()) ...
#pragma once

#include "activ/activation.hpp"
#include "activ/catalog.hpp"
#include "activ/float16.hpp"
#include "activ/threads.hpp"
#include "activ/version.hpp"
