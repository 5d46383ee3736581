// tanh, tanh_shrink, softsign and squareplus.
#pragma once

#include "kernels/scalar/common.hpp"

namespace activ::detail::scalar {

struct Tanh {
  template <class W> static W forward(const Slots&, W x) { return std::tanh(x); }
  // 1 - tanh^2 = 4e / (1 + e)^2 with e = exp(-2|x|): no cancellation in the tails.
  template <class W> static W derivative(const Slots&, W x) {
    const W e = std::exp(-2 * std::fabs(x));
    return 4 * e / ((1 + e) * (1 + e));
  }
  // From the output: (1 - y)(1 + y) rather than 1 - y^2, whose subtraction cancels
  // near |y| = 1; 1 - y and 1 + y are exact there (Sterbenz).
  template <class W> static W derivative_from_output(const Slots&, W y) { return (1 - y) * (1 + y); }
};

// x - tanh(x). Below |x| = 1/16 the difference cancels (it is about x^3 / 3), so the
// Taylor series of x - tanh(x) is used there: with x^2 < 2^-8 each term is below
// 2^-9.3 of the previous one, and seven terms reach 2^-65 relative.
struct TanhShrink {
  template <class W> static W forward(const Slots&, W x) {
    if (std::fabs(x) >= W(0.0625)) return x - std::tanh(x);
    const W z = x * x;
    // Coefficients of x^3, x^5, ... of x - tanh(x): -(2^2n (2^2n - 1) B_2n / (2n)!).
    W p = W(-929569.0L / 638512875.0L);
    p = p * z + W(21844.0L / 6081075.0L);
    p = p * z - W(1382.0L / 155925.0L);
    p = p * z + W(62.0L / 2835.0L);
    p = p * z - W(17.0L / 315.0L);
    p = p * z + W(2.0L / 15.0L);
    p = p * z - W(1.0L / 3.0L);
    return -(x * z) * p;
  }
  template <class W> static W derivative(const Slots&, W x) {
    const W t = std::tanh(x);
    return t * t;
  }
};

struct Softsign {
  template <class W> static W forward(const Slots&, W x) {
    if (std::isinf(x)) return x > 0 ? W(1) : W(-1);
    return x / (1 + std::fabs(x));
  }
  template <class W> static W derivative(const Slots&, W x) {
    const W d = 1 + std::fabs(x);
    return 1 / (d * d);
  }
};

// (x + sqrt(x^2 + b)) / 2. For x < 0 the sum cancels; b / (2 (sqrt(x^2 + b) - x))
// is the same value without it. hypot avoids overflow of x^2. Slots: b.
struct Squareplus {
  template <class W> static W forward(const Slots& s, W x) {
    const W b = W(s[0]), h = std::hypot(x, std::sqrt(b));
    if (x >= 0) return (x + h) / 2;
    return b / (2 * (h - x));
  }
  // f / sqrt(x^2 + b); at x = 0 with b = 0 (where f is relu) the mean of the one-sided
  // slopes, 1/2.
  template <class W> static W derivative(const Slots& s, W x) {
    if (x == kInf<W>) return 1;
    const W h = std::hypot(x, std::sqrt(W(s[0])));
    if (h == 0) return W(0.5);
    return forward(s, x) / h;
  }
};

}  // namespace activ::detail::scalar
