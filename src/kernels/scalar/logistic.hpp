// Families built on the logistic function and softplus.
#pragma once

#include "kernels/scalar/common.hpp"

namespace activ::detail::scalar {

struct Sigmoid {
  template <class W> static W forward(const Slots&, W x) { return logistic(x); }
  // sigma(x) * sigma(-x): no 1 - sigma cancellation for large x.
  template <class W> static W derivative(const Slots&, W x) { return logistic(x) * logistic(-x); }
  // From the output: y (1 - y), exact in double for a float y (1 - y and the product
  // need at most 48 bits).
  template <class W> static W derivative_from_output(const Slots&, W y) { return y * (1 - y); }
};

// -softplus(-x).
struct LogSigmoid {
  template <class W> static W forward(const Slots&, W x) { return -log1p_exp(-x); }
  template <class W> static W derivative(const Slots&, W x) { return logistic(-x); }
};

// x * sigma(beta * x). Slots: beta (1 for silu).
struct Swish {
  // silu'(u) = 0 at u = -1.27846454...
  template <class W> static bool near_derivative_root(const Slots& s, W x) {
    return math::fabs(W(s[0]) * x + W(1.2784645427610738L)) < W(0.05);
  }
  template <class W> static W forward(const Slots& s, W x) {
    const W beta = W(s[0]);
    if (math::isinf(x)) {  // x * 0 at the flat end is the limit 0, not NaN
      if (beta == 0) return x;
      return (beta * x > 0) ? x : signed_zero(x);  // x sigma(bx) -> 0 with the sign of x
    }
    return x * logistic(beta * x);
  }
  // sigma(bx) (1 + bx sigma(-bx)).
  template <class W> static W derivative(const Slots& s, W x) {
    const W beta = W(s[0]);
    if (beta == 0) return W(0.5);
    const W bx = beta * x;
    if (math::isinf(bx)) return bx > 0 ? W(1) : -W(0);  // f' -> 1, or 0 from below
    return logistic(bx) * (W(1) + bx * logistic(-bx));
  }
};

// log(1 + e^{beta x}) / beta, or x where beta x > threshold (PyTorch). Slots: beta,
// threshold (inf: no threshold, the exact function).
struct Softplus {
  template <class W> static W forward(const Slots& s, W x) {
    const W beta = W(s[0]), bx = beta * x;
    if (bx > W(s[1])) return x;
    return log1p_exp(bx) / beta;
  }
  template <class W> static W derivative(const Slots& s, W x) {
    const W bx = W(s[0]) * x;
    if (bx > W(s[1])) return 1;
    return logistic(bx);
  }
};

// x tanh(softplus(x)). With n = e^x (e^x + 2), tanh(log(1 + e^x)) = n / (n + 2) and
// 1 - tanh(softplus(x)) = 2 / (n + 2): neither cancels on either tail.
struct Mish {
  // mish'(x) = 0 at x = -1.19243121...
  template <class W> static bool near_derivative_root(const Slots&, W x) {
    return math::fabs(x + W(1.1924312145154950L)) < W(0.05);
  }
  template <class W> static W tanh_softplus(W x, W& one_minus) {
    const W e = math::exp(x), n = e * (e + 2);
    one_minus = W(2) / (n + 2);  // 0 once n overflows
    return x < 0 ? n / (n + 2) : W(1) - one_minus;
  }
  template <class W> static W forward(const Slots&, W x) {
    if (x == -kInf<W>) return -W(0);
    W one_minus;
    return x * tanh_softplus(x, one_minus);
  }
  // t + x sigma(x) (1 - t^2), t = tanh(softplus(x)).
  template <class W> static W derivative(const Slots&, W x) {
    if (math::isinf(x)) return x > 0 ? W(1) : -W(0);
    W one_minus;
    const W t = tanh_softplus(x, one_minus);
    return t + x * logistic(x) * one_minus * (W(1) + t);
  }
};

}  // namespace activ::detail::scalar
