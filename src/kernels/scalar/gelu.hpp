// GELU, exact (erf) and tanh-approximated.
#pragma once

#include "kernels/scalar/common.hpp"

namespace activ::detail::scalar {

// Slots: approximate (0: x Phi(x) with erf; 1: the tanh form).
struct Gelu {
  // The constants to the precision of W (113 bits for the binary128 re-evaluation).
  template <class W> static W pi() { static const W v = math::acos(W(-1)); return v; }
  template <class W> static W inv_sqrt2() { static const W v = W(1) / math::sqrt(W(2)); return v; }
  template <class W> static W inv_sqrt_2pi() { static const W v = W(1) / math::sqrt(2 * pi<W>()); return v; }
  template <class W> static W sqrt_2_over_pi() { static const W v = math::sqrt(2 / pi<W>()); return v; }
  template <class W> static W cubic() { static const W v = W(44715) / W(1000000); return v; }

  // gelu'(x) = 0 near x = -0.7518 (erf form) and -0.7528 (tanh form).
  template <class W> static bool near_derivative_root(const Slots&, W x) {
    return math::fabs(x + W(0.752)) < W(0.05);
  }

  // x Phi(x) = x erfc(-x / sqrt 2) / 2: erfc keeps the left tail (where 1 + erf(x)
  // would cancel to 0 for x < -5.9) to full relative accuracy.
  // Tanh form: 0.5 x (1 + tanh(u)) = x sigma(2u), u = sqrt(2/pi) (x + 0.044715 x^3),
  // again without 1 + tanh cancellation.
  template <class W> static W forward(const Slots& s, W x) {
    if (math::isinf(x)) return x > 0 ? x : -W(0);
    if (s[0] == 0) return x * phi_cdf(x);
    return x * logistic(2 * inner(x));
  }
  // Phi(x) + x phi(x); tanh form: sigma(2u) (1 + 2x sigma(-2u) u').
  template <class W> static W derivative(const Slots& s, W x) {
    if (math::isinf(x)) return x > 0 ? W(1) : -W(0);
    if (s[0] == 0)
      return phi_cdf(x) + x * math::exp(-(x * x) / 2) * inv_sqrt_2pi<W>();
    const W u2 = 2 * inner(x);
    const W du = sqrt_2_over_pi<W>() * (1 + 3 * cubic<W>() * x * x);
    return logistic(u2) * (1 + 2 * x * logistic(-u2) * du);
  }
  // Phi(x) = erfc(z) / 2, z = -x / sqrt 2. erfc magnifies the relative error of its
  // argument by 2z^2 (1250 at x = -35), so z is formed to twice W's precision and
  // its low part applied to first order: erfc(z + dz) = erfc(z) - dz 2/sqrt(pi) e^{-z^2}.
  template <class W> static W phi_cdf(W x) {
    static const W c_hi = inv_sqrt2<W>();
    static const W c_lo = math::fma(-c_hi, c_hi, W(0.5)) / (2 * c_hi);  // 1/sqrt 2 - c_hi
    const Pair<W> z0 = two_prod(-x, c_hi);
    const W z = z0.hi, dz = z0.lo - x * c_lo;
    static const W two_over_sqrt_pi = 2 / math::sqrt(pi<W>());
    return (math::erfc(z) - dz * two_over_sqrt_pi * math::exp(-z * z)) / 2;
  }

  template <class W> static W inner(W x) { return sqrt_2_over_pi<W>() * (x + cubic<W>() * x * x * x); }
};

}  // namespace activ::detail::scalar
