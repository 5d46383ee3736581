// SIMD float64 kernels of the smooth families, one body for every ISA with a fused
// multiply-add (Highway foreach_target with runtime dispatch; on targets without
// HWY_NATIVE_FMA they return false and the scalar kernel runs). Each family evaluates
// the scalar kernels' cancellation-free formulas (src/kernels/scalar/) in double-double
// (dd64-inl.h: e^x, e^x - 1, log(1 + e) and log within 2^-66 relative, erfcx within
// 2^-61, the arithmetic within ~2^-100 per operation) and rounds once at the end, through dd64::RoundScaled,
// which also rounds the subnormal tails correctly: forward within 0.5 + 2^-8 ULP. The
// derivative times dy is one more double-double product before that rounding.
// Backward lanes within 2^-10 of the roots of swish', mish' and gelu' (where the value
// comes from cancellation beyond double-double) go to the scalar kernel's binary128
// evaluation one by one ("Derivative roots" below), and so do those with infinite x
// (whose derivative is a limit, exactly 0 or inf).
// Parameters come from the long double slots as exact pairs; settings a body does not
// cover (say swish with |beta| outside [2^-20, 2^20]) return false, having written
// nothing, and the scalar kernel runs.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/simd/elementwise_f64.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <cmath>
#include <cstring>

#include "kernels/kernels.hpp"
#include "kernels/simd/dd64-inl.h"
#include "kernels/simd/elementwise.hpp"

#ifndef ACTIV_KERNELS_SIMD_ELEMENTWISE_F64_ONCE_
#define ACTIV_KERNELS_SIMD_ELEMENTWISE_F64_ONCE_
namespace activ::detail::simd::f64 {
// A long double slot (or product of two) as an exact or near-exact double pair.
struct Const {
  double hi, lo;
};
inline Const pair_of(long double v) {
  const double hi = static_cast<double>(v);
  return {hi, static_cast<double>(v - hi)};
}
inline Const product_of(long double a, long double b) {
  const long double c = a * b, e = std::fma(a, b, -c);  // c + e = a b exactly
  const double hi = static_cast<double>(c);
  return {hi, static_cast<double>((c - hi) + e)};
}
inline bool is_double(long double v) { return static_cast<long double>(static_cast<double>(v)) == v; }
}  // namespace activ::detail::simd::f64
#endif

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace {
namespace hn = hwy::HWY_NAMESPACE;
using namespace dd64;
using f64::Const;

#if HWY_NATIVE_FMA

HWY_INLINE DD Pair(Const c) { return {Lit(c.hi), Lit(c.lo)}; }
HWY_INLINE Scaled Plain(DD v) { return {v, hn::Zero(D())}; }
// A negative derivative too small for any format (-2^-2000): it rounds to -0, and dy = inf
// times it is -inf, as for the true tiny value (an exact -0 would give NaN).
HWY_INLINE Scaled NegativeTiny() { return {Exact(Lit(-1.0)), Lit(-2000.0)}; }
HWY_INLINE Scaled Select(hn::Mask<D> m, const Scaled& a, const Scaled& b) {
  return {dd64::Select(m, a.v, b.v), hn::IfThenElse(m, a.m, b.m)};
}

// sigma(z) and sigma(-z) for z = zh + zl, from e = e^-|z| and one division each:
// 1 / (1 + e) and e / (1 + e), the latter scaled (it reaches the subnormals).
struct Logistics {
  Scaled pos;    // sigma(z)
  Scaled small;  // e / (1 + e) = sigma(-|z|)
  DD large;      // 1 / (1 + e) = sigma(|z|)
};
HWY_INLINE Logistics LogisticsOf(V zh, V zl) {
  const D d;
  const auto positive = hn::Ge(zh, hn::Zero(d));
  const V sign_flip = hn::IfThenElse(positive, Lit(-1.0), Lit(1.0));
  const Scaled e = Exp(hn::Mul(zh, sign_flip), hn::Mul(zl, sign_flip));  // e^-|z|
  const DD den = Add(Unscale(e), Exact(Lit(1.0)));
  const DD large = Div(Exact(Lit(1.0)), den);
  const Scaled small = {Div(e.v, den), e.m};
  return {Select(positive, Plain(large), small), small, large};
}

// log(1 + e^z) = max(z, 0) + log(1 + e^-|z|), scaled (for z << 0 it is e^z itself).
HWY_INLINE Scaled Log1pExp(V zh, V zl) {
  const D d;
  const auto positive = hn::Gt(zh, hn::Zero(d));
  const V sign_flip = hn::IfThenElse(positive, Lit(-1.0), Lit(1.0));
  const Scaled e = Exp(hn::Mul(zh, sign_flip), hn::Mul(zl, sign_flip));
  const DD eu = Unscale(e);
  // e < 2^-59 (m < -60): log(1 + e) = e (1 - e/2) within e^3 / 3, 2^-119 relative.
  const Scaled tiny = {Mul(e.v, Add(Exact(Lit(1.0)), hn::Mul(eu.hi, Lit(-0.5)))), e.m};
  const DD l = dd64::Log1p(eu);
  const Scaled below = Select(hn::Lt(e.m, Lit(-60.0)), tiny, Plain(l));
  return Select(positive, Plain(Add(l, DD{zh, zl})), below);
}

// ---- families ------------------------------------------------------------------------
// Each has Constants (from the slots; Applies says whether the body covers them),
// Forward(c, x) -> the rounded V, and Derivative(c, x) -> Scaled (the loop multiplies
// by dy and rounds). NaN lanes are replaced by the input afterwards.

struct Exponential {
  static constexpr Family kFamily = Family::exponential;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static V Forward(const Constants&, V x) { return RoundScaled(Exp(x)); }
  static Scaled Derivative(const Constants&, V x) { return Exp(x); }
};

// x > 0 ? scale x : scale alpha expm1(x / d); f' = scale or (scale alpha / d) e^(x/d).
struct Elu {
  static constexpr Family kFamily = Family::elu;
  struct Constants {
    Const scale, scale_alpha, scale_alpha_over_d;
    double d;
    bool right_at_zero;
    explicit Constants(const Slots& s)
        : scale(f64::pair_of(s[1])),
          scale_alpha(f64::product_of(s[1], s[0])),
          d(static_cast<double>(s[2])),
          right_at_zero(s[3] != 0) {
      const long double q = (static_cast<long double>(scale_alpha.hi) + scale_alpha.lo) / s[2];
      scale_alpha_over_d = f64::pair_of(q);  // 2^-64 relative: far below what matters
    }
    // d a double; scale, scale alpha and scale alpha / d zero or within 2^+-400, so that
    // the pairs they scale stay within RoundScaled's range.
    static bool Applies(const Slots& s) {
      auto moderate = [](long double v) { return v == 0 || (std::fabs(v) >= 0x1p-400L && std::fabs(v) <= 0x1p400L); };
      return f64::is_double(s[2]) && s[2] > 0 && moderate(s[2]) && moderate(s[1]) && moderate(s[1] * s[0]) &&
             moderate(s[1] * s[0] / s[2]);
    }
  };
  // x / d as a pair (the remainder by FMA).
  static DD Quotient(const Constants& c, V x) {
    const V dv = Lit(c.d);
    const V q = hn::Div(x, dv);
    return {q, hn::IfThenElseZero(hn::IsFinite(q), hn::Div(hn::NegMulAdd(q, dv, x), dv))};
  }
  static V Forward(const Constants& c, V x) {
    const D d;
    const V mag = hn::Abs(x);
    // scale x, x > 0 (x brought within range first: MulScaled); inf stays inf.
    const V positive = hn::IfThenElse(hn::IsInf(x), x, RoundScaled(MulScaled(x, Plain(Pair(c.scale)))));
    // |x| < 2^-900: expm1(u) = u to 2^-900, and x / d may be subnormal: x 2^200 first.
    const auto tiny = hn::Lt(mag, Lit(0x1p-900));
    const DD u_tiny = Quotient(c, hn::Mul(x, Lit(0x1p200)));
    const V small = RoundScaled(Mul(u_tiny, Pair(c.scale_alpha)), Lit(-200.0));
    const DD u = Quotient(c, x);
    const V below = Round(Mul(Expm1(u.hi, u.lo), Pair(c.scale_alpha)));
    const V negative = hn::IfThenElse(tiny, small, below);
    const V zero = hn::Mul(Lit(c.scale_alpha.hi), x);  // signed zero, as the scalar kernel
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), positive, hn::IfThenElse(hn::Eq(x, hn::Zero(d)), zero, negative));
  }
  static Scaled Derivative(const Constants& c, V x) {
    const D d;
    const DD u = Quotient(c, hn::Min(x, hn::Zero(d)));
    const Scaled e = Exp(u.hi, u.lo);
    const Scaled below = {Mul(e.v, Pair(c.scale_alpha_over_d)), e.m};
    const auto right = c.right_at_zero ? hn::Ge(x, hn::Zero(d)) : hn::Gt(x, hn::Zero(d));
    return Select(right, Plain(Pair(c.scale)), below);
  }
};

