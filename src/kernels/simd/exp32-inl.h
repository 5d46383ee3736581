// e^d in float32 lanes as a float pair hi + lo, scaled by a power of two the caller
// picks, within about 2^-28 relative: the exp of the softmax row kernel (softmax.cc) and
// of the float32-lane sigmoid (elementwise.cc); and e^t - 1 for t <= 0 (Expm1, the elu
// family's), with its own analysis. Included once per Highway target from
// inside their foreach_target translation units.
//
// Why the pair is within 1.03 * 2^-28 relative (N = 16 table entries, where a vector
// holds 16 floats: AVX-512) or 1.95 * 2^-28 (N = 8 elsewhere), for an argument given as
// a float pair dh + dl with -110 <= dh <= 0 and |dl| <= 2^-24 |dh| (the softmax's
// direct argument, |dh| <= 170 with dl = 0, is covered by the variant figures in
// parentheses). L = ln 2 / N; u = 2^-24.
//  (b) k' = round(dh / L) by the 1.5 * 2^23 shifter, |k'| <= 2541; k' = N k + j.
//      r = (dh - k' L_hi) + (dl - k' L_lo): L_hi = 0x1.62ep-1 / N has 12 significant
//      bits, so k' L_hi is exact, and dh - k' L_hi is exact (for k' != 0, |dh| >= L/2
//      puts dh's ULP at or above 2^-29 (N = 16) / 2^-28 (N = 8) while the difference is
//      below 2^-5 / 2^-4 in magnitude and a multiple of that ULP). |r| <= L/2 + 2^-16
//      (dl and the rounding of 1/L shift it by less). The error of r: the split of L
//      (|k'| |L - L_hi - L_lo| <= 2^-31.8, scripts/gen_softmax_exp_tables.py), the
//      rounding of dl - k' L_lo (|.| < 2^-7: 2^-32) and of the final sum (half an ULP of
//      |r| < 2^-5 / 2^-4: 2^-30 / 2^-29). Total rho <= 1.53 * 2^-30 (N = 16) or
//      1.27 * 2^-29 (N = 8) (1.56 / 1.30 for |dh| <= 170: |k'| <= 3925, the split errs
//      by 2^-31.2), relative error of e^r.
//  (c) e^r = 1 + p, p = r + r^2 q(r), q the Taylor polynomial of degree 2 (N = 16) or 3
//      (N = 8): truncation 2^-34.5 / 2^-36.5 relative (the script, coefficients rounded
//      to float32). p's one rounding is half an ULP of |p| < 2^-5 / 2^-4 (2^-30 / 2^-29),
//      r^2 and q's roundings add under 2^-34; relative to 1 + p >= 0.957 that is
//      1.04 * 2^-30 / 1.05 * 2^-29.
//  (d) e^d = 2^k 2^(j/N) (1 + p) = 2^k (hi + el), hi + lo = 2^(j/N) to 2^-49 (the
//      table), el = hi p + lo (1 + p) rounded once: 2^-24 |el| <= 2^-24 |p| hi (1 + 2^-20),
//      relative to e: 0.0224 u (N = 16) / 0.0464 u (N = 8).
//  (e) hi and el are scaled by 2^(k+s), s the caller's: exact for hi while 2^(k+s) is a
//      normal float, and el loses at most 2^-150 in absolute terms (it is subnormal when
//      2^(k+s) < 2^-121), which each caller bounds against its own result.
// So hi + lo carries a relative error eps_e <= 1.03 * 2^-28 = 0.0644 u (N = 16) or
// 1.95 * 2^-28 = 0.122 u (N = 8) (the sums of the terms above, rounded up), plus (e)'s
// absolute 2^-150. Targets without native FMA round el's products twice: the callers
// take this path only with HWY_NATIVE_FMA or account for it.
// Per-target include guard, as Highway's own -inl.h headers.
#if defined(ACTIV_KERNELS_SIMD_EXP32_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIV_KERNELS_SIMD_EXP32_INL_H_
#undef ACTIV_KERNELS_SIMD_EXP32_INL_H_
#else
#define ACTIV_KERNELS_SIMD_EXP32_INL_H_
#endif

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace exp32 {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;
using DI = hn::RebindToSigned<DF>;
using VI = hn::Vec<DI>;

constexpr std::size_t kFloatLanes = hn::MaxLanes(DF());
// 2^(j/N) for j < N, N = 16 where one vector holds the whole table, else 8 (a smaller
// table takes a longer polynomial; see the error analysis at the top).
constexpr int kTableBits = kFloatLanes >= 16 ? 4 : 3;
constexpr int kTableSize = 1 << kTableBits;

// 2^(j/16) = kExp2Hi[j] + kExp2Lo[j] to 2^-49 (scripts/gen_softmax_exp_tables.py).
constexpr float kExp2Hi[16] = {0x1p+0f,       0x1.0b5586p+0f, 0x1.172b84p+0f, 0x1.2387a6p+0f,
                               0x1.306fep+0f, 0x1.3dea64p+0f, 0x1.4bfdaep+0f, 0x1.5ab07ep+0f,
                               0x1.6a09e6p+0f, 0x1.7a1148p+0f, 0x1.8ace54p+0f, 0x1.9c4918p+0f,
                               0x1.ae89fap+0f, 0x1.c199bep+0f, 0x1.d5818ep+0f, 0x1.ea4afap+0f};
constexpr float kExp2Lo[16] = {0x0p+0f,         0x1.9f3122p-25f,  -0x1.c15742p-27f, 0x1.ceac48p-25f,
                               0x1.4636e2p-25f, 0x1.824684p-25f,  -0x1.593abcp-25f, -0x1.5bd5ecp-27f,
                               0x1.9fcef4p-26f, -0x1.829fdp-25f,  0x1.15506ep-27f,  0x1.51f848p-27f,
                               -0x1.a94b14p-26f, -0x1.3d56b2p-27f, -0x1.822dbcp-27f, 0x1.52486cp-27f};

// The table this target uses, padded to a whole vector (the lanes past N are never
// indexed).
struct Exp2Table {
  HWY_ALIGN float hi[kFloatLanes > 16 ? kFloatLanes : 16];
  HWY_ALIGN float lo[kFloatLanes > 16 ? kFloatLanes : 16];
};
constexpr Exp2Table MakeTable() {
  Exp2Table t{};
  for (int j = 0; j < kTableSize; ++j) {
    t.hi[j] = kExp2Hi[j * (16 / kTableSize)];
    t.lo[j] = kExp2Lo[j * (16 / kTableSize)];
  }
  return t;
}
constexpr Exp2Table kTable = MakeTable();

// The bias argument of ScaledExp for the scale 2^s.
constexpr int BiasFor(int s) { return (127 + s) * kTableSize - 0x4B400000; }

struct ExpPair {
  VF hi, lo;
};
// The pieces ScaledExp and Expm1 share: k' by the shifter (t = 1.5 * 2^23 + k', its bits
// 0x4B400000 + k'), r1 = d - k' L_hi (exact), L_lo, q(r) = 1/2 + r/6 + r^2/24 (+ r^3/120 for
// N = 8), the table entry 2^(j/N) = hi + lo, and 2^(k+s) from the bits and BiasFor(s).
struct Reduced {
  VI bits;
  VF kf, r1;
};
HWY_INLINE Reduced Reduce(VF d) {
  const DF df;
  constexpr float kN = static_cast<float>(kTableSize);
  const VF shifter = hn::Set(df, 0x1.8p23f);
  const VF t = hn::MulAdd(d, hn::Set(df, kN * 1.44269504088896341f), shifter);
  const VF kf = hn::Sub(t, shifter);
  return {hn::BitCast(DI(), t), kf, hn::NegMulAdd(kf, hn::Set(df, 0x1.62ep-1f / kN), d)};
}
HWY_INLINE VF LnTwoLow() { return hn::Set(DF(), 0x1.0bfbe8p-15f / static_cast<float>(kTableSize)); }  // L_lo
HWY_INLINE VF TaylorQ(VF r) {
  const DF df;
  const auto lit = [&](float c) { return hn::Set(df, c); };
  VF q;
  if constexpr (kTableBits == 3)
    q = hn::MulAdd(hn::MulAdd(lit(0x1.111112p-7f), r, lit(0x1.555556p-5f)), r, lit(0x1.555556p-3f));
  else
    q = hn::MulAdd(lit(0x1.555556p-5f), r, lit(0x1.555556p-3f));
  return hn::MulAdd(q, r, lit(0.5f));
}
HWY_INLINE ExpPair TableEntry(VI bits) {
  const DF df;
  const auto j = hn::And(bits, hn::Set(DI(), kTableSize - 1));
  if constexpr (kFloatLanes >= kTableSize) {
    const auto idx = hn::IndicesFromVec(df, j);
    return {hn::TableLookupLanes(hn::Load(df, kTable.hi), idx), hn::TableLookupLanes(hn::Load(df, kTable.lo), idx)};
  } else {
    return {hn::GatherIndex(df, kTable.hi, j), hn::GatherIndex(df, kTable.lo, j)};
  }
}
// 2^(k+s): (k' + (127 + s) N) >> log2 N = k + s + 127, its biased exponent.
HWY_INLINE VF PowerOfTwo(VI bits, VI bias) {
  return hn::BitCast(DF(), hn::ShiftLeft<23>(hn::ShiftRight<kTableBits>(hn::Add(bits, bias))));
}

// e^(dh + dl) 2^s = hi + lo (the analysis at the top), bias = BiasFor(s) in every lane.
HWY_INLINE ExpPair ScaledExp(VF dh, VF dl, VI bias) {
  const Reduced k = Reduce(dh);
  const VF r = hn::Add(k.r1, hn::NegMulAdd(k.kf, LnTwoLow(), dl));
  const VF p = hn::MulAdd(hn::Mul(r, r), TaylorQ(r), r);
  const ExpPair t = TableEntry(k.bits);
  const VF el = hn::MulAdd(p, t.hi, hn::MulAdd(p, t.lo, t.lo));
  const VF scale = PowerOfTwo(k.bits, bias);
  return {hn::Mul(t.hi, scale), hn::Mul(el, scale)};
}

// e^t - 1 = hi + lo for -26 <= t <= 0 (the elu family's negative side), within 2^-27.6
// relative (N = 16; N = 8: 2^-28.5). k' and r1 = t - k' L_hi (exact) as in ScaledExp;
// |k'| <= 601 (N = 16) or 301.
//  - r_lo = -k' L_lo rounded once, and the split of L: |k'| 2^-41.9 in all (|k' L_lo|
//    <= |k'| 2^-18.9 rounds by |k'| 2^-42.9; ScaledExp's 2^-31.8 is 2^-43.1 per unit k').
//  - e^r - 1 = r1 + p_lo, p_lo = RN(r_lo + r^2 q(r)) with r = RN(r1 + r_lo): |r^2 q| <=
//    2^-12 (N = 8: 2^-10.9), rounding 2^-36 (2^-35); truncation 2^-34.5 (2^-36.5); the
//    rounded r inside r^2 q costs 2^-40.
//  - with H = 2^k hi (exact; H <= 1 since k' <= 0), e^t - 1 = (H - 1) + H r1 + C,
//    C = H p_lo + 2^k lo (1 + r) in two FMAs (|C| <= 2^-11.9: 2^-35.9 each): H - 1 = A +
//    A_err exactly (Fast2Sum, 1 >= H), H r1 = B + B_err exactly (FMA), A + B = S + S_err
//    exactly by Fast2Sum (|A| >= 1 - 2^(-1/N) > L/2 >= |B| where k' != 0, A = 0 where
//    k' = 0), and lo = RN(S_err + A_err + B_err + C) (|.| <= 2^-11: 2^-35).
// Where k' != 0, |e^t - 1| >= 1 - e^(-(|k'| - 1/2) L) > 2^-5.54 (N = 16) or 2^-4.56: the
// |k'|-proportional terms are within 2^-32.7 of it, the rest (2^-33.2 absolute, H <= 1)
// within 2^-27.7 (2^-28.6). Where k' = 0, r1 = t exactly, A = 0, and the errors are
// relative to |t|: truncation t^4 / 120 <= 2^-29 (N = 8: t^5 / 720, 2^-32), roundings
// 2^-30.
HWY_INLINE ExpPair Expm1(VF t) {
  const VF one = hn::Set(DF(), 1.0f);
  const Reduced k = Reduce(t);
  const VF r_lo = hn::Mul(k.kf, hn::Neg(LnTwoLow()));
  const VF r = hn::Add(k.r1, r_lo);
  const VF p_lo = hn::MulAdd(hn::Mul(r, r), TaylorQ(r), r_lo);
  const ExpPair e = TableEntry(k.bits);
  const VF scale = PowerOfTwo(k.bits, hn::Set(DI(), BiasFor(0)));
  const VF h = hn::Mul(e.hi, scale), l = hn::Mul(e.lo, scale);
  const VF a = hn::Sub(h, one);
  const VF a_err = hn::Sub(h, hn::Add(a, one));  // Fast2Sum(-1, h)
  const VF b = hn::Mul(h, k.r1);
  const VF b_err = hn::MulSub(h, k.r1, b);
  const VF c = hn::MulAdd(h, p_lo, hn::MulAdd(l, r, l));
  const VF sum = hn::Add(a, b);
  const VF sum_err = hn::Sub(b, hn::Sub(sum, a));  // Fast2Sum(a, b)
  return {sum, hn::Add(hn::Add(hn::Add(sum_err, a_err), b_err), c)};
}

}  // namespace exp32
}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#endif  // ACTIV_KERNELS_SIMD_EXP32_INL_H_
