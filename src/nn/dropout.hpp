// Dropout (inverted, as torch and Keras): in training each element is zeroed with
// probability p and the survivors are scaled by 1 / (1 - p); evaluation is the
// identity. The layer's own seeded generator draws the masks.
#pragma once

#include <memory>

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class Dropout final : public Layer<T> {
 public:
  explicit Dropout(double p);
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;

 private:
  double p_;
  std::unique_ptr<Rng> rng_;
  Matrix<T> scale_;  // 0 or 1 / (1 - p) per element; all 1 after an evaluation forward
};

}  // namespace activ::nn