struct Sigmoid {
  static constexpr Family kFamily = Family::sigmoid;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static V Forward(const Constants&, V x) { return RoundScaled(LogisticsOf(x, hn::Zero(D())).pos); }
  // sigma(x) sigma(-x) = e / (1 + e)^2, e = e^-|x|.
  static Scaled Derivative(const Constants&, V x) {
    const Logistics l = LogisticsOf(x, hn::Zero(D()));
    return {Mul(l.small.v, l.large), l.small.m};
  }
};

// -log(1 + e^-x); f' = sigma(-x).
struct LogSigmoid {
  static constexpr Family kFamily = Family::log_sigmoid;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static V Forward(const Constants&, V x) {
    const D d;
    const Scaled l = Log1pExp(hn::Neg(x), hn::Zero(d));
    const V y = hn::Neg(RoundScaled(l));
    // -inf: -(inf + log1p(0)) = -inf; +inf: -log1p(0) = -0.
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Lt(x, hn::Zero(d)), x, Lit(-0.0)), y);
  }
  static Scaled Derivative(const Constants&, V x) { return LogisticsOf(hn::Neg(x), hn::Zero(D())).pos; }
};

// beta x as a pair, x clamped to 2^900 (beyond, every beta the bodies take puts e^bx
// past its limits anyway).
HWY_INLINE DD BetaTimes(Const beta, V x) {
  const V xc = hn::Min(hn::Max(x, Lit(-0x1p900)), Lit(0x1p900));
  return Mul(Pair(beta), xc);
}

// x sigma(beta x); f' = sigma(bx) (1 + bx sigma(-bx)).
struct Swish {
  static constexpr Family kFamily = Family::swish;
  struct Constants {
    Const beta;
    explicit Constants(const Slots& s) : beta(f64::pair_of(s[0])) {}
    // beta = 0 (sigma = 1/2) or 2^-20 <= |beta| <= 2^20: then |bx| > 1100, where e^bx
    // is clamped, puts x e^bx far below the subnormals.
    static bool Applies(const Slots& s) {
      const long double b = std::fabs(s[0]);
      return b == 0 || (b >= 0x1p-20L && b <= 0x1p20L);
    }
  };
  static V Forward(const Constants& c, V x) {
    const D d;
    const DD bx = BetaTimes(c.beta, x);
    const V y = RoundScaled(MulScaled(x, LogisticsOf(bx.hi, bx.lo).pos));
    // At the infinite ends x * 0 is the limit 0 with x's sign (x * 1 is x).
    const V flat = hn::IfThenElse(hn::Gt(bx.hi, hn::Zero(d)), x, hn::CopySign(hn::Zero(d), x));
    const V at_inf = c.beta.hi == 0 ? x : flat;
    // x e^bx below the subnormals; x = +-0 gives x * 1/2, itself.
    const V far = hn::IfThenElse(hn::Or(hn::Lt(bx.hi, Lit(-1100.0)), hn::Eq(x, hn::Zero(d))), hn::CopySign(hn::Zero(d), x), y);
    return hn::IfThenElse(hn::IsInf(x), at_inf, far);
  }
  static Scaled Derivative(const Constants& c, V x) {
    const D d;
    if (c.beta.hi == 0) return Plain(Exact(Lit(0.5)));
    const DD bx = BetaTimes(c.beta, x);
    const Logistics l = LogisticsOf(bx.hi, bx.lo);
    const auto positive = hn::Ge(bx.hi, hn::Zero(d));
    // bx >= 0: sigma(bx) = large, sigma(-bx) = small; bx < 0: the other way round.
    const DD up = Mul(l.large, Add(Mul(bx, Unscale(l.small)), Exact(Lit(1.0))));
    const Scaled down = {Mul(l.small.v, Add(Mul(bx, l.large), Exact(Lit(1.0)))), l.small.m};
    const Scaled y = Select(positive, Plain(up), down);
    // bx -> -inf: f' -> 0 from below (x e^bx underflows).
    return Select(hn::Lt(bx.hi, Lit(-1100.0)), NegativeTiny(), y);
  }
  // Distance from the derivative's root in bx, silu'(u) = 0 at u = -1.27846454276107
  // ("Derivative roots" below).
  static V RootDistance(const Constants& c, V x) {
    return hn::Abs(hn::Add(hn::Mul(Lit(c.beta.hi), x), Lit(1.2784645427610737)));
  }
  static constexpr double kRootWindow = 0x1p-10;
};

// log(1 + e^(beta x)) / beta, or x where beta x > threshold; f' = sigma(beta x) or 1.
struct Softplus {
  static constexpr Family kFamily = Family::softplus;
  struct Constants {
    Const beta, threshold;
    explicit Constants(const Slots& s) : beta(f64::pair_of(s[0])), threshold(f64::pair_of(s[1])) {}
    static bool Applies(const Slots& s) { return s[0] >= 0x1p-20L && s[0] <= 0x1p20L; }
  };
  static hn::Mask<D> AboveThreshold(const Constants& c, const DD& bx) {  // bx > threshold, as pairs
    const V th = Lit(c.threshold.hi);
    return hn::Or(hn::Gt(bx.hi, th), hn::And(hn::Eq(bx.hi, th), hn::Gt(bx.lo, Lit(c.threshold.lo))));
  }
  static V Forward(const Constants& c, V x) {
    const D d;
    const DD bx = BetaTimes(c.beta, x);
    const Scaled l = Log1pExp(bx.hi, bx.lo);
    const V y = RoundScaled(Div(l.v, Pair(c.beta)), l.m);
    // bx > 800: (bx + log1p(e^-bx)) / beta is x to e^-800 / beta relative (also where
    // bx was clamped, and x = +inf); x = -inf gives +0.
    const auto equals_x = hn::Or(AboveThreshold(c, bx), hn::Gt(bx.hi, Lit(800.0)));
    return hn::IfThenElse(equals_x, x, hn::IfThenElse(hn::IsInf(x), hn::Zero(d), y));
  }
  static Scaled Derivative(const Constants& c, V x) {
    const DD bx = BetaTimes(c.beta, x);
    return Select(AboveThreshold(c, bx), Plain(Exact(Lit(1.0))), LogisticsOf(bx.hi, bx.lo).pos);
  }
};

// tanh(|x|) = -expm1(-2|x|) / (2 + expm1(-2|x|)): no 1 - e^-2|x| cancellation near 0,
// and the sign copied from x.
HWY_INLINE DD TanhAbs(V x) {
  const D d;
  const DD em1 = Expm1(hn::Mul(Lit(-2.0), hn::Abs(x)), hn::Zero(d));
  return Div(Neg(em1), Add(em1, Exact(Lit(2.0))));
}

struct Tanh {
  static constexpr Family kFamily = Family::tanh;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static V Forward(const Constants&, V x) { return hn::CopySign(Round(TanhAbs(x)), x); }
  // 1 - tanh^2 = 4e / (1 + e)^2, e = e^-2|x| (scaled: it reaches the subnormals).
  static Scaled Derivative(const Constants&, V x) {
    const Scaled e = Exp(hn::Mul(Lit(-2.0), hn::Abs(x)));
    const DD den = Add(Unscale(e), Exact(Lit(1.0)));
    return {Div(Mul(e.v, Lit(4.0)), Mul(den, den)), e.m};
  }
};

