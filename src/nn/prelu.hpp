// PReLU as torch.nn.PReLU: y = x for x > 0, a * x otherwise, with a learned slope `a`
// shared by all features (num_parameters = 1) or one per feature (the channel axis,
// dim 1, of a batch x features input); every slope starts at `init` (0.25).
#pragma once

#include <algorithm>
#include <vector>

#include "nn/layer.hpp"

namespace activ::nn {

// The passes shared by torch's PReLU and Keras's (keras_prelu.hpp): feature c uses the
// slope a[slope_of(c)]; y = x for x > 0, a x otherwise.
template <class T, class SlopeOf>
void prelu_forward(const Matrix<T>& x, Matrix<T>& y, const T* a, SlopeOf slope_of) {
  y.reshape(x.rows, x.cols);
  for (std::size_t r = 0; r < x.rows; ++r)
    for (std::size_t c = 0; c < x.cols; ++c) {
      const T v = x.data[r * x.cols + c];
      y.data[r * x.cols + c] = v > T(0) ? v : a[slope_of(c)] * v;
    }
}

// Where the two differ: dy/dx at x = 0.
enum class PReluGradientAtZero {
  slope,  // torch: its autograd takes the x <= 0 branch, so a
  zero,   // Keras: relu(x) - a relu(-x) with relu'(0) = 0 (every backend)
};

// da = dL/da (overwritten) and, unless dx is null, dx = dL/dx.
template <class T, class SlopeOf>
void prelu_backward(const Matrix<T>& x, const Matrix<T>& dy, const T* a, std::vector<T>& da, Matrix<T>* dx,
                    SlopeOf slope_of, PReluGradientAtZero at_zero) {
  std::fill(da.begin(), da.end(), T(0));
  if (dx) dx->reshape(x.rows, x.cols);
  const T zero_factor = at_zero == PReluGradientAtZero::zero ? T(0) : T(1);
  for (std::size_t r = 0; r < x.rows; ++r)
    for (std::size_t c = 0; c < x.cols; ++c) {
      const std::size_t i = r * x.cols + c;
      const T v = x.data[i];
      if (v > T(0)) {
        if (dx) dx->data[i] = dy.data[i];
      } else {
        da[slope_of(c)] += v * dy.data[i];
        if (dx) dx->data[i] = (v == T(0) ? zero_factor : T(1)) * a[slope_of(c)] * dy.data[i];
      }
    }
}

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
