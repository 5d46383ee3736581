#include "nn/dropout.hpp"

#include <stdexcept>

#include "nn/format.hpp"

namespace activ::nn {

template <class T>
Dropout<T>::Dropout(double p) : p_(p) {
  if (!(p >= 0 && p < 1)) throw std::invalid_argument("dropout: p must be in [0, 1), got " + format_real(p));
}

template <class T>
std::string Dropout<T>::spec() const {
  return "dropout(" + format_real(p_) + ")";
}

template <class T>
std::size_t Dropout<T>::build(std::size_t in_features, Rng& rng) {
  rng_ = std::make_unique<Rng>(rng.next_seed());
  return in_features;
}

template <class T>
void Dropout<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) {
  y.reshape(x.rows, x.cols);
  scale_.reshape(x.rows, x.cols);
  const T keep = static_cast<T>(1 / (1 - p_));
  for (std::size_t i = 0; i < x.size(); ++i) {
    scale_.data[i] = mode == Mode::eval || rng_->uniform01() >= p_ ? (mode == Mode::eval ? T(1) : keep) : T(0);
    y.data[i] = x.data[i] * scale_.data[i];
  }
}

template <class T>
void Dropout<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  if (!dx) return;
  dx->reshape(x.rows, x.cols);
  for (std::size_t i = 0; i < x.size(); ++i) dx->data[i] = dy.data[i] * scale_.data[i];
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace activ::nn