// x - tanh(x); below |x| = 1/16, where that cancels (by up to 3/x^2 = 2^9.6 at 1/16,
// which leaves the pair within 2^-56), the scalar kernel's Taylor series with x^3 and
// its leading coefficient -1/3 as pairs (the rest is below 2^-11 of it).
struct TanhShrink {
  static constexpr Family kFamily = Family::tanh_shrink;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static V Forward(const Constants&, V x) {
    const D d;
    const V large = Round(Add(Exact(x), Neg(Select(hn::Lt(x, hn::Zero(d)), Neg(TanhAbs(x)), TanhAbs(x)))));
    const DD z = TwoProd(x, x);
    V q = Lit(-929569.0 / 638512875.0);
    q = hn::MulAdd(q, z.hi, Lit(21844.0 / 6081075.0));
    q = hn::MulAdd(q, z.hi, Lit(-1382.0 / 155925.0));
    q = hn::MulAdd(q, z.hi, Lit(62.0 / 2835.0));
    q = hn::MulAdd(q, z.hi, Lit(-17.0 / 315.0));
    q = hn::MulAdd(q, z.hi, Lit(2.0 / 15.0));
    const DD third = {Lit(-0x1.5555555555555p-2), Lit(-0x1.5555555555555p-56)};  // -1/3 to 2^-108
    const DD p = Add(third, hn::Mul(q, z.hi));
    // -x^3 p, with x scaled by 2^300 below 2^-200 (x^3 would reach the subnormals, where
    // the pairs' low parts are not exact) and 0 below 2^-400 (x^3 / 3 < 2^-1201).
    const V mag = hn::Abs(x);
    const auto scaled = hn::Lt(mag, Lit(0x1p-200));
    const V xs = hn::IfThenElse(scaled, hn::Mul(x, Lit(0x1p300)), x);
    const DD x3 = Mul(TwoProd(xs, xs), xs);
    const V small = hn::Neg(RoundScaled(Mul(x3, p), hn::IfThenElseZero(scaled, Lit(-900.0))));
    const V series = hn::IfThenElse(hn::Lt(mag, Lit(0x1p-400)), hn::CopySign(hn::Zero(d), x), hn::CopySign(small, x));
    const V y = hn::IfThenElse(hn::Lt(mag, Lit(0.0625)), series, large);
    return hn::IfThenElse(hn::IsInf(x), x, y);
  }
  // tanh^2; below 2^-300, tanh(x) = x to 2^-600 and x^2 is formed from x 2^400 (x^2 may
  // be subnormal).
  static Scaled Derivative(const Constants&, V x) {
    const DD t = TanhAbs(x);
    const auto tiny = hn::Lt(hn::Abs(x), Lit(0x1p-300));
    const V xs = hn::Mul(x, Lit(0x1p400));
    return Select(tiny, Scaled{TwoProd(xs, xs), Lit(-800.0)}, Plain(Mul(t, t)));
  }
};

// x tanh(softplus(x)) = x n / (n + 2), n = e^x (e^x + 2): a quotient of positive terms,
// scaled by e^x where that reaches the subnormals (x << 0). For x > 40 the result is
// x within 2x e^-2x (< 2^-110 relative).
struct Mish {
  static constexpr Family kFamily = Family::mish;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  struct Parts {
    Scaled e;  // e^x
    DD eu;     // e^x unscaled (0 below 2^-1000)
    DD inv;    // 1 / (n + 2)
  };
  static Parts PartsOf(V x) {
    const Scaled e = Exp(hn::Min(x, Lit(40.0)));
    const DD eu = Unscale(e);
    const DD n = Mul(eu, Add(eu, Exact(Lit(2.0))));
    return {e, eu, Div(Exact(Lit(1.0)), Add(n, Exact(Lit(2.0))))};
  }
  static V Forward(const Constants&, V x) {
    const D d;
    const Parts p = PartsOf(x);
    // t = e (e + 2) / (n + 2), scaled by e's exponent.
    const Scaled t = {Mul(Mul(p.e.v, Add(p.eu, Exact(Lit(2.0)))), p.inv), p.e.m};
    const V y = RoundScaled(MulScaled(x, t));
    const auto flat = hn::Or(hn::Lt(x, Lit(-1100.0)), hn::Eq(x, hn::Zero(d)));  // x e^x underflows; +-0
    return hn::IfThenElse(hn::Gt(x, Lit(40.0)), x, hn::IfThenElse(flat, hn::CopySign(hn::Zero(d), x), y));
  }
  // f' = t + x sigma(x) (1 - t)(1 + t) = e [(e + 2) / (n + 2) + x (1 - t)(1 + t) / (1 + e)],
  // 1 - t = 2 / (n + 2), 1 + t = (2n + 2) / (n + 2); 1 for x > 40 (within 4x e^-2x).
  static Scaled Derivative(const Constants&, V x) {
    const Parts p = PartsOf(x);
    const DD n = Mul(p.eu, Add(p.eu, Exact(Lit(2.0))));
    const DD first = Mul(Add(p.eu, Exact(Lit(2.0))), p.inv);
    const DD one_minus_sq = Mul(Mul(Mul(Add(Mul(n, Lit(2.0)), Exact(Lit(2.0))), Lit(2.0)), p.inv), p.inv);
    const DD second = Div(Mul(one_minus_sq, hn::Min(hn::Max(x, Lit(-1100.0)), Lit(40.0))), Add(p.eu, Exact(Lit(1.0))));
    const Scaled y = {Mul(p.e.v, Add(first, second)), p.e.m};
    const Scaled above = Select(hn::Gt(x, Lit(40.0)), Plain(Exact(Lit(1.0))), y);
    return Select(hn::Lt(x, Lit(-1100.0)), NegativeTiny(), above);  // -> 0 from below
  }
  static V RootDistance(const Constants&, V x) { return hn::Abs(hn::Add(x, Lit(1.1924312145154952))); }
  static constexpr double kRootWindow = 0x1p-10;
};

// gelu's tanh form, x sigma(2u), u = sqrt(2/pi) (x + 0.044715 x^3) with both constants as
// pairs (the oracle's decimal 0.044715); f' = sigma(2u) (1 + 2x sigma(-2u) u'). The erf
// form returns false (scalar kernel). x is clamped to 1e100 inside u (x^3 stays finite;
// beyond, sigma is 0 or 1 to far below a ULP).
struct GeluTanh {
  static constexpr Family kFamily = Family::gelu;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots& s) { return s[0] != 0; }
  };
  static DD SqrtTwoOverPi() { return {Lit(0x1.9884533d43651p-1), Lit(-0x1.cbc0d30ebfd15p-55)}; }
  static DD Cubic() { return {Lit(0x1.6e4e26d4801f7p-5), Lit(0x1.441355475a31ap-59)}; }
  static DD ThreeCubic() { return {Lit(0x1.12ba9d1f60179p-3), Lit(0x1.f30e7ff583a54p-57)}; }
  static V Clamped(V x) { return hn::Min(hn::Max(x, Lit(-1e100)), Lit(1e100)); }
  static DD TwoU(V xc) {
    const DD x2 = TwoProd(xc, xc);
    const DD inner = Add(Mul(Mul(x2, Cubic()), xc), Exact(xc));
    return Mul(Mul(inner, SqrtTwoOverPi()), Lit(2.0));
  }
  static V Forward(const Constants&, V x) {
    const D d;
    const DD u2 = TwoU(Clamped(x));
    const V y = RoundScaled(MulScaled(x, LogisticsOf(u2.hi, u2.lo).pos));
    const auto flat = hn::Or(hn::Lt(u2.hi, Lit(-1100.0)), hn::Eq(x, hn::Zero(d)));  // x e^2u underflows; +-0
    const V finite = hn::IfThenElse(flat, hn::CopySign(hn::Zero(d), x), y);
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, Lit(-0.0)), finite);
  }
  static Scaled Derivative(const Constants&, V x) {
    const D d;
    const V xc = Clamped(x);
    const DD u2 = TwoU(xc);
    const Logistics l = LogisticsOf(u2.hi, u2.lo);
    // 2x u' = 2 sqrt(2/pi) x (1 + 3 0.044715 x^2)
    const DD two_x_du = Mul(Mul(Add(Mul(TwoProd(xc, xc), ThreeCubic()), Exact(Lit(1.0))), SqrtTwoOverPi()), hn::Add(xc, xc));
    const DD up = Mul(l.large, Add(Mul(two_x_du, Unscale(l.small)), Exact(Lit(1.0))));
    const Scaled down = {Mul(l.small.v, Add(Mul(two_x_du, l.large), Exact(Lit(1.0)))), l.small.m};
    const Scaled y = Select(hn::Ge(u2.hi, hn::Zero(d)), Plain(up), down);
    return Select(hn::Lt(u2.hi, Lit(-1100.0)), NegativeTiny(), y);  // -> 0 from below
  }
  static V RootDistance(const Constants&, V x) { return hn::Abs(hn::Add(x, Lit(0.7524614220710163))); }
  static constexpr double kRootWindow = 0x1p-10;
};

