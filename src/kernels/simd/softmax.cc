// The softmax family's float32 row kernel, one body for every ISA (Highway
// foreach_target with runtime dispatch). Three passes over one row, of which only the
// first reads memory when the row is new: the row (and the float64 scratch beside it)
// then sits in cache for the other two.
//   1. m = max of z = sign*x in float lanes (exact), noting NaN.
//   2. d = (z - m)/T and e = exp(d) in float64 lanes (within 2^-41, exp-inl.h),
//      and their sum; log_softmax keeps t = the sum over d < 0 plus the ties of the
//      max beyond the first apart, as the scalar reference (rows.hpp) does, so that
//      log1p(t) has no cancellation. e (softmax) or d (log_softmax) goes to the
//      float64 scratch.
//   3. y = e * (1/sum), or d - log1p(t), in float64, rounded once to float32.
// The float64 error (below 2^-40 relative) is far below float32's half ULP (2^-24
// relative at worst), so results stay within 0.5 + 2^-16 ULP of the exact value. Lane layout depends only on
// n, so equal rows give equal bits wherever they lie (the strided axes rely on that).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/simd/softmax.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/simd/math64-inl.h"
#include "kernels/simd/softmax.hpp"

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace softmax_row {

using DFull = hn::ScalableTag<float>;
using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
using DF = hn::Rebind<float, D>;  // as many float lanes as D has double lanes

struct RowMax {
  float max;
  bool nan;
};

// Pass 1: max of sign*x (exact in float lanes).
HWY_INLINE RowMax MaxOfRow(const float* x, std::size_t n, float sign) {
  const DFull d;
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
  RowMax r{hn::GetLane(hn::MaxOfLanes(d, hn::Max(m0, m1))), !hn::AllFalse(d, nan)};
  for (; i < n; ++i) {
    r.nan |= std::isnan(x[i]);
    r.max = std::max(r.max, sign * x[i]);
  }
  return r;
}

// Pass 2 on one vector of float lanes. softmax: stores e and adds it to `sum`.
// log_softmax: stores d, adds e to `sum` where d < 0 and counts the maxima (d = 0) in
// `maxima`, so that t = sum + maxima - 1 keeps its digits when it is tiny.
template <bool kLog>
HWY_INLINE void ExpLanes(hn::Vec<DF> xf, double* out, V m, V inv_t, V sign, V& sum, V& maxima) {
  const D d;
  const V z = hn::Mul(hn::PromoteTo(d, xf), sign);
  const V dz = hn::Mul(hn::Sub(z, m), inv_t);  // <= 0; -inf for z = -inf
  const V e = math64::Exp(dz);
  if constexpr (kLog) {
    const auto below = hn::Lt(dz, hn::Zero(d));
    sum = hn::Add(sum, hn::IfThenElseZero(below, e));
    maxima = hn::Add(maxima, hn::IfThenZeroElse(below, hn::Set(d, 1.0)));
    hn::StoreU(dz, d, out);
  } else {
    sum = hn::Add(sum, e);  // e = 1 exactly at the maxima
    hn::StoreU(e, d, out);
  }
}

template <bool kLog>
bool Row(const float* x, float* y, std::size_t n, float sign, double inv_temperature, double* scratch) {
  const RowMax rm = MaxOfRow(x, n, sign);
  if (rm.nan || rm.max == HUGE_VALF || rm.max == -HUGE_VALF || !std::isfinite(inv_temperature)) return false;

  const D d;
  const DF df;
  const std::size_t step = hn::Lanes(d);
  const V m = hn::Set(d, static_cast<double>(rm.max)), inv_t = hn::Set(d, inv_temperature),
          s = hn::Set(d, static_cast<double>(sign));
  V sum0 = hn::Zero(d), sum1 = sum0, maxima = sum0;
  std::size_t i = 0;
  for (; i + 2 * step <= n; i += 2 * step) {  // two sum chains
    ExpLanes<kLog>(hn::LoadU(df, x + i), scratch + i, m, inv_t, s, sum0, maxima);
    ExpLanes<kLog>(hn::LoadU(df, x + i + step), scratch + i + step, m, inv_t, s, sum1, maxima);
  }
  for (; i < n; i += step) {
    // The tail is padded with z = -inf: e = e^-708 at most, invisible next to sum >= 1
    // and to any float32 t, and never counted as a maximum.
    HWY_ALIGN float bx[hn::MaxLanes(df)];
    const std::size_t count = std::min(step, n - i);
    for (std::size_t k = 0; k < step; ++k) bx[k] = k < count ? x[i + k] : -sign * HUGE_VALF;
    ExpLanes<kLog>(hn::Load(df, bx), scratch + i, m, inv_t, s, sum0, maxima);
  }
  const double sum = hn::GetLane(hn::SumOfLanes(d, hn::Add(sum0, sum1)));

  // Pass 3: y = e * (1/sum) or d - log1p(t), rounded once. t: the entries below the
  // max, and the maxima beyond the first (each e^0 = 1).
  const V k = hn::Set(d, kLog ? std::log1p(sum + (hn::GetLane(hn::SumOfLanes(d, maxima)) - 1.0)) : 1.0 / sum);
  auto finish = [&](std::size_t at) {
    const V v = hn::LoadU(d, scratch + at);
    return hn::DemoteTo(df, kLog ? hn::Sub(v, k) : hn::Mul(v, k));
  };
  for (i = 0; i + step <= n; i += step) hn::StoreU(finish(i), df, y + i);
  if (i < n) {
    HWY_ALIGN float by[hn::MaxLanes(df)];
    hn::Store(finish(i), df, by);
    std::memcpy(y + i, by, (n - i) * sizeof(float));
  }
  return true;
}

}  // namespace softmax_row

bool SoftmaxRowF32Target(const float* x, float* y, std::size_t n, float sign, double inv_temperature, bool log,
                         double* scratch) {
  return log ? softmax_row::Row<true>(x, y, n, sign, inv_temperature, scratch)
             : softmax_row::Row<false>(x, y, n, sign, inv_temperature, scratch);
}

}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace activ::detail::simd {

HWY_EXPORT(SoftmaxRowF32Target);

bool SoftmaxRowF32(const float* x, float* y, std::size_t n, float sign, double inv_temperature, bool log) {
  // e or d of the row in float64, rounded up to whole vectors (at most 64 doubles on
  // any target). One per thread; for rows that fit the cache it stays there.
  thread_local std::vector<double> scratch;
  if (scratch.size() < n + 64) scratch.resize(n + 64);
  return HWY_DYNAMIC_DISPATCH(SoftmaxRowF32Target)(x, y, n, sign, inv_temperature, log, scratch.data());
}

}  // namespace activ::detail::simd
#endif  // HWY_ONCE
