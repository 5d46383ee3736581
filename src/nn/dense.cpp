#include "nn/dense.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nn/gemm.hpp"

namespace activ::nn {

Init parse_init(const std::string& name) {
  if (name == "glorot_uniform") return Init::glorot_uniform;
  if (name == "kaiming_uniform") return Init::kaiming_uniform;
  throw std::invalid_argument("unknown initialiser '" + name + "' (known: glorot_uniform, kaiming_uniform)");
}

std::string init_name(Init init) { return init == Init::glorot_uniform ? "glorot_uniform" : "kaiming_uniform"; }

template <class T>
Dense<T>::Dense(std::size_t units, bool bias, Init init) : units_(units), bias_(bias), init_(init) {
  if (units == 0) throw std::invalid_argument("dense: units must be at least 1");
}

template <class T>
std::string Dense<T>::spec() const {
  std::string s = "dense(" + std::to_string(units_);
  if (!bias_) s += ", bias=false";
  if (init_ != Init::glorot_uniform) s += ", init=" + init_name(init_);
  return s + ")";
}

template <class T>
std::size_t Dense<T>::build(std::size_t in_features, Rng& rng) {
  if (in_features == 0) throw std::invalid_argument("dense: no input features");
  weight_.value = Matrix<T>(in_features, units_);
  weight_.grad = Matrix<T>(in_features, units_);
  const double fan_in = static_cast<double>(in_features), fan_out = static_cast<double>(units_);
  const double limit = init_ == Init::glorot_uniform ? std::sqrt(6.0 / (fan_in + fan_out)) : 1.0 / std::sqrt(fan_in);
  for (T& w : weight_.value.data) w = static_cast<T>(rng.uniform(-limit, limit));
  if (bias_) {
    b_.value = Matrix<T>(1, units_);
    b_.grad = Matrix<T>(1, units_);
    if (init_ == Init::kaiming_uniform)
      for (T& b : b_.value.data) b = static_cast<T>(rng.uniform(-1.0 / std::sqrt(fan_in), 1.0 / std::sqrt(fan_in)));
  }
  return units_;
}

template <class T>
void Dense<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode) {
  const std::size_t in = weight_.value.rows;
  if (x.cols != in)
    throw std::invalid_argument("dense: input has " + std::to_string(x.cols) + " features, the layer was built for " +
                                std::to_string(in));
  y.reshape(x.rows, units_);
  gemm(Transpose::no, Transpose::no, x.rows, units_, in, T(1), x.data.data(), weight_.value.data.data(), T(0),
       y.data.data());
  if (bias_)
    for (std::size_t r = 0; r < y.rows; ++r) {
      T* row = &y.data[r * units_];
      for (std::size_t c = 0; c < units_; ++c) row[c] += b_.value.data[c];
    }
}

template <class T>
void Dense<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  const std::size_t in = weight_.value.rows;
  // dW = x^T dy, db = column sums of dy, dx = dy W^T.
  gemm(Transpose::yes, Transpose::no, in, units_, x.rows, T(1), x.data.data(), dy.data.data(), T(0),
       weight_.grad.data.data());
  if (bias_) {
    std::fill(b_.grad.data.begin(), b_.grad.data.end(), T(0));
    for (std::size_t r = 0; r < dy.rows; ++r)
      for (std::size_t c = 0; c < units_; ++c) b_.grad.data[c] += dy.data[r * units_ + c];
  }
  if (dx) {
    dx->reshape(x.rows, in);
    gemm(Transpose::no, Transpose::yes, x.rows, in, units_, T(1), dy.data.data(), weight_.value.data.data(), T(0),
         dx->data.data());
  }
}

template <class T>
std::vector<Parameter<T>*> Dense<T>::parameters() {
  if (bias_) return {&weight_, &b_};
  return {&weight_};
}

template class Dense<float>;
template class Dense<double>;

}  // namespace activ::nn
