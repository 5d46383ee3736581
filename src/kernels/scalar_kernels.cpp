// The portable kernels: each family's scalar formulas in a wide type, rounded once to
// the storage type. They define the accuracy every faster kernel must keep.
#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "kernels/kernels.hpp"
#include "kernels/scalar/exponential.hpp"
#include "kernels/scalar/gelu.hpp"
#include "kernels/scalar/hyperbolic.hpp"
#include "kernels/scalar/logistic.hpp"
#include "kernels/scalar/piecewise.hpp"

namespace activ::detail {
namespace {

template <class T> struct Wide;
template <> struct Wide<float> { using type = double; };
template <> struct Wide<double> { using type = long double; };

// Families whose derivative has roots where float64 needs binary128 (quad.hpp).
template <class F>
concept RootSensitive = requires(const Slots& s, long double x) { F::near_derivative_root(s, x); };

// Families whose value depends on the element's index (rrelu's per-element slope).
template <class F>
concept Indexed = requires(const Slots& s, double x, std::size_t i) { F::forward_at(s, x, i); };

template <class F, class T>
void forward(const Slots& s, const T* x, T* y, std::size_t n) {
  using W = typename Wide<T>::type;
  for (std::size_t i = 0; i < n; ++i) {
    const T xi = x[i];
    if (std::isnan(xi)) {
      y[i] = xi;
    } else if constexpr (Indexed<F>) {
      y[i] = scalar::narrow<T>(F::template forward_at<W>(s, W(xi), i));
    } else {
      y[i] = scalar::narrow<T>(F::template forward<W>(s, W(xi)));
    }
  }
}

template <class F, class T>
void backward(const Slots& s, const T* x, const T* dy, T* dx, std::size_t n) {
  using W = typename Wide<T>::type;
  for (std::size_t i = 0; i < n; ++i) {
    const T xi = x[i];
    if (std::isnan(xi)) {
      dx[i] = xi;
    } else if constexpr (Indexed<F>) {
      dx[i] = static_cast<T>(W(dy[i]) * F::template derivative_at<W>(s, W(xi), i));
    } else if constexpr (RootSensitive<F> && std::is_same_v<T, double>) {
      if (F::near_derivative_root(s, W(xi)))
        dx[i] = static_cast<T>(scalar::Quad(dy[i]) * F::template derivative<scalar::Quad>(s, scalar::Quad(xi)));
      else
        dx[i] = static_cast<T>(W(dy[i]) * F::template derivative<W>(s, W(xi)));
    } else {
      dx[i] = static_cast<T>(W(dy[i]) * F::template derivative<W>(s, W(xi)));
    }
  }
}

// Families whose derivative follows from the forward's output (Kernels::backward_from_output_*).
template <class F>
concept FromOutput = requires(const Slots& s, double y) { F::derivative_from_output(s, y); };
template <class F>
concept FromOutputConditional = requires(const Slots& s) { F::from_output_unavailable(s); };

template <class F, class T>
void backward_from_output(const Slots& s, const T* y, const T* dy, T* dx, std::size_t n) {
  using W = typename Wide<T>::type;
  for (std::size_t i = 0; i < n; ++i)
    dx[i] = static_cast<T>(W(dy[i]) * F::template derivative_from_output<W>(s, W(y[i])));
}

std::string_view always_available(const Slots&) { return {}; }

template <class F>
constexpr Kernels kernels_of() {
  Kernels k{forward<F, float>, forward<F, double>, backward<F, float>, backward<F, double>};
  if constexpr (FromOutput<F>) {
    k.backward_from_output_f32 = backward_from_output<F, float>;
    k.backward_from_output_f64 = backward_from_output<F, double>;
    if constexpr (FromOutputConditional<F>)
      k.from_output_unavailable = F::from_output_unavailable;
    else
      k.from_output_unavailable = always_available;
  }
  return k;
}

using namespace scalar;

// The float32 kernels' float64 evaluation before their final rounding (WideF32Kernels).
double unrounded(double v) { return v; }
double unrounded(Pair<double> v) { return v.hi + v.lo; }

template <class F>
void forward_wide_f32(const Slots& s, const float* x, double* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i];
    if (std::isnan(xi))
      y[i] = xi;
    else if constexpr (Indexed<F>)
      y[i] = unrounded(F::template forward_at<double>(s, xi, i));
    else
      y[i] = unrounded(F::template forward<double>(s, xi));
  }
}

