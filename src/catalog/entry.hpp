// Internal shape of the registry: what a catalogue entry binds to. Kernels, the
// MPFR oracle, tests and the CLI all read this; nothing outside src/ includes it
// except activ_reference and the tests.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "activ/activation.hpp"
#include "activ/catalog.hpp"

namespace activ::detail {

// The mathematical families. Framework entries are spellings of a family with their
// own parameter names, defaults and conventions at kinks (see registry.cpp).
enum class Family : unsigned char {
  linear,
  relu,              // Keras 3 form: slope, max_value, threshold
  clip,              // hard_tanh, relu6
  leaky_relu,        // also prelu's scalar weight and rrelu in eval mode
  rrelu,             // training mode: one seeded slope per element
  elu,               // elu, selu, celu
  exponential,
  log1mexp,          // log(1 - e^-x), x >= 0
  gelu,              // erf or tanh approximation
  sigmoid,
  log_sigmoid,
  swish,             // silu is beta = 1
  softplus,          // beta, threshold
  mish,
  tanh,
  tanh_shrink,
  softsign,
  squareplus,
  hard_sigmoid,      // clip((x + shift) / divisor, 0, 1)
  hard_swish,
  threshold,
  thresholded_relu,
  hard_shrink,
  soft_shrink,
  sparse_plus,
  sparse_sigmoid,
  count_,
};

std::string_view family_name(Family f) noexcept;

// The families that work along an axis (FunctionInfo::kind == Kind::axis); their
// entries' `family` is unused. Slots (bound by the entry): [0] axis (kImplicitAxis for
// torch's dim=None), [1] temperature, [2] k (maxout), [3] the gate's variant (geglu:
// 0 erf, 1 tanh).
enum class AxisFamily : unsigned char {
  none,         // elementwise entries
  softmax,      // exp(x/T) / sum
  log_softmax,  // x/T - logsumexp(x/T)
  softmin,      // softmax(-x/T)
  softmax2d,    // softmax over axis -3 of a 3-D or 4-D input
  sparsemax,    // Martins & Astudillo (2016)
  glu,          // a * sigmoid(b), [a, b] = the halves along the axis
  swiglu,       // a * silu(b)
  geglu,        // a * gelu(b)
  reglu,        // a * relu(b)
  maxout,       // max over consecutive groups of k along the axis
};
std::string_view axis_family_name(AxisFamily f) noexcept;
inline constexpr long double kImplicitAxis = 1048576;  // torch's dim=None

// A family's parameters in its own canonical form, as kernels and the oracle read
// them. long double so that float64 evaluation keeps constants like SELU's scale to
// more than 53 bits.
inline constexpr std::size_t kMaxSlots = 5;

// SELU's constants (Klambauer et al. 2017). The oracle recognises them in the slots
// and uses the decimal expansions instead.
inline constexpr long double kSeluAlpha = 1.6732632423543772848170429916717L;
inline constexpr long double kSeluScale = 1.0507009873554804934193349852946L;
inline constexpr const char* kSeluAlphaDecimal = "1.6732632423543772848170429916717";
inline constexpr const char* kSeluScaleDecimal = "1.0507009873554804934193349852946";
struct Slots {
  std::array<long double, kMaxSlots> v{};
  // Position of a kernel call's first element in the caller's array, for families
  // whose value depends on the element's index (rrelu in training mode), so that a
  // call split over threads gives the same result.
  std::size_t offset = 0;
  long double operator[](std::size_t i) const noexcept { return v[i]; }
};

struct Kernels {
  void (*forward_f32)(const Slots&, const float* x, float* y, std::size_t n);
  void (*forward_f64)(const Slots&, const double* x, double* y, std::size_t n);
  void (*backward_f32)(const Slots&, const float* x, const float* dy, float* dx, std::size_t n);
  void (*backward_f64)(const Slots&, const double* x, const double* dy, double* dx,
                       std::size_t n);
  // Backward from the forward's output y instead of x (sigmoid, tanh, relu, elu,
  // exponential: PyTorch's and oneDNN's use_dst_for_bwd), or nullptr for the families
  // whose output does not determine the derivative. `from_output_unavailable` names the
  // parameter settings that lose that (elu with alpha <= 0), or returns an empty view.
  void (*backward_from_output_f32)(const Slots&, const float* y, const float* dy, float* dx, std::size_t n) = nullptr;
  void (*backward_from_output_f64)(const Slots&, const double* y, const double* dy, double* dx,
                                   std::size_t n) = nullptr;
  std::string_view (*from_output_unavailable)(const Slots&) = nullptr;
};

struct Entry {
  FunctionInfo info;
  Family family;
  // Maps the user's parameter values (in info.params order) to the family's slots,
  // including the fixed conventions of this framework (e.g. the derivative at a kink).
  void (*bind)(const double* params, Slots& slots);
  // Checks relations between parameters; returns an error message or an empty view.
  std::string_view (*check)(const double* params);
  AxisFamily axis_family = AxisFamily::none;
};

std::span<const Entry> entries() noexcept;
// The entry for a name or alias, or nullptr.
const Entry* find_entry(std::string_view name) noexcept;
const Kernels& kernels(Family f) noexcept;

struct ActivationAccess {
  static const Entry& entry(const Activation& a) noexcept { return *a.entry_; }
  static const std::array<double, kMaxParams>& values(const Activation& a) noexcept {
    return a.values_;
  }
  static Slots slots(const Activation& a) noexcept {
    Slots s;
    a.entry_->bind(a.values_.data(), s);
    return s;
  }
};

}  // namespace activ::detail
