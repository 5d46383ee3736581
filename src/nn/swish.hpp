// Swish with a learned beta: y = x * sigmoid(beta * x) (Ramachandran et al. 2017,
// "Searching for Activation Functions", the trainable-beta variant). One beta shared by
// all features (num_parameters = 1) or one per feature, each starting at `init` (1.0,
// where the layer equals silu). The model-spec element is
// swish_learnable[(num_parameters=N, init=1.0)]; its parameter is named "beta".
// dy/dx = s + beta x s (1 - s) and dy/dbeta = x^2 s (1 - s), with s = sigmoid(beta x).
#pragma once

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class LearnableSwish final : public Layer<T> {
 public:
  explicit LearnableSwish(std::size_t num_parameters = 1, double init = 1.0);
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;
  std::vector<Parameter<T>*> parameters() override { return {&beta_}; }

 private:
  std::size_t num_parameters_;
  double init_;
  Parameter<T> beta_{"beta", {}, {}};
};

}  // namespace activ::nn
