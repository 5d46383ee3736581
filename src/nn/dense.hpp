// Dense (Keras) / Linear (torch): y = x W + b, W of shape in x out (Keras's kernel
// layout; torch stores its transpose).
#pragma once

#include "nn/layer.hpp"

namespace activ::nn {

enum class Init {
  glorot_uniform,   // Keras Dense: W ~ U(-l, l), l = sqrt(6 / (in + out)); b = 0
  kaiming_uniform,  // torch.nn.Linear: W, b ~ U(-1/sqrt(in), 1/sqrt(in))
};
Init parse_init(const std::string& name);  // throws std::invalid_argument
std::string init_name(Init init);

template <class T>
class Dense final : public Layer<T> {
 public:
  Dense(std::size_t units, bool bias = true, Init init = Init::glorot_uniform);
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;
  std::vector<Parameter<T>*> parameters() override;

 private:
  std::size_t units_;
  bool bias_;
  Init init_;
  Parameter<T> weight_{"weight", {}, {}}, b_{"bias", {}, {}};
};

}  // namespace activ::nn
