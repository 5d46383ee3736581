// SIMD float32 kernels, one body for every ISA (Highway foreach_target with runtime
// dispatch). float32 lanes are promoted to float64 and evaluated there with this file's
// Exp, Expm1, log(1 + e) and Tanh, within 2^-41 relative (each says why), and Highway's
// Log where it remains (within 4 float64 ULP): the final rounding to float32 absorbs
// that (0.5 + 2^-16 ULP), so the cancellation-free formulas of the scalar kernels
// (src/kernels/scalar/) carry over unchanged.
// Piecewise-linear families compute an exact double pair hi + lo, round hi to odd
// with lo's sign and then to float32: rounding twice that way is exact (53 >= 24 + 2),
// so these stay bit-identical to the scalar kernels.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/simd/elementwise.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/scalar/piecewise.hpp"  // RreluSplitmix
#include "kernels/simd/elementwise.hpp"
#include "kernels/simd/demote-inl.h"
#include "kernels/simd/logistic32-inl.h"
#include "kernels/simd/math64-inl.h"

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
using DF = hn::Rebind<float, D>;  // as many float lanes as D has double lanes
using VF = hn::Vec<DF>;

struct Params {
  double v[kMaxSlots];
  explicit Params(const Slots& s) {
    for (std::size_t i = 0; i < kMaxSlots; ++i) v[i] = static_cast<double>(s.v[i]);
  }
};

HWY_INLINE V Lit(double c) { return hn::Set(D(), c); }
using math64::Exp;
using math64::Expm1;
using math64::Log1pUnit;
using math64::TanhSimd;

// sigma(x) = 1 / (1 + e^-x) and sigma(-x) = 1 - sigma(x), for both signs without
// overflow, from one exponential and one division (e = e^-|x|: 1 / (1 + e) and e / (1 + e)).
struct LogisticPair {
  V s, s_neg;
};
HWY_INLINE LogisticPair Logistics(V x) {
  const V e = Exp(hn::Neg(hn::Abs(x)));
  const V q = hn::Div(Lit(1.0), hn::Add(Lit(1.0), e));
  const V eq = hn::Mul(e, q);
  const auto positive = hn::Ge(x, hn::Zero(D()));
  return {hn::IfThenElse(positive, q, eq), hn::IfThenElse(positive, eq, q)};
}
HWY_INLINE V Logistic(V x) { return Logistics(x).s; }

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
HWY_INLINE V Log1pExp(V x) {
  const D d;
  return hn::Add(hn::Max(x, hn::Zero(d)), Log1pUnit(Exp(hn::Neg(hn::Abs(x)))));
}

// An unevaluated double pair, rounded to float32 once (see the file comment).
struct Pair {
  V hi, lo;
};
HWY_INLINE Pair Exact(V v) { return {v, hn::Zero(D())}; }
HWY_INLINE Pair TwoSum(V a, V b) {
  const V s = hn::Add(a, b), bb = hn::Sub(s, a);
  // An infinite sum has no error term (inf - inf would make it NaN, which Ne(lo, 0)
  // reads as inexact on SSE4, where the comparison is unordered).
  return {s, hn::IfThenElseZero(hn::IsFinite(s), hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb)))};
}
HWY_INLINE Pair TwoProd(V a, V b) {
  const V p = hn::Mul(a, b);
#if HWY_NATIVE_FMA
  const V e = hn::MulSub(a, b, p);  // a*b - p, exact with FMA
#else
  // Without FMA (SSE4 and older; Highway's MulSub would round a*b first): Dekker's
  // product, a and b split into 26-bit halves (Veltkamp) whose products are exact. Exact
  // for |a|, |b| < 2^995 and no underflow, which the float32 inputs and slopes here keep.
  const auto split = [](V v) {
    const V t = hn::Mul(Lit(134217729.0), v);  // 2^27 + 1
    const V high = hn::Sub(t, hn::Sub(t, v));
    return Pair{high, hn::Sub(v, high)};
  };
  const Pair as = split(a), bs = split(b);
  const V e = hn::Add(hn::Add(hn::Add(hn::Sub(hn::Mul(as.hi, bs.hi), p), hn::Mul(as.hi, bs.lo)), hn::Mul(as.lo, bs.hi)),
                      hn::Mul(as.lo, bs.lo));
#endif
  return {p, hn::IfThenElseZero(hn::And(hn::IsFinite(p), hn::IsFinite(e)), e)};
}
HWY_INLINE Pair Scale(Pair v, V c) {
  const Pair p = TwoProd(v.hi, c);
  return {p.hi, hn::MulAdd(v.lo, c, p.lo)};
}
HWY_INLINE Pair Divide(Pair v, V d) {
  const V q = hn::Div(v.hi, d);
  const V r = hn::Add(hn::NegMulAdd(q, d, v.hi), v.lo);  // v.hi - q*d exact, plus lo
  return {q, hn::IfThenElseZero(hn::IsFinite(q), hn::Div(r, d))};
}
HWY_INLINE Pair Select(hn::Mask<D> m, Pair a, Pair b) {
  return {hn::IfThenElse(m, a.hi, b.hi), hn::IfThenElse(m, a.lo, b.lo)};
}

// hi rounded to odd in the direction of lo: an inexact pair whose hi has an even last
// bit moves one ULP toward lo.
HWY_INLINE V RoundToOdd(Pair p) {
  const D d;
  const hn::RebindToUnsigned<D> du;
  const auto bits = hn::BitCast(du, p.hi);
  const auto one = hn::Set(du, 1);
  const auto even = hn::Eq(hn::And(bits, one), hn::Zero(du));
  const auto inexact = hn::RebindMask(du, hn::Ne(p.lo, hn::Zero(d)));
  const auto same_sign = hn::Eq(hn::ShiftRight<63>(hn::Xor(bits, hn::BitCast(du, p.lo))), hn::Zero(du));
  const auto step = hn::IfThenElse(same_sign, one, hn::Set(du, ~uint64_t{0}));  // +1 or -1 in magnitude
  return hn::BitCast(d, hn::IfThenElse(hn::And(even, inexact), hn::Add(bits, step), bits));
}
HWY_INLINE V Narrowable(V v) { return v; }
HWY_INLINE V Narrowable(Pair p) { return RoundToOdd(p); }

// ---- families ----------------------------------------------------------------------
// Each has Forward(p, x) -> V or Pair and Derivative(p, x) -> V, in double lanes; NaN
// lanes are replaced by the input afterwards, infinities reach them.

struct Linear {
  static Pair Forward(const Params&, V x) { return Exact(x); }
  static V Derivative(const Params&, V) { return Lit(1.0); }
};

struct Relu {  // negative_slope, max_value, threshold, f'(max_value), f'(threshold)
  static Pair Forward(const Params& p, V x) {
    const D d;
    const V t = Lit(p.v[2]);
    V above = x;
    if (p.v[1] < HUGE_VAL) {  // clamp(x, 0, max_value), keeping x's zero sign as the scalar kernel
      const V cap = Lit(p.v[1]);
      above = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Zero(d), hn::IfThenElse(hn::Gt(x, cap), cap, x));
    }
    if (p.v[0] == 0) return {hn::IfThenElse(hn::Gt(x, t), above, hn::Zero(d)), hn::Zero(d)};
    const Pair r = Scale(TwoSum(t, hn::Neg(x)), Lit(p.v[0]));
    const Pair below = {hn::Neg(r.hi), hn::Neg(r.lo)};
    const auto at_t = hn::Eq(x, t);  // 0 - slope * 0 is +0
    const Pair left = Select(at_t, Exact(hn::Zero(d)), below);
    return Select(hn::Gt(x, t), Exact(above), left);
  }
  static V Derivative(const Params& p, V x) {
    const D d;
    const V t = Lit(p.v[2]);
    V above = Lit(1.0);
    if (p.v[1] < HUGE_VAL) {
      const V m = Lit(p.v[1]);
      above = hn::IfThenElse(hn::Or(hn::Gt(x, m), hn::Lt(x, hn::Zero(d))), hn::Zero(d), above);
      above = hn::IfThenElse(hn::Eq(x, m), Lit(p.v[3]), above);
    }
    const V below = hn::IfThenElse(hn::Eq(x, t), Lit(p.v[4]), Lit(p.v[0]));
    return hn::IfThenElse(hn::Gt(x, t), above, below);
  }
};

struct Clip {  // lo, hi, f' at the bounds
  // Selects rather than Min/Max, whose result for equal operands (-0 and +0) depends on
  // the instruction set: x itself unless strictly outside, as the scalar kernel.
  static Pair Forward(const Params& p, V x) {
    const V lo = Lit(p.v[0]), hi = Lit(p.v[1]);
    return Exact(hn::IfThenElse(hn::Lt(x, lo), lo, hn::IfThenElse(hn::Gt(x, hi), hi, x)));
  }
  static V Derivative(const Params& p, V x) {
    const V lo = Lit(p.v[0]), hi = Lit(p.v[1]);
    const V inside = hn::IfThenElseZero(hn::And(hn::Gt(x, lo), hn::Lt(x, hi)), Lit(1.0));
    return hn::IfThenElse(hn::Or(hn::Eq(x, lo), hn::Eq(x, hi)), Lit(p.v[2]), inside);
  }
};

template <class SlopeOf>
struct LeakyBase {  // x > 0 ? x : a*x
  static Pair Forward(const Params& p, V x) {
    const D d;
    const double a = SlopeOf::Get(p);
    const Pair neg = a == 0 ? Exact(hn::CopySign(hn::Zero(d), x)) : TwoProd(Lit(a), x);
    return Select(hn::Gt(x, hn::Zero(d)), Exact(x), neg);
  }
  static V Derivative(const Params& p, V x) {
    const D d;
    const V below = hn::IfThenElse(hn::Eq(x, hn::Zero(d)), Lit(SlopeOf::AtZero(p)), Lit(SlopeOf::Get(p)));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), Lit(1.0), below);
  }
};
struct LeakySlope {  // slope, f'(0)
  static double Get(const Params& p) { return p.v[0]; }
  static double AtZero(const Params& p) { return p.v[1]; }
};
struct RreluEvalSlope {  // lower, upper: (lower + upper) / 2 in double, as the scalar kernel
  static double Get(const Params& p) { return (p.v[0] + p.v[1]) / 2; }
  static double AtZero(const Params& p) { return Get(p); }
};
using LeakyRelu = LeakyBase<LeakySlope>;
using RreluEval = LeakyBase<RreluEvalSlope>;

struct HardSigmoid {  // clip((x + shift) / divisor, 0, 1); f' factor at the kinks
  static Pair Forward(const Params& p, V x) {
    const D d;
    const V shift = Lit(p.v[0]), div = Lit(p.v[1]);
    const Pair mid = Divide(TwoSum(x, shift), div);
    const Pair low = Select(hn::Le(x, hn::Neg(shift)), Exact(hn::Zero(d)), mid);
    return Select(hn::Ge(x, Lit(p.v[1] - p.v[0])), Exact(Lit(1.0)), low);
  }
  static V Derivative(const Params& p, V x) {
    const V lo = Lit(-p.v[0]), hi = Lit(p.v[1] - p.v[0]);
    const V inside = hn::IfThenElseZero(hn::And(hn::Gt(x, lo), hn::Lt(x, hi)), Lit(1.0 / p.v[1]));
    return hn::IfThenElse(hn::Or(hn::Eq(x, lo), hn::Eq(x, hi)), Lit(p.v[2] / p.v[1]), inside);
  }
};

struct HardSwish {  // x * relu6(x + 3) / 6
  static Pair Forward(const Params&, V x) {
    const D d;
    const Pair mid = Divide(Scale(TwoSum(x, Lit(3.0)), x), Lit(6.0));
    const Pair low = Select(hn::Le(x, Lit(-3.0)), Exact(hn::CopySign(hn::Zero(d), x)), mid);
    return Select(hn::Ge(x, Lit(3.0)), Exact(x), low);
  }
  static V Derivative(const Params&, V x) {
    const D d;
    const V mid = hn::Div(hn::MulAdd(Lit(2.0), x, Lit(3.0)), Lit(6.0));
    const V low = hn::IfThenElse(hn::Le(x, Lit(-3.0)), hn::Zero(d), mid);
    return hn::IfThenElse(hn::Ge(x, Lit(3.0)), Lit(1.0), low);
  }
};

struct Elu {  // alpha, scale, input divisor, f'(0) from the right
  static V Forward(const Params& p, V x) {
    const D d;
    // x itself (not min(x, 0), which may turn -0 into +0): the x > 0 lanes are not used.
    const V arg = hn::Max(hn::Div(x, Lit(p.v[2])), Lit(-1000.0));  // expm1(-inf) = -1
    const V neg = hn::Mul(Lit(p.v[1] * p.v[0]), Expm1(arg));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Mul(Lit(p.v[1]), x), neg);
  }
  static V Derivative(const Params& p, V x) {
    const D d;
    const V neg = hn::Mul(Lit(p.v[1] * p.v[0] / p.v[2]), Exp(hn::Div(hn::Min(x, hn::Zero(d)), Lit(p.v[2]))));
    const auto right = p.v[3] != 0 ? hn::Ge(x, hn::Zero(d)) : hn::Gt(x, hn::Zero(d));
    return hn::IfThenElse(right, Lit(p.v[1]), neg);
  }
};

struct Exponential {
  static V Forward(const Params&, V x) { return Exp(x); }
  static V Derivative(const Params&, V x) { return Exp(x); }
};

