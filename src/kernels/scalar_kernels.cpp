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

constexpr Kernels table_entry(Family f) {
  switch (f) {
    case Family::linear: return kernels_of<Linear>();
    case Family::relu: return kernels_of<Relu>();
    case Family::clip: return kernels_of<Clip>();
    case Family::leaky_relu: return kernels_of<LeakyRelu>();
    case Family::rrelu: return kernels_of<Rrelu>();
    case Family::elu: return kernels_of<Elu>();
    case Family::exponential: return kernels_of<Exponential>();
    case Family::log1mexp: return kernels_of<Log1mexp>();
    case Family::gelu: return kernels_of<Gelu>();
    case Family::sigmoid: return kernels_of<Sigmoid>();
    case Family::log_sigmoid: return kernels_of<LogSigmoid>();
    case Family::swish: return kernels_of<Swish>();
    case Family::softplus: return kernels_of<Softplus>();
    case Family::mish: return kernels_of<Mish>();
    case Family::tanh: return kernels_of<Tanh>();
    case Family::tanh_shrink: return kernels_of<TanhShrink>();
    case Family::softsign: return kernels_of<Softsign>();
    case Family::squareplus: return kernels_of<Squareplus>();
    case Family::hard_sigmoid: return kernels_of<HardSigmoid>();
    case Family::hard_swish: return kernels_of<HardSwish>();
    case Family::threshold: return kernels_of<Threshold>();
    case Family::thresholded_relu: return kernels_of<ThresholdedRelu>();
    case Family::hard_shrink: return kernels_of<HardShrink>();
    case Family::soft_shrink: return kernels_of<SoftShrink>();
    case Family::sparse_plus: return kernels_of<SparsePlus>();
    case Family::sparse_sigmoid: return kernels_of<SparseSigmoid>();
    case Family::count_: break;
  }
  return {};
}

constexpr auto kTable = [] {
  std::array<Kernels, static_cast<std::size_t>(Family::count_)> t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = table_entry(static_cast<Family>(i));
  return t;
}();

}  // namespace

const Kernels& scalar_kernels(Family f) noexcept { return kTable[static_cast<std::size_t>(f)]; }

}  // namespace activ::detail