template <class F>
void derivative_wide_f32(const Slots& s, const float* x, double* d, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i];
    if (std::isnan(xi))
      d[i] = xi;
    else if constexpr (Indexed<F>)
      d[i] = F::template derivative_at<double>(s, xi, i);
    else if constexpr (RootSensitive<F>)
      // Next to a root the derivative's terms cancel, leaving double a few float bits
      // (gelu' near -0.75: 2^-26 relative); binary128 keeps the reference exact there.
      d[i] = F::near_derivative_root(s, xi) ? static_cast<double>(F::template derivative<Quad>(s, Quad(xi)))
                                            : F::template derivative<double>(s, xi);
    else
      d[i] = F::template derivative<double>(s, xi);
  }
}

// Calls visit.template operator()<F>() with the family's scalar formulas F.
template <class Visit>
constexpr auto visit_family(Family f, Visit visit) {
  switch (f) {
    case Family::linear: return visit.template operator()<Linear>();
    case Family::relu: return visit.template operator()<Relu>();
    case Family::clip: return visit.template operator()<Clip>();
    case Family::leaky_relu: return visit.template operator()<LeakyRelu>();
    case Family::rrelu: return visit.template operator()<Rrelu>();
    case Family::elu: return visit.template operator()<Elu>();
    case Family::exponential: return visit.template operator()<Exponential>();
    case Family::log1mexp: return visit.template operator()<Log1mexp>();
    case Family::gelu: return visit.template operator()<Gelu>();
    case Family::sigmoid: return visit.template operator()<Sigmoid>();
    case Family::log_sigmoid: return visit.template operator()<LogSigmoid>();
    case Family::swish: return visit.template operator()<Swish>();
    case Family::softplus: return visit.template operator()<Softplus>();
    case Family::mish: return visit.template operator()<Mish>();
    case Family::tanh: return visit.template operator()<Tanh>();
    case Family::tanh_shrink: return visit.template operator()<TanhShrink>();
    case Family::softsign: return visit.template operator()<Softsign>();
    case Family::squareplus: return visit.template operator()<Squareplus>();
    case Family::hard_sigmoid: return visit.template operator()<HardSigmoid>();
    case Family::hard_swish: return visit.template operator()<HardSwish>();
    case Family::threshold: return visit.template operator()<Threshold>();
    case Family::thresholded_relu: return visit.template operator()<ThresholdedRelu>();
    case Family::hard_shrink: return visit.template operator()<HardShrink>();
    case Family::soft_shrink: return visit.template operator()<SoftShrink>();
    case Family::sparse_plus: return visit.template operator()<SparsePlus>();
    case Family::sparse_sigmoid: return visit.template operator()<SparseSigmoid>();
    case Family::count_: break;
  }
  return decltype(visit.template operator()<Linear>()){};
}

constexpr Kernels table_entry(Family f) {
  return visit_family(f, []<class F>() { return kernels_of<F>(); });
}

constexpr auto kTable = [] {
  std::array<Kernels, static_cast<std::size_t>(Family::count_)> t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = table_entry(static_cast<Family>(i));
  return t;
}();

}  // namespace

const Kernels& scalar_kernels(Family f) noexcept { return kTable[static_cast<std::size_t>(f)]; }

const WideF32Kernels& wide_f32_kernels(Family f) noexcept {
  static constexpr auto table = [] {
    std::array<WideF32Kernels, static_cast<std::size_t>(Family::count_)> t{};
    for (std::size_t i = 0; i < t.size(); ++i)
      t[i] = visit_family(static_cast<Family>(i),
                          []<class F>() { return WideF32Kernels{forward_wide_f32<F>, derivative_wide_f32<F>}; });
    return t;
  }();
  return table[static_cast<std::size_t>(f)];
}

}  // namespace activ::detail