struct Sigmoid {
  static V Forward(const Params&, V x) { return Logistic(x); }
  static V Derivative(const Params&, V x) {
    const LogisticPair l = Logistics(x);
    return hn::Mul(l.s, l.s_neg);
  }
};

struct LogSigmoid {
  static V Forward(const Params&, V x) { return hn::Neg(Log1pExp(hn::Neg(x))); }
  static V Derivative(const Params&, V x) { return Logistic(hn::Neg(x)); }
};

struct Swish {  // beta
  static V Forward(const Params& p, V x) {
    const D d;
    const V bx = hn::Mul(Lit(p.v[0]), x);
    const V y = hn::Mul(x, Logistic(bx));
    // x * 0 at the flat infinite end is the limit 0 (with x's sign), not NaN.
    const V flat = hn::IfThenElse(hn::Gt(bx, hn::Zero(d)), x, hn::CopySign(hn::Zero(d), x));
    const V at_inf = p.v[0] == 0 ? x : flat;
    return hn::IfThenElse(hn::IsInf(x), at_inf, y);
  }
  static V Derivative(const Params& p, V x) {
    const D d;
    if (p.v[0] == 0) return Lit(0.5);
    const V bx = hn::Mul(Lit(p.v[0]), x);
    const LogisticPair l = Logistics(bx);
    const V y = hn::Mul(l.s, hn::MulAdd(bx, l.s_neg, Lit(1.0)));
    const V limit = hn::IfThenElse(hn::Gt(bx, hn::Zero(d)), Lit(1.0), Lit(-0.0));
    return hn::IfThenElse(hn::IsInf(bx), limit, y);
  }
};

struct Softplus {  // beta, threshold
  static V Forward(const Params& p, V x) {
    const V bx = hn::Mul(Lit(p.v[0]), x);
    const V y = hn::Mul(Log1pExp(bx), Lit(1 / p.v[0]));
    return hn::IfThenElse(hn::Gt(bx, Lit(p.v[1])), x, y);
  }
  static V Derivative(const Params& p, V x) {
    const V bx = hn::Mul(Lit(p.v[0]), x);
    return hn::IfThenElse(hn::Gt(bx, Lit(p.v[1])), Lit(1.0), Logistic(bx));
  }
};

struct Mish {
  // t = tanh(softplus(x)) = n / (n + 2), 1 - t = 2 / (n + 2), n = e^x (e^x + 2).
  // Also returns e = e^x (capped), from which the derivative takes sigma(x).
  static V TanhSoftplus(V x, V& t, V& one_minus) {
    const D d;
    const V e = Exp(hn::Min(x, Lit(300.0)));  // n stays finite; beyond, t rounds to 1
    const V n = hn::Mul(e, hn::Add(e, Lit(2.0)));
    one_minus = hn::Div(Lit(2.0), hn::Add(n, Lit(2.0)));
    // n / (n + 2) = n (1 - t) / 2, a product: no cancellation where t is small (x < 0).
    t = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Mul(n, hn::Mul(one_minus, Lit(0.5))), hn::Sub(Lit(1.0), one_minus));
    return e;
  }
  static V Forward(const Params&, V x) {
    V t, one_minus;
    TanhSoftplus(x, t, one_minus);
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(D())), x, Lit(-0.0)), hn::Mul(x, t));
  }
  static V Derivative(const Params&, V x) {
    const D d;
    V t, one_minus;
    const V e = TanhSoftplus(x, t, one_minus);
    const V sigma = hn::Div(e, hn::Add(Lit(1.0), e));  // e^x / (1 + e^x); 1 once e is capped
    const V y = hn::MulAdd(hn::Mul(hn::Mul(x, sigma), one_minus), hn::Add(Lit(1.0), t), t);
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), Lit(1.0), Lit(-0.0)), y);
  }
};

struct GeluTanh {  // x sigma(2u), u = sqrt(2/pi) (x + 0.044715 x^3); erf form stays scalar
  static constexpr double kSqrt2OverPi = 0.79788456080286535588;
  static constexpr double kCubic = 0.044715;
  static V TwoU(V x) {
    const V x2 = hn::Mul(x, x);
    return hn::Mul(Lit(2 * kSqrt2OverPi), hn::Mul(x, hn::MulAdd(Lit(kCubic), x2, Lit(1.0))));
  }
  static V Forward(const Params&, V x) {
    const D d;
    const V y = hn::Mul(x, Logistic(TwoU(x)));
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, Lit(-0.0)), y);
  }
  static V Derivative(const Params&, V x) {
    const D d;
    const V u2 = TwoU(x);
    const V du = hn::Mul(Lit(kSqrt2OverPi), hn::MulAdd(Lit(3 * kCubic), hn::Mul(x, x), Lit(1.0)));
    const LogisticPair l = Logistics(u2);
    const V y = hn::Mul(l.s, hn::MulAdd(hn::Mul(Lit(2.0), x), hn::Mul(l.s_neg, du), Lit(1.0)));
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), Lit(1.0), Lit(-0.0)), y);
  }
};

// erf form: x Phi(x), Phi(x) = erfc(z) / 2 with z = -x / sqrt 2, and its derivative
// Phi(x) + x phi(x). erfc by W. J. Cody's rational Chebyshev approximations ("Rational
// Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631-638;
// coefficients as in netlib specfun CALERF), good to about 1e-17 relative, with
// y = |z|:
//   y <= 0.46875:   erfc(z) = 1 - z A(y^2) / B(y^2)
//   y <= 4:         erfc(y) = e^-y^2 C(y) / D(y)
//   y > 4:          erfc(y) = e^-y^2 (1/sqrt(pi) - R(1/y^2)) / y, R = P/Q in 1/y^2
// and erfc(z) = 2 - erfc(y) for z < 0. All three are evaluated and the numerator and
// denominator selected before one division; the tail's rational in 1/y^2 is multiplied
// through by y^10 (its coefficients are positive, so no cancellation) to avoid a
// second division, with y capped at 30 (erfc(30) underflows to 0 in double). e^-y^2
// comes from Highway's Exp, accurate to a float64 ULP: near the derivative's root
// (x = -0.7518) Phi and x phi cancel, and the result needs every bit of both. z is
// rounded once (2^-53); erfc magnifies that by 2y^2, under 2^-44 where the result is
// a float32 above 0.
struct GeluErf {
  static constexpr double kInvSqrt2 = 0.70710678118654752440;
  static constexpr double kInvSqrtPi = 0.56418958354775628695;
  static constexpr double kInvSqrt2Pi = 0.39894228040143267794;
  struct Ratio {
    V num, den;
  };
  // Horner from the highest coefficient, as Cody's loops: lead * t^n + c[0] t^(n-1) + ...
  template <std::size_t N>
  static V Horner(V t, double lead, const double (&c)[N]) {
    V r = Lit(lead);
    for (double ci : c) r = hn::MulAdd(r, t, Lit(ci));
    return r;
  }
  // erfc(z) and e^-z^2.
  static V Erfc(V z, V& gauss) {
    const D d;
    const V y = hn::Min(hn::Abs(z), Lit(30.0));
    const V u = hn::Mul(y, y);
    gauss = hn::Exp(d, hn::Neg(u));
    // y <= 0.46875: 1 - z A/B = (B - z A) / B
    static constexpr double a[] = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
                                   3.20937758913846947e03};
    static constexpr double b[] = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
                                   2.84423683343917062e03};
    const V na = Horner(u, 1.85777706184603153e-1, a), db = Horner(u, 1.0, b);
    const Ratio small{hn::NegMulAdd(z, na, db), db};
    // y <= 4: C(y) / D(y)
    static constexpr double c[] = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
                                   2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
                                   2.05107837782607147e03, 1.23033935479799725e03};
    static constexpr double dd[] = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
                                    1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
                                    3.43936767414372164e03, 1.23033935480374942e03};
    const Ratio middle{Horner(y, 2.15311535474403846e-8, c), Horner(y, 1.0, dd)};
    // y > 4: with t = 1/u, R = t P(t) / Q(t) where P = p5 t^5 + p0 t^4 + ... + p4 and
    // Q = t^5 + q0 t^4 + ... + q4. Times u^5: P' = p4 u^5 + p3 u^4 + ... + p0 u + p5 and
    // Q' = q4 u^5 + ... + q0 u + 1, R = P' / (u Q'), and
    // (1/sqrt(pi) - R) / y = (u Q' / sqrt(pi) - P') / (y u Q').
    const V pp = Horner(u, 6.58749161529837803e-4,
                        {1.60837851487422766e-2, 1.25781726111229246e-1, 3.60344899949804439e-1,
                         3.05326634961232344e-1, 1.63153871373020978e-2});
    const V qq = Horner(u, 2.33520497626869185e-3,
                        {6.05183413124413191e-2, 5.27905102951428412e-1, 1.87295284992346047e00,
                         2.56852019228982242e00, 1.0});
    const V uq = hn::Mul(u, qq);
    const Ratio tail{hn::MulSub(uq, Lit(kInvSqrtPi), pp), hn::Mul(y, uq)};
    const auto is_small = hn::Le(y, Lit(0.46875)), is_middle = hn::Le(y, Lit(4.0));
    const V num = hn::IfThenElse(is_small, small.num, hn::IfThenElse(is_middle, middle.num, tail.num));
    const V den = hn::IfThenElse(is_small, small.den, hn::IfThenElse(is_middle, middle.den, tail.den));
    const V ratio = hn::Div(num, den);
    const V erfc_y = hn::Mul(gauss, ratio);  // y > 0.46875
    const V reflected = hn::IfThenElse(hn::Lt(z, hn::Zero(d)), hn::Sub(Lit(2.0), erfc_y), erfc_y);
    return hn::IfThenElse(is_small, ratio, reflected);
  }
  static V Forward(const Params&, V x) {
    const D d;
    V gauss;
    const V y = hn::Mul(hn::Mul(x, Lit(0.5)), Erfc(hn::Mul(x, Lit(-kInvSqrt2)), gauss));
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, Lit(-0.0)), y);
  }
  static V Derivative(const Params&, V x) {
    const D d;
    V gauss;  // e^-z^2 = e^-x^2/2
    const V cdf = hn::Mul(Erfc(hn::Mul(x, Lit(-kInvSqrt2)), gauss), Lit(0.5));
    const V y = hn::MulAdd(hn::Mul(x, Lit(kInvSqrt2Pi)), gauss, cdf);
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), Lit(1.0), Lit(-0.0)), y);
  }
};

struct Tanh {
  static V Forward(const Params&, V x) {
    return TanhSimd(x);
  }
  static V Derivative(const Params&, V x) {  // 4e / (1 + e)^2, e = exp(-2|x|)
    const V e = Exp(hn::Mul(Lit(-2.0), hn::Abs(x)));
    const V q = hn::Add(Lit(1.0), e);
    return hn::Div(hn::Mul(Lit(4.0), e), hn::Mul(q, q));
  }
};

struct Softsign {
  static V Forward(const Params&, V x) {
    const V y = hn::Div(x, hn::Add(Lit(1.0), hn::Abs(x)));
    return hn::IfThenElse(hn::IsInf(x), hn::CopySign(Lit(1.0), x), y);
  }
  static V Derivative(const Params&, V x) {
    const V q = hn::Add(Lit(1.0), hn::Abs(x));
    return hn::Div(Lit(1.0), hn::Mul(q, q));
  }
};

struct TanhShrink {  // x - tanh(x); the Taylor series below |x| = 1/16 (see scalar/hyperbolic.hpp)
  static V Forward(const Params&, V x) {
    const V z = hn::Mul(x, x);
    V p = Lit(-929569.0 / 638512875.0);
    p = hn::MulAdd(p, z, Lit(21844.0 / 6081075.0));
    p = hn::MulAdd(p, z, Lit(-1382.0 / 155925.0));
    p = hn::MulAdd(p, z, Lit(62.0 / 2835.0));
    p = hn::MulAdd(p, z, Lit(-17.0 / 315.0));
    p = hn::MulAdd(p, z, Lit(2.0 / 15.0));
    p = hn::MulAdd(p, z, Lit(-1.0 / 3.0));
    const V series = hn::Neg(hn::Mul(hn::Mul(x, z), p));
    const V direct = hn::Sub(x, TanhSimd(x));
    return hn::IfThenElse(hn::Lt(hn::Abs(x), Lit(0.0625)), series, direct);
  }
  static V Derivative(const Params&, V x) {
    const V t = TanhSimd(x);
    return hn::Mul(t, t);
  }
};

struct Squareplus {  // (x + h) / 2, b / (2 (h - x)) for x < 0, h = sqrt(x^2 + b); b
  static V H(const Params& p, V x) { return hn::Sqrt(hn::MulAdd(x, x, Lit(p.v[0]))); }  // no overflow from float x
  static V Forward(const Params& p, V x) {
    const D d;
    const V h = H(p, x);
    const V neg = hn::Div(Lit(p.v[0]), hn::Mul(Lit(2.0), hn::Sub(h, x)));
    const V y = hn::IfThenElse(hn::Ge(x, hn::Zero(d)), hn::Mul(hn::Add(x, h), Lit(0.5)), neg);
    return hn::IfThenElse(hn::Eq(x, Lit(-HUGE_VAL)), hn::Zero(d), y);
  }
  static V Derivative(const Params& p, V x) {
    const D d;
    const V h = H(p, x);
    const V y = hn::IfThenElse(hn::Eq(h, hn::Zero(d)), Lit(0.5), hn::Div(Forward(p, x), h));
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), Lit(1.0)), y);
  }
};

