// The softmax family's float32 row kernel, one body for every ISA (Highway
// foreach_target with runtime dispatch). Three passes over one row, of which only the
// first reads memory when the row is new: the row (and the float64 scratch beside it)
// then sits in cache for the other two.
//   1. m = max of z = sign*x in float lanes (exact), noting NaN.
//   2. d = (z - m)/T and e = e^d in float32 lanes (exp32-inl.h), widened to float64
//      for the sum and the scratch. log_softmax keeps t = the sum over d < 0 plus the
//      ties of the max beyond the first apart, as the scalar reference (rows.hpp) does,
//      so that log1p(t) has no cancellation; it stores d, computed in float64.
//   3. y = e * (1/sum), or d - log1p(t), in float64, rounded once to float32.
// A row from main memory (kFromMemoryBytes) prefetches what follows it during pass 2
// (PrefetchDistance).
// Lane layout depends only on n, so equal rows give equal bits wherever they lie (the
// strided axes rely on that). Rows side by side in memory (the first axis) take the
// column kernel (Columns, below), whose lanes are rows: the same passes, the same
// arithmetic per element and the same order of the sum, so the same bits.
//
// ---- e^d in float32 lanes, and why the result stays within 0.63 ULP (0.745 on
// targets with fewer than 16 float lanes) ----
// Notation: u = 2^-24 (half a float32 ULP, relative); N = 16 table entries where a
// vector holds 16 floats (AVX-512), else N = 8; L = ln 2 / N.
//  (a) d exactly as a float pair dh + dl: dh = fl(z - m) and dl its error by TwoSum
//      (Knuth; exact whenever dh is finite). With T != 1, (dh + dl) * (th + tl), where
//      th + tl = 1/T to 2^-48 relative (1/T in [2^-60, 2^60]; other temperatures take
//      the scalar reference): the float pair product is within 2^-46 |d|, so d is known
//      to 2^-39 absolute for |d| <= 110. Lanes with dh < -110 are clamped to -110 and
//      their dl (NaN when z = -inf) dropped: their e^d <= e^-110 < 2^-158 gives y = 0
//      after rounding, as it should, and adds at most n 2^-158 to a sum >= 1.
//  (a') Rows with T = 1 and |m| <= 60 (kDirectMax) skip the subtraction: the argument is
//      z itself (exact), clamped below at m - 110, and the result is scaled by
//      2^(64-K), K = floor(m log2 e), instead of 2^64: e^z 2^(64-K) = F e^(z-m) with
//      F = e^m 2^(64-K) in [2^64, 2^65), which softmax's quotient cancels and
//      log_softmax divides out (F in float64 from Highway's Exp, 1 ULP = 2^-52). Then
//      |z| <= 170, |k'| <= 3925 (12 bits still), the split of L errs by 2^-31.2 and
//      (b)'s rho grows to 1.56 * 2^-30 / 1.30 * 2^-29: the totals below cover it.
//  (b)-(e) e^(dh + dl) 2^(64-K) as a float pair by exp32::ScaledExp (exp32-inl.h, which
//      gives the analysis): within eps_e below, and d >= -110 keeps 2^(k+64-K) a normal
//      float (k >= -159), so el's absolute 2^-150 is below 2^-54 of e 2^64 >= 2^-96.
//      In float64, hi + el (2^-53) and the sum (n 2^-53 for a row of n).
// So each e carries a relative error eps_e <= 1.03 * 2^-28 = 0.0644 u (N = 16) or
// 1.95 * 2^-28 = 0.122 u (N = 8) (exp32-inl.h), the sum at
// most eps_e + n 2^-53, and y = e / sum, computed as e * (1/sum) in float64
// (2 * 2^-53), is within eps_y = 2 eps_e + (n + 2) 2^-53 of the exact quotient before
// its one rounding to float32. A relative error eps
// is at most eps 2^24 ULP of a normal float32 result (ULP = 2^-23 of the power of two
// below it), and less for a subnormal one (ULP 2^-149 >= 2^-23 y): y is within
// 0.5 + 2 eps_e 2^24 + (n + 2) 2^-29 ULP, 0.629 + 2^-13 (N = 16) or 0.744 + 2^-13
// (N = 8) for rows up to 2^16.
// log_softmax: y = d - log1p(t), d in float64 (2^-52), t's relative error eps_t <=
// eps_e + n 2^-53. log1p's error then is at most eps_t t / (1 + t) <= eps_t log1p(t)
// (log(1 + t) >= t / (1 + t)), relative eps_t, plus Highway's Log1p's own 2 float64 ULP
// (2^-51, below 2^-26 float32 ULP), and d <= 0 <= log1p(t) do not cancel:
// y is within 0.5 + 0.0645 (N = 16) / 0.122 (N = 8) + 2^-13 ULP. When t < 2^-60 (one
// entry dominates by more than 41 nats), the clamped lanes' n 2^-158 could matter next
// to t, so t is summed again from the stored d with the float64 exp of math64-inl.h
// (2^-41), as before this kernel took float32 lanes.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/simd/softmax.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernels/simd/demote-inl.h"
#include "kernels/simd/exp32-inl.h"
#include "kernels/simd/math64-inl.h"
#include "kernels/simd/softmax.hpp"

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace softmax_row {

using DF = hn::ScalableTag<float>;  // the float lanes of pass 1 and of the exp
using VF = hn::Vec<DF>;
using DI = hn::RebindToSigned<DF>;
using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
using DH = hn::Rebind<float, D>;  // as many float lanes as D has double lanes

using exp32::kTableSize;
// Below this d, e^d counts as e^-110 (see (a) at the top).
constexpr float kMinD = -110.0f;
// Rows whose max m has |m| <= this (and T = 1) take e^z itself, scaled by 2^(64-K),
// instead of e^(z - m): no TwoSum ((a') at the top).
constexpr float kDirectMax = 60.0f;

HWY_INLINE VF Lit(float c) { return hn::Set(DF(), c); }

// The argument of the exp ((a) at the top): z itself, or d = z - m, or d = (z - m)/T.
// `mixed`: direct in the lanes of RowConst::direct, shifted in the others (the column
// kernel, whose lanes are different rows).
enum class Arg { direct, shifted, shifted_scaled, mixed };

// Row constants: -m, 1/T as a float pair th + tl, the lower clamp of z for Arg::direct,
// and the bias that puts 2^(k+64-K) in a float's exponent field; for Arg::mixed, the
// lanes that take the direct argument.
struct RowConst {
  VF sign, neg_m, th, tl, lo;
  hn::Vec<DI> bias;
  hn::Mask<DF> direct = hn::FirstN(DF(), 0);
};

// The exp's argument as dh + dl, dh >= kMinD (shifted) or m + kMinD (direct).
template <Arg kArg>
HWY_INLINE void ReduceD(VF x, const RowConst& c, VF& dh, VF& dl) {
  if constexpr (kArg == Arg::mixed) {
    VF sh, sl;
    ReduceD<Arg::direct>(x, c, dh, dl);
    ReduceD<Arg::shifted>(x, c, sh, sl);
    dh = hn::IfThenElse(c.direct, dh, sh);
    dl = hn::IfThenElse(c.direct, dl, sl);
    return;
  }
  const VF z = hn::Mul(x, c.sign);
  if constexpr (kArg == Arg::direct) {
    dh = hn::Max(z, c.lo);  // -inf becomes lo too
    dl = hn::Zero(DF());
    return;
  }
  VF s = hn::Add(z, c.neg_m);
  // TwoSum: s + err = z + (-m) exactly.
  const VF zz = hn::Sub(s, c.neg_m);
  const VF mm = hn::Sub(s, zz);
  VF err = hn::Add(hn::Sub(z, zz), hn::Sub(c.neg_m, mm));
  if constexpr (kArg == Arg::shifted_scaled) {
    const VF ph = hn::Mul(s, c.th);
    err = hn::MulAdd(s, c.tl, hn::MulAdd(err, c.th, hn::MulSub(s, c.th, ph)));
    s = ph;
  }
  const auto in_range = hn::Ge(s, Lit(kMinD));
  dl = hn::IfThenElseZero(in_range, err);
  dh = hn::IfThenElse(in_range, s, Lit(kMinD));
}

constexpr double kExpScale = 0x1p64;  // ScaledExp's factor, which the quotient e/sum cancels

// Widens the float lanes of v to float64: Lanes(DF)/Lanes(D) vectors of D (one on
// HWY_SCALAR, where both hold one lane).
#if HWY_TARGET == HWY_SCALAR
constexpr std::size_t kHalves = 1;
HWY_INLINE V Widen(VF v, std::size_t) { return hn::PromoteTo(D(), v); }
#else
constexpr std::size_t kHalves = 2;
HWY_INLINE V Widen(VF v, std::size_t half) {
  const hn::Half<DF> dh;
  return hn::PromoteTo(D(), half == 0 ? hn::LowerHalf(dh, v) : hn::UpperHalf(dh, v));
}
#endif

// The first `count` (< Lanes(d)) elements at p, `fill` in the other lanes. AVX2 and
// AVX-512 mask the load itself (nothing past p + count is read, and no scalar stores
// stall the vector load); the other targets go through a buffer.
template <class Dx>
HWY_INLINE hn::Vec<Dx> LoadTail(Dx d, const hn::TFromD<Dx>* p, std::size_t count, hn::Vec<Dx> fill) {
#if HWY_TARGET <= HWY_AVX2
  const auto m = hn::FirstN(d, count);
  return hn::IfThenElse(m, hn::MaskedLoad(m, d, p), fill);
#else
  HWY_ALIGN hn::TFromD<Dx> buf[hn::MaxLanes(d)];
  hn::Store(fill, d, buf);
  std::memcpy(buf, p, count * sizeof(*p));
  return hn::Load(d, buf);
#endif
}

// Stores the first `count` (< Lanes(d)) lanes of v at p, nothing past p + count.
template <class Dx>
HWY_INLINE void StoreTail(Dx d, hn::Vec<Dx> v, hn::TFromD<Dx>* p, std::size_t count) {
#if HWY_TARGET <= HWY_AVX2
  hn::BlendedStore(v, hn::FirstN(d, count), d, p);
#else
  HWY_ALIGN hn::TFromD<Dx> buf[hn::MaxLanes(d)];
  hn::Store(v, d, buf);
  std::memcpy(p, buf, count * sizeof(*p));
#endif
}

// The largest lane. EMU128's MaxOfLanes starts from the lowest finite value, so a
// vector of -inf would give -FLT_MAX there (and an all -inf row would not be declined).
HWY_INLINE float MaxLane(DF d, VF v) {
#if HWY_TARGET == HWY_EMU128
  HWY_ALIGN float lanes[hn::MaxLanes(d)];
  hn::Store(v, d, lanes);
  float m = -HUGE_VALF;
  for (std::size_t k = 0; k < hn::Lanes(d); ++k) m = std::max(m, lanes[k]);
  return m;
#else
  return hn::GetLane(hn::MaxOfLanes(d, v));
#endif
}

struct RowMax {
  float max;
  bool nan;
};

// Pass 1: max of sign*x (exact in float lanes).
HWY_INLINE RowMax MaxOfRow(const float* x, std::size_t n, float sign) {
  const DF d;
  const std::size_t step = hn::Lanes(d);
  const auto s = hn::Set(d, sign);
  auto m0 = hn::Set(d, -HUGE_VALF), m1 = m0;
  auto nan = hn::FirstN(d, 0);
  std::size_t i = 0;
  // Two vectors per step: two independent max chains.
  for (; i + 2 * step <= n; i += 2 * step) {
    const auto a = hn::LoadU(d, x + i), b = hn::LoadU(d, x + i + step);
    nan = hn::Or(nan, hn::Or(hn::IsNaN(a), hn::IsNaN(b)));
    m0 = hn::Max(m0, hn::Mul(a, s));
    m1 = hn::Max(m1, hn::Mul(b, s));
  }
  for (; i + step <= n; i += step) {
    const auto a = hn::LoadU(d, x + i);
    nan = hn::Or(nan, hn::IsNaN(a));
    m0 = hn::Max(m0, hn::Mul(a, s));
  }
  if (i < n) {
    const auto a = LoadTail(d, x + i, n - i, hn::Set(d, -sign * HUGE_VALF));
    nan = hn::Or(nan, hn::IsNaN(a));
    m1 = hn::Max(m1, hn::Mul(a, s));
  }
  return {MaxLane(d, hn::Max(m0, m1)), !hn::AllFalse(d, nan)};
}

// Row constants for pass 2's float64 lanes (log_softmax's d): m for each half of the
// float lanes (the column kernel's lanes are different rows).
struct RowConst64 {
  V m[kHalves], inv_t, sign;
};

// What a direct argument ((a') at the top) needs from the max m, lane by lane in
// float64 (the column kernel's lanes are different rows; Row takes one lane, so each row
// gets the same bits either way): K = floor(m log2 e), and log_softmax's factor F =
// e^m 2^(64-K) (Highway's float64 Exp, within 1 float64 ULP). `direct` lanes only; the
// others get K = 0 and F = 2^64 (their m may be huge: it never reaches the Exp).
struct DirectConst {
  V k, scale;
};
HWY_INLINE DirectConst DirectFor(V m, hn::Mask<D> direct, bool with_scale) {
  const D d;
  const hn::RebindToSigned<D> di;
  const V safe = hn::IfThenElseZero(direct, m);
  const V k = hn::Floor(hn::Mul(safe, hn::Set(d, 1.4426950408889634)));
  if (!with_scale) return {k, hn::Set(d, kExpScale)};
  // 2^(64-K): the integer 1023 + 64 - K sits in the low bits of 2^52 + it, and moves
  // from there into the exponent field.
  const V biased = hn::Add(hn::Set(d, 0x1p52 + 1023.0 + 64.0), hn::Neg(k));
  const V pow2 = hn::BitCast(d, hn::ShiftLeft<52>(hn::BitCast(di, biased)));
  return {k, hn::IfThenElse(direct, hn::Mul(hn::Exp(d, safe), pow2), hn::Set(d, kExpScale))};
}
// log_softmax's log1p(t), t >= 0, as Highway's float64 Log1p (2 ULP) computes it: Row
// takes one lane of it, the column kernel a lane per row.
HWY_INLINE V LogOnePlus(V t) { return hn::Log1p(D(), t); }

// Pass 2 on one vector of float lanes at x[i] (xv), writing scratch[i...].
// softmax: stores e 2^64 and adds it to `sum`. log_softmax: stores d (float64), adds
// e 2^64 to `sum` where d < 0 and counts the maxima (d = 0) in `maxima`, so that
// t = sum + maxima - 1 keeps its digits when it is tiny. sum and maxima: one vector
// per half of the float lanes.
template <bool kLog, Arg kArg>
HWY_INLINE void ExpLanes(VF xv, double* out, const RowConst& c, const RowConst64& c64, V* sum, V* maxima) {
  const D d;
  VF dh, dl;
  ReduceD<kArg>(xv, c, dh, dl);
  const exp32::ExpPair e = exp32::ScaledExp(dh, dl, c.bias);
  for (std::size_t h = 0; h < kHalves; ++h) {
    V ed = hn::Add(Widen(e.hi, h), Widen(e.lo, h));
    double* o = out + h * hn::Lanes(d);
    if constexpr (kLog) {
      const V dz = hn::Mul(hn::Sub(hn::Mul(Widen(xv, h), c64.sign), c64.m[h]), c64.inv_t);  // <= 0; -inf for z = -inf
      const auto below = hn::Lt(dz, hn::Zero(d));
      ed = hn::IfThenElseZero(below, ed);
      maxima[h] = hn::Add(maxima[h], hn::IfThenZeroElse(below, hn::Set(d, 1.0)));
      hn::StoreU(dz, d, o);
    } else {
      hn::StoreU(ed, d, o);
    }
    sum[h] = hn::Add(sum[h], ed);
  }
}

// t for log_softmax from the stored d in float64 lanes (the fallback for a tiny t).
HWY_INLINE double TailSum64(const double* dz, std::size_t n) {
  const D d;
  V t = hn::Zero(d);
  std::size_t i = 0;
  for (; i + hn::Lanes(d) <= n; i += hn::Lanes(d)) {
    const V v = hn::LoadU(d, dz + i);
    t = hn::Add(t, hn::IfThenElseZero(hn::Lt(v, hn::Zero(d)), math64::Exp(v)));
  }
  double s = hn::GetLane(hn::SumOfLanes(d, t));
  for (; i < n; ++i)
    if (dz[i] < 0) s += std::exp(dz[i]);
  return s;
}

// Inputs of at least this many bytes come from main memory: pass 2 then prefetches the
// next row, which pass 1 of that row would otherwise wait for (the row's compute and its
// read overlap). Measured at 2^26 elements in rows of 1024: 0.44 -> 0.41 ns/element
// (medians of 15, interleaved). Non-temporal stores of y were tried as well and gained
// nothing measurable at rows of 1024 while costing up to 1.8x at rows of 64 whose start
// is not 64-byte aligned. 16 MiB is past the L2 caches and half this machine kind's L3.
constexpr std::size_t kFromMemoryBytes = std::size_t{16} << 20;

// How far ahead (in floats) a row from memory prefetches, within the rows back to back
// from this one on (`left` floats, this row's n included): the next row, but at least
// 1 KiB, so that short rows too are fetched early enough; 0 (no prefetch) when the input
// is not from memory or too little is left.
HWY_INLINE std::size_t PrefetchDistance(bool from_memory, std::size_t n, std::size_t left) {
  const std::size_t distance = std::max<std::size_t>(n, 256);
  return from_memory && distance + n <= left ? distance : 0;
}

// The lanes of v summed in a fixed order, halving: lane l += lane l + w for w = Lanes/2,
// Lanes/4, ..., 1. The column kernel (Columns) sums its lane-wise totals in the same
// order, so a row gives the same bits along any axis.
HWY_INLINE double SumLanesInOrder(V v) {
  const D d;
  HWY_ALIGN double a[hn::MaxLanes(d)];
  hn::Store(v, d, a);
  for (std::size_t w = hn::Lanes(d) / 2; w >= 1; w /= 2)
    for (std::size_t l = 0; l < w; ++l) a[l] += a[l + w];
  return a[0];
}

template <bool kLog, Arg kArg>
void Row(const float* x, float* y, std::size_t n, float sign, float max, double inv_temperature, double* scratch,
         const float* prefetch) {
  const DF df;
  const D d;
  const DH dh;
  const std::size_t fstep = hn::Lanes(df), step = hn::Lanes(d);
  const float th = static_cast<float>(inv_temperature);
  // K, and for log_softmax the factor F = e^m 2^(64-K) of the direct argument's e (2^64
  // for the shifted ones); softmax's quotient cancels F.
  const DirectConst dc = DirectFor(hn::Set(d, static_cast<double>(max)), hn::FirstN(d, kArg == Arg::direct ? 1 : 0), kLog);
  const int big_k = static_cast<int>(hn::GetLane(dc.k));
  const double scale = hn::GetLane(dc.scale);
  const RowConst c{hn::Set(df, sign),
                   hn::Set(df, -max),
                   hn::Set(df, th),
                   hn::Set(df, static_cast<float>(inv_temperature - static_cast<double>(th))),
                   hn::Set(df, max + kMinD),
                   hn::Set(DI(), exp32::BiasFor(64 - big_k))};
  RowConst64 c64{{}, hn::Set(d, inv_temperature), hn::Set(d, static_cast<double>(sign))};
  for (V& m : c64.m) m = hn::Set(d, static_cast<double>(max));
  V sum[kHalves], maxima[kHalves];
  for (std::size_t h = 0; h < kHalves; ++h) sum[h] = maxima[h] = hn::Zero(d);
  std::size_t i = 0;
  for (; i + fstep <= n; i += fstep) {
    if (prefetch) hwy::Prefetch(prefetch + i);
    ExpLanes<kLog, kArg>(hn::LoadU(df, x + i), scratch + i, c, c64, sum, maxima);
  }
  if (i < n) {
    // The tail is padded with z = -inf: e = e^-110 at most, invisible next to sum >= 1
    // and to t >= 2^-60, never counted as a maximum.
    ExpLanes<kLog, kArg>(LoadTail(df, x + i, n - i, hn::Set(df, -sign * HUGE_VALF)), scratch + i, c, c64, sum, maxima);
  }
  V total = sum[0];
  for (std::size_t h = 1; h < kHalves; ++h) total = hn::Add(total, sum[h]);
  const double s = SumLanesInOrder(total);

  // Pass 3: y = e * (1/sum) or d - log1p(t), rounded once. t: the entries below the
  // max, and the maxima beyond the first (each e^0 = 1).
  double k = 1.0 / s;
  if constexpr (kLog) {
    double below = s / scale;
    if (below < 0x1p-60) below = TailSum64(scratch, n);
    V count = maxima[0];  // whole numbers: exact in any order
    for (std::size_t h = 1; h < kHalves; ++h) count = hn::Add(count, maxima[h]);
    k = hn::GetLane(LogOnePlus(hn::Set(d, below + (hn::GetLane(hn::SumOfLanes(d, count)) - 1.0))));
  }
  const V kv = hn::Set(d, k);
  auto finish = [&](std::size_t at) {
    const V v = hn::LoadU(d, scratch + at);
    return DemoteToFloat(dh, kLog ? hn::Sub(v, kv) : hn::Mul(v, kv));
  };
  for (i = 0; i + step <= n; i += step) hn::StoreU(finish(i), dh, y + i);
  if (i < n) StoreTail(dh, finish(i), y + i, n - i);
}

constexpr std::size_t kLineFloats = 16;  // floats per cache line

// dst_row(c)[r] = src_row(r)[c] for r < rows, c < cols (src_row, dst_row: a row's first
// element; the rows do not overlap), 8 x 8 tiles at a time in 256-bit vectors where the
// target has them. The tiles go along the rows of whichever side is in main memory
// (`src_in_memory`), so that each of its rows is read or written in one run.
template <class SrcRow, class DstRow>
HWY_INLINE void TransposeRows(SrcRow src_row, DstRow dst_row, std::size_t rows, std::size_t cols, bool src_in_memory) {
  const std::size_t rows8 = rows & ~std::size_t{7}, cols8 = cols & ~std::size_t{7};
#if HWY_TARGET <= HWY_AVX2
  const hn::Full256<float> d;
  using V8 = hn::Vec<decltype(d)>;
  const hn::Repartition<double, decltype(d)> dd;
  auto tile = [&](std::size_t r0, std::size_t c0) {
    V8 v[8], t[8], u[8];
    for (int k = 0; k < 8; ++k) v[k] = hn::LoadU(d, src_row(r0 + k) + c0);
    for (int k = 0; k < 8; k += 2) {
      t[k] = hn::InterleaveLower(d, v[k], v[k + 1]);      // a0 b0 a1 b1 | a4 b4 a5 b5
      t[k + 1] = hn::InterleaveUpper(d, v[k], v[k + 1]);  // a2 b2 a3 b3 | a6 b6 a7 b7
    }
    auto pairs = [&](V8 a, V8 b, bool upper) {  // 64-bit lanes 0 (1) of a and of b per 128-bit block
      const auto a64 = hn::BitCast(dd, a), b64 = hn::BitCast(dd, b);
      return hn::BitCast(d, upper ? hn::InterleaveUpper(dd, a64, b64) : hn::InterleaveLower(dd, a64, b64));
    };
    for (int k = 0; k < 8; k += 4) {
      u[k] = pairs(t[k], t[k + 2], false);         // a0 b0 c0 d0 | a4 b4 c4 d4
      u[k + 1] = pairs(t[k], t[k + 2], true);      // a1 b1 c1 d1 | a5 b5 c5 d5
      u[k + 2] = pairs(t[k + 1], t[k + 3], false); // a2 ... | a6 ...
      u[k + 3] = pairs(t[k + 1], t[k + 3], true);  // a3 ... | a7 ...
    }
    for (int k = 0; k < 4; ++k) {
      hn::StoreU(hn::ConcatLowerLower(d, u[k + 4], u[k]), d, dst_row(c0 + k) + r0);
      hn::StoreU(hn::ConcatUpperUpper(d, u[k + 4], u[k]), d, dst_row(c0 + k + 4) + r0);
    }
  };
  // The rows of memory-side 8 steps ahead are fetched early: they lie a whole tensor
  // row apart, too far for the hardware prefetcher to follow.
  if (src_in_memory) {
    for (std::size_t r0 = 0; r0 < rows8; r0 += 8) {
      for (std::size_t r = r0 + 8; r < std::min(r0 + 16, rows); ++r)
        for (std::size_t c = 0; c < cols; c += kLineFloats) __builtin_prefetch(src_row(r) + c);
      for (std::size_t c0 = 0; c0 < cols8; c0 += 8) tile(r0, c0);
    }
  } else {
    for (std::size_t c0 = 0; c0 < cols8; c0 += 8) {
      for (std::size_t c = c0 + 8; c < std::min(c0 + 16, cols); ++c)
        for (std::size_t r = 0; r < rows; r += kLineFloats) __builtin_prefetch(dst_row(c) + r, 1);
      for (std::size_t r0 = 0; r0 < rows8; r0 += 8) tile(r0, c0);
    }
  }
#else
  (void)src_in_memory;
  for (std::size_t c = 0; c < cols8; ++c)
    for (std::size_t r = 0; r < rows8; ++r) dst_row(c)[r] = src_row(r)[c];
#endif
  // the edges: the last rows % 8 rows, and the last cols % 8 columns of the others
  for (std::size_t c = 0; c < cols; ++c)
    for (std::size_t r = c < cols8 ? rows8 : 0; r < rows; ++r) dst_row(c)[r] = src_row(r)[c];
}

// ---- rows side by side (the first axis) ----------------------------------------------
// Row r's element j at x[r + j * x_stride]: each float lane holds one row, so the rows
// need no transpose. They go a group of kColumnsMax rows at a time (4 cache lines of
// every x[j * stride]) through a buffer, for two reasons, both measured at 2^26 elements:
//  - x's lines lie a stride apart (often a power of two), mostly in a few cache sets that
//    hold 8 of them, so pass 2 cannot re-read x itself: it would come from memory again;
//  - y is written a group's width (whole lines) at a time, from the buffer, after pass 3
//    has put it there: writing one line per row and vector of rows costs 3x as much
//    (0.75 against 0.23 ns per element for the writes alone).
// The buffer's slot of element j is (j % fstep) nq + j / fstep (nq = n / fstep rounded
// up): pass 2 takes the j of one accumulator (j % fstep) at a time, so it reads one run
// of memory, not a power-of-two stride whose loads would share an L1 set.
// Pass 2 runs ExpLanes on each vector of lanes in the row kernel's order: Row adds
// element i to accumulator i % fstep, so here each of those fstep accumulators takes its
// own i, padded as Row pads its last vector, and they are combined as Row combines them
// (SumLanesInOrder). So every row gets the bits the row kernel gives it.

// The copy of a group of rows into the buffer (lanes past the group's rows 0), with pass
// 1 on the way: each lane's max of sign*x, and whether it saw a NaN. The next group's
// copy steps between the vectors of this group's pass 2 (one vector of x per vector of
// pass 2), so that its reads from memory overlap that arithmetic. x's rows are fetched
// only a few ahead, since a cache set holds 8 of them.
// The buffer slot of element j (above), nq = n / fstep rounded up.
HWY_INLINE std::size_t ColumnSlot(std::size_t j, std::size_t nq) {
  const std::size_t fstep = hn::Lanes(DF());
  return j % fstep * nq + j / fstep;
}

// Rows side by side in memory: row r's element j at p[r * rs + j * es]. rs = 1 (the
// first axis) loads a vector of rows as one. Other row strides need es = 1: short
// contiguous rows (rs = n, whose many rows fill the vector lanes better than one row
// does), which go to and from the buffer by 8 x 8 transposes (Zen 4's gathers and
// scatters took 60% of the kernel's time at rows of 8).
template <class T>
struct RowsAt {
  T* p;
  std::ptrdiff_t es, rs;
  T* at(std::size_t r, std::size_t j) const {
    return p + static_cast<std::ptrdiff_t>(r) * rs + static_cast<std::ptrdiff_t>(j) * es;
  }
};

// The group's results out of its buffer: element j's `count` floats (rows r0 ...) from
// buf[slot(j) * pitch] to out's rows (with rs = 1, whole cache lines in one run).
// `stream`: out.at(r0, j) is a whole vector aligned for every j, and the whole vectors go
// out with non-temporal stores (the caller ends with hwy::FlushStream).
template <class SlotOf>
HWY_INLINE void StoreGroupRows(const float* buf, std::size_t pitch, SlotOf slot_of, RowsAt<float> out, std::size_t r0,
                               std::size_t count, std::size_t n, bool stream = false) {
  const DF df;
  const std::size_t fstep = hn::Lanes(df);
  if (out.rs != 1)
    return TransposeRows([&](std::size_t j) { return buf + slot_of(j) * pitch; },
                         [&](std::size_t r) { return out.at(r0 + r, 0); }, n, count, false);
  for (std::size_t j = 0; j < n; ++j) {
    const float* src = buf + slot_of(j) * pitch;
    float* dst = out.at(r0, j);
    std::size_t c = 0;
    if (stream)
      for (; c + fstep <= count; c += fstep) hn::Stream(hn::LoadU(df, src + c), df, dst + c);
    for (; c + fstep <= count; c += fstep) hn::StoreU(hn::LoadU(df, src + c), df, dst + c);
    if (c < count) StoreTail(df, hn::LoadU(df, src + c), dst + c, count - c);
  }
}

// The forward's rows side by side from main memory (their span n * es past
// kFromMemoryBytes) go out with non-temporal stores when each element's memory row keeps
// the same alignment (es a multiple of a cache line): the first group is cut short so
// that the others start on a cache line (the group of a row changes nothing in its
// bits). Measured at 2^26 elements in rows of 1024, first axis, std::vector's alignment
// (best medians of 5 interleaved runs, ns/element): softmax 1.59 -> 1.27, log_softmax
// 1.86 -> 1.63. The backward from the output gained nothing measurable (1.92 / 1.99)
// and keeps ordinary stores.
struct Streaming {
  bool on = false;
  std::size_t misaligned = 0, first_group = kColumnsMax;
  Streaming(RowsAt<float> out, std::size_t n) {
    const auto at = reinterpret_cast<std::uintptr_t>(out.at(0, 0));
    on = out.rs == 1 && out.es % static_cast<std::ptrdiff_t>(kLineFloats) == 0 && at % sizeof(float) == 0 &&
         n * static_cast<std::size_t>(std::abs(out.es)) * sizeof(float) >= kFromMemoryBytes &&
         kLineFloats % hn::Lanes(DF()) == 0;
    misaligned = on ? at / sizeof(float) % kLineFloats : 0;
    first_group = kColumnsMax - misaligned;
  }
  // Whether the group from row r0 on starts on a cache line.
  bool Aligned(std::size_t r0) const { return on && (r0 + misaligned) % kLineFloats == 0; }
  // The kernel's return value, after the non-temporal stores are made visible.
  std::size_t Done(std::size_t rows_done) const {
    if (on) hwy::FlushStream();
    return rows_done;
  }
};

struct GroupCopy {
  static constexpr std::size_t kAhead = 4, kPrefetchFrom = 32;
  RowsAt<const float> x{nullptr, 0, 0};
  std::size_t n = 0, nq = 0, r0 = 0, cols = 0, nv = 0, pitch = 0, j = 0, v = 0;
  std::size_t fetched = 0;  // contiguous rows: floats of the group prefetched
  float* buf = nullptr;
  VF sign;
  HWY_ALIGN float max[kColumnsMax];
  HWY_ALIGN float nan[kColumnsMax];  // 1 where a NaN was seen

  void Start(std::size_t r0_, std::size_t cols_, float* buf_) {
    const DF df;
    r0 = r0_, cols = cols_, buf = buf_, j = 0, v = 0, fetched = 0;
    nq = (n + hn::Lanes(df) - 1) / hn::Lanes(df);
    pitch = (cols + hn::Lanes(df) - 1) / hn::Lanes(df) * hn::Lanes(df);
    nv = pitch / hn::Lanes(df);
    for (std::size_t k = 0; k < pitch; ++k) max[k] = -HUGE_VALF, nan[k] = 0.0f;
  }
  // Vector vv of element jj into slot `at`.
  HWY_INLINE void Copy(std::size_t at, std::size_t jj, std::size_t vv) {
    const DF df;
    const std::size_t fstep = hn::Lanes(df);
    const float* src = x.at(r0, jj);
    if (vv == 0 && jj + kAhead < n)
      for (std::size_t c = 0; c < cols; c += kLineFloats) hwy::Prefetch(x.at(r0 + c, jj + kAhead));
    const std::size_t left = cols - vv * fstep;
    const VF a = left >= fstep ? hn::LoadU(df, src + vv * fstep) : LoadTail(df, src + vv * fstep, left, hn::Zero(df));
    hn::StoreU(a, df, buf + at * pitch + vv * fstep);
    Visit(a, vv);
  }
  // Pass 1 on vector vv of a slot.
  HWY_INLINE void Visit(VF a, std::size_t vv) {
    const DF df;
    const std::size_t fstep = hn::Lanes(df);
    float* m = max + vv * fstep;
    float* f = nan + vv * fstep;
    hn::Store(hn::Max(hn::Load(df, m), hn::Mul(a, sign)), df, m);
    hn::Store(hn::Max(hn::Load(df, f), hn::IfThenElseZero(hn::IsNaN(a), hn::Set(df, 1.0f))), df, f);
  }
  // Contiguous rows (rs != 1): the whole group at once, transposed into the slots (the
  // hardware prefetcher follows their one run of memory), lanes past the group's rows 0.
  void Transposed() {
    const DF df;
    const std::size_t fstep = hn::Lanes(df);
    TransposeRows([&](std::size_t r) { return x.at(r0 + r, 0); },
                  [&](std::size_t jj) { return buf + ColumnSlot(jj, nq) * pitch; }, cols, n, true);
    for (std::size_t jj = 0; jj < n; ++jj) {
      float* slot = buf + ColumnSlot(jj, nq) * pitch;
      std::fill(slot + cols, slot + pitch, 0.0f);
      for (std::size_t vv = 0; vv < nv; ++vv) Visit(hn::LoadU(df, slot + vv * fstep), vv);
    }
    j = n;
  }
  HWY_INLINE void Step() {
    if (x.rs != 1) {
      // Contiguous rows: one cache line of the group's run fetched per step (the group
      // has 4n lines, as many as the steps of a whole group's pass 2), so that
      // Transposed() finds it in cache. Measured at 2^26 elements: rows of 32 and 64
      // (log_softmax) 1.33 -> 1.19 and 1.15 -> 1.05 ns/element; rows of 8 slower (1.62
      // -> 1.78), where the hardware prefetcher keeps up on its own.
      if (n >= kPrefetchFrom && fetched < cols * n) hwy::Prefetch(x.at(r0, 0) + fetched), fetched += kLineFloats;
      return;
    }
    if (j == n) return;
    Copy(ColumnSlot(j, nq), j, v);
    if (++v == nv) v = 0, ++j;
  }
  // The rest, in a loop of its own (the first group's copy is all of it).
  void Finish() {
    if (x.rs != 1) return Transposed();
    for (std::size_t jj = j, vv = v; jj < n; ++jj, vv = 0)
      for (const std::size_t at = ColumnSlot(jj, nq); vv < nv; ++vv) Copy(at, jj, vv);
    j = n;
  }
};

// Pass 2 on one vector of rows (its lanes at xb[slot * pitch], GroupCopy's slots): what
// Row's scratch receives (e 2^64, or log_softmax's d) into e[slot * fstep], each row's
// sum into sums, in Row's order, and (log_softmax) its count of maxima into maxima.
// `copy` (the next group's) takes one step per vector.
template <bool kLog, Arg kArg>
HWY_INLINE void ColumnSums(const float* xb, std::size_t pitch, std::size_t n, const RowConst& c,
                           const RowConst64& c64, float pad, double* e, double* sums, double* counts,
                           GroupCopy& copy) {
  const DF df;
  const D d;
  const std::size_t fstep = hn::Lanes(df), step = hn::Lanes(d), tail = n % fstep;
  V maxima[kHalves];
  for (V& m : maxima) m = hn::Zero(d);
  HWY_ALIGN double part[hn::MaxLanes(df) * hn::MaxLanes(df)];  // [accumulator][row]
  // Row pads its last vector with z = -inf: that vector's e, added to the accumulators
  // past the tail (the same value each time, so it is computed once).
  V pad_e[kHalves];
  if (tail != 0) {
    HWY_ALIGN double junk[hn::MaxLanes(df)];
    V none[kHalves];
    for (std::size_t h = 0; h < kHalves; ++h) pad_e[h] = none[h] = hn::Zero(d);
    ExpLanes<kLog, kArg>(hn::Set(df, pad), junk, c, c64, pad_e, none);
  }
  for (std::size_t k = 0; k < fstep; ++k) {
    V acc[kHalves];
    for (V& a : acc) a = hn::Zero(d);
    const std::size_t nq = (n + fstep - 1) / fstep;
    for (std::size_t i = k, slot = k * nq; i < n; i += fstep, ++slot) {
      ExpLanes<kLog, kArg>(hn::LoadU(df, xb + slot * pitch), e + slot * fstep, c, c64, acc, maxima);
      copy.Step();
    }
    if (tail != 0 && k >= tail)
      for (std::size_t h = 0; h < kHalves; ++h) acc[h] = hn::Add(acc[h], pad_e[h]);
    for (std::size_t h = 0; h < kHalves; ++h) hn::Store(acc[h], d, part + k * fstep + h * step);
  }
  // Row's total lane l is accumulator l + accumulator step + l (+ ...), then the lanes
  // are halved as SumLanesInOrder does.
  for (std::size_t h = 0; h < kHalves; ++h) {
    V t[hn::MaxLanes(d)];
    for (std::size_t l = 0; l < step; ++l) {
      t[l] = hn::Load(d, part + l * fstep + h * step);
      for (std::size_t hh = 1; hh < kHalves; ++hh) t[l] = hn::Add(t[l], hn::Load(d, part + (hh * step + l) * fstep + h * step));
    }
    for (std::size_t w = step / 2; w >= 1; w /= 2)
      for (std::size_t l = 0; l < w; ++l) t[l] = hn::Add(t[l], t[l + w]);
    hn::Store(t[0], d, sums + h * step);
    hn::Store(maxima[h], d, counts + h * step);
  }
}

// Softmax of rows [0, rows) side by side; returns the first row the caller must take
// another way (one Row would decline), or `rows`. Nothing from that row on is written.
// xbuf holds two groups (this one and the next one), (n + fstep) kColumnsMax floats
// each; e a vector of rows, (n + fstep) fstep doubles.
template <bool kLog>
std::size_t Columns(RowsAt<const float> x, RowsAt<float> y, std::size_t n, std::size_t rows, float sign,
                    double inv_temperature, float* xbuf, double* e) {
  const DF df;
  const D d;
  const DH dh;
  const std::size_t fstep = hn::Lanes(df), step = hn::Lanes(d);
  constexpr std::size_t group = kColumnsMax;  // a multiple of fstep
  const float th = static_cast<float>(inv_temperature);
  const float tl = static_cast<float>(inv_temperature - static_cast<double>(th));
  const float pad = -sign * HUGE_VALF;
  const VF sv = hn::Set(df, sign);
  HWY_ALIGN float mx[kColumnsMax];
  HWY_ALIGN double sums[hn::MaxLanes(df)], counts[hn::MaxLanes(df)], scale[hn::MaxLanes(df)], k[hn::MaxLanes(df)];
  const Streaming streaming(y, n);
  GroupCopy copy;
  copy.x = x, copy.n = n, copy.sign = sv;
  copy.Start(0, std::min(streaming.first_group, rows), xbuf);
  copy.Finish();
  for (std::size_t r0 = 0, g = 0; r0 < rows; ++g) {
    const std::size_t cols = copy.cols, pitch = copy.pitch;
    float* xb = copy.buf;
    const std::size_t nq = copy.nq;
    std::size_t nv = copy.nv;
    // The rows Row would decline: a NaN, a max of +-inf.
    std::size_t declined = cols;
    for (std::size_t v = 0; v < nv && declined == cols; ++v) {
      const VF m = hn::Load(df, copy.max + v * fstep);
      hn::Store(m, df, mx + v * fstep);
      const auto bad = hn::And(hn::FirstN(df, cols - v * fstep),
                               hn::Or(hn::Gt(hn::Load(df, copy.nan + v * fstep), hn::Zero(df)),
                                      hn::Eq(hn::Abs(m), hn::Set(df, HUGE_VALF))));
      if (!hn::AllFalse(df, bad)) declined = v * fstep + static_cast<std::size_t>(hn::FindKnownFirstTrue(df, bad));
    }
    // The rows before a declined one are done here, the rest by the caller.
    if (declined < cols) nv = (declined + fstep - 1) / fstep;
    else if (r0 + cols < rows)
      copy.Start(r0 + cols, std::min(group, rows - r0 - cols), xbuf + (g + 1) % 2 * group * (n + fstep));
    // Passes 2 and 3, a vector of rows at a time, with Row's constants lane by lane.
    for (std::size_t v = 0; v < nv; ++v) {
      // Lanes past the last row taken (padding, or a declined row's +-inf or NaN) follow
      // the first: a uniform vector stays uniform, and no infinity meets the Exp or an
      // int conversion.
      const VF mv = hn::IfThenElse(hn::FirstN(df, declined - v * fstep), hn::Load(df, mx + v * fstep),
                                   hn::Set(df, mx[v * fstep]));
      const bool unscaled = inv_temperature == 1.0;
      const auto direct = unscaled ? hn::Le(hn::Abs(mv), Lit(kDirectMax)) : hn::FirstN(df, 0);
      V bias_half[kHalves];
      for (std::size_t h = 0; h < kHalves; ++h) {
        const V mh = Widen(mv, h);
        const auto direct_h = unscaled ? hn::Le(hn::Abs(mh), hn::Set(d, kDirectMax)) : hn::FirstN(d, 0);
        const DirectConst dc = DirectFor(mh, direct_h, kLog);
        hn::Store(dc.scale, d, scale + h * step);  // Row's F for log_softmax
        // exp32::BiasFor(64 - K), exact in float64 (its linear form, checked here)
        static_assert(exp32::BiasFor(0) == 127 * kTableSize - 0x4B400000 &&
                      exp32::BiasFor(64) - exp32::BiasFor(0) == 64 * kTableSize);
        bias_half[h] = hn::Sub(hn::Mul(hn::Sub(hn::Set(d, 127.0 + 64.0), dc.k), hn::Set(d, double{kTableSize})),
                               hn::Set(d, double{0x4B400000}));
      }
#if HWY_TARGET == HWY_SCALAR
      const hn::Vec<DI> bias = hn::DemoteTo(DI(), bias_half[0]);
#else
      const hn::Rebind<int32_t, D> dih;
      const hn::Vec<DI> bias = hn::Combine(DI(), hn::DemoteTo(dih, bias_half[1]), hn::DemoteTo(dih, bias_half[0]));
#endif
      RowConst c{sv, hn::Neg(mv), hn::Set(df, th), hn::Set(df, tl), hn::Add(mv, hn::Set(df, kMinD)), bias, direct};
      RowConst64 c64{{}, hn::Set(d, inv_temperature), hn::Set(d, static_cast<double>(sign))};
      for (std::size_t h = 0; h < kHalves; ++h) c64.m[h] = Widen(mv, h);
      if (!unscaled) {
        ColumnSums<kLog, Arg::shifted_scaled>(xb + v * fstep, pitch, n, c, c64, pad, e, sums, counts, copy);
      } else if (hn::AllTrue(df, direct)) {
        ColumnSums<kLog, Arg::direct>(xb + v * fstep, pitch, n, c, c64, pad, e, sums, counts, copy);
      } else if (hn::AllFalse(df, direct)) {
        ColumnSums<kLog, Arg::shifted>(xb + v * fstep, pitch, n, c, c64, pad, e, sums, counts, copy);
      } else {
        ColumnSums<kLog, Arg::mixed>(xb + v * fstep, pitch, n, c, c64, pad, e, sums, counts, copy);
      }
      // Pass 3: y = e * (1/sum) or d - log1p(t), as Row computes them, into the copy's
      // slots. A row whose t needs Row's second sum (t < 2^-60) is declined.
      for (std::size_t h = 0; h < kHalves; ++h) {
        const V sh = hn::Load(d, sums + h * step);
        if constexpr (kLog) {
          const V below = hn::Div(sh, hn::Load(d, scale + h * step));
          const auto tiny = hn::Lt(below, hn::Set(d, 0x1p-60));
          if (!hn::AllFalse(d, tiny))
            for (std::size_t l = 0; l < step; ++l)  // a row that needs Row's second sum
              if (v * fstep + h * step + l < declined && sums[h * step + l] / scale[h * step + l] < 0x1p-60)
                declined = v * fstep + h * step + l;
          hn::Store(LogOnePlus(hn::Add(below, hn::Sub(hn::Load(d, counts + h * step), hn::Set(d, 1.0)))), d, k + h * step);
        } else {
          hn::Store(hn::Div(hn::Set(d, 1.0), sh), d, k + h * step);
        }
      }
      for (std::size_t a = 0; a < fstep && a < n; ++a)  // the slots of accumulator a that hold an element
        for (std::size_t slot = a * nq; slot < a * nq + (n - a + fstep - 1) / fstep; ++slot)
          for (std::size_t h = 0; h < kHalves; ++h) {
            const V ev = hn::LoadU(d, e + slot * fstep + h * step), kv = hn::Load(d, k + h * step);
            hn::StoreU(DemoteToFloat(dh, kLog ? hn::Sub(ev, kv) : hn::Mul(ev, kv)), dh,
                       xb + slot * pitch + v * fstep + h * step);
          }
      nv = (declined + fstep - 1) / fstep;  // fewer when a lane was declined here
    }
    StoreGroupRows(xb, pitch, [nq](std::size_t j) { return ColumnSlot(j, nq); }, y, r0, declined, n,
                   streaming.Aligned(r0));
    if (declined < cols) return streaming.Done(r0 + declined);
    copy.Finish();
    r0 += cols;
  }
  return streaming.Done(rows);
}

// ---- backward from the output ------------------------------------------------------
// The scalar reference's formulas (rows.hpp, softmax_backward_rows) in float64 lanes,
// rounded once to float32; only the order of the row sum differs (lane-wise partial
// sums), so results agree with the reference to the sum's last float64 bits.
//   softmax: c = dy at the first maximum of y, s = sum_j y_j (dy_j - c), and
//     dx_i = y_i ((dy_i - c) - s) sign/T. Taking c out first keeps the cancellation of
//     dy_i - sum_j y_j dy_j off the large terms: y_j (dy_j - c) is small wherever y_j is
//     large, which the scalar reference relies on for its 0.5 ULP.
//   log_softmax: s = sum_j dy_j and dx_i = (dy_i - e^(y_i) s) / T, with e^y from
//     Highway's Exp (1 float64 ULP, as libm's in the reference): dy_i and e^(y_i) s can
//     cancel, which multiplies the exp's error (math64-inl.h's 2^-41 reached 12 float ULP
//     in the test's rows where dy is nearly constant).
// Rows with a non-finite y or dy go to the scalar reference (return value).

// The max of y, or NaN when some y or dy is not finite.
HWY_INLINE float FiniteMax(const float* y, const float* dy, std::size_t n) {
  const DF d;
  const std::size_t step = hn::Lanes(d);
  // y*0 + dy*0 is NaN exactly when y or dy is not finite; summed, it poisons the max.
  // Two chains of each, so that a vector does not wait for the one before.
  VF m[2] = {hn::Set(d, -HUGE_VALF), hn::Set(d, -HUGE_VALF)}, poison[2] = {hn::Zero(d), hn::Zero(d)};
  auto visit = [&](VF a, VF g, int k) {
    m[k] = hn::Max(m[k], a);
    poison[k] = hn::Add(poison[k], hn::Add(hn::Mul(a, hn::Zero(d)), hn::Mul(g, hn::Zero(d))));
  };
  std::size_t i = 0;
  for (; i + 2 * step <= n; i += 2 * step) {
    visit(hn::LoadU(d, y + i), hn::LoadU(d, dy + i), 0);
    visit(hn::LoadU(d, y + i + step), hn::LoadU(d, dy + i + step), 1);
  }
  for (; i + step <= n; i += step) visit(hn::LoadU(d, y + i), hn::LoadU(d, dy + i), 0);
  if (i < n) visit(LoadTail(d, y + i, n - i, hn::Set(d, -FLT_MAX)), LoadTail(d, dy + i, n - i, hn::Zero(d)), 1);
  if (!hn::AllFalse(d, hn::IsNaN(hn::Add(poison[0], poison[1])))) return NAN;
  return MaxLane(d, hn::Max(m[0], m[1]));
}

// The first i with sign * v[i] == target; target must be one of them.
HWY_INLINE std::size_t FirstEqual(const float* v, std::size_t n, float sign, float target) {
  const DF d;
  const std::size_t step = hn::Lanes(d);
  for (std::size_t at = 0;; at += step) {
    const std::size_t count = std::min(step, n - at);
    const VF a = count == step ? hn::LoadU(d, v + at) : LoadTail(d, v + at, count, hn::Set(d, -sign * HUGE_VALF));
    const intptr_t k = hn::FindFirstTrue(d, hn::Eq(hn::Mul(a, hn::Set(d, sign)), hn::Set(d, target)));
    if (k >= 0) return at + static_cast<std::size_t>(k);
  }
}

// A row from main memory (kFromMemoryBytes) prefetches y and dy PrefetchDistance ahead
// (next_y, next_dy; null otherwise) during its sum pass, as the forward does. Measured at
// 2^26 elements in rows of 1024 (medians, interleaved): softmax 1.38 -> 0.77 ns/element,
// log_softmax 2.31 -> 1.25.
template <bool kLog>
bool BackwardRow(const float* y, const float* dy, float* dx, std::size_t n, double sign, double temperature,
                 const float* next_y, const float* next_dy) {
  const D d;
  const DH dh;
  const std::size_t step = hn::Lanes(d);
  const float max = FiniteMax(y, dy, n);
  if (std::isnan(max)) return false;
  double c = 0;
  if constexpr (!kLog) c = dy[FirstEqual(y, n, 1.0f, max)];  // dy at y's first maximum
  const V cv = hn::Set(d, c);
  auto wide = [&](const float* p, std::size_t at, std::size_t count) {
    return hn::PromoteTo(d, count == step ? hn::LoadU(dh, p + at) : LoadTail(dh, p + at, count, hn::Zero(dh)));
  };
  // Pass 1: the row sum (the zero-padded tail adds nothing).
  auto term = [&](std::size_t at, std::size_t count) {
    const V g = wide(dy, at, count);
    return kLog ? g : hn::Mul(hn::Sub(g, cv), wide(y, at, count));
  };
  V sum0 = hn::Zero(d), sum1 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 2 * step <= n; i += 2 * step) {
    if (next_y) hwy::Prefetch(next_y + i), hwy::Prefetch(next_dy + i);
    sum0 = hn::Add(sum0, term(i, step));
    sum1 = hn::Add(sum1, term(i + step, step));
  }
  for (; i < n; i += step) sum0 = hn::Add(sum0, term(i, std::min(step, n - i)));
  const V sv = hn::Set(d, SumLanesInOrder(hn::Add(sum0, sum1)));
  // Pass 2: dx, rounded once.
  // sign/T and 1/T as one multiplier each: one more float64 rounding than the
  // reference's division (2^-53), which the float32 result does not see.
  const V scale = hn::Set(d, sign / temperature), inv_t = hn::Set(d, 1.0 / temperature);
  auto result = [&](std::size_t at, std::size_t count) {
    const V g = wide(dy, at, count), v = wide(y, at, count);
    const V r = kLog ? hn::Mul(hn::Sub(g, hn::Mul(hn::Exp(d, v), sv)), inv_t)
                     : hn::Mul(hn::Mul(v, hn::Sub(hn::Sub(g, cv), sv)), scale);
    return DemoteToFloat(dh, r);
  };
  for (i = 0; i + step <= n; i += step) hn::StoreU(result(i, step), dh, dx + i);
  if (i < n) StoreTail(dh, result(i, n - i), dx + i, n - i);
  return true;
}

