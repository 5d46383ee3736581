// Layers applied one after another; owns their outputs so backward can hand each
// layer its forward's input and output without copies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class Sequential {
 public:
  void add(std::unique_ptr<Layer<T>> layer) { layers_.push_back(std::move(layer)); }

  // Builds every layer for `in_features` inputs. Layer i draws from its own generator,
  // seeded by the i-th output of an Rng(seed), and its parameters are named
  // "i.weight", "i.bias" (torch's state_dict style). Throws std::invalid_argument when
  // the model is empty or a layer does not suit its input width.
  void build(std::size_t in_features, std::uint64_t seed);

  // The last layer's output. `x` must stay alive and unchanged until backward.
  const Matrix<T>& forward(const Matrix<T>& x, Mode mode);
  // From the loss gradient w.r.t. forward's output: sets every parameter's grad, and
  // dL/dx into `dx` unless it is null. A parameter with a Keras regularizer gets its
  // penalty's gradient added, so grad is that of loss + regularization_loss().
  void backward(const Matrix<T>& dy, Matrix<T>* dx = nullptr);
  // The sum of the parameters' Keras regularization penalties at their current values
  // (0 without any): Keras adds it to the loss that training minimises and reports.
  double regularization_loss();

  std::vector<Parameter<T>*> parameters();
  std::string spec() const;  // the layers' specs joined by ","
  std::size_t in_features() const noexcept { return in_features_; }
  std::size_t out_features() const noexcept { return out_features_; }
  std::size_t size() const noexcept { return layers_.size(); }

 private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<Matrix<T>> outputs_;  // outputs_[i] is layer i's y
  const Matrix<T>* input_ = nullptr;
  Matrix<T> grad_a_, grad_b_;  // dy and dx of the layer being differentiated, swapped
  std::size_t in_features_ = 0, out_features_ = 0;
};

}  // namespace activ::nn