struct Threshold {  // x > threshold ? x : value
  static Pair Forward(const Params& p, V x) { return Exact(hn::IfThenElse(hn::Gt(x, Lit(p.v[0])), x, Lit(p.v[1]))); }
  static V Derivative(const Params& p, V x) { return hn::IfThenElseZero(hn::Gt(x, Lit(p.v[0])), Lit(1.0)); }
};

struct ThresholdedRelu {  // x > theta ? x : 0 with x's sign
  static Pair Forward(const Params& p, V x) {
    return Exact(hn::IfThenElse(hn::Gt(x, Lit(p.v[0])), x, hn::CopySign(hn::Zero(D()), x)));
  }
  static V Derivative(const Params& p, V x) { return hn::IfThenElseZero(hn::Gt(x, Lit(p.v[0])), Lit(1.0)); }
};

HWY_INLINE hn::Mask<D> Outside(const Params& p, V x) {
  return hn::Or(hn::Gt(x, Lit(p.v[0])), hn::Lt(x, Lit(-p.v[0])));
}

struct HardShrink {  // lambda
  static Pair Forward(const Params& p, V x) { return Exact(hn::IfThenElseZero(Outside(p, x), x)); }
  static V Derivative(const Params& p, V x) { return hn::IfThenElseZero(Outside(p, x), Lit(1.0)); }
};

struct SoftShrink {  // lambda
  static Pair Forward(const Params& p, V x) {
    const D d;
    const Pair down = TwoSum(x, Lit(-p.v[0])), up = TwoSum(x, Lit(p.v[0]));
    const Pair shrunk = Select(hn::Gt(x, hn::Zero(d)), down, up);
    return Select(Outside(p, x), shrunk, Exact(hn::Zero(d)));
  }
  static V Derivative(const Params& p, V x) { return hn::IfThenElseZero(Outside(p, x), Lit(1.0)); }
};

struct SparsePlus {  // 0, (x + 1)^2 / 4, x
  static Pair Forward(const Params&, V x) {
    const D d;
    const Pair u = TwoSum(x, Lit(1.0));
    const Pair sq = TwoProd(u.hi, u.hi);
    const Pair mid = {hn::Mul(sq.hi, Lit(0.25)), hn::Mul(hn::MulAdd(Lit(2.0), hn::Mul(u.hi, u.lo), sq.lo), Lit(0.25))};
    const Pair low = Select(hn::Le(x, Lit(-1.0)), Exact(hn::Zero(d)), mid);
    return Select(hn::Ge(x, Lit(1.0)), Exact(x), low);
  }
  static V Derivative(const Params&, V x) {
    const D d;
    const V mid = hn::Mul(hn::Add(x, Lit(1.0)), Lit(0.5));
    const V low = hn::IfThenElse(hn::Le(x, Lit(-1.0)), hn::Zero(d), mid);
    return hn::IfThenElse(hn::Ge(x, Lit(1.0)), Lit(1.0), low);
  }
};

struct SparseSigmoid {  // clip((x + 1) / 2, 0, 1); f'(+-1)
  static Pair Forward(const Params&, V x) {
    const D d;
    const Pair u = TwoSum(x, Lit(1.0));
    const Pair mid = {hn::Mul(u.hi, Lit(0.5)), hn::Mul(u.lo, Lit(0.5))};
    const Pair low = Select(hn::Le(x, Lit(-1.0)), Exact(hn::Zero(d)), mid);
    return Select(hn::Ge(x, Lit(1.0)), Exact(Lit(1.0)), low);
  }
  static V Derivative(const Params& p, V x) {
    const V inside = hn::IfThenElseZero(hn::And(hn::Gt(x, Lit(-1.0)), hn::Lt(x, Lit(1.0))), Lit(0.5));
    return hn::IfThenElse(hn::Or(hn::Eq(x, Lit(-1.0)), hn::Eq(x, Lit(1.0))), Lit(p.v[0]), inside);
  }
};

struct Log1mexp {  // log(-expm1(-x)) below ln 2, log1p(-exp(-x)) above; NaN below 0
  static V Forward(const Params&, V x) {
    const D d;
    const V small = hn::Log(d, hn::Neg(hn::Expm1(d, hn::Neg(x))));
    const V large = hn::Log1p(d, hn::Neg(Exp(hn::Neg(x))));
    const V y = hn::IfThenElse(hn::Lt(x, Lit(0.693147180559945309)), small, large);
    const V nan = Lit(__builtin_nan(""));
    const V at_zero = hn::IfThenElse(hn::Eq(x, hn::Zero(d)), Lit(-HUGE_VAL), y);
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), nan, at_zero);
  }
  static V Derivative(const Params&, V x) {  // 1 / expm1(x), as jax's custom JVP
    const D d;
    const V arg = hn::Min(hn::Max(x, Lit(-1000.0)), Lit(706.0));
    return hn::Div(Lit(1.0), hn::CopySign(hn::Expm1(d, arg), x));  // expm1(-0) = -0: f'(-0) = -inf
  }
};

// ---- float-lane paths ----------------------------------------------------------------
// Where every operation is exact in float32 (comparisons, min/max, multiplying by 0 or
// 1) and the constants are float32 values, the double round trip is pure overhead.
using DFull = hn::ScalableTag<float>;
using VFull = hn::Vec<DFull>;

HWY_INLINE bool IsFloat(double v) { return static_cast<double>(static_cast<float>(v)) == v || v != v; }

struct ReluFloat {  // relu without a negative slope
  static bool Applies(const Params& p) {
    return p.v[0] == 0 && IsFloat(p.v[1]) && IsFloat(p.v[2]) && IsFloat(p.v[3]) && IsFloat(p.v[4]);
  }
  static VFull Forward(const Params& p, VFull x) {
    const DFull d;
    VFull above = x;
    if (p.v[1] < HUGE_VAL) {  // clamp(x, 0, max_value), keeping x's zero sign as the scalar kernel
      const VFull cap = hn::Set(d, float(p.v[1]));
      above = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Zero(d), hn::IfThenElse(hn::Gt(x, cap), cap, x));
    }
    return hn::IfThenElseZero(hn::Gt(x, hn::Set(d, float(p.v[2]))), above);
  }
  static VFull Derivative(const Params& p, VFull x) {
    const DFull d;
    const VFull t = hn::Set(d, float(p.v[2]));
    VFull above = hn::Set(d, 1.0f);
    if (p.v[1] < HUGE_VAL) {
      const VFull m = hn::Set(d, float(p.v[1]));
      above = hn::IfThenElse(hn::Or(hn::Gt(x, m), hn::Lt(x, hn::Zero(d))), hn::Zero(d), above);
      above = hn::IfThenElse(hn::Eq(x, m), hn::Set(d, float(p.v[3])), above);
    }
    const VFull below = hn::IfThenElseZero(hn::Eq(x, t), hn::Set(d, float(p.v[4])));
    return hn::IfThenElse(hn::Gt(x, t), above, below);
  }
};

struct ClipFloat {
  static bool Applies(const Params& p) { return IsFloat(p.v[0]) && IsFloat(p.v[1]) && IsFloat(p.v[2]); }
  static VFull Forward(const Params& p, VFull x) {
    const DFull d;
    const VFull lo = hn::Set(d, float(p.v[0])), hi = hn::Set(d, float(p.v[1]));
    return hn::IfThenElse(hn::Lt(x, lo), lo, hn::IfThenElse(hn::Gt(x, hi), hi, x));  // as Clip::Forward
  }
  static VFull Derivative(const Params& p, VFull x) {
    const DFull d;
    const VFull lo = hn::Set(d, float(p.v[0])), hi = hn::Set(d, float(p.v[1]));
    const VFull inside = hn::IfThenElseZero(hn::And(hn::Gt(x, lo), hn::Lt(x, hi)), hn::Set(d, 1.0f));
    return hn::IfThenElse(hn::Or(hn::Eq(x, lo), hn::Eq(x, hi)), hn::Set(d, float(p.v[2])), inside);
  }
};

// The shrinks and thresholds with a float32 lambda / threshold / value: selections, and
// soft_shrink's x -+ lambda, one float32 operation on floats, hence correctly rounded.
HWY_INLINE hn::Mask<DFull> OutsideFloat(const Params& p, VFull x) {
  const DFull d;
  return hn::Or(hn::Gt(x, hn::Set(d, float(p.v[0]))), hn::Lt(x, hn::Set(d, -float(p.v[0]))));
}
struct SoftShrinkFloat {
  static bool Applies(const Params& p) { return IsFloat(p.v[0]); }
  static VFull Forward(const Params& p, VFull x) {
    const DFull d;
    const VFull l = hn::Set(d, float(p.v[0]));
    const VFull inner = hn::IfThenElse(hn::Lt(x, hn::Neg(l)), hn::Add(x, l), hn::Zero(d));
    return hn::IfThenElse(hn::Gt(x, l), hn::Sub(x, l), inner);
  }
  static VFull Derivative(const Params& p, VFull x) { return hn::IfThenElseZero(OutsideFloat(p, x), hn::Set(DFull(), 1.0f)); }
};
struct HardShrinkFloat {
  static bool Applies(const Params& p) { return IsFloat(p.v[0]); }
  static VFull Forward(const Params& p, VFull x) { return hn::IfThenElseZero(OutsideFloat(p, x), x); }
  static VFull Derivative(const Params& p, VFull x) { return hn::IfThenElseZero(OutsideFloat(p, x), hn::Set(DFull(), 1.0f)); }
};
struct ThresholdFloat {  // the value is rounded to float32 either way
  static bool Applies(const Params& p) { return IsFloat(p.v[0]); }
  static VFull Forward(const Params& p, VFull x) {
    const DFull d;
    return hn::IfThenElse(hn::Gt(x, hn::Set(d, float(p.v[0]))), x, hn::Set(d, float(p.v[1])));
  }
  static VFull Derivative(const Params& p, VFull x) {
    const DFull d;
    return hn::IfThenElseZero(hn::Gt(x, hn::Set(d, float(p.v[0]))), hn::Set(d, 1.0f));
  }
};
struct ThresholdedReluFloat {
  static bool Applies(const Params& p) { return IsFloat(p.v[0]); }
  static VFull Forward(const Params& p, VFull x) {
    const DFull d;
    return hn::IfThenElse(hn::Gt(x, hn::Set(d, float(p.v[0]))), x, hn::CopySign(hn::Zero(d), x));
  }
  static VFull Derivative(const Params& p, VFull x) {
    const DFull d;
    return hn::IfThenElseZero(hn::Gt(x, hn::Set(d, float(p.v[0]))), hn::Set(d, 1.0f));
  }
};

// Calls lanes(d, i, count) for each vector of tag d over n elements, the last one
// partial (the caller pads it): the float-lane families and the float64 bodies.
template <class Tag, class Lanes>
HWY_INLINE void LaneLoop(std::size_t n, Lanes&& lanes) {
  const Tag d;
  const std::size_t step = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + step <= n; i += step) lanes(d, i, step);
  if (i < n) lanes(d, i, n - i);
}

template <class Op>
bool ForwardFloat(const Params& p, const float* x, float* y, std::size_t n) {
  if (!Op::Applies(p)) return false;
  LaneLoop<DFull>(n, [&](DFull d, std::size_t i, std::size_t count) {
    HWY_ALIGN float bx[hn::MaxLanes(d)] = {};
    const bool full = count == hn::Lanes(d);
    if (!full) std::memcpy(bx, x + i, count * sizeof(float));
    const VFull v = full ? hn::LoadU(d, x + i) : hn::Load(d, bx);
    const VFull r = hn::IfThenElse(hn::IsNaN(v), v, Op::Forward(p, v));
    if (full) return hn::StoreU(r, d, y + i);
    hn::Store(r, d, bx);
    std::memcpy(y + i, bx, count * sizeof(float));
  });
  return true;
}

template <class Op>
bool BackwardFloat(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
  if (!Op::Applies(p)) return false;
  LaneLoop<DFull>(n, [&](DFull d, std::size_t i, std::size_t count) {
    HWY_ALIGN float bx[hn::MaxLanes(d)] = {};
    HWY_ALIGN float bdy[hn::MaxLanes(d)] = {};
    const bool full = count == hn::Lanes(d);
    if (!full) {
      std::memcpy(bx, x + i, count * sizeof(float));
      std::memcpy(bdy, dy + i, count * sizeof(float));
    }
    const VFull v = full ? hn::LoadU(d, x + i) : hn::Load(d, bx);
    const VFull g = full ? hn::LoadU(d, dy + i) : hn::Load(d, bdy);
    const VFull r = hn::IfThenElse(hn::IsNaN(v), v, hn::Mul(g, Op::Derivative(p, v)));
    if (full) return hn::StoreU(r, d, dx + i);
    hn::Store(r, d, bx);
    std::memcpy(dx + i, bx, count * sizeof(float));
  });
  return true;
}

