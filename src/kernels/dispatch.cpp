// kernels(Family): the scalar kernels, with float32, backward from the output (float32,
// and float64 on FMA targets) and float64 replaced by the SIMD bodies of src/kernels/simd/ (float64: the exact
// piecewise-linear families, rrelu in both modes, and in double-double exponential, elu, sigmoid,
// log_sigmoid, swish, softplus, tanh, tanh_shrink, mish, gelu (both forms), log1mexp,
// softsign, squareplus, hard_swish, sparse_plus, hard_sigmoid and relu with a slope and a
// threshold).
#include <array>

#include "kernels/kernels.hpp"
#include "kernels/simd/elementwise.hpp"

namespace activ::detail {
namespace {

// Families with several SIMD bodies pick per call: rrelu's eval mode (one slope) and
// training mode (per-element slopes); gelu's two forms.
void rrelu_forward(const Slots& s, const float* x, float* y, std::size_t n) {
  if (s[2] == 0) return simd::RreluEvalForwardF32(s, x, y, n);
  simd::RreluTrainingForwardF32(s, x, y, n);
}
void rrelu_backward(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n) {
  if (s[2] == 0) return simd::RreluEvalBackwardF32(s, x, dy, dx, n);
  simd::RreluTrainingBackwardF32(s, x, dy, dx, n);
}
void gelu_forward(const Slots& s, const float* x, float* y, std::size_t n) {
  if (s[0] != 0) return simd::GeluTanhForwardF32(s, x, y, n);
  simd::GeluErfForwardF32(s, x, y, n);
}
void gelu_backward(const Slots& s, const float* x, const float* dy, float* dx, std::size_t n) {
  if (s[0] != 0) return simd::GeluTanhBackwardF32(s, x, dy, dx, n);
  simd::GeluErfBackwardF32(s, x, dy, dx, n);
}

// float64: the SIMD body where it covers the settings (it returns false otherwise),
// else the scalar kernel.
template <bool (*Simd)(const Slots&, const double*, double*, std::size_t), Family F>
void forward_f64(const Slots& s, const double* x, double* y, std::size_t n) {
  if (!Simd(s, x, y, n)) scalar_kernels(F).forward_f64(s, x, y, n);
}
template <bool (*Simd)(const Slots&, const double*, const double*, double*, std::size_t), Family F>
void backward_f64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  if (!Simd(s, x, dy, dx, n)) scalar_kernels(F).backward_f64(s, x, dy, dx, n);
}
template <bool (*Simd)(const Slots&, const double*, const double*, double*, std::size_t), Family F>
void from_output_f64(const Slots& s, const double* y, const double* dy, double* dx, std::size_t n) {
  if (!Simd(s, y, dy, dx, n)) scalar_kernels(F).backward_from_output_f64(s, y, dy, dx, n);
}

// rrelu in float64: the eval body (slot 2 == 0) or the training body.
void rrelu_forward_f64(const Slots& s, const double* x, double* y, std::size_t n) {
  if (s[2] == 0 && simd::RreluEvalForwardF64(s, x, y, n)) return;
  simd::RreluTrainingForwardF64(s, x, y, n);
}
void rrelu_backward_f64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  if (s[2] == 0 && simd::RreluEvalBackwardF64(s, x, dy, dx, n)) return;
  simd::RreluTrainingBackwardF64(s, x, dy, dx, n);
}

// relu in float64: the exact body, or (slope and threshold both set) the double-double one.
void relu_forward_f64(const Slots& s, const double* x, double* y, std::size_t n) {
  if (simd::ReluForwardF64(s, x, y, n) || simd::ReluShiftedForwardF64(s, x, y, n)) return;
  scalar_kernels(Family::relu).forward_f64(s, x, y, n);
}
void relu_backward_f64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  if (simd::ReluShiftedBackwardF64(s, x, dy, dx, n)) return;
  simd::ReluBackwardF64(s, x, dy, dx, n);  // every setting: piecewise-constant derivative
}

