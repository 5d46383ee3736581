#include "nn/activation_layer.hpp"

namespace activ::nn {

template <class T>
std::size_t ActivationLayer<T>::build(std::size_t in_features, Rng&) {
  // A batch is a rank-2 tensor; axis functions (softmax, maxout, glu) work along the
  // features unless their spec names another axis, and may change the width.
  const Shape out = f_.output_shape(Shape{1, in_features});
  if (out.size() != 2 || out[0] != 1)
    throw std::invalid_argument("activation '" + f_.to_string() + "' does not keep the batch axis");
  return out[1];
}

template <class T>
void ActivationLayer<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode) {
  const Shape out = f_.output_shape(Shape{x.rows, x.cols});
  y.reshape(out[0], out[1]);
  f_.forward(x.view(), y.view());
}

template <class T>
void ActivationLayer<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  if (!dx) return;
  dx->reshape(x.rows, x.cols);
  f_.backward(x.view(), dy.view(), dx->view());
}

template class ActivationLayer<float>;
template class ActivationLayer<double>;

}  // namespace activ::nn
