// Keras 3's weight initializers, regularizers and constraints, for the parameters of
// the Keras layers (PReLU's alpha). The formulas are those of keras/src/initializers,
// keras/src/regularizers/regularizers.py and keras/src/constraints/constraints.py.
// A parameter is stored as a flat row, but initializers and constraints see it with
// its Keras shape (`shape`, C order), since glorot_uniform's fans and a norm's axes
// depend on it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nn/random.hpp"

namespace activ::nn {

// One axis as "A", several as "(A, B)": how the model spec writes Keras's axis arguments.
std::string axes_spec(const std::vector<int>& axes);

struct Initializer {
  enum class Kind { zeros, ones, constant, glorot_uniform };
  Kind kind = Kind::zeros;
  double value = 0;  // constant's

  // zeros | ones | constant(VALUE) | glorot_uniform, as the model spec writes it.
  std::string spec() const;
  // Fills `w` (the product of `shape` values). glorot_uniform: U(-l, l), l = sqrt(6 /
  // (fan_in + fan_out)) with Keras's compute_fans: rank 0: 1, 1; rank 1: n, n; rank 2:
  // rows, cols; higher ranks: shape[-2] and shape[-1] times the product of the rest.
  // The draws come from `rng`, not from Keras's generator.
  template <class T>
  void fill(std::vector<T>& w, const std::vector<std::size_t>& shape, Rng& rng) const;
};

// Keras's L1, L2 and L1L2: penalty = l1 * sum|w| + l2 * sum w^2, added to the loss;
// its gradient l1 * sign(w) + 2 l2 w (sign(0) = 0, TensorFlow's abs gradient at 0).
struct Regularizer {
  enum class Kind { none, l1, l2, l1_l2 };
  Kind kind = Kind::none;
  double l1 = 0, l2 = 0;

  bool active() const noexcept { return kind != Kind::none; }
  std::string spec() const;  // l1(V) | l2(V) | l1_l2(l1=A, l2=B) | None
  template <class T>
  double penalty(const std::vector<T>& w) const;
  template <class T>
  void add_gradient(const std::vector<T>& w, std::vector<T>& grad) const;
};

// Keras's constraints, applied to a parameter after each optimizer step (keras/src/
// optimizers/base_optimizer.py: variable.assign(variable.constraint(variable))):
//   non_neg:       w = max(w, 0)
//   max_norm:      w *= clip(n, 0, max_value) / (1e-7 + n)
//   min_max_norm:  w *= (rate clip(n, min_value, max_value) + (1 - rate) n) / (1e-7 + n)
// where n is the L2 norm over `axes` of the parameter's Keras shape (keepdims), 1e-7
// being Keras's backend.epsilon().
struct Constraint {
  enum class Kind { none, non_neg, max_norm, min_max_norm };
  Kind kind = Kind::none;
  double min_value = 0, max_value = 0, rate = 1;
  std::vector<int> axes{0};          // as given; negative counts from the end
  std::vector<std::size_t> shape;    // the parameter's Keras shape, set by its layer

  bool active() const noexcept { return kind != Kind::none; }
  std::string spec() const;  // non_neg | max_norm(max_value=M, axis=A) | min_max_norm(...) | None
  // Throws std::invalid_argument when an axis is outside `shape`'s rank.
  void check_axes(const std::vector<std::size_t>& param_shape) const;
  template <class T>
  void apply(std::vector<T>& w) const;
};

}  // namespace activ::nn
