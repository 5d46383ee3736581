// SIMD float64 kernels of the smooth families, one body for every ISA with a fused
// multiply-add (Highway foreach_target with runtime dispatch; on targets without
// HWY_NATIVE_FMA they return false and the scalar kernel runs). Each family evaluates
// the scalar kernels' cancellation-free formulas (src/kernels/scalar/) in double-double
// (dd64-inl.h: e^x, e^x - 1 and log(1 + e) within 2^-66 relative, the arithmetic
// within ~2^-100 per operation) and rounds once at the end, through dd64::RoundScaled,
// which also rounds the subnormal tails correctly: forward within 0.5 + 2^-8 ULP. The
// derivative times dy is one more double-double product before that rounding.
// The roots of swish' (where the value comes from cancellation beyond double-double)
// go to the scalar kernel's binary128 evaluation lane by lane.
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
#include "kernels/scalar/logistic.hpp"
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
HWY_INLINE Scaled Select(hn::Mask<D> m, const Scaled& a, const Scaled& b) {
  return {dd64::Select(m, a.v, b.v), hn::IfThenElse(m, a.m, b.m)};
}

// sigma(z) and sigma(-z) for z = zh + zl, from e = e^-|z| and one division each:
// 1 / (1 + e) and e / (1 + e), the latter scaled (it reaches the subnormals).
struct Logistics {
  Scaled pos, neg;  // sigma(z), sigma(-z)
  Scaled small;     // e / (1 + e) = sigma(-|z|)
  DD large;         // 1 / (1 + e) = sigma(|z|)
};
HWY_INLINE Logistics LogisticsOf(V zh, V zl) {
  const D d;
  const auto positive = hn::Ge(zh, hn::Zero(d));
  const V sign_flip = hn::IfThenElse(positive, Lit(-1.0), Lit(1.0));
  const Scaled e = Exp(hn::Mul(zh, sign_flip), hn::Mul(zl, sign_flip));  // e^-|z|
  const DD den = Add(Unscale(e), Exact(Lit(1.0)));
  const DD large = Div(Exact(Lit(1.0)), den);
  const Scaled small = {Div(e.v, den), e.m};
  return {Select(positive, Plain(large), small), Select(positive, small, Plain(large)), small, large};
}

// log(1 + e^z) = max(z, 0) + log(1 + e^-|z|), scaled (for z << 0 it is e^z itself).
HWY_INLINE Scaled Log1pExp(V zh, V zl) {
  const D d;
  const auto positive = hn::Gt(zh, hn::Zero(d));
  const V sign_flip = hn::IfThenElse(positive, Lit(-1.0), Lit(1.0));
  const Scaled e = Exp(hn::Mul(zh, sign_flip), hn::Mul(zl, sign_flip));
  const DD eu = Unscale(e);
  // e < 2^-59: log(1 + e) = e (1 - e/2) within e^2 / 3 < 2^-60 e of e... relative 2^-61.
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
  struct Constants {
    explicit Constants(const Slots&) {}
    static bool Applies(const Slots&) { return true; }
  };
  static V Forward(const Constants&, V x) { return RoundScaled(Exp(x)); }
  static Scaled Derivative(const Constants&, V x) { return Exp(x); }
};

// x > 0 ? scale x : scale alpha expm1(x / d); f' = scale or (scale alpha / d) e^(x/d).
struct Elu {
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
    static bool Applies(const Slots& s) { return f64::is_double(s[2]) && s[2] > 0 && std::isfinite(s[0]) && std::isfinite(s[1]); }
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
    return Select(hn::Lt(bx.hi, Lit(-1100.0)), Plain(Exact(Lit(-0.0))), y);
  }
  // The lanes the scalar kernel recomputes in binary128 (its own test decides).
  static hn::Mask<D> NearRoot(const Constants& c, V x) {
    const V bx = hn::Mul(Lit(c.beta.hi), x);
    return hn::Lt(hn::Abs(hn::Add(bx, Lit(1.2784645427610738))), Lit(0.06));
  }
  static bool ScalarNearRoot(const Slots& s, double x) { return scalar::Swish::near_derivative_root(s, static_cast<long double>(x)); }
  static constexpr Family kFamily = Family::swish;
};

// log(1 + e^(beta x)) / beta, or x where beta x > threshold; f' = sigma(beta x) or 1.
struct Softplus {
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

// ---- loops ---------------------------------------------------------------------------

template <class Op>
concept HasRoots = requires(const Slots& s, double x) { Op::ScalarNearRoot(s, x); };

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
    const V r = RoundScaled(MulScaled(dyv, f));
    // A zero result takes the sign of dy * f' (the pair arithmetic turns -0 into +0).
    const V signed_r = hn::IfThenElse(hn::Eq(r, hn::Zero(d)), hn::CopySign(r, hn::Mul(dyv, f.v.hi)), r);
    const V g = hn::IfThenElse(hn::IsNaN(xv), xv, signed_r);
    if constexpr (HasRoots<Op>) {
      if (!hn::AllFalse(d, Op::NearRoot(c, xv))) {
        // Copies first: dx may be x or dy.
        hn::Store(xv, d, bx);
        hn::Store(dyv, d, bdy);
        hn::Store(g, d, bdx);
        for (std::size_t l = 0; l < count; ++l)
          if (Op::ScalarNearRoot(s, bx[l])) scalar_kernels(Op::kFamily).backward_f64(s, bx + l, bdy + l, bdx + l, 1);
        std::memcpy(dx + i, bdx, count * sizeof(double));
        return;
      }
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

}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace activ::detail::simd {

#define ACTIV_SIMD_F64_DD_EXPORT(Name)                                                                 \
  HWY_EXPORT(Name##ForwardF64);                                                                        \
  HWY_EXPORT(Name##BackwardF64);                                                                       \
  bool Name##ForwardF64(const Slots& s, const double* x, double* y, std::size_t n) {                   \
    return HWY_DYNAMIC_DISPATCH(Name##ForwardF64)(s, x, y, n);                                         \
  }                                                                                                    \
  bool Name##BackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) { \
    return HWY_DYNAMIC_DISPATCH(Name##BackwardF64)(s, x, dy, dx, n);                                   \
  }
ACTIV_SIMD_F64_DD_FAMILIES(ACTIV_SIMD_F64_DD_EXPORT)
#undef ACTIV_SIMD_F64_DD_EXPORT

}  // namespace activ::detail::simd
#endif  // HWY_ONCE
