#include "nn/rrelu.hpp"

#include <stdexcept>

#include "nn/format.hpp"

namespace activ::nn {

template <class T>
RReLU<T>::RReLU(double lower, double upper) : lower_(lower), upper_(upper) {
  if (!(lower <= upper)) throw std::invalid_argument("rrelu: lower must not exceed upper");
}

template <class T>
std::string RReLU<T>::spec() const {
  if (lower_ == 1.0 / 8 && upper_ == 1.0 / 3) return "rrelu";
  return "rrelu(lower=" + format_real(lower_) + ", upper=" + format_real(upper_) + ")";
}

template <class T>
std::size_t RReLU<T>::build(std::size_t in_features, Rng& rng) {
  rng_ = std::make_unique<Rng>(rng.next_seed());
  return in_features;
}

template <class T>
void RReLU<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) {
  y.reshape(x.rows, x.cols);
  slopes_.reshape(x.rows, x.cols);
  const T eval_slope = static_cast<T>((lower_ + upper_) / 2);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const T v = x.data[i];
    T slope = T(1);
    if (v <= T(0)) slope = mode == Mode::train ? static_cast<T>(rng_->uniform(lower_, upper_)) : eval_slope;
    slopes_.data[i] = slope;
    y.data[i] = v * slope;
  }
}

template <class T>
void RReLU<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  if (!dx) return;
  dx->reshape(x.rows, x.cols);
  for (std::size_t i = 0; i < x.size(); ++i) dx->data[i] = dy.data[i] * slopes_.data[i];
}

template class RReLU<float>;
template class RReLU<double>;

}  // namespace activ::nn
