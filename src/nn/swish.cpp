#include "nn/swish.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nn/format.hpp"

namespace activ::nn {
namespace {

// sigmoid(z) without overflow: exp of a non-positive argument only.
template <class T>
T sigmoid(T z) {
  if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
  const T e = std::exp(z);
  return e / (T(1) + e);
}

}  // namespace

template <class T>
LearnableSwish<T>::LearnableSwish(std::size_t num_parameters, double init) : num_parameters_(num_parameters), init_(init) {
  if (num_parameters == 0) throw std::invalid_argument("swish_learnable: num_parameters must be at least 1");
  if (!std::isfinite(init)) throw std::invalid_argument("swish_learnable: init must be finite");
}

template <class T>
std::string LearnableSwish<T>::spec() const {
  std::string args;
  if (num_parameters_ != 1) args += "num_parameters=" + std::to_string(num_parameters_);
  if (init_ != 1.0) args += (args.empty() ? "" : ", ") + std::string("init=") + format_real(init_);
  return args.empty() ? "swish_learnable" : "swish_learnable(" + args + ")";
}

template <class T>
std::size_t LearnableSwish<T>::build(std::size_t in_features, Rng&) {
  build_feature_parameter(beta_, "swish_learnable", num_parameters_, in_features, init_);
  return in_features;
}

template <class T>
void LearnableSwish<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode) {
  y.reshape(x.rows, x.cols);
  const T* beta = beta_.value.data.data();
  const std::size_t stride = num_parameters_ == 1 ? 0 : 1;
  for (std::size_t r = 0; r < x.rows; ++r)
    for (std::size_t c = 0; c < x.cols; ++c) {
      const T v = x.data[r * x.cols + c];
      y.data[r * x.cols + c] = v * sigmoid(beta[c * stride] * v);
    }
}

template <class T>
void LearnableSwish<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  const T* beta = beta_.value.data.data();
  T* dbeta = beta_.grad.data.data();
  std::fill(beta_.grad.data.begin(), beta_.grad.data.end(), T(0));
  const std::size_t stride = num_parameters_ == 1 ? 0 : 1;
  if (dx) dx->reshape(x.rows, x.cols);
  for (std::size_t r = 0; r < x.rows; ++r)
    for (std::size_t c = 0; c < x.cols; ++c) {
      const std::size_t i = r * x.cols + c;
      const T v = x.data[i], b = beta[c * stride];
      const T s = sigmoid(b * v), ds = s * (T(1) - s);  // sigma'(beta x)
      dbeta[c * stride] += dy.data[i] * v * v * ds;
      if (dx) dx->data[i] = dy.data[i] * (s + b * v * ds);
    }
}

template class LearnableSwish<float>;
template class LearnableSwish<double>;

}  // namespace activ::nn
