// elu, selu, celu and the plain exponential.
#pragma once

#include "kernels/scalar/common.hpp"

namespace activ::detail::scalar {

// x > 0 ? scale * x : scale * alpha * expm1(x / input_divisor). expm1 keeps full
// relative accuracy near 0, where exp(x) - 1 would cancel.
// Slots: alpha, scale, input_divisor, derivative at 0 taken from the right (1) or
// from the x <= 0 branch (0).
struct Elu {
  template <class W> static W forward(const Slots& s, W x) {
    const W alpha = W(s[0]), scale = W(s[1]), div = W(s[2]);
    if (x > 0) return scale * x;
    return (scale * alpha) * std::expm1(x / div);
  }
  template <class W> static W derivative(const Slots& s, W x) {
    const W alpha = W(s[0]), scale = W(s[1]), div = W(s[2]);
    if (x > 0 || (x == 0 && s[3] != 0)) return scale;
    return (scale * alpha / div) * std::exp(x / div);
  }
};

struct Exponential {
  template <class W> static W forward(const Slots&, W x) { return std::exp(x); }
  template <class W> static W derivative(const Slots&, W x) { return std::exp(x); }
};

// log(1 - e^-x), defined for x >= 0: log(-expm1(-x)) below ln 2 (where 1 - e^-x is
// small) and log1p(-e^-x) above it (where it is close to 1), as jax.nn.log1mexp.
struct Log1mexp {
  template <class W> static W forward(const Slots&, W x) {
    if (x < W(0.693147180559945309417232121458176568L)) return std::log(-std::expm1(-x));
    return std::log1p(-std::exp(-x));
  }
  template <class W> static W derivative(const Slots&, W x) { return 1 / std::expm1(x); }
};

}  // namespace activ::detail::scalar
