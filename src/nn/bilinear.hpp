// torch.nn.Bilinear: y[n, o] = sum_ij x1[n, i] W[o, i, j] x2[n, j] + b[o], with W of
// shape (out, in1, in2) (stored C order: Matrix rows = out, cols = in1 * in2) and b of
// shape (out); both start U(-1/sqrt(in1), 1/sqrt(in1)) as torch's reset_parameters draws
// them. It takes two inputs, so it is a class of its own, not a Layer of Sequential and
// not a model-spec element; optimizers take its parameters() like any layer's.
#pragma once

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

}  // namespace activ::nn