// gelu's erf form, x Phi(x), Phi(x) = erfc(z) / 2, z = -x / sqrt 2 (a pair), and
// f' = Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi). With y = |z| and
// E = e^(-y^2) (scaled: the left tail reaches the subnormals), erfc(y) = E erfcx(y)
// (dd64::Erfcx), so for x < 0: Phi = E erfcx / 2 and f' = E (erfcx / 2 + x / sqrt(2 pi));
// for x >= 0: Phi = 1 - E erfcx / 2 and f' = 1 + E (x / sqrt(2 pi) - erfcx / 2). x is
// clamped to 1e10 inside (Phi is 0 or 1 to far below a ULP well before).
struct GeluErf {
  static constexpr Family kFamily = Family::gelu;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots& s) { return s[0] == 0; }
  };
  static DD InvSqrtTwo() { return {Lit(0x1.6a09e667f3bcdp-1), Lit(-0x1.bdd3413b26456p-55)}; }
  static DD InvSqrtTwoPi() { return {Lit(0x1.9884533d43651p-2), Lit(-0x1.cbc0d30ebfd15p-56)}; }
  struct Parts {
    Scaled e;  // e^(-y^2)
    DD erfcx;  // erfcx(y)
    V xc;      // x clamped
  };
  static Parts PartsOf(V x) {
    const V xc = hn::Min(hn::Max(x, Lit(-1e10)), Lit(1e10));
    const DD y = Mul(InvSqrtTwo(), hn::Abs(xc));
    const DD y2 = Mul(y, y);
    const V yc = hn::Min(y.hi, Lit(27.49));
    const DD erfcx = Erfcx(yc, hn::IfThenElseZero(hn::Eq(yc, y.hi), y.lo));
    return {Exp(hn::Neg(y2.hi), hn::Neg(y2.lo)), erfcx, xc};
  }
  static V Forward(const Constants&, V x) {
    const D d;
    const Parts p = PartsOf(x);
    const Scaled half_erfc = {Mul(Mul(p.e.v, p.erfcx), Lit(0.5)), p.e.m};
    const Scaled phi = Select(hn::Lt(x, hn::Zero(d)), half_erfc, Plain(Add(Neg(Unscale(half_erfc)), Exact(Lit(1.0)))));
    const V y = RoundScaled(MulScaled(x, phi));
    // x < -38.9: |x| erfc(27.5) / 2 < 2^-1090 (and the clamped pair would not be): -0;
    // +-0 * 1/2 is itself.
    const V finite = hn::IfThenElse(hn::Or(hn::Eq(x, hn::Zero(d)), hn::Lt(x, Lit(-38.9))), hn::CopySign(hn::Zero(d), x), y);
    return hn::IfThenElse(hn::IsInf(x), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, Lit(-0.0)), finite);
  }
  static Scaled Derivative(const Constants&, V x) {
    const D d;
    const Parts p = PartsOf(x);
    const DD x_phi = Mul(InvSqrtTwoPi(), p.xc);  // x / sqrt(2 pi)
    const DD half = Mul(p.erfcx, Lit(0.5));
    const Scaled below = {Mul(p.e.v, Add(half, x_phi)), p.e.m};
    const DD above = Add(Mul(Unscale(p.e), Add(x_phi, Neg(half))), Exact(Lit(1.0)));
    const Scaled y = Select(hn::Lt(x, hn::Zero(d)), below, Plain(above));
    return Select(hn::Lt(x, Lit(-38.9)), NegativeTiny(), y);  // -> 0 from below
  }
  static V RootDistance(const Constants&, V x) { return hn::Abs(hn::Add(x, Lit(0.7517915246935645))); }
  static constexpr double kRootWindow = 0x1p-5;
};

// log(1 - e^-x), x >= 0: log(-expm1(-x)) up to ln 2 and log1p(-e^-x) above, as the scalar
// kernel; the right tail is -e^-x (1 + e^-x / 2), scaled (it reaches the subnormals);
// below 2^-900, log(-expm1(-x)) is log(x 2^200) - 200 ln 2 to 2^-900. f' = 1 / expm1(x),
// e^-x / (1 - e^-x) above 1 (scaled).
struct Log1mexp {
  static constexpr Family kFamily = Family::log1mexp;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static V Forward(const Constants&, V x) {
    const D d;
    // Up to ln 2 (x <= ln 2 rounded down, which is the scalar kernel's x < ln 2).
    const DD em1 = Expm1(hn::Neg(x), hn::Zero(d));
    const auto tiny = hn::Lt(x, Lit(0x1p-900));
    const DD u = Select(tiny, Exact(hn::Mul(x, Lit(0x1p200))), Neg(em1));
    const DD ln2_200 = Mul(DD{Lit(0x1.62e42fefa39efp-1), Lit(0x1.abc9e3b39803fp-56)}, Lit(200.0));
    const DD low = Add(dd64::Log(u), Select(tiny, Neg(ln2_200), Exact(hn::Zero(d))));
    // Above ln 2.
    const Scaled e = Exp(hn::Neg(x));
    const DD eu = Unscale(e);
    const Scaled right_tail = {Neg(Mul(e.v, Add(Exact(Lit(1.0)), hn::Mul(eu.hi, Lit(0.5))))), e.m};
    const Scaled high = Select(hn::Lt(e.m, Lit(-60.0)), right_tail, Plain(dd64::Log1p(Neg(eu))));
    const V y = RoundScaled(Select(hn::Le(x, Lit(0x1.62e42fefa39efp-1)), Plain(low), high));
    const V zero_in = Lit(-HUGE_VAL), inf_in = Lit(-0.0);  // log(0) and log1p(-0)
    const V special = hn::IfThenElse(hn::Eq(x, hn::Zero(d)), zero_in, hn::IfThenElse(hn::IsInf(x), inf_in, y));
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), Lit(NAN), special);
  }
  static Scaled Derivative(const Constants&, V x) {
    const D d;
    const Scaled low = Plain(Div(Exact(Lit(1.0)), Expm1(hn::Min(x, Lit(1.0)), hn::Zero(d))));
    const Scaled e = Exp(hn::Neg(x));
    const Scaled high = {Div(e.v, Add(Neg(Unscale(e)), Exact(Lit(1.0)))), e.m};
    const Scaled y = Select(hn::Gt(x, Lit(1.0)), high, low);
    // |x| < 2^-900: 1 / x to 2^-901, as (1 / (x 2^200)) 2^200 (1 / x may overflow).
    const Scaled tiny = {Div(Exact(Lit(1.0)), hn::Mul(x, Lit(0x1p200))), Lit(200.0)};
    const Scaled nonzero = Select(hn::Lt(hn::Abs(x), Lit(0x1p-900)), tiny, y);
    return Select(hn::Eq(x, hn::Zero(d)), Plain(Exact(hn::Div(Lit(1.0), x))), nonzero);  // 1 / +-0
  }
};