// ---- backward from the output, rows side by side (the first axis) -------------------
// BackwardRow with each lane one row, through buffers as Columns does (a group of
// kColumnsMax rows; y and dy copied in, dx written out a group's width at a time). Same
// bits as BackwardRow: c = dy at the first maximum of y (the copy keeps dy where y
// exceeds the max so far), and the row sum in BackwardRow's order. BackwardRow adds
// element i to lane i % step of sum0 when (i / step) is even and i < full2 (n rounded
// down to 2 step), of sum1 when odd, and the rest (i >= full2) to sum0; then sum0 + sum1
// and SumLanesInOrder. So an element's accumulator is A = b step + i % step (b: sum1),
// and the buffers hold A's elements in one run, in order: slot A nq2 + position (nq2 =
// full2 / (2 step) + 2, the most any accumulator has). Its zero-padded tail adds +-0,
// which changes no sum (a sum that starts at +0 never becomes -0).
struct BackwardSlots {
  std::size_t step, full2, nq2;
  explicit BackwardSlots(std::size_t n) : step(hn::Lanes(D())), full2(n / (2 * step) * (2 * step)), nq2(full2 / (2 * step) + 2) {}
  std::size_t Slot(std::size_t i) const {
    if (i < full2) return ((i / step) % 2 * step + i % step) * nq2 + i / (2 * step);
    return (i % step) * nq2 + full2 / (2 * step) + (i - full2) / step;
  }
  // How many elements accumulator a has.
  std::size_t Count(std::size_t a, std::size_t n) const {
    std::size_t k = full2 / (2 * step);
    if (a < step) k += (n - full2 > a) + (n - full2 > step + a);
    return k;
  }
};