template <class Op> struct FloatPath {  // none by default
  static bool Forward(const Params&, const float*, float*, std::size_t) { return false; }
  static bool Backward(const Params&, const float*, const float*, float*, std::size_t) { return false; }
};
template <class FloatOp> struct FloatPathOf {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) { return ForwardFloat<FloatOp>(p, x, y, n); }
  static bool Backward(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
    return BackwardFloat<FloatOp>(p, x, dy, dx, n);
  }
};
template <> struct FloatPath<Relu> : FloatPathOf<ReluFloat> {};
template <> struct FloatPath<Clip> : FloatPathOf<ClipFloat> {};
template <> struct FloatPath<SoftShrink> : FloatPathOf<SoftShrinkFloat> {};
template <> struct FloatPath<HardShrink> : FloatPathOf<HardShrinkFloat> {};
template <> struct FloatPath<Threshold> : FloatPathOf<ThresholdFloat> {};
template <> struct FloatPath<ThresholdedRelu> : FloatPathOf<ThresholdedReluFloat> {};

// ---- loops -------------------------------------------------------------------------

// NaN lanes enter the bodies as 0 (their result is the input NaN anyway): Highway's
// emulated targets (EMU128, SCALAR) convert float to int in C++ inside Exp and Expm1,
// undefined behaviour for NaN that UBSan stops on; the hardware conversions are defined.
HWY_INLINE VF Tame(hn::Mask<DF> nan, VF xf) { return hn::IfThenZeroElse(nan, xf); }

template <class Op>
HWY_INLINE VF ForwardLanes(const Params& p, VF xf) {
  const D d;
  const DF df;
  const auto nan = hn::IsNaN(xf);
  const V r = Narrowable(Op::Forward(p, hn::PromoteTo(d, Tame(nan, xf))));
  return hn::IfThenElse(nan, xf, DemoteToFloat(df, r));
}

template <class Op>
HWY_INLINE VF BackwardLanes(const Params& p, VF xf, VF dyf) {
  const D d;
  const DF df;
  const auto nan = hn::IsNaN(xf);
  const V g = hn::Mul(hn::PromoteTo(d, dyf), Op::Derivative(p, hn::PromoteTo(d, Tame(nan, xf))));
  return hn::IfThenElse(nan, xf, DemoteToFloat(df, g));
}

// The last partial vector goes through a padded copy, so every element takes the same
// path whatever its position (results do not depend on how a call is split).
template <class Op>
void ForwardWide(const Params& p, const float* x, float* y, std::size_t n) {
  const DF df;
  const std::size_t lanes = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(ForwardLanes<Op>(p, hn::LoadU(df, x + i)), df, y + i);
  if (i < n) {
    HWY_ALIGN float bx[hn::MaxLanes(df)] = {};
    HWY_ALIGN float by[hn::MaxLanes(df)];
    std::memcpy(bx, x + i, (n - i) * sizeof(float));
    hn::Store(ForwardLanes<Op>(p, hn::Load(df, bx)), df, by);
    std::memcpy(y + i, by, (n - i) * sizeof(float));
  }
}

template <class Op>
void BackwardWide(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
  const DF df;
  const std::size_t lanes = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    hn::StoreU(BackwardLanes<Op>(p, hn::LoadU(df, x + i), hn::LoadU(df, dy + i)), df, dx + i);
  if (i < n) {
    HWY_ALIGN float bx[hn::MaxLanes(df)] = {};
    HWY_ALIGN float bdy[hn::MaxLanes(df)] = {};
    HWY_ALIGN float bdx[hn::MaxLanes(df)];
    std::memcpy(bx, x + i, (n - i) * sizeof(float));
    std::memcpy(bdy, dy + i, (n - i) * sizeof(float));
    hn::Store(BackwardLanes<Op>(p, hn::Load(df, bx), hn::Load(df, bdy)), df, bdx);
    std::memcpy(dx + i, bdx, (n - i) * sizeof(float));
  }
}

// ---- float32 lanes with an exact-route fallback -------------------------------------
// leaky_relu, rrelu (eval), hard_sigmoid and hard_swish round one product or quotient
// whose exact value v the double route gets from a double or a double pair. In float32
// lanes (twice the lanes, no round trip) each computes a float p and a float correction
// r with |v - (p + r)| < 2^-43 |p| (each family states its error budget), and
// RoundBracketed rounds both ends of [p + r - delta, p + r + delta], delta = 2^-40 |p|:
// RN is monotonic, so where the two agree they are RN(v). Where they differ (v within
// about 2^-17 ulp of a rounding midpoint, exact ties included, about one lane in 2^16),
// or p is tiny (FMA error terms stop being exact near the subnormals) or not finite, the
// vector is done by the double route instead, which is exact everywhere: the bits never
// depend on which route ran. Measured on AMD EPYC (AVX-512, Zen 4), 2^16 elements in
// cache, 1 thread, against the double route: leaky_relu 0.51 -> 0.20, hard_sigmoid
// 0.69 -> 0.27, hard_swish 0.89 -> 0.32 ns/element (15-25 float operations per vector,
// which Zen 4 issues at about one 512-bit operation per cycle). The backward dx = dy a
// stays on the double route: in float32 lanes it measured no faster.
#if HWY_NATIVE_FMA
// RN(v) in y and true where the bracket decides it on every lane of `lanes` (r - delta
// and r + delta round by at most 2^-24 |r| < 2^-45 |p| each, well inside delta - 2^-43
// |p|); lanes with x = 0 (p and r zeros) always decide.
HWY_INLINE bool RoundBracketed(hn::Mask<DFull> lanes, VFull p, VFull r, VFull x, VFull& y) {
  const DFull d;
  const VFull mag = hn::Abs(p), eps = hn::Set(d, 0x1p-40f);
  const VFull below = hn::Add(p, hn::NegMulAdd(mag, eps, r)), above = hn::Add(p, hn::MulAdd(mag, eps, r));
  y = below;
  const auto normal = hn::And(hn::Ge(mag, hn::Set(d, 0x1p-100f)), hn::Le(mag, hn::Set(d, 3.4028235e38f)));
  const auto decided = hn::And(hn::Eq(below, above), hn::Or(normal, hn::Eq(x, hn::Zero(d))));
  return hn::AllTrue(d, hn::Or(hn::Not(lanes), decided));
}

// Runs lanes(x, y) -> false when a lane of the vector needs the double route, and the
// double route (ForwardWide<WideOp>) for those vectors and for the partial last one.
// Where more than one vector in 8 needs it after the first 32 (a constant near a short
// fraction, such as rrelu's default slope 11/48, 2^-56 from one, puts many results
// within 2^-50 of a midpoint), the rest of the call takes it directly: same bits, faster.
template <class WideOp, class Lanes>
HWY_INLINE void ForwardWithFallback(const Params& p, const float* x, float* y, std::size_t n, Lanes&& lanes) {
  const DFull d;
  const std::size_t step = hn::Lanes(d);
  std::size_t i = 0, vectors = 0, fell_back = 0;
  for (; i + step <= n && (vectors < 32 || fell_back * 8 <= vectors); i += step, ++vectors) {
    VFull yv;
    if (lanes(hn::LoadU(d, x + i), yv)) {
      hn::StoreU(yv, d, y + i);
    } else {
      ForwardWide<WideOp>(p, x + i, y + i, step);
      ++fell_back;
    }
  }
  if (i < n) ForwardWide<WideOp>(p, x + i, y + i, n - i);
}

// Float routes for one direction; the other stays on the double route (each user says why).
struct ForwardOnlyFloatPath {
  static bool Backward(const Params&, const float*, const float*, float*, std::size_t) { return false; }
};
struct BackwardOnlyFloatPath {
  static bool Forward(const Params&, const float*, float*, std::size_t) { return false; }
};

// leaky_relu's and rrelu's (eval) y = a x for x <= 0, a a double: a = a1 + a2 + a3
// exactly in floats (24 + 24 + 5 bits). p = RN(x a1) and its error e = x a1 - p (FMA),
// then r = x a3 + (x a2 + e) by two FMAs (|r| < 1.5 ulp(p), each rounding 2^-24 of it:
// r is within 2^-22 ulp(p) <= 2^-45 |p| of the exact x a - p).
struct SlopeSplit {
  float a1 = 0, a2 = 0, a3 = 0;
  bool usable = false;
  explicit SlopeSplit(double a) {
    if (!(std::fabs(a) >= 0x1p-60 && std::fabs(a) <= 0x1p60)) return;
    a1 = static_cast<float>(a);
    a2 = static_cast<float>(a - a1);
    a3 = static_cast<float>((a - a1) - a2);
    usable = static_cast<long double>(a1) + a2 + a3 == a;
  }
};

// y = a x on every lane (x > 0 lanes too; the caller selects); false where a lane of
// `lanes` needs the double route.
HWY_INLINE bool ScaledByDouble(const SlopeSplit& a, VFull x, hn::Mask<DFull> lanes, VFull& y) {
  const DFull d;
  const VFull p = hn::Mul(x, hn::Set(d, a.a1));
  const VFull e = hn::MulSub(x, hn::Set(d, a.a1), p);
  const VFull r = hn::MulAdd(x, hn::Set(d, a.a3), hn::MulAdd(x, hn::Set(d, a.a2), e));
  VFull yv;
  if (!RoundBracketed(lanes, p, r, x, yv)) return false;
  y = hn::IfThenElse(hn::Eq(x, hn::Zero(d)), p, yv);  // +-0: p has the sign of x a
  return true;
}

// n / div for a float pair n = nh + nl (|nl| <= ulp(nh) / 2), div a float in [2^-20,
// 2^20], c = RN(1 / div): q = RN(nh c) is within 1.5 ulp(q) of nh / div, so rho = nh -
// q div (one FMA) is at most 1.5 ulp(q) div and rounds by 2^-24 of that at most; t =
// RN(rho + nl) and r = RN(t c) add 2.5 * 2^-24 ulp(q) each and c's own error 2.5 * 2^-24
// more: r is within 9 * 2^-24 ulp(q) <= 2^-43.8 |q| (plus nl's own error, which the
// caller adds) of n / div - q.
struct Quotient {
  VFull q, r;
};
HWY_INLINE Quotient DivideFloatPair(VFull nh, VFull nl, VFull div, VFull c) {
  Quotient out;
  out.q = hn::Mul(nh, c);
  out.r = hn::Mul(hn::Add(hn::NegMulAdd(out.q, div, nh), nl), c);
  return out;
}

template <class SlopeOf>
struct FloatPath<LeakyBase<SlopeOf>> : ForwardOnlyFloatPath {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    const SlopeSplit a(SlopeOf::Get(p));
    if (!a.usable) return false;
    ForwardWithFallback<LeakyBase<SlopeOf>>(p, x, y, n, [&](VFull xv, VFull& yv) {
      const auto negative = hn::Le(xv, hn::Zero(DFull()));
      VFull scaled;
      if (!ScaledByDouble(a, xv, negative, scaled)) return false;
      yv = hn::IfThenElse(negative, scaled, xv);  // x > 0 and NaN: x itself
      return true;
    });
    return true;
  }
};

// hard_sigmoid's (x + shift) / div on (-shift, div - shift): x + shift = s + e exactly
// (TwoSum; |e| <= ulp(s) / 2), then DivideFloatPair. The kinks and the saturation are
// comparisons with float constants, as the double route's.
template <>
struct FloatPath<HardSigmoid> : ForwardOnlyFloatPath {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    const double shift = p.v[0], div = p.v[1];
    if (!(IsFloat(shift) && IsFloat(div) && IsFloat(div - shift) && div >= 0x1p-20 && div <= 0x1p20 &&
          std::fabs(shift) <= 0x1p20))
      return false;
    const DFull d;
    const VFull sv = hn::Set(d, float(shift)), dv = hn::Set(d, float(div)), c = hn::Set(d, float(1 / div));
    const VFull lo = hn::Set(d, float(-shift)), hi = hn::Set(d, float(div - shift));
    ForwardWithFallback<HardSigmoid>(p, x, y, n, [&](VFull xv, VFull& yv) {
      const auto inside = hn::And(hn::Gt(xv, lo), hn::Lt(xv, hi));
      VFull sl;
      const VFull sh = logistic32::TwoSum(xv, sv, sl);
      const Quotient m = DivideFloatPair(sh, sl, dv, c);
      VFull mid;
      if (!RoundBracketed(inside, m.q, m.r, xv, mid)) return false;
      const VFull outside = hn::IfThenElseZero(hn::Ge(xv, hi), hn::Set(d, 1.0f));
      yv = hn::IfThenElse(hn::IsNaN(xv), xv, hn::IfThenElse(inside, mid, outside));
      return true;
    });
    return true;
  }
};

// hard_swish's x (x + 3) / 6 on (-3, 3): x + 3 = s + e (TwoSum), x s = ph + pl exactly
// (FMA; ph not tiny), nl = RN(pl + RN(x e)). |x e| <= ulp(ph) and |pl| <= ulp(ph) / 2,
// so nl is within 2.5 * 2^-24 ulp(ph) of pl + x e; with ph about 6 q, ulp(ph) <= 8 ulp(q),
// which makes nl's error 3.4 * 2^-24 ulp(q) after the division and |nl| up to 12 ulp(q),
// raising DivideFloatPair's budget to 12 * 2^-24: 15.4 * 2^-24 ulp(q) in all, within
// 2^-43 |q|.
template <>
struct FloatPath<HardSwish> : ForwardOnlyFloatPath {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    const DFull d;
    const VFull three = hn::Set(d, 3.0f), six = hn::Set(d, 6.0f), c = hn::Set(d, float(1.0 / 6));
    ForwardWithFallback<HardSwish>(p, x, y, n, [&](VFull xv, VFull& yv) {
      const auto inside = hn::And(hn::Gt(xv, hn::Neg(three)), hn::Lt(xv, three));
      VFull sl;
      const VFull sh = logistic32::TwoSum(xv, three, sl);
      const VFull ph = hn::Mul(xv, sh);
      const VFull nl = hn::Add(hn::MulSub(xv, sh, ph), hn::Mul(xv, sl));
      const Quotient m = DivideFloatPair(ph, nl, six, c);
      VFull rounded;
      // ph not tiny either (its FMA error term): |ph| < 2^-100 makes |q| < 2^-102.
      if (!RoundBracketed(inside, m.q, m.r, xv, rounded)) return false;
      const VFull mid = hn::IfThenElse(hn::Eq(xv, hn::Zero(d)), xv, rounded);  // +-0 keeps its sign
      const VFull outside = hn::IfThenElse(hn::Ge(xv, three), xv, hn::Set(d, -0.0f));
      yv = hn::IfThenElse(hn::IsNaN(xv), xv, hn::IfThenElse(inside, mid, outside));
      return true;
    });
    return true;
  }
};

