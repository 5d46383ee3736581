// PReLU as torch.nn.PReLU: y = x for x > 0, a * x otherwise, with a learned slope `a`
// shared by all features (num_parameters = 1) or one per feature (the channel axis,
// dim 1, of a batch x features input); every slope starts at `init` (0.25).
#pragma once

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class PReLU final : public Layer<T> {
 public:
  explicit PReLU(std::size_t num_parameters = 1, double init = 0.25);
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;
  std::vector<Parameter<T>*> parameters() override { return {&weight_}; }

 private:
  std::size_t num_parameters_;
  double init_;
  Parameter<T> weight_{"weight", {}, {}};
};

}  // namespace activ::nn
