// sigma(x) = 1 / (1 + e^-x) and sigma'(x) = e^-|x| / (1 + e^-|x|)^2 in float32 lanes,
// within 0.565 ULP (0.623 on targets with 8 or fewer float lanes) forward and for
// dy * sigma'(x) rounded once, for |x| <= kMaxArg (the caller takes the double route for
// the other lanes). Included once per Highway target from inside a foreach_target
// translation unit; FMA targets only (the exact product and remainder terms below are
// single FMAs).
//
// Why (u = 2^-24; eps_e <= 1.03 * 2^-28 = 0.0644 u for N = 16, 0.122 u for N = 8, the
// error of exp32::ScaledExp):
//  - e = e^-|x| = hi + lo from ScaledExp (scale 1: |x| <= 75 keeps 2^k normal and lo's
//    absolute 2^-150 below 2^-41.8 of e >= e^-75 = 2^-108.2), then e1 = RN(hi + lo) and
//    its error e1_err (Fast2Sum, exact: |lo| < 2^-5 hi): e = e1 + e1_err, |e1_err| <= u e1.
//  - S = 1 + e = s + t: s = RN(1 + e1), its error exact by Fast2Sum (1 >= e1), plus
//    e1_err rounded once: |t| <= 2^-22.4, t's rounding <= 2^-46.
//  - 1/S = q0 + ql: q0 = RN(1/s), rho = 1 - q0 s exact in one FMA (q0 is the rounded
//    reciprocal; Markstein), rho2 = RN(rho - q0 t) with |rho2| <= 2^-21.7 (rounding
//    2^-45.7), ql = RN(q0 rho2). Dropping rho2^2 (2^-43.4) and the roundings leaves
//    q0 + ql within 2^-42.5 of 1/(s + t) relative.
//  - forward: y = a / S with a = 1 (x >= 0) or e (x < 0): P = RN(a q0), its error Pe
//    (FMA), corr = a ql + (a_err q0 + Pe) in two FMAs (|corr| <= 2^-21.2 P, roundings
//    2^-44 P; a_err ql dropped, 2^-45.7), y = RN(P + corr). The exact y's sensitivity to
//    e's relative error is e / (1 + e) <= 1/2 for x >= 0 and 1 / (1 + e) <= 1 for x < 0,
//    so before the last rounding y is within eps_e + 2^-41.5 relative.
//  - derivative: q^2 = Q + Ql (Q = RN(q0^2), Ql = (q0^2 - Q) + 2 q0 ql, within 2^-42
//    relative), g = e q^2 = G + gl as the forward's product, sensitivity to e's error
//    (1 - e) / (1 + e) <= 1: within eps_e + 2^-40.5. dx = RN(dy G + RN(dy gl)) adds
//    2^-44; the caller sends lanes where dy G is not a normal float (or dy is 0 or not
//    finite) to the double route, where the products underflow or overflow.
// A relative error eps before one rounding is at most 0.5 + eps 2^24 ULP: 0.5 + 0.0644
// + 2^-16 (N = 16) or 0.5 + 0.122 + 2^-16 (N = 8).
// Per-target include guard, as Highway's own -inl.h headers.
#if defined(ACTIV_KERNELS_SIMD_LOGISTIC32_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIV_KERNELS_SIMD_LOGISTIC32_INL_H_
#undef ACTIV_KERNELS_SIMD_LOGISTIC32_INL_H_
#else
#define ACTIV_KERNELS_SIMD_LOGISTIC32_INL_H_
#endif

#include <hwy/highway.h>