// x / (1 + |x|), 1 + |x| the exact pair TwoSum(1, |x|), one pair division (the sign
// copied from x, which keeps -0). f' = 1 / (1 + |x|)^2; above |x| = 2^400 the pair is
// scaled by 2^-600 first (its square would overflow, and f' reaches the subnormals).
struct Softsign {
  static constexpr Family kFamily = Family::softsign;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static DD OnePlusAbs(V x) { return TwoSum(Lit(1.0), hn::Abs(x)); }
  static V Forward(const Constants&, V x) {
    const V y = hn::CopySign(Round(Div(Exact(x), OnePlusAbs(x))), x);
    return hn::IfThenElse(hn::IsInf(x), hn::CopySign(Lit(1.0), x), y);
  }
  static Scaled Derivative(const Constants&, V x) {
    const auto huge = hn::Gt(hn::Abs(x), Lit(0x1p400));
    const V scale = hn::IfThenElse(huge, Lit(0x1p-600), Lit(1.0));
    const DD d = OnePlusAbs(x);
    const DD scaled = {hn::Mul(d.hi, scale), hn::Mul(d.lo, scale)};
    return {Reciprocal(Mul(scaled, scaled)), hn::IfThenElse(huge, Lit(-1200.0), hn::Zero(D()))};
  }
};

// (x + h) / 2 with h = sqrt(x^2 + b) (dd64::Sqrt of the pair x^2 + b), and for x < 0 the
// cancellation-free b / (2 (h - x)), as the scalar kernel; f' = f / h, i.e. (x + h) / (2h)
// and b / (2h (h - x)). The body takes 2^-100 <= b <= 2^100 (b = 0, which is relu, and
// extreme b stay on the scalar kernel). Then below |x| = 2^-300 x^2 is below 2^-500 of b
// (its TwoProd may underflow harmlessly), and above |x| = 2^300, b / x^2 < 2^-500, so
// f = x (x > 0) or b / (4|x|), and f' = 1 or b / (4 x^2), to 2^-500 relative; those are
// evaluated with |x| scaled by 2^-600 (4 x^2 would overflow, and both reach the
// subnormals). Each branch is pairs to ~2^-100, rounded once.
struct Squareplus {
  static constexpr Family kFamily = Family::squareplus;
  struct Constants {
    Const b;
    explicit Constants(const Slots& s) : b(f64::pair_of(s[0])) {}
    static bool Applies(const Slots& s) { return s[0] >= 0x1p-100L && s[0] <= 0x1p100L; }
  };
  struct Parts {
    V xc;             // x clamped to 2^300
    DD h;             // sqrt(xc^2 + b)
    DD h_minus_x;     // h - xc (for x < 0)
    V far_scaled;     // |x| 2^-600 (for |x| > 2^300)
    hn::Mask<D> far;  // |x| > 2^300
    hn::Mask<D> nonnegative;
  };
  static Parts PartsOf(const Constants& c, V x) {
    const D d;
    const V xc = hn::Min(hn::Max(x, Lit(-0x1p300)), Lit(0x1p300));
    const DD h = dd64::Sqrt(Add(TwoProd(xc, xc), Pair(c.b)));
    return {xc, h, Add(h, hn::Neg(xc)), hn::Mul(hn::Abs(x), Lit(0x1p-600)), hn::Gt(hn::Abs(x), Lit(0x1p300)),
            hn::Ge(x, hn::Zero(d))};
  }
  static V Forward(const Constants& c, V x) {
    const D d;
    const Parts p = PartsOf(c, x);
    const DD right = Mul(Add(p.h, p.xc), Lit(0.5));
    const DD left = Div(Pair(c.b), Mul(p.h_minus_x, Lit(2.0)));
    const Scaled far_left = {Div(Pair(c.b), hn::Mul(p.far_scaled, Lit(4.0))), Lit(-600.0)};
    const V y = RoundScaled(Select(p.far, far_left, Plain(dd64::Select(p.nonnegative, right, left))));
    // Far right: x itself (also +inf); far left: b / (4|x|), +0 at -inf.
    const V far = hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, hn::IfThenElse(hn::IsInf(x), hn::Zero(d), y));
    return hn::IfThenElse(p.far, far, y);
  }
  static Scaled Derivative(const Constants& c, V x) {
    const Parts p = PartsOf(c, x);
    const DD right = Div(Add(p.h, p.xc), Mul(p.h, Lit(2.0)));
    const DD left = Div(Pair(c.b), Mul(Mul(p.h, p.h_minus_x), Lit(2.0)));
    const Scaled far_left = {Div(Div(Pair(c.b), hn::Mul(p.far_scaled, Lit(4.0))), p.far_scaled), Lit(-1200.0)};
    const Scaled far = Select(p.nonnegative, Plain(Exact(Lit(1.0))), far_left);
    return Select(p.far, far, Plain(dd64::Select(p.nonnegative, right, left)));
  }
};

// x (x + 3) / 6 on (-3, 3): x + 3 an exact pair (TwoSum), the product by x and the
// division by 6 as pairs (~2^-100), rounded once; 0 with x's sign below -3 and x above 3,
// as the scalar kernel. Correctly rounded, as the scalar kernel: lanes whose pair lies
// within 2^-96 of a rounding midpoint (NearTie; x = 1 - 2^-53 is one, 2^-106 from it) go
// to the scalar kernel one by one ("Near ties" below). Below |x| = 2^-800 the result is
// x / 2 + x^2 / 6, where x^2 / 6 (< 2^-1600) is far below half an ULP of x / 2 and
// decides only where x / 2 is a tie (odd subnormal x): there it rounds up, to the larger
// of the two neighbours, which are h = x / 2 rounded and x - h (exact).
// f' = (2x + 3) / 6 from the exact pair 2x + 3.
struct HardSwish {
  static constexpr Family kFamily = Family::hard_swish;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static DD Middle(V x) { return Div(Mul(TwoSum(x, Lit(3.0)), x), Lit(6.0)); }
  static hn::Mask<D> NearTie(const Constants&, V x) {
    const auto middle = hn::And(hn::Lt(hn::Abs(x), Lit(3.0)), hn::Ge(hn::Abs(x), Lit(0x1p-800)));
    return hn::And(middle, NearMidpoint(Middle(x)));
  }
  static V Forward(const Constants&, V x) {
    const D d;
    const V y = Round(Middle(x));
    const V h = hn::Mul(x, Lit(0.5));
    const V tiny = hn::IfThenElse(hn::Eq(x, hn::Zero(d)), x, hn::Max(h, hn::Sub(x, h)));  // +-0 kept
    const V middle = hn::IfThenElse(hn::Lt(hn::Abs(x), Lit(0x1p-800)), tiny, y);
    return hn::IfThenElse(hn::Le(x, Lit(-3.0)), Lit(-0.0), hn::IfThenElse(hn::Ge(x, Lit(3.0)), x, middle));
  }
  static Scaled Derivative(const Constants&, V x) {
    const D d;
    const DD middle = Div(TwoSum(hn::Add(x, x), Lit(3.0)), Lit(6.0));
    const DD zero = Exact(hn::Zero(d)), one = Exact(Lit(1.0));
    return Plain(dd64::Select(hn::Le(x, Lit(-3.0)), zero, dd64::Select(hn::Ge(x, Lit(3.0)), one, middle)));
  }
};

