// PReLU as keras.layers.PReLU (Keras 3, keras/src/layers/activations/prelu.py):
// y = relu(x) - alpha * relu(-x), with a learned `alpha` of the input's shape without
// the batch axis, except that the `shared_axes` have size 1 there (those dimensions
// share one alpha). Differences from torch's PReLU (prelu.hpp): alpha starts at the
// alpha_initializer (zeros by default, torch 0.25), dy/dx at x = 0 is 0 (torch: alpha),
// and alpha may have a regularizer and a constraint (weight_options.hpp).
//
// activ's batches are 2-D (batch, features). `feature_shape` says how a row's features
// are laid out as Keras's (batch, d1, ..., dk) input, in C order (what Keras's Flatten
// makes of it); by default it is (features,), so the only axis to share is 1 and
// shared_axes=1 gives one alpha for all features. With feature_shape=(28, 28, 1) and
// shared_axes=(1, 2), alpha has Keras's shape (1, 1, 1); with (4, 3) and shared_axes=1,
// (1, 3): feature r*3 + c uses alpha[c]. The model-spec element is
//   PReLU[(alpha_initializer=zeros, alpha_regularizer=None, alpha_constraint=None,
//          shared_axes=None, feature_shape=None)]
// and the parameter, saved as a (1, alpha count) row, is named "alpha" as in Keras.
#pragma once

#include <vector>

#include "nn/layer.hpp"

namespace activ::nn {

struct KerasPReLUOptions {
  Initializer alpha_initializer{};       // zeros
  Regularizer alpha_regularizer{};       // None
  Constraint alpha_constraint{};         // None
  std::vector<int> shared_axes;          // Keras axes of the input: 1 .. rank(feature_shape)
  std::vector<std::size_t> feature_shape;  // empty: (in_features,)
};

template <class T>
class KerasPReLU final : public Layer<T> {
 public:
  explicit KerasPReLU(KerasPReLUOptions options = {});
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;
  std::vector<Parameter<T>*> parameters() override { return {&alpha_}; }
  // alpha's Keras shape once built: feature_shape with the shared axes set to 1.
  const std::vector<std::size_t>& alpha_shape() const noexcept { return alpha_shape_; }

 private:
  KerasPReLUOptions o_;
  std::vector<std::size_t> alpha_shape_;
  std::vector<std::size_t> alpha_of_feature_;  // feature c uses alpha[alpha_of_feature_[c]]
  Parameter<T> alpha_{"alpha", {}, {}};
};

}  // namespace activ::nn
