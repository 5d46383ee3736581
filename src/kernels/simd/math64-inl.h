// e^x, e^x - 1, log(1 + e) on [0, 1] and tanh in float64 lanes to about 2^-41 relative,
// for the float32 kernels (elementwise.cc, softmax.cc), which round the result to
// float32 once. Included once per Highway target from inside their foreach_target
// translation units.
// Per-target include guard, as Highway's own -inl.h headers.
#if defined(ACTIV_KERNELS_SIMD_MATH64_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIV_KERNELS_SIMD_MATH64_INL_H_
#undef ACTIV_KERNELS_SIMD_MATH64_INL_H_
#else
#define ACTIV_KERNELS_SIMD_MATH64_INL_H_
#endif

#include <hwy/highway.h>

#include <cmath>

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace math64 {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
HWY_INLINE V Lit(double c) { return hn::Set(D(), c); }

// e^x and e^x - 1 for the float32 kernels, cheaper than Highway's float64 Exp and
// Expm1 (accurate to 1 float64 ULP, far beyond what a float32 result needs):
//  - k = round(x / ln 2) by the 1.5 * 2^52 shifter, which also leaves k in the low bits
//    of t, so 2^k is (bits(t) + 1023) << 52 without a float-to-int conversion;
//  - r = x - k ln 2 with ln 2 in two parts (kLn2Hi has 32 significant bits, so k * kLn2Hi
//    is exact for |k| < 2^21), |r| <= ln 2 / 2 + 2^-42;
//  - e^r - 1 = r + r^2 q(r) by the Taylor polynomial of degree 10 (Estrin): the remainder
//    is at most e^0.347 * 0.347^11 / 11! < 2^-41.4 relative to e^r, and the evaluation
//    adds a few float64 roundings (< 2^-50). Keeping e^r - 1 apart gives e^x - 1 =
//    2^k (e^r - 1) + (2^k - 1) without cancellation: for k = 0 it is r + r^2 q itself
//    (relative error 2^-41 however small x is), otherwise |e^x - 1| > 0.29.
// So both are within 2^-41 relative: 2^-17 of a float32 ULP, which the final rounding
// to float32 absorbs (the kernels stay within 0.5 + 2^-16 ULP).
// Outside [-708, 709], e^x is 0 or +inf (also for -inf and +inf), e^x - 1 is -1 or
// +inf. That is what every float32 kernel needs: e^-708 < 2^-1021 stays below float32's
// smallest subnormal even multiplied by FLT_MAX, and e^709 > 2^1022 overflows float32
// even multiplied by its smallest subnormal.
struct ExpParts {
  V em1_r, two_k;  // e^r - 1 and 2^k, e^x = 2^k (1 + em1_r)
};
HWY_INLINE ExpParts ExpReduced(V x) {
  const D d;
  const hn::RebindToSigned<D> di;
  const V xc = hn::Min(hn::Max(x, Lit(-708.0)), Lit(709.0));
  const V shifter = Lit(0x1.8p52);
  const V t = hn::MulAdd(xc, Lit(1.4426950408889634074), shifter);
  const V k = hn::Sub(t, shifter);
  constexpr double kLn2Hi = 0x1.62e42feep-1, kLn2Lo = 0x1.a39ef35793c76p-33;  // fdlibm's: ln 2 to 2^-86
  const V r = hn::NegMulAdd(k, Lit(kLn2Lo), hn::NegMulAdd(k, Lit(kLn2Hi), xc));
  const V r2 = hn::Mul(r, r), r4 = hn::Mul(r2, r2), r8 = hn::Mul(r4, r4);
  // q(r) = 1/2! + r/3! + ... + r^8/10!
  const V c23 = hn::MulAdd(r, Lit(1.0 / 6), Lit(1.0 / 2));
  const V c45 = hn::MulAdd(r, Lit(1.0 / 120), Lit(1.0 / 24));
  const V c67 = hn::MulAdd(r, Lit(1.0 / 5040), Lit(1.0 / 720));
  const V c89 = hn::MulAdd(r, Lit(1.0 / 362880), Lit(1.0 / 40320));
  const V q = hn::MulAdd(r8, Lit(1.0 / 3628800),
                         hn::MulAdd(r4, hn::MulAdd(r2, c89, c67), hn::MulAdd(r2, c45, c23)));
  const V two_k = hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(hn::BitCast(di, t), hn::Set(di, 1023))));
  return {hn::MulAdd(r2, q, r), two_k};
}

HWY_INLINE V Exp(V x) {
  const ExpParts e = ExpReduced(x);
  const V y = hn::MulAdd(e.em1_r, e.two_k, e.two_k);
  return hn::IfThenElse(hn::Gt(x, Lit(709.0)), Lit(HUGE_VAL), hn::IfThenZeroElse(hn::Lt(x, Lit(-708.0)), y));
}

