#include "nn/prelu.hpp"

#include <algorithm>
#include <stdexcept>

#include "nn/format.hpp"

namespace activ::nn {

template <class T>
PReLU<T>::PReLU(std::size_t num_parameters, double init) : num_parameters_(num_parameters), init_(init) {
  if (num_parameters == 0) throw std::invalid_argument("prelu: num_parameters must be at least 1");
}

template <class T>
std::string PReLU<T>::spec() const {
  std::string s = "prelu";
  std::string args;
  if (num_parameters_ != 1) args += "num_parameters=" + std::to_string(num_parameters_);
  if (init_ != 0.25) args += (args.empty() ? "" : ", ") + std::string("init=") + format_real(init_);
  return args.empty() ? s : s + "(" + args + ")";
}

template <class T>
std::size_t PReLU<T>::build(std::size_t in_features, Rng&) {
  build_feature_parameter(weight_, "prelu", num_parameters_, in_features, init_);
  return in_features;
}

template <class T>
void PReLU<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode) {
  const std::size_t stride = num_parameters_ == 1 ? 0 : 1;
  prelu_forward(x, y, weight_.value.data.data(), [stride](std::size_t c) { return c * stride; });
}

template <class T>
void PReLU<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  const std::size_t stride = num_parameters_ == 1 ? 0 : 1;
  prelu_backward(x, dy, weight_.value.data.data(), weight_.grad.data, dx,
                 [stride](std::size_t c) { return c * stride; }, PReluGradientAtZero::slope);
}

template class PReLU<float>;
template class PReLU<double>;

}  // namespace activ::nn
