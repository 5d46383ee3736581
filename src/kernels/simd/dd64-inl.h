// Double-double arithmetic in float64 lanes for the float64 kernels of the smooth
// families (elementwise_f64.cc): error-free TwoSum and TwoProd, e^x, e^x - 1, log(1 + e)
// and log(u) as hi + lo to well below 2^-60 relative (erfcx to 2^-61; each function's
// comment has its analysis, e^x's is below), and the final rounding of a value
// hi + lo times 2^m to the nearest double, subnormals included. Each family combines
// its formula in double-double and rounds once, so the result stays within
// 0.5 + 2^-8 ULP. Requires a fused multiply-add (TwoProd); the kernels use it only on
// targets with HWY_NATIVE_FMA. Included once per Highway target, as math64-inl.h.
//
// Error analysis of Exp (x = xh + xl, |xl| <= 2^-43 |xh|, as from a rounded product):
//  - k = round(x * 64 / ln 2) by the 1.5 * 2^52 shifter; x is clamped to [-1100, 1100],
//    so |k| < 2^17. r = x - k ln2/64 with ln2/64 = L_hi + L_lo (dd64-tables.h): k * L_hi
//    is exact (L_hi has 36 bits) and so is xh - k L_hi (FMA; Sterbenz where k != 0);
//    k L_lo is TwoProd, the sum TwoSum, so r = rh + rl loses only the rounding of the
//    low parts (< 2^-100) and the split's own error (2^17 * 2^-99 = 2^-82, scripts/).
//    |r| <= ln2/128 + 2^-43.
//  - e^r - 1 = r + r^2/2 + r^3 P(r), P the Taylor polynomial to r^4/7! (truncation
//    2^-75.5 on that interval, the generator checks). rh + rh^2/2 is exact as a pair
//    (TwoProd); r^3 P(r) < 2^-25 is evaluated in double (a few roundings: < 2^-75), rl
//    enters as rl (1 + rh) (the dropped rl rh^2/2 < 2^-76).
//  - e^x = 2^m T_j (1 + em1), j = k mod 64, m = floor(k / 64), T_j = 2^(j/64) from the
//    table as a pair (2^-107). The product T_j + T_j em1 + ... is one TwoProd and
//    additions of terms below 2^-52 T_j, each rounded (< 2^-100 relative).
//  So hi + lo is within 2^-74 of e^x relative, with hi + lo in [1, 2) and m exact.
//  Expm1 is em1 itself for k = 0 (|x| < ln2/128, no cancellation) and 2^m T (1 + em1) - 1
//  otherwise, where |e^x - 1| >= 0.0054 magnifies the relative error by at most 185:
//  2^-66.
//
// Log1p(e) for e in [-1/2, 1] (softplus, log_sigmoid; log1mexp with e < 0):
//  - |e| < 2^-7: the series e - e^2/2 + e^3 (1/3 - e/4 + ... - e^6/9); the dropped e^10/10
//    is 2^-66 of e; e - e^2/2 is a pair (TwoProd), the rest (< 2^-15.6 e) in double.
//  - |e| >= 2^-7: one Newton step for e^y = 1 + e from Highway's Log1p (y0 within a few
//    ULP): y1 = y0 + ((1 + e) e^-y0 - 1), with e^-y0 from Exp. The step's own error is
//    (y0 - y)^2 / 2 < 2^-100; Exp's 2^-74 relative is an absolute error in y1 below 2^-73,
//    and |y| >= log(1 + 2^-7) > 2^-7.1: 2^-66 relative.
#if defined(ACTIV_KERNELS_SIMD_DD64_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIV_KERNELS_SIMD_DD64_INL_H_
#undef ACTIV_KERNELS_SIMD_DD64_INL_H_
#else
#define ACTIV_KERNELS_SIMD_DD64_INL_H_
#endif

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "kernels/simd/dd64-tables.h"

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace dd64 {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
using DI = hn::RebindToSigned<D>;
using DU = hn::RebindToUnsigned<D>;
HWY_INLINE V Lit(double c) { return hn::Set(D(), c); }

// An unevaluated sum hi + lo, normally |lo| <= ulp(hi) / 2.
struct DD {
  V hi, lo;
};
HWY_INLINE DD Exact(V v) { return {v, hn::Zero(D())}; }

HWY_INLINE DD TwoSum(V a, V b) {  // a + b = hi + lo exactly
  const V s = hn::Add(a, b), bb = hn::Sub(s, a);
  return {s, hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb))};
}
HWY_INLINE DD FastTwoSum(V a, V b) {  // exact when |a| >= |b| (or a = 0)
  const V s = hn::Add(a, b);
  return {s, hn::Sub(b, hn::Sub(s, a))};
}
HWY_INLINE DD TwoProd(V a, V b) {  // a * b = hi + lo exactly (FMA), unless it underflows
  const V p = hn::Mul(a, b);
  return {p, hn::MulSub(a, b, p)};
}