// ---- float32 lanes with a per-lane double route: the exp and logistic family ---------
// sigmoid, and from the same pieces (logistic32-inl.h, exp32-inl.h) tanh, the forwards
// of swish, mish and gelu's tanh form, exponential, the elu family, and the derivatives
// of log_sigmoid and softplus: within 0.565 ULP on AVX-512 and 0.623 with 8 float lanes
// (a few up to 0.67; each says why), against 0.5 + 2^-16 for the double route; all
// faithful. Each body returns the lanes inside its float32 formula's domain, by ordered
// comparisons (false for NaN); the other lanes, NaN among them, take the double route:
// they are collected (inputs copied, as y may alias x) and computed in batches, one
// element of the double route each, not a whole vector. An element's result so depends
// on its own x (and dy) only, never on its neighbours or on how a call is split; the
// padded last vector takes the same path as a full one.
class DeferredLanes {
 public:
  static constexpr std::size_t kBatch = 256;
  // Defers the lanes of `m` of the vector whose lane 0 is element `at`.
  void Add(std::size_t at, hn::Mask<DFull> m, VFull xv, VFull dyv) {
    // A scalar walk over the deferred lanes (CompressStore to memory is microcoded on
    // Zen 4; a walk over every lane measured 0.7 ns/element slower on gelu's tail).
    const DFull d;
    HWY_ALIGN float xs[hn::MaxLanes(d)];
    HWY_ALIGN float dys[hn::MaxLanes(d)];
    hn::Store(xv, d, xs);
    hn::Store(dyv, d, dys);
    std::uint8_t bits[8] = {};
    hn::StoreMaskBits(d, m, bits);
    std::uint64_t set = 0;
    std::memcpy(&set, bits, sizeof(set));
    for (; set != 0; set &= set - 1) {  // only the deferred lanes
      const auto j = static_cast<std::size_t>(__builtin_ctzll(set));
      x_[count_] = xs[j];
      dy_[count_] = dys[j];
      index_[count_++] = at + j;
    }
  }
  bool Full() const { return count_ + hn::MaxLanes(DFull()) > kBatch; }
  // wide(x, dy, out, count) computes the deferred elements; out[j] goes to element j.
  template <class Wide>
  void Flush(float* out, Wide&& wide) {
    if (count_ == 0) return;
    wide(x_, dy_, w_, count_);
    for (std::size_t j = 0; j < count_; ++j) out[index_[j]] = w_[j];
    count_ = 0;
  }

 private:
  // Add writes a whole vector's lanes past count_.
  HWY_ALIGN float x_[kBatch + hn::MaxLanes(DFull())];
  HWY_ALIGN float dy_[kBatch + hn::MaxLanes(DFull())];
  HWY_ALIGN float w_[kBatch];
  std::size_t index_[kBatch + hn::MaxLanes(DFull())];
  std::size_t count_ = 0;
};

// |v| <= limit, false for NaN.
HWY_INLINE hn::Mask<DFull> Within(VFull v, float limit) { return hn::Le(hn::Abs(v), hn::Set(DFull(), limit)); }

// |r| in [2^-100, FLT_MAX], where a product rounded once as RN(a p + RN(a corr)) keeps
// its bound (a corr rounds by 2^-150 at most, 2^-50 of r); false for NaN.
HWY_INLINE hn::Mask<DFull> NormalAbove2m100(VFull r) {
  const DFull d;
  const VFull mag = hn::Abs(r);
  return hn::And(hn::Ge(mag, hn::Set(d, 0x1p-100f)), hn::Le(mag, hn::Set(d, 3.4028235e38f)));
}

// y = x (s.p + s.corr) rounded once, +-0 for x = +-0; returns the lanes of `in_range`
// where that is final (the others take the double route).
HWY_INLINE hn::Mask<DFull> TimesX(VFull x, logistic32::Product s, hn::Mask<DFull> in_range, VFull& y) {
  const VFull r = hn::MulAdd(x, s.p, hn::Mul(x, s.corr));
  const auto zero = hn::Eq(x, hn::Zero(DFull()));
  y = hn::IfThenElse(zero, x, r);  // +-0 keeps its sign
  return hn::And(in_range, hn::Or(zero, NormalAbove2m100(r)));
}

// RN((h + l) 2^-64) for a float pair h + l (|l| <= 2^-23 |h|, |h| <= 2^100) that a
// caller computed scaled by 2^64 to keep it normal: tails whose result is tiny or
// subnormal stay in float32 lanes. Where the result is at least 2^-125, RN(h + l) 2^-64
// is exact scaling. Below, the result's grid is 2^-149, and rounding h 2^-64 onto it
// and then adding l would round twice. Instead, in units of that grid (a = h 2^85 and
// b = l 2^85, exact): m = round(a) and t = (a - m) + b (a - m exact, |a - m| <= 1/2),
// and m moves by one where |t| > 1/2; so m is the nearest integer to a + b, and the
// result's bits are m itself with h's sign (a float below 2^-125 is its multiple of
// 2^-149 in the bit field, subnormal or not): correctly rounded but for t's own rounding
// (2^-25 of a grid step) in a near-halfway case. No lane computes on a subnormal: that
// measured 2.3 ns/element slower on Zen 4.
HWY_INLINE VFull ScaleDownBy2p64(VFull h, VFull l) {
  const DFull d;
  const auto tiny = hn::Lt(hn::Abs(h), hn::Set(d, 0x1p-61f));
  const VFull normal = hn::Mul(hn::IfThenZeroElse(tiny, hn::Add(h, l)), hn::Set(d, 0x1p-64f));
  const VFull a = hn::Mul(hn::IfThenElseZero(tiny, hn::Abs(h)), hn::Set(d, 0x1p85f));
  const VFull l_along = hn::IfThenElse(hn::Lt(h, hn::Zero(d)), hn::Neg(l), l);  // |h + l| = |h| + l_along
  const VFull b = hn::Mul(hn::IfThenElseZero(tiny, l_along), hn::Set(d, 0x1p85f));
  const VFull m = hn::Round(a);
  const VFull t = hn::Add(hn::Sub(a, m), b);
  const VFull half = hn::Set(d, 0.5f), one = hn::Set(d, 1.0f);
  const VFull moved = hn::Add(m, hn::IfThenElseZero(hn::Gt(t, half), one));
  const VFull mag = hn::Sub(moved, hn::IfThenElseZero(hn::Lt(t, hn::Neg(half)), one));
  const VFull bits = hn::BitCast(d, hn::ConvertTo(hn::RebindToSigned<DFull>(), mag));
  return hn::IfThenElse(tiny, hn::CopySignToAbs(bits, h), normal);
}

// a e^(bh + bl) rounded once, for -110 <= bh <= 0 (|bl| <= 2^-24 |bh|) and |a| <= 2^36:
// the tails where sigma(b) is e^b to within e^b (b < -66: 2^-95 relative) and the result
// is tiny or subnormal. e^b 2^64 from exp32::ScaledExp (within eps_e, its 2^(k+64) a
// normal float), normalized by Fast2Sum (|lo| < 2^-5 hi), times a as an exact pair
// (FMA), then ScaleDownBy2p64: 0.5 ULP plus eps_e, as the sigma bodies. bh = -110
// gives |a| e^-110 2^64 <= 2^-58.7 scaled, a result that rounds to +-0 from |a| < 2^8.7
// on, which is what a caller clamping b at -110 relies on.
HWY_INLINE VFull TimesExpTail(VFull a, VFull bh, VFull bl) {
  const exp32::ExpPair e = exp32::ScaledExp(bh, bl, hn::Set(exp32::DI(), exp32::BiasFor(64)));
  const VFull e1 = hn::Add(e.hi, e.lo), e1_err = hn::Sub(e.lo, hn::Sub(e1, e.hi));
  const VFull h = hn::Mul(a, e1);
  return ScaleDownBy2p64(h, hn::MulAdd(a, e1_err, hn::MulSub(a, e1, h)));
}

// Runs body(xv, dyv, out) -> the lanes whose out is final, for every vector of x (and
// dy), the padded last one too, and the double route `wide` for the other lanes.
template <class Body, class Wide>
HWY_INLINE void PerLaneLoop(const float* x, const float* dy, float* out, std::size_t n, Body&& body, Wide&& wide) {
  const DFull d;
  const std::size_t step = hn::Lanes(d);
  DeferredLanes deferred;
  std::size_t i = 0;
  for (; i + step <= n; i += step) {
    const VFull xv = hn::LoadU(d, x + i), dyv = dy ? hn::LoadU(d, dy + i) : hn::Zero(d);
    VFull r;
    const auto done = body(xv, dyv, r);
    hn::StoreU(r, d, out + i);
    if (HWY_UNLIKELY(!hn::AllTrue(d, done))) {
      deferred.Add(i, hn::Not(done), xv, dyv);
      if (deferred.Full()) deferred.Flush(out, wide);
    }
  }
  if (i < n) {
    HWY_ALIGN float bx[hn::MaxLanes(d)] = {};
    HWY_ALIGN float bdy[hn::MaxLanes(d)] = {};
    HWY_ALIGN float bout[hn::MaxLanes(d)];
    std::memcpy(bx, x + i, (n - i) * sizeof(float));
    if (dy) std::memcpy(bdy, dy + i, (n - i) * sizeof(float));
    const VFull xv = hn::Load(d, bx), dyv = hn::Load(d, bdy);
    VFull r;
    const auto done = body(xv, dyv, r);
    hn::Store(r, d, bout);
    std::memcpy(out + i, bout, (n - i) * sizeof(float));
    const auto wanted = hn::AndNot(done, hn::FirstN(d, n - i));
    if (!hn::AllFalse(d, wanted)) deferred.Add(i, wanted, xv, dyv);
  }
  deferred.Flush(out, wide);
}

template <class WideOp, class Lanes>
HWY_INLINE void ForwardPerLane(const Params& p, const float* x, float* y, std::size_t n, Lanes&& lanes) {
  PerLaneLoop(
      x, nullptr, y, n, [&](VFull xv, VFull, VFull& yv) { return lanes(xv, yv); },
      [&](const float* xs, const float*, float* ys, std::size_t count) { ForwardWide<WideOp>(p, xs, ys, count); });
}

// Results and finished lanes of an out-of-line tail body (HWY_NOINLINE), returned by
// value: taking the loop's result by reference would keep it in memory on the common
// path as well (measured 10-20% slower for sigmoid and silu).
struct Finished {
  VFull y;
  hn::Mask<DFull> done;
};
// Hands a Finished to a per-lane body: its result into y, its lanes as the return value.
HWY_INLINE hn::Mask<DFull> Take(const Finished& f, VFull& y) {
  y = f.y;
  return f.done;
}

// The default `tail` of BackwardPerLane: no lanes beyond the derivative's domain.
struct NoTail {
  HWY_INLINE hn::Mask<DFull> operator()(VFull, VFull, hn::Mask<DFull> done, VFull&) const { return done; }
};

// derivative(x, g) sets f'(x) = g.p + g.corr and returns the lanes inside its domain;
// dx = dy g is then rounded once, RN(dy g.p + RN(dy g.corr)), where that is a normal
// float32 above 2^-100 (dy g.corr then rounds by 2^-150 at most, 2^-50 of dx); dy = +-0
// gives dy g.p, a zero of the double route's sign; then tail(xv, dyv, done, r) may
// finish lanes that are not `done` (writing their r) and returns the lanes finished; the
// other lanes (underflow, overflow, dy not finite) take the double route.
template <class WideOp, class Derivative, class Tail = NoTail>
HWY_INLINE void BackwardPerLane(const Params& p, const float* x, const float* dy, float* dx, std::size_t n,
                                Derivative&& derivative, Tail&& tail = Tail()) {
  const DFull d;
  PerLaneLoop(
      x, dy, dx, n,
      [&](VFull xv, VFull dyv, VFull& r) {
        logistic32::Product g;
        const auto inside = derivative(xv, g);
        r = hn::MulAdd(dyv, g.p, hn::Mul(dyv, g.corr));
        const auto fine = hn::And(inside, NormalAbove2m100(r));
        if (hn::AllTrue(d, fine)) return fine;
        // Rare but for dy = 0, which stays in float32 lanes.
        const auto zero = hn::And(inside, hn::Eq(dyv, hn::Zero(d)));
        r = hn::IfThenElse(zero, hn::Mul(dyv, g.p), r);
        return tail(xv, dyv, hn::Or(fine, zero), r);
      },
      [&](const float* xs, const float* dys, float* dxs, std::size_t count) {
        BackwardWide<WideOp>(p, xs, dys, dxs, count);
      });
}