template <bool kLog>
std::size_t BackwardColumns(const float* y, std::ptrdiff_t ys, const float* dy, std::ptrdiff_t gs, float* dx,
                            std::ptrdiff_t xs, std::size_t n, std::size_t rows, double sign, double temperature,
                            float* ybuf, float* gbuf) {
  const DF df;
  const D d;
  const DH dh;
  const std::size_t fstep = hn::Lanes(df), step = hn::Lanes(d);
  const BackwardSlots at(n);
  const V scale = hn::Set(d, sign / temperature), inv_t = hn::Set(d, 1.0 / temperature);
  HWY_ALIGN float mx[kColumnsMax], cc[kColumnsMax], poison[kColumnsMax];
  HWY_ALIGN double part[2 * hn::MaxLanes(D()) * hn::MaxLanes(DF())];  // [accumulator][row]
  for (std::size_t r0 = 0; r0 < rows; r0 += kColumnsMax) {
    const std::size_t cols = std::min(kColumnsMax, rows - r0), nv = (cols + fstep - 1) / fstep, pitch = nv * fstep;
    // The copy, with the max of y, dy at its first maximum, and y*0 + dy*0 (NaN where
    // either is not finite: BackwardRow declines that row).
    for (std::size_t k = 0; k < pitch; ++k) mx[k] = -HUGE_VALF, cc[k] = 0.0f, poison[k] = 0.0f;
    for (std::size_t j = 0; j < n; ++j) {
      const float* ya = y + static_cast<std::ptrdiff_t>(j) * ys + r0;
      const float* ga = dy + static_cast<std::ptrdiff_t>(j) * gs + r0;
      const std::size_t slot = at.Slot(j);
      for (std::size_t v = 0, c = 0; v < nv; ++v, c += fstep) {
        const bool full = c + fstep <= cols;
        const VF a = full ? hn::LoadU(df, ya + c) : LoadTail(df, ya + c, cols - c, hn::Zero(df));
        const VF g = full ? hn::LoadU(df, ga + c) : LoadTail(df, ga + c, cols - c, hn::Zero(df));
        hn::StoreU(a, df, ybuf + slot * pitch + c);
        hn::StoreU(g, df, gbuf + slot * pitch + c);
        const VF m = hn::Load(df, mx + c);
        const auto above = hn::Gt(a, m);
        hn::Store(hn::IfThenElse(above, a, m), df, mx + c);
        hn::Store(hn::IfThenElse(above, g, hn::Load(df, cc + c)), df, cc + c);
        const VF z = hn::Zero(df);
        hn::Store(hn::Add(hn::Load(df, poison + c), hn::Add(hn::Mul(a, z), hn::Mul(g, z))), df, poison + c);
      }
    }
    std::size_t declined = cols;
    for (std::size_t c = 0; c < cols; ++c)
      if (std::isnan(poison[c])) {
        declined = c;
        break;
      }
    const std::size_t nvd = (declined + fstep - 1) / fstep;
    for (std::size_t v = 0; v < nvd; ++v) {
      const std::size_t c0 = v * fstep;
      V cv[kHalves], sv[kHalves];
      for (std::size_t h = 0; h < kHalves; ++h) cv[h] = Widen(hn::Load(df, cc + c0), h);
      // The row sums, accumulator by accumulator.
      for (std::size_t a = 0; a < 2 * step; ++a) {
        V acc[kHalves];
        for (V& v0 : acc) v0 = hn::Zero(d);
        for (std::size_t slot = a * at.nq2, end = slot + at.Count(a, n); slot < end; ++slot) {
          const VF g = hn::LoadU(df, gbuf + slot * pitch + c0);
          const VF yv = hn::LoadU(df, ybuf + slot * pitch + c0);
          for (std::size_t h = 0; h < kHalves; ++h) {
            const V gw = Widen(g, h);
            acc[h] = hn::Add(acc[h], kLog ? gw : hn::Mul(hn::Sub(gw, cv[h]), Widen(yv, h)));
          }
        }
        for (std::size_t h = 0; h < kHalves; ++h) hn::Store(acc[h], d, part + a * fstep + h * step);
      }
      for (std::size_t h = 0; h < kHalves; ++h) {
        V t[hn::MaxLanes(d)];
        for (std::size_t l = 0; l < step; ++l)
          t[l] = hn::Add(hn::Load(d, part + l * fstep + h * step), hn::Load(d, part + (step + l) * fstep + h * step));
        for (std::size_t w = step / 2; w >= 1; w /= 2)
          for (std::size_t l = 0; l < w; ++l) t[l] = hn::Add(t[l], t[l + w]);
        sv[h] = t[0];
      }
      // dx, into dy's slots. Lanes from a declined row on are zeroed first: Highway's Exp
      // of a NaN converts it to an integer on some targets.
      const auto keep = hn::FirstN(df, declined - c0);
      for (std::size_t a = 0; a < 2 * step; ++a)
        for (std::size_t slot = a * at.nq2, end = slot + at.Count(a, n); slot < end; ++slot) {
          const VF g = hn::IfThenElseZero(keep, hn::LoadU(df, gbuf + slot * pitch + c0));
          const VF yv = hn::IfThenElseZero(keep, hn::LoadU(df, ybuf + slot * pitch + c0));
          for (std::size_t h = 0; h < kHalves; ++h) {
            const V gw = Widen(g, h), v0 = Widen(yv, h);
            const V r = kLog ? hn::Mul(hn::Sub(gw, hn::Mul(hn::Exp(d, v0), sv[h])), inv_t)
                             : hn::Mul(hn::Mul(v0, hn::Sub(hn::Sub(gw, cv[h]), sv[h])), scale);
            hn::StoreU(DemoteToFloat(dh, r), dh, gbuf + slot * pitch + c0 + h * step);
          }
        }
    }
    StoreGroupRows(gbuf, pitch, [&at](std::size_t j) { return at.Slot(j); }, RowsAt<float>{dx, xs, 1}, r0, declined, n);
    if (declined < cols) return r0 + declined;
  }
  return rows;
}