HWY_INLINE DD Neg(DD a) { return {hn::Neg(a.hi), hn::Neg(a.lo)}; }
// Accurate addition (both parts TwoSum): relative error ~2^-104 even under cancellation
// of the high parts.
HWY_INLINE DD Add(DD a, DD b) {
  DD s = TwoSum(a.hi, b.hi);
  const DD t = TwoSum(a.lo, b.lo);
  s = FastTwoSum(s.hi, hn::Add(s.lo, t.hi));
  return FastTwoSum(s.hi, hn::Add(s.lo, t.lo));
}
HWY_INLINE DD Add(DD a, V b) {
  const DD s = TwoSum(a.hi, b);
  return FastTwoSum(s.hi, hn::Add(s.lo, a.lo));
}
HWY_INLINE DD Mul(DD a, V b) {
  const DD p = TwoProd(a.hi, b);
  return FastTwoSum(p.hi, hn::MulAdd(a.lo, b, p.lo));
}
HWY_INLINE DD Mul(DD a, DD b) {
  const DD p = TwoProd(a.hi, b.hi);
  return FastTwoSum(p.hi, hn::MulAdd(a.hi, b.lo, hn::MulAdd(a.lo, b.hi, p.lo)));
}
// a / b: q1 = ah / bh, then the remainder a - q1 b (exact high part by FMA) over bh.
HWY_INLINE DD Div(DD a, DD b) {
  const V q1 = hn::Div(a.hi, b.hi);
  const DD p = TwoProd(q1, b.hi);
  const V r = hn::Sub(hn::Add(hn::Sub(hn::Sub(a.hi, p.hi), p.lo), a.lo), hn::Mul(q1, b.lo));
  return FastTwoSum(q1, hn::Div(r, b.hi));
}
HWY_INLINE DD Div(DD a, V b) { return Div(a, Exact(b)); }
// 1 / b with one hardware division: q1 = RN(1 / b.hi), and the remainder's correction
// r / b.hi taken as r * q1 (r is about 2^-53 of 1, so that costs 2^-106): ~2^-104.
HWY_INLINE DD Reciprocal(DD b) {
  const V q1 = hn::Div(Lit(1.0), b.hi);
  const DD p = TwoProd(q1, b.hi);
  const V r = hn::Sub(hn::Sub(hn::Sub(Lit(1.0), p.hi), p.lo), hn::Mul(q1, b.lo));
  return FastTwoSum(q1, hn::Mul(r, q1));
}
// sqrt(a) for a = hi + lo > 0 with hi normal and far from overflow (a.hi in [2^-1000,
// 2^1000]): s0 = sqrt(hi) within 1/2 ULP, then one Newton step s0 + (a - s0^2) / (2 s0).
// s0^2 is TwoProd (exact), hi - s0^2.hi is exact (Sterbenz: s0^2 is within 2^-52 of hi),
// so the remainder a - s0^2 carries only the roundings of adding p.lo and lo (2^-104 of
// a); the step's own error is (s0 - sqrt a)^2 / (2 s0) < 2^-106 of sqrt a: ~2^-104 relative.
HWY_INLINE DD Sqrt(DD a) {
  const V s0 = hn::Sqrt(a.hi);
  const DD p = TwoProd(s0, s0);
  const V r = hn::Add(hn::Sub(hn::Sub(a.hi, p.hi), p.lo), a.lo);
  return FastTwoSum(s0, hn::Div(r, hn::Add(s0, s0)));
}
HWY_INLINE DD Select(hn::Mask<D> m, DD a, DD b) {
  return {hn::IfThenElse(m, a.hi, b.hi), hn::IfThenElse(m, a.lo, b.lo)};
}
// hi + lo rounded to double (nearest; a pair whose hi is a double midpoint plus a
// lo of the other sign is not a concern at the 2^-60 accuracy of these pairs).
HWY_INLINE V Round(DD a) { return hn::Add(a.hi, a.lo); }