// A double constant as a float pair c1 + c2, within 2^-48 relative (|c| in [2^-60, 2^60]).
struct FloatPairConstant {
  float c1 = 0, c2 = 0;
  bool usable = false;
  explicit FloatPairConstant(double c) {
    if (!(std::fabs(c) >= 0x1p-60 && std::fabs(c) <= 0x1p60)) return;
    c1 = static_cast<float>(c);
    c2 = static_cast<float>(c - c1);
    usable = true;
  }
};

// sigmoid: logistic32 for x >= -64 (saturated to 1 for large x) and the derivative for
// |x| <= 64. Beyond, sigma(x) and sigma'(x) are e^-|x| to 2^-91 (y and dx below 2^-92):
// the forward's finite x < -64 gives TimesExpTail(1, x) (x clamped at -110: y = +0 from
// x = -103.98 on), the derivative's 64 < |x| <= 110 give dy e^-|x| by TimesExpTail for
// |dy| <= 2^36 (further out, clamping the exponent would not round a large dy's product
// to 0: the double route). The forward's tail lanes compute logistic32 on 0: its error
// terms are subnormal there, which measured 5.7 against 0.53 ns/element on Zen 4. The
// derivative's do not (zeroing them measured 10% on the common vectors), so vectors with
// a derivative tail lane cost about 3.4 ns/element. -inf, NaN and the rest take the
// double route.
template <>
struct FloatPath<Sigmoid> {
  static constexpr float kTailStart = 64.0f;
  // Vectors with a lane beyond -kTailStart (or NaN), out of line (Finished), as the other
  // tails below: inlined, the tail's code slowed the common vectors by 15-40%.
  static HWY_NOINLINE Finished ForwardMixed(VFull xv) {
    const DFull d;
    const auto in_range = hn::Ge(xv, hn::Set(d, -kTailStart));  // NaN: the double route
    const VFull y = logistic32::Forward(hn::IfThenElseZero(in_range, xv));
    const auto tail = hn::And(hn::Lt(xv, hn::Set(d, -kTailStart)), hn::IsFinite(xv));
    const VFull b = hn::IfThenElseZero(tail, hn::Max(xv, hn::Set(d, -110.0f)));
    return {hn::IfThenElse(tail, TimesExpTail(hn::Set(d, 1.0f), b, hn::Zero(d)), y), hn::Or(in_range, tail)};
  }
  static HWY_NOINLINE Finished BackwardTail(VFull xv, VFull dyv, hn::Mask<DFull> done, VFull r) {
    const DFull d;
    const VFull ax = hn::Abs(xv);
    const auto tail = hn::AndNot(done, hn::And(hn::And(hn::Gt(ax, hn::Set(d, kTailStart)), hn::Le(ax, hn::Set(d, 110.0f))),
                                               hn::Le(hn::Abs(dyv), hn::Set(d, 0x1p36f))));
    if (hn::AllFalse(d, tail)) return {r, done};
    const VFull b = hn::Neg(hn::IfThenElseZero(tail, ax));
    return {hn::IfThenElse(tail, TimesExpTail(hn::IfThenElseZero(tail, dyv), b, hn::Zero(d)), r), hn::Or(done, tail)};
  }
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    const DFull d;
    ForwardPerLane<Sigmoid>(p, x, y, n, [&](VFull xv, VFull& yv) {
      const auto in_range = hn::Ge(xv, hn::Set(d, -kTailStart));
      if (HWY_UNLIKELY(!hn::AllTrue(d, in_range))) return Take(ForwardMixed(xv), yv);
      yv = logistic32::Forward(xv);
      return in_range;
    });
    return true;
  }
  static bool Backward(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
    BackwardPerLane<Sigmoid>(
        p, x, dy, dx, n,
        [](VFull xv, logistic32::Product& g) {
          g = logistic32::Derivative(xv);
          return Within(xv, kTailStart);
        },
        [](VFull xv, VFull dyv, hn::Mask<DFull> done, VFull& r) {
          return Take(BackwardTail(xv, dyv, done, r), r);
        });
    return true;
  }
};

// beta = +-2^k with |k| <= 20: b = beta x is exact in float32, or below 2^-126, where its
// rounding moves sigma(b) by 2^-152.
HWY_INLINE bool PowerOfTwoGain(double beta) {
  int k = 0;
  return std::frexp(std::fabs(beta), &k) == 0.5 && k >= -19 && k <= 21;
}

// swish's forward (silu at beta = 1) for a power-of-two gain: y = x sigma(b) rounded
// once, within sigma's bound, where that is a normal float32 above 2^-100 or x = +-0
// (y = x), for b >= -64. For b in [-110, -64), sigma(b) is e^b to 2^-92 and y =
// TimesExpTail(x, b) (|x| <= 110 2^20); those lanes compute sigma on 0, since sigma's
// error terms below b = -64 are subnormal, which measured 2.5-3.3 against 0.56
// ns/element on Zen 4. x = +-inf and b < -110 take the double route. The derivative
// sigma(b) (1 + b sigma(-b)) stays on the double route: next to its root (b = -1.2785)
// the float pair's 2^-28 cancels to whole ULPs unless those lanes go the double route,
// and with them the float32 body measured 1.0 against 1.15 ns/element, not worth a bound
// near 1 ULP instead of 0.5.
template <>
struct FloatPath<Swish> : ForwardOnlyFloatPath {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    if (!PowerOfTwoGain(p.v[0])) return false;
    const DFull d;
    const VFull beta = hn::Set(d, float(p.v[0]));
    ForwardPerLane<Swish>(p, x, y, n, [&](VFull xv, VFull& yv) {
      const VFull b = hn::Mul(xv, beta);
      const auto in_range = hn::Ge(b, hn::Set(d, kTailStart));  // NaN: the double route
      if (HWY_UNLIKELY(!hn::AllTrue(d, in_range))) return Take(ForwardMixed(xv, b), yv);
      return TimesX(xv, logistic32::Sigma(b), in_range, yv);
    });
    return true;
  }
  static constexpr float kTailStart = -64.0f;
  // Vectors with a lane below b = kTailStart (or NaN), out of line (see sigmoid's).
  static HWY_NOINLINE Finished ForwardMixed(VFull xv, VFull b) {
    const DFull d;
    const auto in_range = hn::Ge(b, hn::Set(d, kTailStart));
    VFull y;
    const auto fine = TimesX(xv, logistic32::Sigma(hn::IfThenElseZero(in_range, b)), in_range, y);
    const auto tail = hn::And(hn::Lt(b, hn::Set(d, kTailStart)), hn::Ge(b, hn::Set(d, -110.0f)));
    const VFull yt = TimesExpTail(hn::IfThenElseZero(tail, xv), hn::IfThenElseZero(tail, b), hn::Zero(d));
    return {hn::IfThenElse(tail, yt, y), hn::Or(fine, tail)};
  }
};

// gelu's tanh form forward: y = x sigma(b), b = 2u = c x (1 + k x^2), c = 2 sqrt(2/pi)
// and k = 0.044715 as float pairs (2^-48), x^2 and x (1 + k x^2) as exact or nearly
// exact pairs (FMA), b normalized by Fast2Sum: within 2^-44 relative, which sigma's
// sensitivity |b| sigma(-b) <= 110 keeps below 2^-37.2; then as swish's forward: within
// 0.565 / 0.623 ULP. Below x = -9 (b < -66, y < 2^-92, subnormal from x = -9.9 on) the
// tail takes sigma(b) = e^b to 2^-95: y = TimesExpTail(x, b), b clamped at -110, where
// y rounds to -0 anyway (|x| <= 12). The derivative stays on the double route (a root
// at x = -0.75, like swish's).
template <>
struct FloatPath<GeluTanh> : ForwardOnlyFloatPath {
  static constexpr float kTailStart = -9.0f;  // x below this: the tail (see above)
  struct Constants {
    VFull c1, c2, k1, k2;
  };
  // b = c x (1 + k x^2) as bh + bl (Fast2Sum), for |x| <= 12.
  static HWY_INLINE void Arg(VFull xv, const Constants& k, VFull& bh, VFull& bl) {
    const DFull d;
    const VFull zh = hn::Mul(xv, xv), zl = hn::MulSub(xv, xv, zh);                // x^2
    const VFull ph = hn::Mul(k.k1, zh);                                             // k x^2 = ph + pl
    const VFull pl = hn::MulAdd(k.k1, zl, hn::MulAdd(k.k2, zh, hn::MulSub(k.k1, zh, ph)));
    VFull w_err;
    const VFull wh = logistic32::TwoSum(hn::Set(d, 1.0f), ph, w_err);              // 1 + k x^2
    const VFull wl = hn::Add(w_err, pl);
    const logistic32::Product xw = logistic32::Multiply(xv, hn::Zero(d), wh, wl);  // x (1 + k x^2)
    const logistic32::Product b = logistic32::Multiply(xw.p, xw.corr, k.c1, k.c2);
    bh = hn::Add(b.p, b.corr);
    bl = hn::Sub(b.corr, hn::Sub(bh, b.p));
  }
  // Vectors with a lane below kTailStart (or NaN), out of line (see sigmoid's). Below x = -12,
  // y rounds to -0 and b is taken at -12; NaN and -inf compute on 0 and take the double
  // route. The tail's lanes compute sigma on 0: sigma(b < -75) has subnormal
  // intermediates, measured several times slower on Zen 4.
  static HWY_NOINLINE Finished ForwardMixed(VFull x_in, const Constants& k) {
    const DFull d;
    const auto in_range = hn::Ge(x_in, hn::Set(d, kTailStart));
    const auto tail = hn::And(hn::Lt(x_in, hn::Set(d, kTailStart)), hn::IsFinite(x_in));
    const VFull xv =
        hn::IfThenElseZero(hn::Or(in_range, tail), hn::Clamp(x_in, hn::Set(d, -12.0f), hn::Set(d, 9.0f)));
    VFull bh, bl;
    Arg(xv, k, bh, bl);
    const logistic32::Product s = logistic32::Sigma(hn::IfThenElseZero(in_range, bh), hn::IfThenElseZero(in_range, bl));
    VFull y;
    const auto fine = TimesX(x_in, s, in_range, y);
    const auto clamped = hn::Lt(bh, hn::Set(d, -110.0f));
    const VFull dh = hn::Min(hn::Max(bh, hn::Set(d, -110.0f)), hn::Zero(d));
    return {hn::IfThenElse(tail, TimesExpTail(xv, dh, hn::IfThenZeroElse(clamped, bl)), y), hn::Or(fine, tail)};
  }
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    const FloatPairConstant c(2 * GeluTanh::kSqrt2OverPi), k(GeluTanh::kCubic);
    const DFull d;
    const Constants kv{hn::Set(d, c.c1), hn::Set(d, c.c2), hn::Set(d, k.c1), hn::Set(d, k.c2)};
    ForwardPerLane<GeluTanh>(p, x, y, n, [&](VFull x_in, VFull& yv) {
      const auto in_range = hn::Ge(x_in, hn::Set(d, kTailStart));
      if (HWY_UNLIKELY(!hn::AllTrue(d, in_range))) return Take(ForwardMixed(x_in, kv), yv);
      // Above x = 9, sigma(b) is within 2^-95 of 1 and y = x: b is taken at 9 (x^3 would
      // overflow).
      VFull bh, bl;
      Arg(hn::Min(x_in, hn::Set(d, 9.0f)), kv, bh, bl);
      return TimesX(x_in, logistic32::Sigma(bh, bl), in_range, yv);
    });
    return true;
  }
};

// mish's forward: x (q0 + t_lo) rounded once (logistic32::MishFactor), where that is a
// normal float32 above 2^-100 (x >= -64) or x = +-0; below -64, tanh(softplus(x)) is
// e^x to 2^-93 and y = TimesExpTail(x, x), x clamped at -110 (y = -0 from x = -107.3
// on); -inf takes the double route.
// The derivative t + x sigma(x) (1 - t^2) stays on the double route (a root at x =
// -1.19, like swish's).
template <>
struct FloatPath<Mish> : ForwardOnlyFloatPath {
  static constexpr float kTailStart = -64.0f;  // x below this: the tail (see above)
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    const DFull d;
    ForwardPerLane<Mish>(p, x, y, n, [&](VFull x_in, VFull& yv) {
      const auto in_range = hn::Ge(x_in, hn::Set(d, kTailStart));  // NaN: the double route
      if (HWY_UNLIKELY(!hn::AllTrue(d, in_range))) return Take(ForwardMixed(x_in), yv);
      return TimesX(x_in, logistic32::MishFactor(x_in), in_range, yv);
    });
    return true;
  }
  // Vectors with a lane below kTailStart (or NaN), out of line (see sigmoid's).
  static HWY_NOINLINE Finished ForwardMixed(VFull x_in) {
    const DFull d;
    const auto in_range = hn::Ge(x_in, hn::Set(d, kTailStart));
    VFull y;
    const auto fine = TimesX(x_in, logistic32::MishFactor(hn::IfThenElseZero(in_range, x_in)), in_range, y);
    const auto tail = hn::And(hn::Lt(x_in, hn::Set(d, kTailStart)), hn::IsFinite(x_in));
    const VFull xt = hn::IfThenElseZero(tail, hn::Max(x_in, hn::Set(d, -110.0f)));
    return {hn::IfThenElse(tail, TimesExpTail(xt, xt, hn::Zero(d)), y), hn::Or(fine, tail)};
  }
};

