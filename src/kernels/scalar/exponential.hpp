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
  // From the output: y > 0 came from x > 0 and y = 0 from x = 0 (its kink convention);
  // below, y + scale*alpha = scale*alpha*exp(x/d). Needs alpha > 0: with alpha = 0 every
  // x <= 0 gives y = 0, and with alpha < 0 the two branches overlap.
  static std::string_view from_output_unavailable(const Slots& s) {
    return s[0] > 0 && s[1] > 0 && s[2] > 0 ? std::string_view{}
                                            : "needs alpha > 0 (otherwise the output does not determine x)";
  }
  template <class W> static W derivative_from_output(const Slots& s, W y) {
    const W scale = W(s[1]);
    if (y > 0) return scale;
    if (y == 0) return s[3] != 0 ? scale : W(s[1] * s[0] / s[2]);
    // y + scale*alpha cancels as y saturates (x << 0): scale*alpha exactly as c + e
    // (fma), then in two parts of W, so the sum is right for the y given (y + c_hi is
    // exact by Sterbenz where it cancels).
    const long double c = s[1] * s[0], e = std::fma(s[1], s[0], -c);
    const W c_hi = W(c), c_lo = W((c - static_cast<long double>(c_hi)) + e);
    return ((y + c_hi) + c_lo) / W(s[2]);
  }
};

struct Exponential {
  template <class W> static W forward(const Slots&, W x) { return std::exp(x); }
  template <class W> static W derivative(const Slots&, W x) { return std::exp(x); }
  template <class W> static W derivative_from_output(const Slots&, W y) { return y; }
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