// gelu's float64 bodies, one per form (each returns false for the other).
void gelu_forward_f64(const Slots& s, const double* x, double* y, std::size_t n) {
  if (s[0] != 0 ? simd::GeluTanhForwardF64(s, x, y, n) : simd::GeluErfForwardF64(s, x, y, n)) return;
  scalar_kernels(Family::gelu).forward_f64(s, x, y, n);
}
void gelu_backward_f64(const Slots& s, const double* x, const double* dy, double* dx, std::size_t n) {
  if (s[0] != 0 ? simd::GeluTanhBackwardF64(s, x, dy, dx, n) : simd::GeluErfBackwardF64(s, x, dy, dx, n)) return;
  scalar_kernels(Family::gelu).backward_f64(s, x, dy, dx, n);
}

Kernels assemble(Family f) {
  Kernels k = scalar_kernels(f);
  auto use = [&k](auto forward, auto backward) {
    k.forward_f32 = forward;
    k.backward_f32 = backward;
  };
  auto use64 = [&k](auto forward, auto backward) {
    k.forward_f64 = forward;
    k.backward_f64 = backward;
  };
#define ACTIV_USE_F64(Name, family) \
  use64(forward_f64<simd::Name##ForwardF64, Family::family>, backward_f64<simd::Name##BackwardF64, Family::family>)
  switch (f) {
    case Family::linear: ACTIV_USE_F64(Linear, linear); break;
    case Family::relu: use64(relu_forward_f64, relu_backward_f64); break;
    case Family::clip: ACTIV_USE_F64(Clip, clip); break;
    case Family::leaky_relu: ACTIV_USE_F64(LeakyRelu, leaky_relu); break;
    case Family::rrelu: use64(rrelu_forward_f64, rrelu_backward_f64); break;
    case Family::threshold: ACTIV_USE_F64(Threshold, threshold); break;
    case Family::thresholded_relu: ACTIV_USE_F64(ThresholdedRelu, thresholded_relu); break;
    case Family::hard_shrink: ACTIV_USE_F64(HardShrink, hard_shrink); break;
    case Family::soft_shrink: ACTIV_USE_F64(SoftShrink, soft_shrink); break;
    case Family::sparse_sigmoid: ACTIV_USE_F64(SparseSigmoid, sparse_sigmoid); break;
    case Family::exponential: ACTIV_USE_F64(Exponential, exponential); break;
    case Family::elu: ACTIV_USE_F64(Elu, elu); break;
    case Family::sigmoid: ACTIV_USE_F64(Sigmoid, sigmoid); break;
    case Family::log_sigmoid: ACTIV_USE_F64(LogSigmoid, log_sigmoid); break;
    case Family::swish: ACTIV_USE_F64(Swish, swish); break;
    case Family::softplus: ACTIV_USE_F64(Softplus, softplus); break;
    case Family::tanh: ACTIV_USE_F64(Tanh, tanh); break;
    case Family::tanh_shrink: ACTIV_USE_F64(TanhShrink, tanh_shrink); break;
    case Family::mish: ACTIV_USE_F64(Mish, mish); break;
    case Family::gelu: use64(gelu_forward_f64, gelu_backward_f64); break;
    case Family::log1mexp: ACTIV_USE_F64(Log1mexp, log1mexp); break;
    case Family::softsign: ACTIV_USE_F64(Softsign, softsign); break;
    case Family::squareplus: ACTIV_USE_F64(Squareplus, squareplus); break;
    case Family::hard_swish: ACTIV_USE_F64(HardSwish, hard_swish); break;
    case Family::sparse_plus: ACTIV_USE_F64(SparsePlus, sparse_plus); break;
    case Family::hard_sigmoid: ACTIV_USE_F64(HardSigmoid, hard_sigmoid); break;
    default: break;
  }
#undef ACTIV_USE_F64
  switch (f) {
    case Family::linear: use(simd::LinearForwardF32, simd::LinearBackwardF32); break;
    case Family::relu: use(simd::ReluForwardF32, simd::ReluBackwardF32); break;
    case Family::clip: use(simd::ClipForwardF32, simd::ClipBackwardF32); break;
    case Family::leaky_relu: use(simd::LeakyReluForwardF32, simd::LeakyReluBackwardF32); break;
    case Family::rrelu: use(rrelu_forward, rrelu_backward); break;
    case Family::hard_sigmoid: use(simd::HardSigmoidForwardF32, simd::HardSigmoidBackwardF32); break;
    case Family::hard_swish: use(simd::HardSwishForwardF32, simd::HardSwishBackwardF32); break;
    case Family::elu: use(simd::EluForwardF32, simd::EluBackwardF32); break;
    case Family::exponential: use(simd::ExponentialForwardF32, simd::ExponentialBackwardF32); break;
    case Family::sigmoid: use(simd::SigmoidForwardF32, simd::SigmoidBackwardF32); break;
    case Family::log_sigmoid: use(simd::LogSigmoidForwardF32, simd::LogSigmoidBackwardF32); break;
    case Family::swish: use(simd::SwishForwardF32, simd::SwishBackwardF32); break;
    case Family::softplus: use(simd::SoftplusForwardF32, simd::SoftplusBackwardF32); break;
    case Family::mish: use(simd::MishForwardF32, simd::MishBackwardF32); break;
    case Family::gelu: use(gelu_forward, gelu_backward); break;
    case Family::tanh: use(simd::TanhForwardF32, simd::TanhBackwardF32); break;
    case Family::softsign: use(simd::SoftsignForwardF32, simd::SoftsignBackwardF32); break;
    case Family::tanh_shrink: use(simd::TanhShrinkForwardF32, simd::TanhShrinkBackwardF32); break;
    case Family::squareplus: use(simd::SquareplusForwardF32, simd::SquareplusBackwardF32); break;
    case Family::threshold: use(simd::ThresholdForwardF32, simd::ThresholdBackwardF32); break;
    case Family::thresholded_relu: use(simd::ThresholdedReluForwardF32, simd::ThresholdedReluBackwardF32); break;
    case Family::hard_shrink: use(simd::HardShrinkForwardF32, simd::HardShrinkBackwardF32); break;
    case Family::soft_shrink: use(simd::SoftShrinkForwardF32, simd::SoftShrinkBackwardF32); break;
    case Family::sparse_plus: use(simd::SparsePlusForwardF32, simd::SparsePlusBackwardF32); break;
    case Family::sparse_sigmoid: use(simd::SparseSigmoidForwardF32, simd::SparseSigmoidBackwardF32); break;
    case Family::log1mexp: use(simd::Log1mexpForwardF32, simd::Log1mexpBackwardF32); break;
    case Family::count_: break;
  }
#define ACTIV_USE_FROM_OUTPUT(Name, family)                                                     \
  if (k.backward_from_output_f32) {                                                             \
    k.backward_from_output_f32 = simd::Name##BackwardFromOutputF32;                             \
    k.backward_from_output_f64 = from_output_f64<simd::Name##BackwardFromOutputF64, Family::family>; \
  }
  switch (f) {
    case Family::sigmoid: ACTIV_USE_FROM_OUTPUT(Sigmoid, sigmoid) break;
    case Family::tanh: ACTIV_USE_FROM_OUTPUT(Tanh, tanh) break;
    case Family::exponential: ACTIV_USE_FROM_OUTPUT(Exponential, exponential) break;
    case Family::relu: ACTIV_USE_FROM_OUTPUT(Relu, relu) break;
    case Family::elu: ACTIV_USE_FROM_OUTPUT(Elu, elu) break;
    default: break;
  }
#undef ACTIV_USE_FROM_OUTPUT
  return k;
}

const auto kTable = [] {
  std::array<Kernels, static_cast<std::size_t>(Family::count_)> t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = assemble(static_cast<Family>(i));
  return t;
}();

}  // namespace

const Kernels& kernels(Family f) noexcept { return kTable[static_cast<std::size_t>(f)]; }

}  // namespace activ::detail
