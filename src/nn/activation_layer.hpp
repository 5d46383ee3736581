// Any activ activation spec string as a layer ("relu", "elu(alpha=0.5)", "softmax",
// "maxout(k=2)"): activ's own kernels do the forward and backward passes.
#pragma once

#include <activ/activation.hpp>

#include <string>
#include <utility>

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class ActivationLayer final : public Layer<T> {
 public:
  explicit ActivationLayer(const activ::Activation& f) : f_(f), spec_(f.to_string()) {}
  // A named layer that `f` computes exactly (Keras's LeakyReLU(0.3) is
  // keras:leaky_relu(negative_slope=0.3)); `spec` is the layer's own model-spec element.
  ActivationLayer(const activ::Activation& f, std::string spec) : f_(f), spec_(std::move(spec)) {}
  std::string spec() const override { return spec_; }
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;

 private:
  activ::Activation f_;
  std::string spec_;
};

}  // namespace activ::nn