// ---- float64 pairs (error-free transformations, no FMA needed) -----------------------
// This file is compiled with -ffp-contract=off, so none of these products or sums fuse.
struct Pair64 {
  V hi, lo;
};
// a + b = hi + lo exactly (Knuth's TwoSum).
HWY_INLINE Pair64 TwoSum64(V a, V b) {
  const V s = hn::Add(a, b), bb = hn::Sub(s, a);
  return {s, hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb))};
}
// a * b = hi + lo exactly (Dekker, with Veltkamp's split into 26-bit halves) for
// |a|, |b| < 2^995 and a product whose error term is not subnormal.
HWY_INLINE Pair64 TwoProd64(V a, V b) {
  const D d;
  auto split = [&](V v, V& h, V& l) {
    const V t = hn::Mul(hn::Set(d, 134217729.0), v);  // 2^27 + 1
    h = hn::Sub(t, hn::Sub(t, v));
    l = hn::Sub(v, h);
  };
  V ah, al, bh, bl;
  split(a, ah, al);
  split(b, bh, bl);
  const V p = hn::Mul(a, b);
  const V err = hn::Add(hn::Add(hn::Add(hn::Sub(hn::Mul(ah, bh), p), hn::Mul(ah, bl)), hn::Mul(al, bh)), hn::Mul(al, bl));
  return {p, err};
}
// The lanes of hi + lo summed into one pair (TwoSum in scalar: one row's total).
HWY_INLINE void ReducePair(const Pair64& v, double& hi, double& lo) {
  const D d;
  HWY_ALIGN double h[hn::MaxLanes(d)], l[hn::MaxLanes(d)];
  hn::Store(v.hi, d, h);
  hn::Store(v.lo, d, l);
  hi = 0, lo = 0;
  for (std::size_t k = 0; k < hn::Lanes(d); ++k) {
    const double s = hi + h[k], bb = s - hi;
    lo += (hi - (s - bb)) + (h[k] - bb) + l[k];
    hi = s;
  }
  const double s = hi + lo;
  lo = lo - (s - hi);
  hi = s;
}