// Whether hi + lo (hi normal) may lie within 2^-96 |hi| of a rounding midpoint: of the
// binade of its rounding r (ulp(r) / 2 from r) or, at a power of two, of the binade
// below (ulp(r) / 4; flagged everywhere, which costs only a rare extra lane). A pair
// good to 2^-100 cannot decide the rounding there; elsewhere Round is correct. The
// distance (hi - r) + lo is exact up to one rounding of 2^-53 of itself (hi - r is).
HWY_INLINE hn::Mask<D> NearMidpoint(DD a) {
  const D d;
  const DU du;
  const V r = Round(a);
  const V distance = hn::Abs(hn::Add(hn::Sub(a.hi, r), a.lo));
  const V binade = hn::BitCast(d, hn::And(hn::BitCast(du, r), hn::Set(du, 0x7ff0000000000000ull)));
  const V half_ulp = hn::Mul(binade, Lit(0x1p-53));
  const V tolerance = hn::Mul(hn::Abs(r), Lit(0x1p-96));
  return hn::Or(hn::Lt(hn::Abs(hn::Sub(distance, half_ulp)), tolerance),
                hn::Lt(hn::Abs(hn::Sub(distance, hn::Mul(half_ulp, Lit(0.5)))), tolerance));
}

// 2^m for an integer-valued m in [-1022, 1023].
HWY_INLINE V Pow2(V m) {
  const D d;
  const DI di;
  const V t = hn::Add(m, Lit(0x1.8p52));
  return hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(hn::BitCast(di, t), hn::Set(di, 1023))));
}

// v * 2^m, v a pair with |v.hi| in [2^-900, 2^900] (or zero, infinite, NaN) and m an
// integer-valued double: how values that may leave the double range (e^x's tails)
// travel until the final rounding.
struct Scaled {
  DD v;
  V m;
};