// (x + 1)^2 / 4 on (-1, 1), x + 1 an exact pair (TwoSum; at least 2^-53, so the square
// stays normal), squared as a pair (~2^-104) and rounded once, near ties by the scalar
// kernel as for hard_swish (correctly rounded); +0 below -1, x above 1.
// f' = (x + 1) / 2 from the same pair.
struct SparsePlus {
  static constexpr Family kFamily = Family::sparse_plus;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static DD Middle(V x) {
    const DD u = TwoSum(x, Lit(1.0));
    return Mul(Mul(u, u), Lit(0.25));
  }
  static hn::Mask<D> NearTie(const Constants&, V x) {
    return hn::And(hn::Lt(hn::Abs(x), Lit(1.0)), NearMidpoint(Middle(x)));
  }
  static V Forward(const Constants&, V x) {
    const D d;
    const V y = Round(Middle(x));
    return hn::IfThenElse(hn::Le(x, Lit(-1.0)), hn::Zero(d), hn::IfThenElse(hn::Ge(x, Lit(1.0)), x, y));
  }
  static Scaled Derivative(const Constants&, V x) {
    const D d;
    const DD middle = Mul(TwoSum(x, Lit(1.0)), Lit(0.5));
    const DD zero = Exact(hn::Zero(d)), one = Exact(Lit(1.0));
    return Plain(dd64::Select(hn::Le(x, Lit(-1.0)), zero, dd64::Select(hn::Ge(x, Lit(1.0)), one, middle)));
  }
};

// clip((x + shift) / divisor, 0, 1) for the two settings the catalog has, relu6(x + 3) / 6
// and Keras 2's clip(0.2x + 0.5) = clip((x + 2.5) / 5): exact, i.e. correctly rounded,
// ties to even included, as the scalar kernel. Why: S = x + shift is an exact pair
// (TwoSum). In Div(S, divisor), q1 = RN(S.hi / divisor), q1 * divisor is TwoProd (exact)
// and S.hi minus its high part is exact (Sterbenz); the remainder r (about 2^-51 |S.hi|
// at most) then takes three roundings of 2^-53 |r| and r / divisor one of 2^-53 of
// itself: the pair is within 2^-101 of S / divisor relative. A lane whose pair is not
// within 2^-96 of a rounding midpoint (dd64::NearMidpoint, whose own distance carries one
// rounding of 2^-53 of itself) therefore has its exact value on the same side of every
// midpoint, and rounding the pair is correct; the others, exact ties among them (x =
// 3 * 2^-53 gives 1/2 + 2^-54), go to the scalar kernel ("Near ties" below). On the
// middle piece x + shift >= 2^-51, so the quotient is normal. f' = 1 / divisor (a pair)
// inside, the slot's factor times it at the two kinks, 0 outside.
struct HardSigmoid {
  static constexpr Family kFamily = Family::hard_sigmoid;
  struct Constants {
    double shift, divisor, kink_factor;
    explicit Constants(const Slots& s)
        : shift(static_cast<double>(s[0])), divisor(static_cast<double>(s[1])), kink_factor(static_cast<double>(s[2])) {}
    static bool Applies(const Slots& s) {
      return ((s[0] == 3 && s[1] == 6) || (s[0] == 2.5L && s[1] == 5)) && (s[2] == 0 || s[2] == 1);
    }
  };
  static DD Middle(const Constants& c, V x) { return Div(TwoSum(x, Lit(c.shift)), Lit(c.divisor)); }
  static hn::Mask<D> Inside(const Constants& c, V x) {
    return hn::And(hn::Gt(x, Lit(-c.shift)), hn::Lt(x, Lit(c.divisor - c.shift)));
  }
  static hn::Mask<D> NearTie(const Constants& c, V x) { return hn::And(Inside(c, x), NearMidpoint(Middle(c, x))); }
  static V Forward(const Constants& c, V x) {
    const D d;
    const V y = Round(Middle(c, x));
    return hn::IfThenElse(hn::Le(x, Lit(-c.shift)), hn::Zero(d), hn::IfThenElse(hn::Ge(x, Lit(c.divisor - c.shift)), Lit(1.0), y));
  }
  static Scaled Derivative(const Constants& c, V x) {
    const D d;
    const DD slope = Div(Exact(Lit(1.0)), Lit(c.divisor));
    const auto kink = hn::Or(hn::Eq(x, Lit(-c.shift)), hn::Eq(x, Lit(c.divisor - c.shift)));
    const DD at_kink = c.kink_factor != 0 ? slope : Exact(hn::Zero(d));
    return Plain(dd64::Select(Inside(c, x), slope, dd64::Select(kink, at_kink, Exact(hn::Zero(d)))));
  }
};

// Keras relu with both a negative slope and a threshold t (elementwise.cc's exact body
// covers the others): x > t gives x (clamped to [0, max_value] when there is one),
// x = t gives +0, and x < t gives -(slope (t - x)), where t - x is an exact pair
// (TwoSum) and its product with the slope a pair to ~2^-104, rounded once: correctly
// rounded, as the scalar kernel, with lanes near a rounding midpoint (exact ties
// among them) and lanes with |t - x| outside [2^-900, 2^900] (the product could leave
// the normal range, or t - x overflow) on the scalar kernel ("Near ties" below). The
// derivative is a constant per piece: slope, 1, 0 and the two kink values.
struct ReluShifted {
  static constexpr Family kFamily = Family::relu;
  struct Constants {
    double slope, max_value, t, at_max, at_t;
    explicit Constants(const Slots& s)
        : slope(static_cast<double>(s[0])),
          max_value(static_cast<double>(s[1])),
          t(static_cast<double>(s[2])),
          at_max(static_cast<double>(s[3])),
          at_t(static_cast<double>(s[4])) {}
    static bool Applies(const Slots& s) {
      const long double a = s[0] < 0 ? -s[0] : s[0];
      return s[0] != 0 && s[2] != 0 && a >= 0x1p-100L && a <= 0x1p100L && f64::is_double(s[0]) &&
             f64::is_double(s[2]) && f64::is_double(s[1]);
    }
  };
  static DD Below(const Constants& c, V x) { return Mul(TwoSum(Lit(c.t), hn::Neg(x)), Lit(-c.slope)); }
  static hn::Mask<D> NearTie(const Constants& c, V x) {
    const V gap = hn::Abs(hn::Sub(Lit(c.t), x));
    const auto unscaled = hn::And(hn::Ge(gap, Lit(0x1p-900)), hn::Le(gap, Lit(0x1p900)));
    return hn::And(hn::Lt(x, Lit(c.t)), hn::Or(hn::Not(unscaled), NearMidpoint(Below(c, x))));
  }
  static V Above(const Constants& c, V x) {
    if (!(c.max_value < HUGE_VAL)) return x;
    const D d;  // std::clamp(x, 0, max_value): x itself unless strictly outside
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Zero(d), hn::IfThenElse(hn::Gt(x, Lit(c.max_value)), Lit(c.max_value), x));
  }
  static V Forward(const Constants& c, V x) {
    const D d;
    const V below = hn::IfThenElse(hn::Eq(x, Lit(c.t)), hn::Zero(d), Round(Below(c, x)));
    return hn::IfThenElse(hn::Gt(x, Lit(c.t)), Above(c, x), below);
  }
  static Scaled Derivative(const Constants& c, V x) {
    const D d;
    V above = Lit(1.0);
    if (c.max_value < HUGE_VAL) {
      above = hn::IfThenElse(hn::Or(hn::Gt(x, Lit(c.max_value)), hn::Lt(x, hn::Zero(d))), hn::Zero(d), above);
      above = hn::IfThenElse(hn::Eq(x, Lit(c.max_value)), Lit(c.at_max), above);
    }
    const V below = hn::IfThenElse(hn::Eq(x, Lit(c.t)), Lit(c.at_t), Lit(c.slope));
    return Plain(Exact(hn::IfThenElse(hn::Gt(x, Lit(c.t)), above, below)));
  }
};

