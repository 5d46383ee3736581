// GELU, exact (erf) and tanh-approximated.
#pragma once

#include "kernels/scalar/common.hpp"

namespace activ::detail::scalar {

// Slots: approximate (0: x Phi(x) with erf; 1: the tanh form).
struct Gelu {
  static constexpr long double kInvSqrt2 = 0.707106781186547524400844362104849039L;
  static constexpr long double kInvSqrt2Pi = 0.398942280401432677939946059934381868L;
  static constexpr long double kSqrt2OverPi = 0.797884560802865355879892119868763737L;
  static constexpr long double kCubic = 0.044715L;

  // x Phi(x) = x erfc(-x / sqrt 2) / 2: erfc keeps the left tail (where 1 + erf(x)
  // would cancel to 0 for x < -5.9) to full relative accuracy.
  // Tanh form: 0.5 x (1 + tanh(u)) = x sigma(2u), u = sqrt(2/pi) (x + 0.044715 x^3),
  // again without 1 + tanh cancellation.
  template <class W> static W forward(const Slots& s, W x) {
    if (std::isinf(x)) return x > 0 ? x : -W(0);
    if (s[0] == 0) return x * std::erfc(-x * W(kInvSqrt2)) / 2;
    return x * logistic(2 * inner(x));
  }
  // Phi(x) + x phi(x); tanh form: sigma(2u) (1 + 2x sigma(-2u) u').
  template <class W> static W derivative(const Slots& s, W x) {
    if (std::isinf(x)) return x > 0 ? W(1) : -W(0);
    if (s[0] == 0)
      return std::erfc(-x * W(kInvSqrt2)) / 2 + x * std::exp(-(x * x) / 2) * W(kInvSqrt2Pi);
    const W u2 = 2 * inner(x);
    const W du = W(kSqrt2OverPi) * (1 + 3 * W(kCubic) * x * x);
    return logistic(u2) * (1 + 2 * x * logistic(-u2) * du);
  }
  template <class W> static W inner(W x) { return W(kSqrt2OverPi) * (x + W(kCubic) * x * x * x); }
};

}  // namespace activ::detail::scalar