#include "kernels/simd/exp32-inl.h"

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace logistic32 {
namespace hn = hwy::HWY_NAMESPACE;
using exp32::DF;
using exp32::DI;
using exp32::VF;

// a + b = sum + err exactly (Knuth's TwoSum, any magnitudes).
HWY_INLINE VF TwoSum(VF a, VF b, VF& err) {
  const VF sum = hn::Add(a, b), bb = hn::Sub(sum, a);
  err = hn::Add(hn::Sub(a, hn::Sub(sum, bb)), hn::Sub(b, bb));
  return sum;
}

// Lanes with |x| above this take the double route (see the top).
constexpr float kMaxArg = 75.0f;

// e^-|x| = e1 + e1_err and 1 / (1 + e^-|x|) = q0 + ql, for |x| <= kMaxArg (larger |x|
// is clamped: the forward's saturated side needs no more).
struct Parts {
  VF e1, e1_err, q0, ql;
};
// x may be a float pair x + x_lo (|x_lo| <= 2^-24 |x|, exp32's argument condition): the
// analysis at the top holds for it unchanged, since ScaledExp takes its argument as a
// pair (the low part is dropped where |x| is clamped).
HWY_INLINE Parts Split(VF x, VF x_lo) {
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  const VF limit = hn::Set(d, kMaxArg);
  const VF ax = hn::Abs(x);
  // -|x + x_lo| = -|x| - sign(x) x_lo
  const VF dl = hn::IfThenElseZero(hn::Le(ax, limit), hn::IfThenElse(hn::Ge(x, hn::Zero(d)), hn::Neg(x_lo), x_lo));
  const exp32::ExpPair e =
      exp32::ScaledExp(hn::Neg(hn::Min(ax, limit)), dl, hn::Set(DI(), exp32::BiasFor(0)));
  Parts out;
  out.e1 = hn::Add(e.hi, e.lo);
  out.e1_err = hn::Sub(e.lo, hn::Sub(out.e1, e.hi));
  const VF s = hn::Add(one, out.e1);
  const VF t = hn::Add(hn::Sub(out.e1, hn::Sub(s, one)), out.e1_err);
  out.q0 = hn::Div(one, s);  // measured faster than an approximate reciprocal and a Newton step
  const VF rho = hn::NegMulAdd(out.q0, s, one);
  out.ql = hn::Mul(out.q0, hn::NegMulAdd(out.q0, t, rho));
  return out;
}
HWY_INLINE Parts Split(VF x) { return Split(x, hn::Zero(DF())); }

// (a + a_err) (q0 + ql) as P + corr, not yet added.
struct Product {
  VF p, corr;
};
HWY_INLINE Product Multiply(VF a, VF a_err, VF q0, VF ql) {
  const VF p = hn::Mul(a, q0);
  return {p, hn::MulAdd(a, ql, hn::MulAdd(a_err, q0, hn::MulSub(a, q0, p)))};
}

// sigma(x) = P + corr, and rounded once.
HWY_INLINE Product Sigma(VF x, VF x_lo) {
  const DF d;
  const Parts s = Split(x, x_lo);
  const auto positive = hn::Ge(x, hn::Zero(d));
  const VF a = hn::IfThenElse(positive, hn::Set(d, 1.0f), s.e1);
  return Multiply(a, hn::IfThenZeroElse(positive, s.e1_err), s.q0, s.ql);
}
HWY_INLINE Product Sigma(VF x) { return Sigma(x, hn::Zero(DF())); }
HWY_INLINE VF Forward(VF x) {
  const Product y = Sigma(x);
  return hn::Add(y.p, y.corr);
}

// sigma'(x) = G + gl.
HWY_INLINE Product Derivative(VF x) {
  const Parts s = Split(x);
  const VF q2 = hn::Mul(s.q0, s.q0);
  const VF q2l = hn::MulAdd(hn::Add(s.q0, s.q0), s.ql, hn::MulSub(s.q0, s.q0, q2));
  return Multiply(s.e1, s.e1_err, q2, q2l);
}

// tanh(x) = sign(x) (1 - e) / (1 + e), e = e^-2|x|, for |x| >= kTanhSeriesMax, and the
// odd Taylor series below, within 0.65 ULP (N = 16) or 0.67 (N = 8):
//  - 1 - e = n + n_err: n = RN(1 - e1), its error exact by Fast2Sum, minus e1_err (one
//    rounding, 2^-48); times q0 + ql and rounded once as the forward above. The exact
//    value's sensitivity to e's relative error is e / (1 - e) + e / (1 + e) = 2e / (1 -
//    e^2) <= 1.364 at 2|x| >= 0.68: 0.088 u (N = 16) or 0.167 u (N = 8).
//  - |x| < 0.34: tanh(x) = x (1 + c), c = z Q(z), z = x^2, Q the series' -1/3 + 2z/15
//    - ... to z^7 (remainder 2^-35.6 relative), in float32 Horner: z carries u, Q about
//    1.65 u (its leading coefficient's rounding 0.5 u, the last step's u, the rest
//    0.15 u), the product u: 3.7 u relative to |c| <= 0.0386, 0.149 u after x (1 + c)
//    (|c| / (1 - |c|)), then one rounding.
// So 0.5 + 0.149 + 2^-10 ULP on the series side, 0.5 + 0.088 (N = 16) or 0.167 (N = 8)
// plus the pair arithmetic's 2^-40 on the other: 0.65 or 0.67.
constexpr float kTanhSeriesMax = 0.34f;
HWY_INLINE VF Tanh(VF x) {
  const DF d;
  const auto lit = [&](float c) { return hn::Set(d, c); };
  const VF one = lit(1.0f);
  const VF ax = hn::Abs(x);
  const Parts s = Split(hn::Add(ax, ax));
  const VF n = hn::Sub(one, s.e1);
  const VF n_err = hn::Sub(hn::Sub(hn::Sub(one, n), s.e1), s.e1_err);
  const Product t = Multiply(n, n_err, s.q0, s.ql);
  const VF large = hn::Add(t.p, t.corr);
  const VF z = hn::Mul(ax, ax);
  VF q = lit(float(-929569.0 / 638512875));
  q = hn::MulAdd(q, z, lit(float(21844.0 / 6081075)));
  q = hn::MulAdd(q, z, lit(float(-1382.0 / 155925)));
  q = hn::MulAdd(q, z, lit(float(62.0 / 2835)));
  q = hn::MulAdd(q, z, lit(float(-17.0 / 315)));
  q = hn::MulAdd(q, z, lit(float(2.0 / 15)));
  q = hn::MulAdd(q, z, lit(float(-1.0 / 3)));
  const VF small = hn::MulAdd(ax, hn::Mul(z, q), ax);
  return hn::CopySign(hn::IfThenElse(hn::Lt(ax, lit(kTanhSeriesMax)), small, large), x);  // -0 too
}

// mish(x) = x t, t = tanh(softplus(x)) = N / D with e = e^-|x| (as Split's e1 + e1_err):
// N = 2e + e^2, D = N + 2 for x < 0 (t = n / (n + 2), n = e^x (e^x + 2)), and N = 1 + 2e,
// D = N + 2e^2 for x >= 0 (the same divided by e^2x), so nothing overflows or cancels.
// e^2, N and D are float pairs (FMA products, TwoSum sums: within 2^-46), t = q0 + t_lo
// with q0 = RN(Nh / Dh) and t_lo = (Nh - q0 Dh + Nl - q0 Dl) / Dh (the remainder exact
// by FMA; within 2^-44). t's sensitivity to e's relative error is (2 / (n + 2)) (2 + 2e)
// / (2 + e) <= 4/3 for x < 0 and at most 0.54 for x >= 0, so y = RN(x q0 + RN(x t_lo)) is
// within 0.5 + (4/3) eps_e 2^24 + 2^-15 ULP: 0.586 (N = 16) or 0.663 (N = 8). Valid for
// |x| <= kMaxArg (e^-|x| normal; larger x > 0 clamp: t rounds to 1 there).
HWY_INLINE Product MishFactor(VF x) {
  const DF d;
  const auto lit = [&](float c) { return hn::Set(d, c); };
  const VF ax = hn::Min(hn::Abs(x), lit(kMaxArg));
  const exp32::ExpPair ep = exp32::ScaledExp(hn::Neg(ax), hn::Zero(d), hn::Set(DI(), exp32::BiasFor(0)));
  const VF e1 = hn::Add(ep.hi, ep.lo);
  const VF e1_err = hn::Sub(ep.lo, hn::Sub(e1, ep.hi));
  // e^2 = v + v_lo; 2e = 2 e1 + 2 e1_err exactly.
  const VF v = hn::Mul(e1, e1);
  const VF v_lo = hn::MulAdd(hn::Add(e1, e1), e1_err, hn::MulSub(e1, e1, v));
  const auto negative = hn::Lt(x, hn::Zero(d));
  // N = A + 2e: A = e^2 (x < 0) or 1; D = N + B: B = 2 (x < 0) or 2 e^2.
  const VF a = hn::IfThenElse(negative, v, lit(1.0f)), a_lo = hn::IfThenElseZero(negative, v_lo);
  VF n_err, d_err;
  const VF nh = TwoSum(a, hn::Add(e1, e1), n_err);
  const VF nl = hn::Add(n_err, hn::MulAdd(lit(2.0f), e1_err, a_lo));
  const VF b = hn::IfThenElse(negative, lit(2.0f), hn::Add(v, v)), b_lo = hn::IfThenZeroElse(negative, hn::Add(v_lo, v_lo));
  const VF dh = TwoSum(nh, b, d_err);
  const VF dl = hn::Add(d_err, hn::Add(nl, b_lo));
  const VF q0 = hn::Div(nh, dh);
  const VF rem = hn::NegMulAdd(q0, dh, nh);  // exact
  const VF t_lo = hn::Div(hn::Add(rem, hn::NegMulAdd(q0, dl, nl)), dh);
  return {q0, t_lo};
}

}  // namespace logistic32
}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#endif  // ACTIV_KERNELS_SIMD_LOGISTIC32_INL_H_