// e^x - 1, keeping the sign of a zero x.
HWY_INLINE V Expm1(V x) {
  const ExpParts e = ExpReduced(x);
  const V y = hn::MulAdd(e.two_k, e.em1_r, hn::Sub(e.two_k, Lit(1.0)));
  const V big = hn::IfThenElse(hn::Gt(x, Lit(709.0)), Lit(HUGE_VAL), y);
  return hn::IfThenElse(hn::Eq(x, hn::Zero(D())), x, hn::IfThenElse(hn::Lt(x, Lit(-708.0)), Lit(-1.0), big));
}

// log(1 + e) for e in [0, 1] (e = e^-|x| in softplus and log_sigmoid), to 2^-44:
// u = 1 + e rounded, c = e - (u - 1) its exact rounding error (u >= e), and
// log(1 + e) = j ln 2 + log(1 + f) + c / u, where u = 2^j (1 + f) with 1 + f in
// [0.707, 1.414] (f is exact by Sterbenz). log(1 + f) = 2 atanh(s), s = f / (2 + f),
// |s| <= 0.1716, by its series to s^15 (remainder s^17 / 17 < 2^-44 relative). c / u is
// c (2 - u): c is at most 2^-53 u, and 1/u - (2 - u) = (u - 1)^2 / u is small where c
// matters (tiny e, where c is e itself).
HWY_INLINE V Log1pUnit(V e) {
  const V u = hn::Add(Lit(1.0), e);
  const V c = hn::Sub(e, hn::Sub(u, Lit(1.0)));
  const auto halve = hn::Gt(u, Lit(1.4142135623730951));
  const V m = hn::IfThenElse(halve, hn::Mul(u, Lit(0.5)), u);
  const V f = hn::Sub(m, Lit(1.0));
  const V s = hn::Div(f, hn::Add(Lit(2.0), f));
  const V z = hn::Mul(s, s), z2 = hn::Mul(z, z), z4 = hn::Mul(z2, z2);
  // atanh(s) / s = 1 + z/3 + z^2/5 + ... + z^7/15
  const V a = hn::MulAdd(z, Lit(1.0 / 3), Lit(1.0));
  const V b = hn::MulAdd(z, Lit(1.0 / 7), Lit(1.0 / 5));
  const V c2 = hn::MulAdd(z, Lit(1.0 / 11), Lit(1.0 / 9));
  const V c3 = hn::MulAdd(z, Lit(1.0 / 15), Lit(1.0 / 13));
  const V series = hn::MulAdd(z4, hn::MulAdd(z2, c3, c2), hn::MulAdd(z2, b, a));
  const V log_m = hn::Mul(hn::Add(s, s), series);
  const V j_ln2 = hn::IfThenElseZero(halve, Lit(0.6931471805599453094));
  return hn::Add(j_ln2, hn::MulAdd(c, hn::Sub(Lit(2.0), u), log_m));
}

// tanh(x) = sign(x) (1 - e) / (1 + e), e = e^-2|x|, where 1 - e has no harmful
// cancellation (|x| >= 1/16: e's 2^-41 error is at most 2^-38 of 1 - e); below, the odd
// Taylor series to x^13 (remainder 2^-48 relative). Infinities give +-1.
HWY_INLINE V TanhSimd(V x) {
  const V ax = hn::Abs(x);
  const V e = Exp(hn::Mul(Lit(-2.0), ax));
  const V large = hn::Div(hn::Sub(Lit(1.0), e), hn::Add(Lit(1.0), e));
  const V z = hn::Mul(x, x), z2 = hn::Mul(z, z), z4 = hn::Mul(z2, z2);
  // tanh(x) / x = 1 - z/3 + 2z^2/15 - 17z^3/315 + 62z^4/2835 - 1382z^5/155925 + 21844z^6/6081075
  const V a = hn::MulAdd(z, Lit(-1.0 / 3), Lit(1.0));
  const V b = hn::MulAdd(z, Lit(-17.0 / 315), Lit(2.0 / 15));
  const V c = hn::MulAdd(z, Lit(-1382.0 / 155925), Lit(62.0 / 2835));
  const V series = hn::MulAdd(z4, hn::MulAdd(z2, Lit(21844.0 / 6081075), c), hn::MulAdd(z2, b, a));
  const V small = hn::Mul(x, series);
  return hn::IfThenElse(hn::Lt(ax, Lit(0.0625)), small, hn::CopySign(large, x));
}

}  // namespace math64
}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#endif  // ACTIV_KERNELS_SIMD_MATH64_INL_H_