// The nearest double to (v.hi + v.lo) 2^m (|m| <= 2000). Normal results: v rounded,
// then scaled exactly in two steps (2^m may not be a double; overflow gives inf).
// Subnormal results: |v| 2^(m + 1022) is below 1, and 1 + that, rounded, lands on the
// grid of 2^-52, which is the subnormal grid 2^-1074 once 1 is subtracted (exact) and
// the difference scaled by 2^-1022 (exact): one rounding, from the pair.
HWY_INLINE V RoundScaled(DD v, V m) {
  const D d;
  const DU du;
  const V r = Round(v);
  // r's binary exponent as a double: the exponent field over the 2^52 shifter.
  const auto field = hn::ShiftRight<52>(hn::And(hn::BitCast(du, r), hn::Set(du, 0x7ff0000000000000ull)));
  const V er = hn::Sub(hn::Sub(hn::BitCast(d, hn::Or(field, hn::Set(du, 0x4330000000000000ull))), Lit(0x1p52)), Lit(1023.0));
  const V mc = hn::Min(hn::Max(m, Lit(-2000.0)), Lit(2000.0));
  const V e = hn::Add(er, mc);
  const V m1 = hn::Floor(hn::Mul(mc, Lit(0.5)));
  const V normal = hn::Mul(hn::Mul(r, Pow2(m1)), Pow2(hn::Sub(mc, m1)));
  // Subnormal: a = |v| 2^-er 2^(e + 1022), in [2^-62, 1).
  const V er_c = hn::Min(hn::Max(er, Lit(-1000.0)), Lit(1000.0));
  const V shift = hn::Min(hn::Max(hn::Add(e, Lit(1022.0)), Lit(-62.0)), Lit(0.0));
  const V f = hn::Mul(Pow2(hn::Neg(er_c)), Pow2(shift));
  const V ah = hn::Mul(hn::Abs(v.hi), f);
  const V al = hn::Mul(hn::IfThenElse(hn::Lt(v.hi, hn::Zero(d)), hn::Neg(v.lo), v.lo), f);  // lo of |v|
  const DD s = TwoSum(Lit(1.0), ah);
  const V y = hn::Mul(hn::Sub(hn::Add(s.hi, hn::Add(s.lo, al)), Lit(1.0)), Lit(0x1p-1022));
  const V sub = hn::CopySign(y, r);
  const V zero = hn::CopySign(hn::Zero(d), r);
  const V tiny = hn::IfThenElse(hn::Lt(e, Lit(-1022.0 - 62.0)), zero, sub);
  const V out = hn::IfThenElse(hn::Lt(e, Lit(-1022.0)), tiny, normal);
  return hn::IfThenElse(hn::Eq(r, hn::Zero(d)), r, out);
}
HWY_INLINE V RoundScaled(const Scaled& s) { return RoundScaled(s.v, s.m); }

// a * s as a Scaled, for any double a (dy, x): a is first brought within [2^-600, 2^600]
// by a power of two, so that the product pair stays exact and normal.
HWY_INLINE Scaled MulScaled(V a, const Scaled& s) {
  const V mag = hn::Abs(a);
  const auto big = hn::Gt(mag, Lit(0x1p600)), small = hn::Lt(mag, Lit(0x1p-600));
  const V as = hn::IfThenElse(big, hn::Mul(a, Lit(0x1p-600)), hn::IfThenElse(small, hn::Mul(a, Lit(0x1p600)), a));
  const V m = hn::IfThenElse(big, hn::Add(s.m, Lit(600.0)), hn::IfThenElse(small, hn::Sub(s.m, Lit(600.0)), s.m));
  return {Mul(s.v, as), m};
}

// The value of s as a plain pair where that is at least 2^-1000 (else 0): for sums with
// terms near 1, where anything smaller does not matter.
HWY_INLINE DD Unscale(const Scaled& s) {
  const V mc = hn::Min(hn::Max(s.m, Lit(-1000.0)), Lit(1000.0));
  const V f = Pow2(mc);
  const auto keep = hn::Ge(s.m, Lit(-1000.0));
  return {hn::IfThenElseZero(keep, hn::Mul(s.v.hi, f)), hn::IfThenElseZero(keep, hn::Mul(s.v.lo, f))};
}

// ---- e^x --------------------------------------------------------------------------
struct ExpParts {
  DD em1;  // e^r - 1
  DD v;    // 2^(j/64) e^r, in [1, 2)
  V m;     // e^x = v 2^m
  V k;     // round(x 64 / ln 2)
};

