// The SIMD float32 kernels (elementwise.cc), dispatched at run time to the best
// instruction set of the machine. Every family has one (dispatch.cpp picks per call
// where a family has several: rrelu's eval and training modes, gelu's two forms). float64 has SIMD bodies for the
// exact piecewise-linear families (elementwise.cc) and, in double-double, for the smooth
// and piecewise-polynomial families listed below (elementwise_f64.cc); the others use the
// scalar kernels.
#pragma once

#include <cstddef>

#include "catalog/entry.hpp"

#define ACTIV_SIMD_FAMILIES(X) \
  X(Linear)                    \
  X(Relu)                      \
  X(Clip)                      \
  X(LeakyRelu)                 \
  X(RreluEval)                 \
  X(HardSigmoid)               \
  X(HardSwish)                 \
  X(Elu)                       \
  X(Exponential)               \
  X(Sigmoid)                   \
  X(LogSigmoid)                \
  X(Swish)                     \
  X(Softplus)                  \
  X(Mish)                      \
  X(GeluTanh)                  \
  X(GeluErf)                   \
  X(Tanh)                      \
  X(Softsign)                  \
  X(TanhShrink)                \
  X(Squareplus)                \
  X(Threshold)                 \
  X(ThresholdedRelu)           \
  X(HardShrink)                \
  X(SoftShrink)                \
  X(SparsePlus)                \
  X(SparseSigmoid)             \
  X(Log1mexp)

// The float64 bodies: piecewise-linear families whose float64 result is exact with one
// operation (elementwise.cc, "float64"). They return false, having written nothing, for
// settings they do not cover (relu with both a slope and a threshold: ReluShifted below).
#define ACTIV_SIMD_F64_FAMILIES(X) \
  X(Linear)                        \
  X(Relu)                          \
  X(Clip)                          \
  X(LeakyRelu)                     \
  X(RreluEval)                     \
  X(Threshold)                     \
  X(ThresholdedRelu)               \
  X(HardShrink)                    \
  X(SoftShrink)                    \
  X(SparseSigmoid)

// The float64 double-double bodies (elementwise_f64.cc). They return false, having
// written nothing, on targets without a native FMA and for settings they do not cover
// (each family's Constants::Applies).
#define ACTIV_SIMD_F64_DD_FAMILIES(X) \
  X(Exponential)                      \
  X(Elu)                              \
  X(Sigmoid)                          \
  X(LogSigmoid)                       \
  X(Swish)                            \
  X(Softplus)                         \
  X(Tanh)                             \
  X(TanhShrink)                       \
  X(Mish)                             \
  X(GeluTanh)                         \
  X(GeluErf)                          \
  X(Log1mexp)                         \
  X(Softsign)                         \
  X(Squareplus)                       \
  X(HardSwish)                        \
  X(SparsePlus)                       \
  X(HardSigmoid)                      \
  X(ReluShifted)

// Backward from the forward's output y (Kernels::backward_from_output_f32), for the
// families whose derivative follows from y; only called for settings where it does.
#define ACTIV_SIMD_FROM_OUTPUT_FAMILIES(X) \
  X(Sigmoid)                               \
  X(Tanh)                                  \
  X(Exponential)                           \
  X(Relu)                                  \
  X(Elu)

namespace activ::detail::simd {

#define ACTIV_SIMD_DECLARE(Name)                                                     \
  void Name##ForwardF32(const Slots& s, const float* x, float* y, std::size_t n);    \
  void Name##BackwardF32(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n);
ACTIV_SIMD_FAMILIES(ACTIV_SIMD_DECLARE)
#undef ACTIV_SIMD_DECLARE

// float64 (elementwise_f64.cc, double-double): false, having written nothing, on targets
// without FMA and for elu settings it does not cover.
#define ACTIV_SIMD_FROM_OUTPUT_DECLARE(Name)                                                                   \
  void Name##BackwardFromOutputF32(const Slots& s, const float* y, const float* dy, float* dx, std::size_t n); \
  bool Name##BackwardFromOutputF64(const Slots& s, const double* y, const double* dy, double* dx, std::size_t n);
ACTIV_SIMD_FROM_OUTPUT_FAMILIES(ACTIV_SIMD_FROM_OUTPUT_DECLARE)
#undef ACTIV_SIMD_FROM_OUTPUT_DECLARE

// The exported, dispatching definitions of a family's float64 bodies, for the HWY_ONCE
// part of the translation unit that compiles them for every target (elementwise.cc,
// elementwise_f64.cc).
#define ACTIV_SIMD_F64_DISPATCH(Name)                                                                  \
  HWY_EXPORT(Name##ForwardF64);                                                                        \
  HWY_EXPORT(Name##BackwardF64);                                                                       \
  bool Name##ForwardF64(const Slots& s, const double* x, double* y, std::size_t n) {                   \
    return HWY_DYNAMIC_DISPATCH(Name##ForwardF64)(s, x, y, n);                                         \
  }                                                                                                    \
  bool Name##BackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) { \
    return HWY_DYNAMIC_DISPATCH(Name##BackwardF64)(s, x, dy, dx, n);                                   \
  }

#define ACTIV_SIMD_F64_DECLARE(Name)                                                   \
  bool Name##ForwardF64(const Slots& s, const double* x, double* y, std::size_t n);    \
  bool Name##BackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n);
ACTIV_SIMD_F64_FAMILIES(ACTIV_SIMD_F64_DECLARE)
ACTIV_SIMD_F64_DD_FAMILIES(ACTIV_SIMD_F64_DECLARE)
#undef ACTIV_SIMD_F64_DECLARE

// rrelu's training mode: per-element slopes drawn from the element's index as the
// scalar kernel draws them (scalar::rrelu_noise), float32 and float64, every target.
void RreluTrainingForwardF32(const Slots& s, const float* x, float* y, std::size_t n);
void RreluTrainingBackwardF32(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n);
void RreluTrainingForwardF64(const Slots& s, const double* x, double* y, std::size_t n);
void RreluTrainingBackwardF64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n);

}  // namespace activ::detail::simd