// ---- backward from x ----------------------------------------------------------------
// y recomputed from x in float64 lanes: e_j = e^((z_j - m)/T) (z = sign x, m its max)
// by Highway's float64 Exp (1 float64 ULP, as libm's exp in the reference), S = sum e_j
// and y_j = e_j (1/S), to (n + 3) 2^-53 relative. Then the formulas above: softmax
// dx_i = y_i ((dy_i - c) - s) sign/T with c = dy at the first maximum, s = sum_j
// y_j (dy_j - c); log_softmax dx_i = (dy_i - p_i sum_j dy_j)/T with p_i = e_i/S the
// softmax, which needs no log at all. That difference can cancel far beyond double
// (tied maxima give p_i = 1/3 - 1e-22, and dy = 0.25 but 0.75 at i gives dx_i ~ 1e-22),
// so log_softmax computes dx_i = (dy_i S - e_i D)/(S T) with S and D = sum dy as
// float64 pairs and both products exact (TwoProd64): dy_i S - e_i D is then exact to
// 2^-100 of its terms, and where e_i is exact (the maxima: e^0 = 1) so is dx_i. An
// e_i < 1 keeps its exp's 2^-52, which a cancellation there still multiplies. Rows the forward kernel declines
// (NaN, a z of +inf, only -inf) and rows with a non-finite dy go to the scalar reference.
template <bool kLog>
bool BackwardFromXRow(const float* x, const float* dy, float* dx, std::size_t n, float sign, double temperature,
                      double* e, std::size_t ahead) {
  const RowMax rm = MaxOfRow(x, n, sign);
  if (rm.nan || rm.max == HUGE_VALF || rm.max == -HUGE_VALF) return false;
  const D d;
  const DH dh;
  const std::size_t step = hn::Lanes(d);
  auto wide = [&](const float* p, std::size_t at, std::size_t count, float fill) {
    return hn::PromoteTo(d, count == step ? hn::LoadU(dh, p + at) : LoadTail(dh, p + at, count, hn::Set(dh, fill)));
  };
  const V m = hn::Set(d, static_cast<double>(rm.max)), sg = hn::Set(d, static_cast<double>(sign));
  const V inv_t = hn::Set(d, 1.0 / temperature);
  // Pass 1: e (padded with e^-inf = 0), S, sum dy, and dy's finiteness (dy * 0 is NaN
  // exactly for a non-finite dy).
  Pair64 sum{hn::Zero(d), hn::Zero(d)}, dsum = sum;  // log_softmax: float64 pairs
  V poison = hn::Zero(d);
  for (std::size_t i = 0; i < n; i += step) {
    // what follows in memory, a cache line per two vectors (PrefetchDistance)
    if (ahead != 0 && i % (2 * step) == 0) hwy::Prefetch(x + ahead + i), hwy::Prefetch(dy + ahead + i);
    const std::size_t count = std::min(step, n - i);
    const V z = hn::Mul(wide(x, i, count, -sign * HUGE_VALF), sg);
    const V ev = hn::Exp(d, hn::Mul(hn::Sub(z, m), inv_t));
    hn::StoreU(ev, d, e + i);
    const V g = wide(dy, i, count, 0.0f);
    if constexpr (kLog) {
      const Pair64 a = TwoSum64(sum.hi, ev), b = TwoSum64(dsum.hi, g);
      sum = {a.hi, hn::Add(sum.lo, a.lo)};
      dsum = {b.hi, hn::Add(dsum.lo, b.lo)};
    } else {
      sum.hi = hn::Add(sum.hi, ev);
    }
    poison = hn::Add(poison, hn::Mul(g, hn::Zero(d)));
  }
  if (!hn::AllFalse(d, hn::IsNaN(poison))) return false;
  double s_hi = 0, s_lo = 0;
  ReducePair(sum, s_hi, s_lo);
  const V inv_s = hn::Set(d, 1.0 / s_hi);
  auto store = [&](std::size_t at, V r) {
    const std::size_t count = std::min(step, n - at);
    if (count == step) hn::StoreU(DemoteToFloat(dh, r), dh, dx + at);
    else StoreTail(dh, DemoteToFloat(dh, r), dx + at, count);
  };
  if constexpr (kLog) {
    double d_hi = 0, d_lo = 0;
    ReducePair(dsum, d_hi, d_lo);
    const V sh = hn::Set(d, s_hi), sl = hn::Set(d, s_lo), dh_ = hn::Set(d, d_hi), dl = hn::Set(d, d_lo);
    const V scale = hn::Mul(inv_s, inv_t);
    for (std::size_t i = 0; i < n; i += step) {
      const V ev = hn::LoadU(d, e + i), g = wide(dy, i, std::min(step, n - i), 0.0f);
      const Pair64 p = TwoProd64(g, sh), q = TwoProd64(ev, dh_);
      const Pair64 h = TwoSum64(p.hi, hn::Neg(q.hi));
      const V tail = hn::Add(hn::Sub(hn::Add(p.lo, hn::Mul(g, sl)), hn::Add(q.lo, hn::Mul(ev, dl))), h.lo);
      store(i, hn::Mul(hn::Add(h.hi, tail), scale));
    }
  } else {
    const V cv = hn::Set(d, static_cast<double>(dy[FirstEqual(x, n, sign, rm.max)]));  // dy at y's first maximum
    V s = hn::Zero(d);
    for (std::size_t i = 0; i < n; i += step) {
      const V y = hn::Mul(hn::LoadU(d, e + i), inv_s), g = wide(dy, i, std::min(step, n - i), 0.0f);
      s = hn::Add(s, hn::Mul(y, hn::Sub(g, cv)));  // the padded lanes: y = 0
    }
    const V sv = hn::Set(d, hn::GetLane(hn::SumOfLanes(d, s)));
    const V scale = hn::Set(d, static_cast<double>(sign) / temperature);
    for (std::size_t i = 0; i < n; i += step) {
      const V y = hn::Mul(hn::LoadU(d, e + i), inv_s), g = wide(dy, i, std::min(step, n - i), 0.0f);
      store(i, hn::Mul(hn::Mul(y, hn::Sub(hn::Sub(g, cv), sv)), scale));
    }
  }
  return true;
}

}  // namespace softmax_row

// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols: the block
// copy of the other axes (tensor.cpp).
void TransposeF32Target(const float* src, std::ptrdiff_t src_stride, float* dst, std::ptrdiff_t dst_stride,
                        std::size_t rows, std::size_t cols, bool src_in_memory) {
  auto row = [](auto* p, std::ptrdiff_t stride) {
    return [p, stride](std::size_t i) { return p + static_cast<std::ptrdiff_t>(i) * stride; };
  };
  softmax_row::TransposeRows(row(src, src_stride), row(dst, dst_stride), rows, cols, src_in_memory);
}

// Rows [0, rows) of length n, back to back; returns the first row the scalar reference
// must take (SoftmaxRowsF32), or `rows`.
std::size_t SoftmaxRowsF32Target(const float* x, float* y, std::size_t n, std::size_t rows, float sign,
                                 double inv_temperature, bool log, double* scratch) {
  using namespace softmax_row;
  if (!SoftmaxTemperatureInRange(inv_temperature)) return 0;
  const bool from_memory = rows * n * sizeof(float) >= kFromMemoryBytes;
  for (std::size_t r = 0; r < rows; ++r, x += n, y += n) {
    const std::size_t ahead = PrefetchDistance(from_memory, n, (rows - r) * n);
    const RowMax rm = MaxOfRow(x, n, sign);
    if (rm.nan || rm.max == HUGE_VALF || rm.max == -HUGE_VALF) return r;
    const Arg arg = inv_temperature != 1.0               ? Arg::shifted_scaled
                    : std::abs(rm.max) <= kDirectMax ? Arg::direct
                                                     : Arg::shifted;
    auto run = [&](auto log_tag, auto arg_tag) {
      Row<decltype(log_tag)::value, decltype(arg_tag)::value>(x, y, n, sign, rm.max, inv_temperature, scratch,
                                                              ahead ? x + ahead : nullptr);
    };
    auto with_arg = [&](auto log_tag) {
      switch (arg) {
        case Arg::direct: return run(log_tag, std::integral_constant<Arg, Arg::direct>());
        case Arg::shifted: return run(log_tag, std::integral_constant<Arg, Arg::shifted>());
        case Arg::shifted_scaled: return run(log_tag, std::integral_constant<Arg, Arg::shifted_scaled>());
        case Arg::mixed: break;  // a row has one argument; only the column kernel's lanes mix
      }
    };
    if (log) with_arg(std::true_type());
    else with_arg(std::false_type());
  }
  return rows;
}

