// torch.nn.Bilinear: y[n, o] = sum_ij x1[n, i] W[o, i, j] x2[n, j] + b[o], with W of
// shape (out, in1, in2) (stored C order: Matrix rows = out, cols = in1 * in2) and b of
// shape (out); both start U(-1/sqrt(in1), 1/sqrt(in1)) as torch's reset_parameters draws
// them. It takes two inputs, so it is a class of its own; optimizers take its
// parameters() like any layer's. BilinearLayer below is its one-input form for
// Sequential and model specs.
#pragma once

#include <optional>
#include <vector>

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class Bilinear {
 public:
  Bilinear(std::size_t in1_features, std::size_t in2_features, std::size_t out_features, bool bias = true);
  // Draws W, then b, from `rng`.
  void build(Rng& rng);
  // x1: batch x in1, x2: batch x in2 -> y: batch x out.
  void forward(const Matrix<T>& x1, const Matrix<T>& x2, Matrix<T>& y);
  // Sets the parameters' grads from dy = dL/dy and, where not null, dx1 and dx2.
  void backward(const Matrix<T>& x1, const Matrix<T>& x2, const Matrix<T>& dy, Matrix<T>* dx1, Matrix<T>* dx2);
  std::vector<Parameter<T>*> parameters();

 private:
  void check(const Matrix<T>& x1, const Matrix<T>& x2) const;
  std::size_t in1_, in2_, out_;
  bool bias_;
  Parameter<T> weight_{"weight", {}, {}}, b_{"bias", {}, {}};
  Matrix<T> work_, scaled_;  // batch x in2 (x1 W_o) or batch x in1 (x2 W_o^T); batch x in1 (x1 scaled by dy)
};

// The model-spec element bilinear(OUT[, bias=true]): torch.nn.Bilinear(IN, IN, OUT)
// applied with both inputs the incoming features, y_k = x^T A_k x + b_k. A Sequential
// has one stream of features, so the layer pairs it with itself: a quadratic form per
// output, torch's shapes (A: OUT x IN x IN) and init (U(+-1/sqrt(IN)) for A and b).
// Backward: x enters twice, so dL/dx is the sum of Bilinear's two input gradients.
template <class T>
class BilinearLayer final : public Layer<T> {
 public:
  explicit BilinearLayer(std::size_t out_features, bool bias = true);
  std::string spec() const override;
  std::size_t build(std::size_t in_features, Rng& rng) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) override;
  std::vector<Parameter<T>*> parameters() override;

 private:
  Bilinear<T>& built();
  std::size_t out_;
  bool bias_;
  std::optional<Bilinear<T>> bilinear_;  // made by build, when the input width is known
  Matrix<T> dx2_;                        // the second input's gradient, added to dx
};

}  // namespace activ::nn
