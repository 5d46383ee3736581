#include "nn/weight_options.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nn/format.hpp"

namespace activ::nn {
namespace {

// Keras's backend.epsilon(), the guard in the norm constraints' denominators.
constexpr double kKerasEpsilon = 1e-7;

// A shape as Python prints a tuple: (16,) or (2, 3).
std::string python_shape(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

std::string axes_spec(const std::vector<int>& axes) {
  if (axes.size() == 1) return std::to_string(axes[0]);
  std::string s = "(";
  for (std::size_t i = 0; i < axes.size(); ++i) s += (i ? ", " : "") + std::to_string(axes[i]);
  return s + ")";
}

std::string Initializer::spec() const {
  switch (kind) {
    case Kind::zeros: return "zeros";
    case Kind::ones: return "ones";
    case Kind::constant: return "constant(" + format_real(value) + ")";
    case Kind::glorot_uniform: return "glorot_uniform";
  }
  return "";
}

template <class T>
void Initializer::fill(std::vector<T>& w, const std::vector<std::size_t>& shape, Rng& rng) const {
  if (kind != Kind::glorot_uniform) {
    std::fill(w.begin(), w.end(), static_cast<T>(kind == Kind::ones ? 1.0 : kind == Kind::constant ? value : 0.0));
    return;
  }
  double fan_in = 1, fan_out = 1;
  if (shape.size() == 1) {
    fan_in = fan_out = static_cast<double>(shape[0]);
  } else if (shape.size() >= 2) {
    double receptive_field = 1;
    for (std::size_t i = 0; i + 2 < shape.size(); ++i) receptive_field *= static_cast<double>(shape[i]);
    fan_in = static_cast<double>(shape[shape.size() - 2]) * receptive_field;
    fan_out = static_cast<double>(shape.back()) * receptive_field;
  }
  const double limit = std::sqrt(6.0 / (fan_in + fan_out));
  for (T& v : w) v = static_cast<T>(rng.uniform(-limit, limit));
}

std::string Regularizer::spec() const {
  switch (kind) {
    case Kind::none: return "None";
    case Kind::l1: return "l1(" + format_real(l1) + ")";
    case Kind::l2: return "l2(" + format_real(l2) + ")";
    case Kind::l1_l2: return "l1_l2(l1=" + format_real(l1) + ", l2=" + format_real(l2) + ")";
  }
  return "";
}

template <class T>
double Regularizer::penalty(const std::vector<T>& w) const {
  double abs_sum = 0, square_sum = 0;
  for (const T v : w) {
    abs_sum += std::abs(static_cast<double>(v));
    square_sum += static_cast<double>(v) * static_cast<double>(v);
  }
  return l1 * abs_sum + l2 * square_sum;
}

template <class T>
void Regularizer::add_gradient(const std::vector<T>& w, std::vector<T>& grad) const {
  const T a = static_cast<T>(l1), b = static_cast<T>(2 * l2);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const T sign = w[i] > T(0) ? T(1) : w[i] < T(0) ? T(-1) : T(0);
    grad[i] += a * sign + b * w[i];
  }
}

std::string Constraint::spec() const {
  switch (kind) {
    case Kind::none: return "None";
    case Kind::non_neg: return "non_neg";
    case Kind::max_norm: return "max_norm(max_value=" + format_real(max_value) + ", axis=" + axes_spec(axes) + ")";
    case Kind::min_max_norm:
      return "min_max_norm(min_value=" + format_real(min_value) + ", max_value=" + format_real(max_value) +
             ", rate=" + format_real(rate) + ", axis=" + axes_spec(axes) + ")";
  }
  return "";
}

void Constraint::check_axes(const std::vector<std::size_t>& param_shape) const {
  if (kind != Kind::max_norm && kind != Kind::min_max_norm) return;
  const int rank = static_cast<int>(param_shape.size());
  for (const int a : axes)
    if (a < -rank || a >= rank)
      throw std::invalid_argument(spec() + ": axis " + std::to_string(a) + " is out of range for a weight of shape " +
                                  python_shape(param_shape));
}

template <class T>
void Constraint::apply(std::vector<T>& w) const {
  if (kind == Kind::none) return;
  if (kind == Kind::non_neg) {
    for (T& v : w) v = std::max(v, T(0));  // ops.maximum(w, 0)
    return;
  }
  // The norm of each slice over `axes`: entries that agree on every other coordinate
  // share a norm. `group` maps an entry to its slice by zeroing the reduced coordinates.
  const std::size_t rank = shape.size();
  std::vector<bool> reduced(rank, false);
  for (const int a : axes) reduced[static_cast<std::size_t>(a < 0 ? a + static_cast<int>(rank) : a)] = true;
  std::vector<std::size_t> group(w.size(), 0);
  for (std::size_t i = 0; i < w.size(); ++i) {
    std::size_t rest = i, key = 0, stride = 1;
    for (std::size_t d = rank; d-- > 0;) {
      const std::size_t coordinate = rest % shape[d];
      rest /= shape[d];
      if (!reduced[d]) key += coordinate * stride;
      stride *= shape[d];
    }
    group[i] = key;
  }
  std::vector<double> norm(w.size(), 0.0);
  for (std::size_t i = 0; i < w.size(); ++i) norm[group[i]] += static_cast<double>(w[i]) * static_cast<double>(w[i]);
  for (double& n : norm) n = std::sqrt(n);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double n = norm[group[i]];
    const double desired = kind == Kind::max_norm
                               ? std::clamp(n, 0.0, max_value)
                               : rate * std::clamp(n, min_value, max_value) + (1 - rate) * n;
    w[i] = static_cast<T>(static_cast<double>(w[i]) * (desired / (kKerasEpsilon + n)));
  }
}

template void Initializer::fill(std::vector<float>&, const std::vector<std::size_t>&, Rng&) const;
template void Initializer::fill(std::vector<double>&, const std::vector<std::size_t>&, Rng&) const;
template double Regularizer::penalty(const std::vector<float>&) const;
template double Regularizer::penalty(const std::vector<double>&) const;
template void Regularizer::add_gradient(const std::vector<float>&, std::vector<float>&) const;
template void Regularizer::add_gradient(const std::vector<double>&, std::vector<double>&) const;
template void Constraint::apply(std::vector<float>&) const;
template void Constraint::apply(std::vector<double>&) const;

}  // namespace activ::nn