// Rows side by side (softmax.hpp); xbuf and e as SoftmaxColumnsF32 sizes them.
std::size_t SoftmaxColumnsF32Target(const float* x, std::ptrdiff_t x_stride, std::ptrdiff_t x_row_stride, float* y,
                                    std::ptrdiff_t y_stride, std::ptrdiff_t y_row_stride, std::size_t n,
                                    std::size_t rows, float sign, double inv_temperature, bool log, float* xbuf,
                                    double* e) {
  using namespace softmax_row;
  if (!SoftmaxColumnsTake(n, inv_temperature)) return 0;
  const RowsAt<const float> xa{x, x_stride, x_row_stride};
  const RowsAt<float> ya{y, y_stride, y_row_stride};
  return log ? Columns<true>(xa, ya, n, rows, sign, inv_temperature, xbuf, e)
             : Columns<false>(xa, ya, n, rows, sign, inv_temperature, xbuf, e);
}

// Backward from the output for rows [0, rows); returns the first row the scalar
// reference must take, or `rows`.
std::size_t SoftmaxBackwardRowsF32Target(const float* y, const float* dy, float* dx, std::size_t n,
                                         std::size_t rows, double sign, double temperature, bool log) {
  using namespace softmax_row;
  const bool from_memory = 2 * rows * n * sizeof(float) >= kFromMemoryBytes;
  for (std::size_t r = 0; r < rows; ++r, y += n, dy += n, dx += n) {
    const std::size_t ahead = PrefetchDistance(from_memory, n, (rows - r) * n);
    const float* next_y = ahead ? y + ahead : nullptr;
    const float* next_dy = ahead ? dy + ahead : nullptr;
    const bool done = log ? BackwardRow<true>(y, dy, dx, n, sign, temperature, next_y, next_dy)
                          : BackwardRow<false>(y, dy, dx, n, sign, temperature, next_y, next_dy);
    if (!done) return r;
  }
  return rows;
}