// ---- backward from the output ---------------------------------------------------------
// dx = dy f'(x) from y = f(x) (Kernels::backward_from_output_f64), through the Backward
// loop below with y in place of x: f' from y in pairs to ~2^-104 and the product with dy
// rounded once, so dx is the correctly rounded dy f' for the y given, up to 2^-96 (the
// scalar kernel evaluates the same formulas in long double, 2^-64). Lanes with |y| above
// 2^440, which no sigmoid or tanh produces but a caller may pass, go to the scalar
// kernel (y^2 could leave the range of Scaled pairs), as do infinite y.
// The "x" of the loop's scalar lanes is y: they call the scalar from-output kernel.
// f' itself may be subnormal (sigmoid or exponential of x < -708) or huge (exponential,
// or a y no forward produces): MulScaled needs |f'| within 2^+-300 (dy is brought within
// 2^+-600 there, and the product must stay normal for its TwoProd to be exact), so lanes
// outside carry f' as u 2^m with u in [1, 4) (powers of two: exact).
HWY_INLINE Scaled Normalized(DD v) {
  const D d;
  const DU du;
  const V mag = hn::Abs(v.hi);
  const auto tiny = hn::And(hn::Lt(mag, Lit(0x1p-900)), hn::Gt(mag, hn::Zero(d)));
  const auto outside = hn::And(hn::Or(hn::Lt(mag, Lit(0x1p-300)), hn::Gt(mag, Lit(0x1p300))),
                               hn::And(hn::IsFinite(mag), hn::Gt(mag, hn::Zero(d))));
  const V pre = hn::IfThenElse(tiny, Lit(0x1p600), Lit(1.0));  // subnormals first made normal
  const DD u = {hn::Mul(v.hi, pre), hn::Mul(v.lo, pre)};
  // u.hi's binary exponent as a double: the exponent field over the 2^52 shifter.
  const auto field = hn::ShiftRight<52>(hn::And(hn::BitCast(du, u.hi), hn::Set(du, 0x7ff0000000000000ull)));
  const V exponent = hn::Sub(hn::Sub(hn::BitCast(d, hn::Or(field, hn::Set(du, 0x4330000000000000ull))), Lit(0x1p52)), Lit(1023.0));
  const V e = hn::IfThenElseZero(outside, hn::Min(exponent, Lit(1022.0)));
  const V f = Pow2(hn::Neg(e));
  return {{hn::Mul(u.hi, f), hn::Mul(u.lo, f)}, hn::Sub(e, hn::IfThenElseZero(hn::And(outside, tiny), Lit(600.0)))};
}

struct SigmoidFromOutput {  // y (1 - y), 1 - y an exact pair
  static constexpr Family kFamily = Family::sigmoid;
  static constexpr bool kFromOutput = true;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static hn::Mask<D> ScalarLanes(const Constants&, V y) { return hn::Gt(hn::Abs(y), Lit(0x1p440)); }
  static Scaled Derivative(const Constants&, V y) {
    // y = +-0 gives f' = y itself, signed as the scalar kernel's y (1 - y).
    const DD f = Mul(TwoSum(Lit(1.0), hn::Neg(y)), y);
    return Normalized(dd64::Select(hn::Eq(y, hn::Zero(D())), Exact(y), f));
  }
};
struct TanhFromOutput {  // (1 - y)(1 + y), both exact pairs
  static constexpr Family kFamily = Family::tanh;
  static constexpr bool kFromOutput = true;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static hn::Mask<D> ScalarLanes(const Constants&, V y) { return hn::Gt(hn::Abs(y), Lit(0x1p440)); }
  static Scaled Derivative(const Constants&, V y) {
    return Normalized(Mul(TwoSum(Lit(1.0), hn::Neg(y)), TwoSum(Lit(1.0), y)));
  }
};
struct ExponentialFromOutput {  // y
  static constexpr Family kFamily = Family::exponential;
  static constexpr bool kFromOutput = true;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static Scaled Derivative(const Constants&, V y) { return Normalized(Exact(y)); }
};
struct ReluFromOutput {  // 1 where y > 0, else 0 (plain relu only: the caller checks)
  static constexpr Family kFamily = Family::relu;
  static constexpr bool kFromOutput = true;
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static Scaled Derivative(const Constants&, V y) {
    return Plain(Exact(hn::IfThenElseZero(hn::Gt(y, hn::Zero(D())), Lit(1.0))));
  }
};
// elu, celu, selu: scale above 0, the kink value at 0, and (y + scale alpha) / d below,
// where y + scale alpha cancels as y saturates: scale alpha as an exact pair, the sum a
// pair (TwoSum), the division a pair.
struct EluFromOutput {
  static constexpr Family kFamily = Family::elu;
  static constexpr bool kFromOutput = true;
  struct Constants {
    Const scale, at_zero, scale_alpha;
    double d;
    explicit Constants(const Slots& s)
        : scale(f64::pair_of(s[1])),
          at_zero(s[3] != 0 ? f64::pair_of(s[1]) : f64::pair_of(s[1] * s[0] / s[2])),
          scale_alpha(f64::product_of(s[1], s[0])),
          d(static_cast<double>(s[2])) {}
    // d a double (its pair division), scale alpha not so small that the pair loses bits.
    static bool Applies(const Slots& s) {
      const long double c = s[1] * s[0];
      return f64::is_double(s[2]) && s[2] != 0 && (c == 0 || (c < 0 ? -c : c) >= 0x1p-400L);
    }
  };
  static hn::Mask<D> ScalarLanes(const Constants&, V y) { return hn::Gt(hn::Abs(y), Lit(0x1p440)); }
  static Scaled Derivative(const Constants& c, V y) {
    const D d;
    const DD below = Div(Add(TwoSum(y, Lit(c.scale_alpha.hi)), Lit(c.scale_alpha.lo)), Lit(c.d));
    const DD at_or_below = dd64::Select(hn::Eq(y, hn::Zero(d)), Pair(c.at_zero), below);
    return Normalized(dd64::Select(hn::Gt(y, hn::Zero(d)), Pair(c.scale), at_or_below));
  }
};

// ---- loops ---------------------------------------------------------------------------

// Derivative roots (swish, mish, gelu). There f' is a sum of two terms of about 1 (0.23
// for gelu) that cancel to f' ~ delta, the distance from the root (the sum's slope there
// is 0.4-1 in the root's variable), and each term carries the pair exp's 2^-74 (the
// other operations add ~2^-100; gelu's erfcx 2^-61): 2^-73 / delta relative (gelu erf:
// 2^-61 / delta). Lanes within each family's kRootWindow of its root, 2^-10 (2^-62 at the
// window's edge) or 2^-5 for gelu's erf form (2^-55), go to the scalar kernel one at a
// time, which recomputes them in binary128 (quad.hpp).
template <class Op>
concept HasRoots = requires(const typename Op::Constants& c, V x) { Op::RootDistance(c, x); };

// Near ties (hard_swish, sparse_plus, hard_sigmoid, relu with slope and threshold, whose
// scalar kernels are correctly rounded): lanes whose pair lies within 2^-96 of a rounding midpoint
// (dd64::NearMidpoint) go to the scalar kernel one at a time; for random x that is about
// 1 lane in 2^43, but exact ties (hard_sigmoid at x = 3 * 2^-53, say) always go.
template <class Op>
concept HasNearTies = requires(const typename Op::Constants& c, V x) { Op::NearTie(c, x); };

// Other lanes a body leaves to the scalar kernel (the from-output bodies' extreme y).
template <class Op>
concept HasScalarLanes = requires(const typename Op::Constants& c, V x) { Op::ScalarLanes(c, x); };

// The scalar kernel for one lane of Backward: the from-output bodies take y for x.
template <class Op>
void ScalarBackward(const Slots& s, const double* x, const double* dy, double* dx) {
  if constexpr (requires { Op::kFromOutput; })
    scalar_kernels(Op::kFamily).backward_from_output_f64(s, x, dy, dx, 1);
  else
    scalar_kernels(Op::kFamily).backward_f64(s, x, dy, dx, 1);
}

// One vector of tag D at a time, the last one through a padded copy (every element takes
// the same path wherever it sits in the call).
template <class Lanes>
HWY_INLINE void EachVector(std::size_t n, Lanes&& lanes) {
  const D d;
  const std::size_t step = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + step <= n; i += step) lanes(i, step);
  if (i < n) lanes(i, n - i);
}