// tanh: logistic32::Tanh (every x but NaN), and tanh'(x) = 4 e / (1 + e)^2 with e =
// e^-2|x|, that is 4 sigma'(2x), exactly as accurate.
template <>
struct FloatPath<Tanh> {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    ForwardPerLane<Tanh>(p, x, y, n, [](VFull xv, VFull& yv) {
      yv = logistic32::Tanh(xv);
      return hn::Not(hn::IsNaN(xv));
    });
    return true;
  }
  static bool Backward(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
    BackwardPerLane<Tanh>(p, x, dy, dx, n, [](VFull xv, logistic32::Product& g) {
      const DFull d;
      const VFull b = hn::Add(xv, xv);
      g = logistic32::Derivative(b);
      g.p = hn::Mul(g.p, hn::Set(d, 4.0f));
      g.corr = hn::Mul(g.corr, hn::Set(d, 4.0f));
      return Within(b, logistic32::kMaxArg);
    });
    return true;
  }
};

// log_sigmoid'(x) = sigma(-x). The forward (a log) stays on the double route.
template <>
struct FloatPath<LogSigmoid> : BackwardOnlyFloatPath {
  static bool Backward(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
    BackwardPerLane<LogSigmoid>(p, x, dy, dx, n, [](VFull xv, logistic32::Product& g) {
      g = logistic32::Sigma(hn::Neg(xv));
      return hn::Le(xv, hn::Set(DFull(), logistic32::kMaxArg));
    });
    return true;
  }
};

// softplus'(x) = beta x > threshold ? 1 : sigma(beta x), for beta = +-2^k and a float32
// threshold (the comparison then gives the double route's answer). The forward (a log)
// stays on the double route.
template <>
struct FloatPath<Softplus> : BackwardOnlyFloatPath {
  static bool Backward(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
    if (!PowerOfTwoGain(p.v[0]) || !IsFloat(p.v[1])) return false;
    const DFull d;
    const VFull beta = hn::Set(d, float(p.v[0])), threshold = hn::Set(d, float(p.v[1]));
    BackwardPerLane<Softplus>(p, x, dy, dx, n, [&](VFull xv, logistic32::Product& g) {
      const VFull b = hn::Mul(xv, beta);
      const auto linear = hn::Gt(b, threshold);
      g = logistic32::Sigma(b);
      g.p = hn::IfThenElse(linear, hn::Set(d, 1.0f), g.p);
      g.corr = hn::IfThenZeroElse(linear, g.corr);
      return hn::Or(linear, hn::Ge(b, hn::Set(d, -logistic32::kMaxArg)));
    });
    return true;
  }
};


// elu, celu and selu forward: scale x for x > 0, (scale alpha) expm1(x / d) for x <= 0,
// the constants as float pairs and exp32::Expm1 (2^-27.6 relative; below x/d = -26,
// where e^(x/d) < 2^-37.5, at -26), each product rounded once: within 0.5 + 0.083 +
// 2^-10 ULP (N = 8: 0.545). x = +-0 gives scale alpha x, a zero of the double route's
// sign; lanes whose result is below 2^-100 or beyond FLT_MAX, and NaN, take the double
// route.
HWY_INLINE logistic32::Product EluLeft(VFull x, VFull inv_d, VFull c1, VFull c2) {
  const DFull d;
  const VFull t = hn::Max(hn::Mul(hn::Min(x, hn::Zero(d)), inv_d), hn::Set(d, -26.0f));
  const exp32::ExpPair m = exp32::Expm1(t);
  return logistic32::Multiply(m.hi, m.lo, c1, c2);
}

// elu, celu and selu backward: f'(x) = scale for x > 0 (x >= 0 by the entry's
// convention), else (scale alpha / d) e^(x / d) with the constant as a float pair
// (2^-48) and e^(x/d) as exp32's pair, their product rounded once with dy (the product
// drops c2 e1_err, 2^-72): within exp32's 0.565 / 0.623 ULP. Needs x / d exact in
// float32, d = 2^k (elu and selu: 1; celu: alpha), and x / d >= -80 (lower lanes,
// whose e^(x/d) nears the subnormals, take the double route).
template <>
struct FloatPath<Elu> {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    const FloatPairConstant left(p.v[1] * p.v[0]), right(p.v[1]);
    if (!(p.v[2] > 0) || !PowerOfTwoGain(1 / p.v[2]) || !left.usable || !right.usable) return false;
    const DFull d;
    const VFull inv_d = hn::Set(d, float(1 / p.v[2]));
    const VFull l1 = hn::Set(d, left.c1), l2 = hn::Set(d, left.c2), r1 = hn::Set(d, right.c1), r2 = hn::Set(d, right.c2);
    ForwardPerLane<Elu>(p, x, y, n, [&](VFull xv, VFull& yv) {
      const logistic32::Product neg = EluLeft(xv, inv_d, l1, l2);
      const VFull pos = hn::MulAdd(xv, r1, hn::Mul(xv, r2));
      const auto zero = hn::Eq(xv, hn::Zero(d));
      const VFull r = hn::IfThenElse(hn::Gt(xv, hn::Zero(d)), pos, hn::Add(neg.p, neg.corr));
      yv = hn::IfThenElse(zero, hn::Mul(xv, l1), r);
      return hn::Or(zero, NormalAbove2m100(r));
    });
    return true;
  }
  static bool Backward(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
    const FloatPairConstant left(p.v[1] * p.v[0] / p.v[2]), right(p.v[1]);
    if (!(p.v[2] > 0) || !PowerOfTwoGain(1 / p.v[2]) || !left.usable || !right.usable) return false;
    const DFull d;
    const VFull inv_d = hn::Set(d, float(1 / p.v[2]));
    const VFull l1 = hn::Set(d, left.c1), l2 = hn::Set(d, left.c2), r1 = hn::Set(d, right.c1), r2 = hn::Set(d, right.c2);
    const bool right_at_zero = p.v[3] != 0;
    BackwardPerLane<Elu>(p, x, dy, dx, n, [&](VFull xv, logistic32::Product& g) {
      const VFull t = hn::Mul(hn::Min(xv, hn::Zero(d)), inv_d);
      const auto in_range = hn::Ge(t, hn::Set(d, -80.0f));
      const exp32::ExpPair e = exp32::ScaledExp(hn::Max(t, hn::Set(d, -80.0f)), hn::Zero(d),
                                                hn::Set(exp32::DI(), exp32::BiasFor(0)));
      const VFull e1 = hn::Add(e.hi, e.lo);
      const logistic32::Product left_g = logistic32::Multiply(l1, l2, e1, hn::Sub(e.lo, hn::Sub(e1, e.hi)));
      const auto on_right = right_at_zero ? hn::Ge(xv, hn::Zero(d)) : hn::Gt(xv, hn::Zero(d));
      g.p = hn::IfThenElse(on_right, r1, left_g.p);
      g.corr = hn::IfThenElse(on_right, r2, left_g.corr);
      return hn::Or(on_right, hn::And(in_range, hn::Le(xv, hn::Zero(d))));
    });
    return true;
  }
};

// e^x for x in [-80, 88] (exp32::ScaledExp at scale 1: 2^k normal, lo's absolute 2^-150
// below 2^-34 of e^-80), the pair rounded once (forward) or dy (e1 + e1_err) rounded
// once (backward): within 0.5 + eps_e 2^24 + 2^-10 ULP. Other lanes (subnormal results,
// overflow, +-inf, NaN) take the double route.
HWY_INLINE exp32::ExpPair ExpInRange(VFull x, hn::Mask<DFull>& inside) {
  const DFull d;
  inside = hn::And(hn::Ge(x, hn::Set(d, -80.0f)), hn::Le(x, hn::Set(d, 88.0f)));
  const VFull clamped = hn::Min(hn::Max(x, hn::Set(d, -80.0f)), hn::Set(d, 88.0f));
  return exp32::ScaledExp(clamped, hn::Zero(d), hn::Set(exp32::DI(), exp32::BiasFor(0)));
}
template <>
struct FloatPath<Exponential> {
  static bool Forward(const Params& p, const float* x, float* y, std::size_t n) {
    ForwardPerLane<Exponential>(p, x, y, n, [](VFull xv, VFull& yv) {
      hn::Mask<DFull> inside;
      const exp32::ExpPair e = ExpInRange(xv, inside);
      yv = hn::Add(e.hi, e.lo);
      return inside;
    });
    return true;
  }
  static bool Backward(const Params& p, const float* x, const float* dy, float* dx, std::size_t n) {
    BackwardPerLane<Exponential>(p, x, dy, dx, n, [](VFull xv, logistic32::Product& g) {
      hn::Mask<DFull> inside;
      const exp32::ExpPair e = ExpInRange(xv, inside);
      g.p = hn::Add(e.hi, e.lo);
      g.corr = hn::Sub(e.lo, hn::Sub(g.p, e.hi));  // Fast2Sum
      return inside;
    });
    return true;
  }
};
#endif  // HWY_NATIVE_FMA (without it the default FloatPath sends these to the double route)

template <class Op>
void Forward(const Slots& s, const float* x, float* y, std::size_t n) {
  const Params p(s);
  if (FloatPath<Op>::Forward(p, x, y, n)) return;
  ForwardWide<Op>(p, x, y, n);
}

template <class Op>
void Backward(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n) {
  const Params p(s);
  if (FloatPath<Op>::Backward(p, x, dy, dx, n)) return;
  BackwardWide<Op>(p, x, dy, dx, n);
}

// ---- float64 ------------------------------------------------------------------------
// The piecewise-linear families whose float64 result is a selection or one IEEE
// operation on the input (x, a*x, x -+ lambda, a bound): Forward(p, x).hi is then the
// correctly rounded value and Derivative(p, x) an exact constant, so float64 lanes give
// the scalar kernels' bits at vector speed. sparse_sigmoid is one too: on (-1, 1) its
// .hi is RN(x + 1) / 2, and since x + 1 >= 2^-53 the halving is exact and commutes with
// the rounding, ties included: RN(x + 1) / 2 = RN((x + 1) / 2). relu with both a slope and a threshold
// (slope * (x - t) rounds twice) has a double-double body in elementwise_f64.cc (ReluShifted).
template <class Op>
struct Exact64 {
  static bool Applies(const Params&) { return true; }
};
template <>
struct Exact64<Relu> {
  static bool Applies(const Params& p) { return p.v[0] == 0 || p.v[2] == 0; }
};

HWY_INLINE V Hi(V v) { return v; }
HWY_INLINE V Hi(Pair p) { return p.hi; }

template <class Op>
bool ForwardF64(const Slots& s, const double* x, double* y, std::size_t n) {
  const Params p(s);
  if (!Exact64<Op>::Applies(p)) return false;
  LaneLoop<D>(n, [&](D d, std::size_t i, std::size_t count) {
    const bool full = count == hn::Lanes(d);
    HWY_ALIGN double bx[hn::MaxLanes(d)] = {};
    HWY_ALIGN double by[hn::MaxLanes(d)];
    if (!full) std::memcpy(bx, x + i, count * sizeof(double));
    const V xv = full ? hn::LoadU(d, x + i) : hn::Load(d, bx);
    const V yv = hn::IfThenElse(hn::IsNaN(xv), xv, Hi(Op::Forward(p, xv)));
    if (full) {
      hn::StoreU(yv, d, y + i);
    } else {
      hn::Store(yv, d, by);
      std::memcpy(y + i, by, count * sizeof(double));
    }
  });
  return true;
}

template <class Op>
bool BackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  const Params p(s);
  LaneLoop<D>(n, [&](D d, std::size_t i, std::size_t count) {
    const bool full = count == hn::Lanes(d);
    HWY_ALIGN double bx[hn::MaxLanes(d)] = {};
    HWY_ALIGN double bdy[hn::MaxLanes(d)] = {};
    HWY_ALIGN double bdx[hn::MaxLanes(d)];
    if (!full) {
      std::memcpy(bx, x + i, count * sizeof(double));
      std::memcpy(bdy, dy + i, count * sizeof(double));
    }
    const V xv = full ? hn::LoadU(d, x + i) : hn::Load(d, bx);
    const V dyv = full ? hn::LoadU(d, dy + i) : hn::Load(d, bdy);
    const V g = hn::IfThenElse(hn::IsNaN(xv), xv, hn::Mul(dyv, Op::Derivative(p, xv)));
    if (full) {
      hn::StoreU(g, d, dx + i);
    } else {
      hn::Store(g, d, bdx);
      std::memcpy(dx + i, bdx, count * sizeof(double));
    }
  });
  return true;
}

// ---- rrelu, training mode ----------------------------------------------------------
// Element i of a call has the slope scalar::rrelu_noise(seed, offset + i, lower, upper):
// splitmix64 of its index in 64-bit integer lanes (the multiplications by the mixing
// constants from 32-bit halves, as only AVX-512 multiplies 64-bit lanes), the top 53
// bits converted exactly and mapped to [lower, upper) with the scalar code's two
// roundings (this file is compiled without contraction), so every lane draws the scalar
// kernel's slope bit for bit. Given the slope, forward and backward are leaky_relu's
// operations: float32 y = a x rounded once (an exact pair, see RoundToOdd), float64
// y = RN(a x); dx = dy a in double (then to float32 for float32).
using DU = hn::RebindToUnsigned<D>;
using VU = hn::Vec<DU>;

