// RReLU as torch.nn.RReLU: in training each element x <= 0 gets its own slope drawn
// uniformly from [lower, upper] (by this layer's seeded generator); in evaluation the
// slope is (lower + upper) / 2.
#pragma once

#include <memory>

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class RReLU final : public Layer<T> {
 public:
  RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3);
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;

 private:
  double lower_, upper_;
  std::unique_ptr<Rng> rng_;
  Matrix<T> slopes_;  // the forward's slope of each element (1 where x > 0)
};

}  // namespace activ::nn