// Backward from the output, rows side by side (softmax.hpp).
std::size_t SoftmaxBackwardColumnsF32Target(const float* y, std::ptrdiff_t y_stride, const float* dy,
                                            std::ptrdiff_t dy_stride, float* dx, std::ptrdiff_t dx_stride,
                                            std::size_t n, std::size_t rows, double sign, double temperature, bool log,
                                            float* ybuf, float* gbuf) {
  using namespace softmax_row;
  return log ? BackwardColumns<true>(y, y_stride, dy, dy_stride, dx, dx_stride, n, rows, sign, temperature, ybuf, gbuf)
             : BackwardColumns<false>(y, y_stride, dy, dy_stride, dx, dx_stride, n, rows, sign, temperature, ybuf, gbuf);
}

// Backward from x for rows [0, rows); returns the first row the scalar reference must
// take, or `rows`. `scratch` holds a row of e (n rounded up to whole vectors).
std::size_t SoftmaxBackwardFromXRowsF32Target(const float* x, const float* dy, float* dx, std::size_t n,
                                              std::size_t rows, float sign, double temperature, bool log,
                                              double* scratch) {
  using namespace softmax_row;
  const bool from_memory = 2 * rows * n * sizeof(float) >= kFromMemoryBytes;
  for (std::size_t r = 0; r < rows; ++r, x += n, dy += n, dx += n) {
    const std::size_t ahead = PrefetchDistance(from_memory, n, (rows - r) * n);
    const bool done = log ? BackwardFromXRow<true>(x, dy, dx, n, sign, temperature, scratch, ahead)
                          : BackwardFromXRow<false>(x, dy, dx, n, sign, temperature, scratch, ahead);
    if (!done) return r;
  }
  return rows;
}

}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace activ::detail::simd {

HWY_EXPORT(SoftmaxRowsF32Target);

HWY_EXPORT(TransposeF32Target);
HWY_EXPORT(SoftmaxColumnsF32Target);
HWY_EXPORT(SoftmaxBackwardRowsF32Target);
HWY_EXPORT(SoftmaxBackwardColumnsF32Target);
HWY_EXPORT(SoftmaxBackwardFromXRowsF32Target);

std::size_t SoftmaxBackwardRowsF32(const float* y, const float* dy, float* dx, std::size_t n, std::size_t rows,
                                   double sign, double temperature, bool log) {
  return HWY_DYNAMIC_DISPATCH(SoftmaxBackwardRowsF32Target)(y, dy, dx, n, rows, sign, temperature, log);
}

std::size_t SoftmaxBackwardColumnsF32(const float* y, std::ptrdiff_t y_stride, const float* dy, std::ptrdiff_t dy_stride,
                                      float* dx, std::ptrdiff_t dx_stride, std::size_t n, std::size_t rows, double sign,
                                      double temperature, bool log) {
  // y and dy of a group of rows: n + 4 * 8 elements (BackwardSlots' slots, at most) of
  // kColumnsMax floats each, per thread.
  thread_local std::vector<float> ybuf, gbuf;
  const std::size_t size = (n + 32) * kColumnsMax;
  if (ybuf.size() < size) ybuf.resize(size), gbuf.resize(size);
  return HWY_DYNAMIC_DISPATCH(SoftmaxBackwardColumnsF32Target)(y, y_stride, dy, dy_stride, dx, dx_stride, n, rows, sign,
                                                               temperature, log, ybuf.data(), gbuf.data());
}

std::size_t SoftmaxBackwardFromXRowsF32(const float* x, const float* dy, float* dx, std::size_t n, std::size_t rows,
                                        float sign, double temperature, bool log) {
  thread_local std::vector<double> scratch;  // e of one row, whole vectors (at most 64 doubles past n)
  if (scratch.size() < n + 64) scratch.resize(n + 64);
  return HWY_DYNAMIC_DISPATCH(SoftmaxBackwardFromXRowsF32Target)(x, dy, dx, n, rows, sign, temperature, log,
                                                                 scratch.data());
}

std::size_t SoftmaxColumnsF32(const float* x, std::ptrdiff_t x_stride, std::ptrdiff_t x_row_stride, float* y,
                              std::ptrdiff_t y_stride, std::ptrdiff_t y_row_stride, std::size_t n, std::size_t rows,
                              float sign, double inv_temperature, bool log) {
  // Two groups' buffers and a vector of rows' e (Columns), at most 16 floats per vector,
  // per thread: 0.8 MB for n = 1024, 41 MB for n = kColumnsMaxLength.
  thread_local std::vector<float> xbuf;
  thread_local std::vector<double> e;
  if (xbuf.size() < 2 * (n + 16) * kColumnsMax) xbuf.resize(2 * (n + 16) * kColumnsMax);
  if (e.size() < (n + 16) * 16) e.resize((n + 16) * 16);
  return HWY_DYNAMIC_DISPATCH(SoftmaxColumnsF32Target)(x, x_stride, x_row_stride, y, y_stride, y_row_stride, n, rows,
                                                       sign, inv_temperature, log, xbuf.data(), e.data());
}

void TransposeF32(const float* src, std::ptrdiff_t src_stride, float* dst, std::ptrdiff_t dst_stride,
                  std::size_t rows, std::size_t cols, bool src_in_memory) {
  HWY_DYNAMIC_DISPATCH(TransposeF32Target)(src, src_stride, dst, dst_stride, rows, cols, src_in_memory);
}

std::size_t SoftmaxRowsF32(const float* x, float* y, std::size_t n, std::size_t rows, float sign,
                           double inv_temperature, bool log) {
  // e or d of the row in float64, rounded up to whole vectors (at most 64 doubles on
  // any target). One per thread; for rows that fit the cache it stays there.
  thread_local std::vector<double> scratch;
  if (scratch.size() < n + 64) scratch.resize(n + 64);
  return HWY_DYNAMIC_DISPATCH(SoftmaxRowsF32Target)(x, y, n, rows, sign, inv_temperature, log, scratch.data());
}

}  // namespace activ::detail::simd
#endif  // HWY_ONCE