template <class Op>
bool Forward(const Slots& s, const double* x, double* y, std::size_t n) {
  if (!Op::Constants::Applies(s)) return false;
  const typename Op::Constants c(s);
  const D d;
  EachVector(n, [&](std::size_t i, std::size_t count) {
    HWY_ALIGN double bx[hn::MaxLanes(d)] = {};
    HWY_ALIGN double by[hn::MaxLanes(d)];
    const bool full = count == hn::Lanes(d);
    if (!full) std::memcpy(bx, x + i, count * sizeof(double));
    const V xv = full ? hn::LoadU(d, x + i) : hn::Load(d, bx);
    const V yv = hn::IfThenElse(hn::IsNaN(xv), xv, Op::Forward(c, xv));
    if constexpr (HasNearTies<Op>) {
      const auto scalar_lanes = Op::NearTie(c, xv);
      if (!hn::AllFalse(d, scalar_lanes)) {
        // Copies first: y may be x.
        HWY_ALIGN double flags[hn::MaxLanes(d)];
        hn::Store(hn::IfThenElseZero(scalar_lanes, Lit(1.0)), d, flags);
        hn::Store(xv, d, bx);
        hn::Store(yv, d, by);
        for (std::size_t l = 0; l < count; ++l)
          if (flags[l] != 0) scalar_kernels(Op::kFamily).forward_f64(s, bx + l, by + l, 1);
        std::memcpy(y + i, by, count * sizeof(double));
        return;
      }
    }
    if (full) return hn::StoreU(yv, d, y + i);
    hn::Store(yv, d, by);
    std::memcpy(y + i, by, count * sizeof(double));
  });
  return true;
}

template <class Op>
bool Backward(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  if (!Op::Constants::Applies(s)) return false;
  const typename Op::Constants c(s);
  const D d;
  EachVector(n, [&](std::size_t i, std::size_t count) {
    HWY_ALIGN double bx[hn::MaxLanes(d)] = {};
    HWY_ALIGN double bdy[hn::MaxLanes(d)] = {};
    HWY_ALIGN double bdx[hn::MaxLanes(d)];
    const bool full = count == hn::Lanes(d);
    if (!full) {
      std::memcpy(bx, x + i, count * sizeof(double));
      std::memcpy(bdy, dy + i, count * sizeof(double));
    }
    const V xv = full ? hn::LoadU(d, x + i) : hn::Load(d, bx);
    const V dyv = full ? hn::LoadU(d, dy + i) : hn::Load(d, bdy);
    const Scaled f = Op::Derivative(c, xv);
    // Where every lane's f' is unscaled (m = 0) and either exactly 0 or with dy f' within
    // 2^+-960, the pair product rounded needs no scaling: its TwoProd is exact (no
    // underflow), so it is as accurate as RoundScaled's, at a fraction of the cost (the
    // bits agree with it on every tested point, extreme dy included).
    const V quick = Round(Mul(f.v, dyv));
    const V quick_mag = hn::Abs(quick);
    const auto moderate = hn::And(hn::Ge(quick_mag, Lit(0x1p-960)), hn::Le(quick_mag, Lit(0x1p960)));
    const auto quick_ok = hn::And(hn::Eq(f.m, hn::Zero(d)), hn::Or(moderate, hn::Eq(f.v.hi, hn::Zero(d))));
    V r = quick;
    if (HWY_UNLIKELY(!hn::AllTrue(d, quick_ok))) r = RoundScaled(MulScaled(dyv, f));
    // A zero result takes the sign of dy * f' (the pair arithmetic turns -0 into +0); an
    // infinite dy or f' (log1mexp at 0) gives dy * f' (inf, or NaN for inf * 0).
    const V signed_r = hn::IfThenElse(hn::Eq(r, hn::Zero(d)), hn::CopySign(r, hn::Mul(dyv, f.v.hi)), r);
    const auto infinite = hn::Or(hn::IsInf(f.v.hi), hn::IsInf(dyv));
    const V with_inf = hn::IfThenElse(infinite, hn::Mul(dyv, f.v.hi), signed_r);
    const V g = hn::IfThenElse(hn::IsNaN(xv), xv, with_inf);
    // Lanes for the scalar kernel: infinite x, where f' is its limit exactly (0 or inf,
    // which the scaled pairs only approach: dy = inf or 0 must give NaN there), and the
    // derivative roots.
    auto scalar_lanes = hn::IsInf(xv);
    if constexpr (HasRoots<Op>) scalar_lanes = hn::Or(scalar_lanes, hn::Lt(Op::RootDistance(c, xv), Lit(Op::kRootWindow)));
    if constexpr (HasScalarLanes<Op>) scalar_lanes = hn::Or(scalar_lanes, Op::ScalarLanes(c, xv));
    if (!hn::AllFalse(d, scalar_lanes)) {
      // Copies first: dx may be x or dy.
      HWY_ALIGN double flags[hn::MaxLanes(d)];
      hn::Store(hn::IfThenElseZero(scalar_lanes, Lit(1.0)), d, flags);
      hn::Store(xv, d, bx);
      hn::Store(dyv, d, bdy);
      hn::Store(g, d, bdx);
      for (std::size_t l = 0; l < count; ++l)
        if (flags[l] != 0) ScalarBackward<Op>(s, bx + l, bdy + l, bdx + l);
      std::memcpy(dx + i, bdx, count * sizeof(double));
      return;
    }
    if (full) return hn::StoreU(g, d, dx + i);
    hn::Store(g, d, bdx);
    std::memcpy(dx + i, bdx, count * sizeof(double));
  });
  return true;
}

#else  // no native FMA: TwoProd would not be exact; the scalar kernels run.

template <class Op>
bool Forward(const Slots&, const double*, double*, std::size_t) {
  return false;
}
template <class Op>
bool Backward(const Slots&, const double*, const double*, double*, std::size_t) {
  return false;
}
struct Exponential;
struct Elu;
struct Sigmoid;
struct LogSigmoid;
struct Swish;
struct Softplus;
struct Tanh;
struct TanhShrink;
struct Mish;
struct GeluTanh;
struct GeluErf;
struct Log1mexp;
struct Softsign;
struct Squareplus;
struct HardSwish;
struct SparsePlus;
struct HardSigmoid;
struct ReluShifted;
struct SigmoidFromOutput;
struct TanhFromOutput;
struct ExponentialFromOutput;
struct ReluFromOutput;
struct EluFromOutput;

#endif  // HWY_NATIVE_FMA

}  // namespace

#define ACTIV_SIMD_F64_DD_FAMILY(Name)                                                                 \
  bool Name##ForwardF64(const Slots& s, const double* x, double* y, std::size_t n) {                   \
    return Forward<Name>(s, x, y, n);                                                                  \
  }                                                                                                    \
  bool Name##BackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) { \
    return Backward<Name>(s, x, dy, dx, n);                                                            \
  }
ACTIV_SIMD_F64_DD_FAMILIES(ACTIV_SIMD_F64_DD_FAMILY)
#undef ACTIV_SIMD_F64_DD_FAMILY

#define ACTIV_SIMD_F64_FROM_OUTPUT_FAMILY(Name)                                                                  \
  bool Name##BackwardFromOutputF64(const Slots& s, const double* y, const double* dy, double* dx, std::size_t n) { \
    return Backward<Name##FromOutput>(s, y, dy, dx, n);                                                            \
  }
ACTIV_SIMD_FROM_OUTPUT_FAMILIES(ACTIV_SIMD_F64_FROM_OUTPUT_FAMILY)
#undef ACTIV_SIMD_F64_FROM_OUTPUT_FAMILY

}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace activ::detail::simd {

ACTIV_SIMD_F64_DD_FAMILIES(ACTIV_SIMD_F64_DISPATCH)

#define ACTIV_SIMD_F64_FROM_OUTPUT_EXPORT(Name)                                                                  \
  HWY_EXPORT(Name##BackwardFromOutputF64);                                                                       \
  bool Name##BackwardFromOutputF64(const Slots& s, const double* y, const double* dy, double* dx, std::size_t n) { \
    return HWY_DYNAMIC_DISPATCH(Name##BackwardFromOutputF64)(s, y, dy, dx, n);                                     \
  }
ACTIV_SIMD_FROM_OUTPUT_FAMILIES(ACTIV_SIMD_F64_FROM_OUTPUT_EXPORT)
#undef ACTIV_SIMD_F64_FROM_OUTPUT_EXPORT

}  // namespace activ::detail::simd
#endif  // HWY_ONCE