// See the file comment. xh = +-inf and NaN give some finite parts; the callers select
// their limits.
HWY_INLINE ExpParts ExpReduce(V xh, V xl) {
  const D d;
  const DI di;
  namespace t = dd64_tables;
  const V xc = hn::Min(hn::Max(xh, Lit(-1100.0)), Lit(1100.0));
  const V xlc = hn::IfThenElseZero(hn::Eq(xc, xh), xl);
  const V shifter = Lit(0x1.8p52);
  const V tk = hn::MulAdd(xc, Lit(t::kInvLn2Times64), shifter);
  const V k = hn::Sub(tk, shifter);
  const V r1 = hn::NegMulAdd(k, Lit(t::kLn2Over64Hi), xc);  // exact
  const DD p = TwoProd(k, Lit(t::kLn2Over64Lo));
  const DD s = TwoSum(r1, hn::Neg(p.hi));
  const DD r = FastTwoSum(s.hi, hn::Add(hn::Sub(s.lo, p.lo), xlc));
  const V rh = r.hi, rl = r.lo;
  // e^r - 1 = rh + rh^2/2 + rh^3 P(rh) + rl (1 + rh)
  const DD sq = TwoProd(rh, rh);
  const V r2 = sq.hi;
  // P(r) = 1/6 + r/24 + r^2 (1/120 + r/720 + r^2/5040)
  const V pr = hn::MulAdd(r2, hn::MulAdd(rh, hn::MulAdd(rh, Lit(1.0 / 5040), Lit(1.0 / 720)), Lit(1.0 / 120)),
                          hn::MulAdd(rh, Lit(1.0 / 24), Lit(1.0 / 6)));
  const V tail = hn::Mul(hn::Mul(r2, rh), pr);
  const DD lead = FastTwoSum(rh, hn::Mul(r2, Lit(0.5)));
  const V low = hn::Add(hn::Add(lead.lo, hn::Mul(sq.lo, Lit(0.5))), hn::Add(hn::MulAdd(rl, rh, rl), tail));
  const DD em1 = FastTwoSum(lead.hi, low);
  // T_j (1 + em1)
  const auto bits = hn::Sub(hn::BitCast(di, tk), hn::BitCast(di, shifter));  // k as an integer
  const auto j = hn::And(bits, hn::Set(di, 63));
  const V th = hn::GatherIndex(d, t::kExp2Hi, j);
  const V tl = hn::GatherIndex(d, t::kExp2Lo, j);
  const DD prod = TwoProd(th, em1.hi);
  const V rest = hn::Add(hn::MulAdd(th, em1.lo, prod.lo), hn::MulAdd(tl, em1.hi, tl));
  const DD sum = FastTwoSum(th, prod.hi);
  const DD v = FastTwoSum(sum.hi, hn::Add(sum.lo, rest));
  const V m = hn::Floor(hn::Mul(k, Lit(1.0 / 64)));
  return {em1, v, m, k};
}

// e^(xh + xl) = v 2^m; x below -1100 gives a value that rounds to 0, above 1100 one that
// rounds to inf.
HWY_INLINE Scaled Exp(V xh, V xl) {
  const ExpParts e = ExpReduce(xh, xl);
  return {e.v, e.m};
}
HWY_INLINE Scaled Exp(V x) { return Exp(x, hn::Zero(D())); }

// e^(xh + xl) - 1 for xh <= 700 (-1 below -1100).
HWY_INLINE DD Expm1(V xh, V xl) {
  const ExpParts e = ExpReduce(xh, xl);
  const DD big = Add(Unscale({e.v, e.m}), Lit(-1.0));
  return Select(hn::Eq(e.k, hn::Zero(D())), e.em1, big);
}

// ---- log(1 + e), e in [-1/2, 1] ----------------------------------------------------
HWY_INLINE DD Log1p(DD e) {
  const D d;
  // Series for |e| < 2^-7: e - e^2/2 + e^3 (1/3 - e/4 + e^2/5 - e^3/6 + e^4/7 - e^5/8 + e^6/9).
  const V x = e.hi;
  const DD sq = TwoProd(x, x);
  const V c = hn::MulAdd(x, hn::MulAdd(x, hn::MulAdd(x, Lit(1.0 / 9), Lit(-1.0 / 8)), Lit(1.0 / 7)), Lit(-1.0 / 6));
  const V q = hn::MulAdd(x, hn::MulAdd(x, hn::MulAdd(x, c, Lit(1.0 / 5)), Lit(-1.0 / 4)), Lit(1.0 / 3));
  const V tail = hn::Mul(hn::Mul(sq.hi, x), q);
  // e.lo (1 - e) for the low part of e; -x e.lo for the square's cross term.
  const V low = hn::Add(hn::Sub(hn::NegMulAdd(x, e.lo, e.lo), hn::Mul(sq.lo, Lit(0.5))), tail);
  const DD lead = FastTwoSum(x, hn::Mul(sq.hi, Lit(-0.5)));
  const DD series = FastTwoSum(lead.hi, hn::Add(lead.lo, low));
  // Newton step for |e| >= 2^-7.
  const V y0 = hn::Log1p(d, x);
  const Scaled inv = Exp(hn::Neg(y0), hn::Zero(d));
  const DD w = Mul(Mul(Add(Exact(Lit(1.0)), e), inv.v), Pow2(inv.m));
  const DD step = Add(w, Lit(-1.0));
  const DD newton = Add(step, y0);
  return Select(hn::Lt(hn::Abs(x), Lit(0x1p-7)), series, newton);
}

