// The maxout layer of Goodfellow et al. (2013), "Maxout Networks": a dense affine map
// to units * pieces values z = x W + b, then y_j = max(z_{j*pieces}, ...,
// z_{j*pieces + pieces - 1}), the maximum over each group of `pieces` consecutive
// values. It is Dense(units * pieces) followed by activ's maxout(k=pieces) kernel, so
// W is in x (units * pieces) (Keras's layout), initialised like dense's (glorot_uniform
// by default: U(+-sqrt(6 / (in + units*pieces))), bias 0; kaiming_uniform as torch's
// Linear), and the parameters are "weight" and "bias". Backward sends each dy_j to the
// first maximum of its group (the lowest piece index among equal maxima; a NaN piece
// makes y_j NaN), as activ's maxout. The model-spec element is
//   maxout(UNITS[, pieces=2][, bias=true|false][, init=glorot_uniform|kaiming_uniform])
// (with UNITS it is this layer; maxout without units, e.g. maxout(k=2), is the
// weightless activation).
#pragma once

#include <activ/activation.hpp>

#include "nn/activation_layer.hpp"
#include "nn/dense.hpp"

namespace activ::nn {

template <class T>
class Maxout final : public Layer<T> {
 public:
  Maxout(std::size_t units, std::size_t pieces = 2, bool bias = true, Init init = Init::glorot_uniform);
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;
  std::vector<Parameter<T>*> parameters() override { return affine_.parameters(); }

 private:
  std::size_t units_, pieces_;
  bool bias_;
  Init init_;
  Dense<T> affine_;
  ActivationLayer<T> max_;
  Matrix<T> z_, dz_;  // the affine map's output from the last forward, and its gradient
};

}  // namespace activ::nn
