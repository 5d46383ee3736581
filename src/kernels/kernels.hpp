// How the kernels are assembled: the portable scalar kernels of every family, with the
// float32 entries replaced by SIMD bodies (dispatch.cpp).
#pragma once

#include "catalog/entry.hpp"

namespace activ::detail {

// The scalar kernels alone (scalar_kernels.cpp): the accuracy reference for the others.
const Kernels& scalar_kernels(Family f) noexcept;

// The scalar float32 kernels' float64 evaluation, before the final rounding to float
// (the derivative with dy = 1). `activ verify` scores its exhaustive sweep against it:
// double-precision libm instead of the float64 path's long double, whose fenv
// save/restore and software fmal cost several times more than the kernel under test.
// It is as accurate as the formulas are in double (binary128 next to a derivative root,
// where double cancels), which verify checks against MPFR.
struct WideF32Kernels {
  void (*forward)(const Slots&, const float* x, double* y, std::size_t n) = nullptr;
  void (*derivative)(const Slots&, const float* x, double* d, std::size_t n) = nullptr;
};
const WideF32Kernels& wide_f32_kernels(Family f) noexcept;

}  // namespace activ::detail
