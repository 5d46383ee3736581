// Shared pieces of the scalar kernels. Every family is a struct with
//   template <class W> static W forward(const Slots&, W x);
//   template <class W> static W derivative(const Slots&, W x);
// evaluated in a wider type W than the storage type (double for float32, long double
// for float64), so that one final rounding gives float32 results within 1 ULP. The
// formulas still avoid cancellation and overflow: a wide type does not rescue
// exp(x) - 1 near 0 or 1 + erf(x) for x << 0. NaN inputs never reach these functions
// (the loops pass NaN through); infinities do, and each family returns the limit.
#pragma once

#include <cmath>
#include <limits>

#include "catalog/entry.hpp"

namespace activ::detail::scalar {

template <class W>
inline constexpr W kInf = std::numeric_limits<W>::infinity();

// 1 / (1 + e^-x) without overflow and with full relative accuracy on both tails.
template <class W>
W logistic(W x) {
  if (x >= 0) return W(1) / (W(1) + std::exp(-x));
  const W e = std::exp(x);
  return e / (W(1) + e);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows, exact tails.
template <class W>
W log1p_exp(W x) {
  if (x > 0) return x + std::log1p(std::exp(-x));
  return std::log1p(std::exp(x));
}

// A zero with the sign of x: several frameworks compute x * 0 on their flat parts.
template <class W>
W signed_zero(W x) {
  return std::copysign(W(0), x);
}

}  // namespace activ::detail::scalar