HWY_INLINE VU MulLow64(VU a, std::uint64_t c) {
  const DU du;
#if HWY_TARGET == HWY_SCALAR  // one lane: no 32-bit halves to repartition into
  return hn::Set(du, hn::GetLane(a) * c);
#else
  const hn::Repartition<std::uint32_t, DU> d32;
  const auto c_lo = hn::BitCast(d32, hn::Set(du, c & 0xFFFFFFFFu));
  const auto c_hi = hn::BitCast(d32, hn::Set(du, c >> 32));
  const VU low = hn::MulEven(hn::BitCast(d32, a), c_lo);  // a_lo c_lo, all 64 bits
  const VU cross = hn::Add(hn::MulEven(hn::BitCast(d32, hn::ShiftRight<32>(a)), c_lo), hn::MulEven(hn::BitCast(d32, a), c_hi));
  return hn::Add(low, hn::ShiftLeft<32>(cross));
#endif
}

struct RreluTraining {
  std::uint64_t base;
  double lower, width;
  explicit RreluTraining(const Slots& s)
      : base(scalar::RreluSplitmix::base(static_cast<std::uint64_t>(s[3])) + s.offset),
        lower(static_cast<double>(s[0])),
        width(static_cast<double>(s[1]) - static_cast<double>(s[0])) {}
  // The slopes of elements i, i + 1, ... of the call.
  V Slopes(std::size_t i) const {
    const DU du;
    VU z = hn::Add(hn::Set(du, base + i), hn::Iota(du, 0));
    z = MulLow64(hn::Xor(z, hn::ShiftRight<30>(z)), scalar::RreluSplitmix::kMix1);
    z = MulLow64(hn::Xor(z, hn::ShiftRight<27>(z)), scalar::RreluSplitmix::kMix2);
    z = hn::Xor(z, hn::ShiftRight<31>(z));
    const V u = hn::Mul(hn::ConvertTo(D(), hn::BitCast(hn::RebindToSigned<D>(), hn::ShiftRight<11>(z))), Lit(0x1.0p-53));
    return hn::Add(Lit(lower), hn::Mul(Lit(width), u));
  }
  static Pair Forward(V a, V x) {
    const D d;
    const Pair neg = Select(hn::Eq(a, hn::Zero(d)), Exact(hn::CopySign(hn::Zero(d), x)), TwoProd(a, x));
    return Select(hn::Gt(x, hn::Zero(d)), Exact(x), neg);
  }
  static V Derivative(V a, V x) { return hn::IfThenElse(hn::Gt(x, hn::Zero(D())), Lit(1.0), a); }
};

// One vector of D's lane count at a time (T = float: the lanes of DF), the last one
// through a padded copy; lanes(i, x, dy) returns the result vector in D.
template <class T, class Lanes>
HWY_INLINE void IndexedLoop(const T* x, const T* dy, T* out, std::size_t n, Lanes&& lanes) {
  const D d;
  const hn::Rebind<T, D> dt;
  const std::size_t step = hn::Lanes(d);
  auto load = [&](const T* p) {
    if constexpr (std::is_same_v<T, float>) return hn::PromoteTo(d, hn::LoadU(dt, p));
    else return hn::LoadU(d, p);
  };
  auto store = [&](V v, T* p) {
    if constexpr (std::is_same_v<T, float>) hn::StoreU(DemoteToFloat(dt, v), dt, p);
    else hn::StoreU(v, d, p);
  };
  std::size_t i = 0;
  for (; i + step <= n; i += step) store(lanes(i, load(x + i), dy ? load(dy + i) : hn::Zero(d)), out + i);
  if (i < n) {
    HWY_ALIGN T bx[hn::MaxLanes(d)] = {};
    HWY_ALIGN T bdy[hn::MaxLanes(d)] = {};
    HWY_ALIGN T bout[hn::MaxLanes(d)];
    std::memcpy(bx, x + i, (n - i) * sizeof(T));
    if (dy) std::memcpy(bdy, dy + i, (n - i) * sizeof(T));
    store(lanes(i, load(bx), load(bdy)), bout);
    std::memcpy(out + i, bout, (n - i) * sizeof(T));
  }
}

template <class T>
void RreluTrainingForward(const Slots& s, const T* x, T* y, std::size_t n) {
  const RreluTraining r(s);
  IndexedLoop<T>(x, nullptr, y, n, [&](std::size_t i, V xv, V) {
    const Pair p = RreluTraining::Forward(r.Slopes(i), xv);
    if constexpr (std::is_same_v<T, float>) return hn::IfThenElse(hn::IsNaN(xv), xv, RoundToOdd(p));
    return hn::IfThenElse(hn::IsNaN(xv), xv, p.hi);  // float64: a x rounded once
  });
}

template <class T>
void RreluTrainingBackward(const Slots& s, const T* x, const T* dy, T* dx, std::size_t n) {
  const RreluTraining r(s);
  IndexedLoop<T>(x, dy, dx, n, [&](std::size_t i, V xv, V dyv) {
    return hn::IfThenElse(hn::IsNaN(xv), xv, hn::Mul(dyv, RreluTraining::Derivative(r.Slopes(i), xv)));
  });
}

void RreluTrainingForwardF32(const Slots& s, const float* x, float* y, std::size_t n) { RreluTrainingForward(s, x, y, n); }
void RreluTrainingBackwardF32(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n) {
  RreluTrainingBackward(s, x, dy, dx, n);
}
void RreluTrainingForwardF64(const Slots& s, const double* x, double* y, std::size_t n) { RreluTrainingForward(s, x, y, n); }
void RreluTrainingBackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  RreluTrainingBackward(s, x, dy, dx, n);
}

// ---- backward from the output ------------------------------------------------------
// dx = dy * f'(x) computed from y = f(x): the scalar kernels' operations
// (scalar/*.hpp, derivative_from_output with W = double) in float64 lanes, in the same
// order and without contraction, so the results are the scalar kernels' bits: y (1 - y)
// and (1 - y)(1 + y) are exact in float64 for a float y, the product with dy rounds once
// in float64 and once to float32, as there.
struct FromOutputConstants {
  double scale, at_zero, c_hi, c_lo, div;  // elu's (see Elu::derivative_from_output)
  explicit FromOutputConstants(const Slots& s) {
    scale = static_cast<double>(s[1]);
    at_zero = s[3] != 0 ? scale : static_cast<double>(s[1] * s[0] / s[2]);
    const long double c = s[1] * s[0], e = std::fma(s[1], s[0], -c);
    c_hi = static_cast<double>(c);
    c_lo = static_cast<double>((c - static_cast<long double>(c_hi)) + e);
    div = static_cast<double>(s[2]);
  }
};
struct SigmoidFromOutput {
  static V Derivative(const FromOutputConstants&, V y) { return hn::Mul(y, hn::Sub(Lit(1.0), y)); }
};
struct TanhFromOutput {
  static V Derivative(const FromOutputConstants&, V y) { return hn::Mul(hn::Sub(Lit(1.0), y), hn::Add(Lit(1.0), y)); }
};
struct ExponentialFromOutput {
  static V Derivative(const FromOutputConstants&, V y) { return y; }
};
struct ReluFromOutput {  // 1 where y > 0, else 0; NaN stays NaN
  static V Derivative(const FromOutputConstants&, V y) {
    const V zero_or_nan = hn::IfThenElse(hn::IsNaN(y), y, hn::Zero(D()));
    return hn::IfThenElse(hn::Gt(y, hn::Zero(D())), Lit(1.0), zero_or_nan);
  }
};
struct EluFromOutput {
  static V Derivative(const FromOutputConstants& c, V y) {
    const V sum = hn::Add(hn::Add(y, Lit(c.c_hi)), Lit(c.c_lo));
    const V below = c.div == 1.0 ? sum : hn::Div(sum, Lit(c.div));  // elu and selu: no division (x / 1 = x)
    const V at_or_below = hn::IfThenElse(hn::Eq(y, hn::Zero(D())), Lit(c.at_zero), below);
    return hn::IfThenElse(hn::Gt(y, hn::Zero(D())), Lit(c.scale), at_or_below);
  }
};

template <class Op>
HWY_INLINE VF FromOutputLanes(const FromOutputConstants& c, VF yf, VF dyf) {
  const D d;
  const V g = hn::Mul(hn::PromoteTo(d, dyf), Op::Derivative(c, hn::PromoteTo(d, yf)));
  return DemoteToFloat(DF(), g);
}

template <class Op>
void BackwardFromOutput(const Slots& s, const float* y, const float* dy, float* dx, std::size_t n) {
  const FromOutputConstants c(s);
  const DF df;
  const std::size_t lanes = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    hn::StoreU(FromOutputLanes<Op>(c, hn::LoadU(df, y + i), hn::LoadU(df, dy + i)), df, dx + i);
  if (i < n) {
    HWY_ALIGN float by[hn::MaxLanes(df)] = {};
    HWY_ALIGN float bdy[hn::MaxLanes(df)] = {};
    HWY_ALIGN float bdx[hn::MaxLanes(df)];
    std::memcpy(by, y + i, (n - i) * sizeof(float));
    std::memcpy(bdy, dy + i, (n - i) * sizeof(float));
    hn::Store(FromOutputLanes<Op>(c, hn::Load(df, by), hn::Load(df, bdy)), df, bdx);
    std::memcpy(dx + i, bdx, (n - i) * sizeof(float));
  }
}

#define ACTIV_SIMD_FROM_OUTPUT_FAMILY(Name)                                                                    \
  void Name##BackwardFromOutputF32(const Slots& s, const float* y, const float* dy, float* dx, std::size_t n) { \
    BackwardFromOutput<Name##FromOutput>(s, y, dy, dx, n);                                                     \
  }
ACTIV_SIMD_FROM_OUTPUT_FAMILIES(ACTIV_SIMD_FROM_OUTPUT_FAMILY)
#undef ACTIV_SIMD_FROM_OUTPUT_FAMILY

#define ACTIV_SIMD_F64_FAMILY(Name)                                                                    \
  bool Name##ForwardF64(const Slots& s, const double* x, double* y, std::size_t n) {                   \
    return ForwardF64<Name>(s, x, y, n);                                                               \
  }                                                                                                    \
  bool Name##BackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) { \
    return BackwardF64<Name>(s, x, dy, dx, n);                                                         \
  }
ACTIV_SIMD_F64_FAMILIES(ACTIV_SIMD_F64_FAMILY)
#undef ACTIV_SIMD_F64_FAMILY

#define ACTIV_SIMD_FAMILY(Name)                                                                     \
  void Name##ForwardF32(const Slots& s, const float* x, float* y, std::size_t n) {                 \
    Forward<Name>(s, x, y, n);                                                                      \
  }                                                                                                 \
  void Name##BackwardF32(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n) { \
    Backward<Name>(s, x, dy, dx, n);                                                                \
  }
ACTIV_SIMD_FAMILIES(ACTIV_SIMD_FAMILY)
#undef ACTIV_SIMD_FAMILY

}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace activ::detail::simd {

#define ACTIV_SIMD_EXPORT(Name)         \
  HWY_EXPORT(Name##ForwardF32);         \
  HWY_EXPORT(Name##BackwardF32);        \
  void Name##ForwardF32(const Slots& s, const float* x, float* y, std::size_t n) { \
    HWY_DYNAMIC_DISPATCH(Name##ForwardF32)(s, x, y, n);                             \
  }                                                                                 \
  void Name##BackwardF32(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n) { \
    HWY_DYNAMIC_DISPATCH(Name##BackwardF32)(s, x, dy, dx, n);                                         \
  }
ACTIV_SIMD_FAMILIES(ACTIV_SIMD_EXPORT)
#undef ACTIV_SIMD_EXPORT

#define ACTIV_SIMD_FROM_OUTPUT_EXPORT(Name)                                                                    \
  HWY_EXPORT(Name##BackwardFromOutputF32);                                                                     \
  void Name##BackwardFromOutputF32(const Slots& s, const float* y, const float* dy, float* dx, std::size_t n) { \
    HWY_DYNAMIC_DISPATCH(Name##BackwardFromOutputF32)(s, y, dy, dx, n);                                        \
  }
ACTIV_SIMD_FROM_OUTPUT_FAMILIES(ACTIV_SIMD_FROM_OUTPUT_EXPORT)
#undef ACTIV_SIMD_FROM_OUTPUT_EXPORT

ACTIV_SIMD_F64_FAMILIES(ACTIV_SIMD_F64_DISPATCH)

HWY_EXPORT(RreluTrainingForwardF32);
HWY_EXPORT(RreluTrainingBackwardF32);
HWY_EXPORT(RreluTrainingForwardF64);
HWY_EXPORT(RreluTrainingBackwardF64);
void RreluTrainingForwardF32(const Slots& s, const float* x, float* y, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(RreluTrainingForwardF32)(s, x, y, n);
}
void RreluTrainingBackwardF32(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(RreluTrainingBackwardF32)(s, x, dy, dx, n);
}
void RreluTrainingForwardF64(const Slots& s, const double* x, double* y, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(RreluTrainingForwardF64)(s, x, y, n);
}
void RreluTrainingBackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(RreluTrainingBackwardF64)(s, x, dy, dx, n);
}

}  // namespace activ::detail::simd
#endif  // HWY_ONCE
