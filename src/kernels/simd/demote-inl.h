// float64 lanes to float32 with IEEE rounding on every target. Highway's portable
// targets (HWY_SCALAR, HWY_EMU128) saturate in DemoteTo: infinities and values beyond
// FLT_MAX become +-FLT_MAX, where the x86 instruction (and the scalar kernels' cast)
// gives +-inf. Those targets convert lane by lane here instead. Included once per
// Highway target, as math64-inl.h.
#if defined(ACTIV_KERNELS_SIMD_DEMOTE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIV_KERNELS_SIMD_DEMOTE_INL_H_
#undef ACTIV_KERNELS_SIMD_DEMOTE_INL_H_
#else
#define ACTIV_KERNELS_SIMD_DEMOTE_INL_H_
#endif

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace activ::detail::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class DF, class VD>
HWY_INLINE hn::Vec<DF> DemoteToFloat(DF df, VD v) {
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
  const hn::Rebind<double, DF> dd;
  HWY_ALIGN double in[hn::MaxLanes(dd)];
  HWY_ALIGN float out[hn::MaxLanes(df)];
  hn::Store(v, dd, in);
  for (size_t i = 0; i < hn::Lanes(df); ++i) out[i] = static_cast<float>(in[i]);
  return hn::Load(df, out);
#else
  return hn::DemoteTo(df, v);
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace activ::detail::simd
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