// ---- log(u), u in [2^-900, 1] -------------------------------------------------------
// One Newton step for e^y = u from Highway's Log (y0 within a few ULP, |y0 - y| < 2^-40
// for |y| <= 624): y1 = y0 + (u e^-y0 - 1), u 2^m exact, e^-y0 = v 2^m from Exp. The
// step's own error is (y0 - y)^2 / 2 < 2^-80; Exp's 2^-74 relative error is an absolute
// error below 2^-73 in y1, so 2^-73 relative wherever |y| >= 1/2 (log1mexp: u <= 1/2).
HWY_INLINE DD Log(DD u) {
  const D d;
  const V y0 = hn::Log(d, u.hi);
  const Scaled inv = Exp(hn::Neg(y0), hn::Zero(d));
  const DD w = Mul(Mul(u, Pow2(hn::Min(inv.m, Lit(1000.0)))), inv.v);
  return Add(Add(w, Lit(-1.0)), y0);
}

// ---- erfcx(y) = e^(y^2) erfc(y), y >= 0 -----------------------------------------
// Its Taylor polynomial of degree 13 around y_i = (i + 1/2) / 8 (dd64-tables.h; the
// generator checks the truncation, 2^-68.7 of c_0 for |h| <= 1/16), y = yh + yl, h = y -
// y_i as a pair: c_0 + c_1 h as pairs, h^2 (c_2 + c_3 h + ...) in double (below 2^-8 of
// c_0: < 2^-61 with its roundings). Valid up to y = 27.5 (callers clamp; erfc(27.5)
// is below the subnormals).
HWY_INLINE DD Erfcx(V yh, V yl) {
  const D d;
  const DI di;
  namespace t = dd64_tables;
  const V cell = hn::Min(hn::Floor(hn::Mul(yh, Lit(8.0))), Lit(t::kErfcxIntervals - 1.0));
  const V center = hn::Mul(hn::Add(cell, Lit(0.5)), Lit(0.125));
  const DD h = Add(TwoSum(yh, hn::Neg(center)), yl);
  // The interval's index from the shifter's low bits (cell is a small integer).
  const auto index = hn::Sub(hn::BitCast(di, hn::Add(cell, Lit(0x1.8p52))), hn::BitCast(di, Lit(0x1.8p52)));
  V tail = hn::GatherIndex(d, t::kErfcxC[t::kErfcxDegree - 2], index);
  for (int k = t::kErfcxDegree - 1; k >= 2; --k) tail = hn::MulAdd(tail, h.hi, hn::GatherIndex(d, t::kErfcxC[k - 2], index));
  const DD c0 = {hn::GatherIndex(d, t::kErfcxC0Hi, index), hn::GatherIndex(d, t::kErfcxC0Lo, index)};
  const DD c1 = {hn::GatherIndex(d, t::kErfcxC1Hi, index), hn::GatherIndex(d, t::kErfcxC1Lo, index)};
  return Add(Add(c0, Mul(c1, h)), hn::Mul(hn::Mul(h.hi, h.hi), tail));
}

}  // namespace dd64
}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#endif  // ACTIV_KERNELS_SIMD_DD64_INL_H_
