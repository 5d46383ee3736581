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
#include "kernels/scalar/quad.hpp"

namespace activ::detail::scalar {

template <class W>
inline constexpr W kInf = std::numeric_limits<W>::infinity();

// 1 / (1 + e^-x) without overflow and with full relative accuracy on both tails.
template <class W>
W logistic(W x) {
  if (x >= 0) return W(1) / (W(1) + math::exp(-x));
  const W e = math::exp(x);
  return e / (W(1) + e);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows, exact tails.
template <class W>
W log1p_exp(W x) {
  if (x > 0) return x + math::log1p(math::exp(-x));
  return math::log1p(math::exp(x));
}

// A zero with the sign of x: several frameworks compute x * 0 on their flat parts.
template <class W>
W signed_zero(W x) {
  return std::copysign(W(0), x);
}

// An unevaluated sum hi + lo, |lo| <= ulp(hi) / 2: what the piecewise-linear families
// return so that rounding to float or double happens once, from the exact value.
// (Rounding x * slope to double and then to float rounds twice and misses ties:
// x = -0x1.ad7f2cp-24f times rrelu's slope 0x1.d555555555555p-3 is one.)
template <class W>
struct Pair {
  W hi, lo;
};

// Error-free transformations (Knuth's TwoSum, FMA-based TwoProd).
template <class W>
Pair<W> two_sum(W a, W b) {
  const W s = a + b, bb = s - a;
  // An infinite sum has no error term (inf - inf would make it NaN: soft_shrink(inf)).
  return {s, math::isfinite(s) ? (a - (s - bb)) + (b - bb) : W(0)};
}
template <class W>
Pair<W> two_prod(W a, W b) {
  const W p = a * b;
  return {p, math::isfinite(p) ? math::fma(a, b, -p) : W(0)};
}
// (hi + lo) * c, to about twice W's precision.
template <class W>
Pair<W> scale(Pair<W> v, W c) {
  const Pair<W> p = two_prod(v.hi, c);
  return {p.hi, p.lo + v.lo * c};
}
// (hi + lo) / d, to about twice W's precision.
template <class W>
Pair<W> divide(Pair<W> v, W d) {
  const W q = v.hi / d;
  if (!math::isfinite(q)) return {q, W(0)};
  return {q, (math::fma(-q, d, v.hi) + v.lo) / d};
}

// Rounds a wide value to the storage type T (once).
template <class T, class W>
T narrow(W v) {
  return static_cast<T>(v);
}
// Rounds hi + lo to the nearest T, ties to even, as if from the exact sum: hi alone
// decides unless it lies exactly halfway between two T values, where lo's sign does.
template <class T, class W>
T narrow(Pair<W> v) {
  const T r = static_cast<T>(v.hi);
  if (v.lo == 0 || !std::isfinite(r) || W(r) == v.hi) return r;
  const T other = std::nextafter(r, W(r) < v.hi ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity());
  if (W(r) - v.hi != v.hi - W(other)) return r;  // not a tie
  return ((W(other) > v.hi) == (v.lo > 0)) ? other : r;
}

}  // namespace activ::detail::scalar
