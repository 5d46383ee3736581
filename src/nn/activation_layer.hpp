// Any activ activation spec string as a layer ("relu", "elu(alpha=0.5)", "softmax",
// "maxout(k=2)"): activ's own kernels do the forward and backward passes.
#pragma once

#include <activ/activation.hpp>

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class ActivationLayer final : public Layer<T> {
 public:
  explicit ActivationLayer(const activ::Activation& f) : f_(f) {}
  std::string spec() const override { return f_.to_string(); }
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;

 private:
  activ::Activation f_;
};

}  // namespace activ::nn
