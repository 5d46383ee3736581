#include "nn/keras_prelu.hpp"

#include <algorithm>
#include <stdexcept>

#include "nn/prelu.hpp"

namespace activ::nn {
namespace {

// "(D1, D2, ...)", or "D" for one dimension (as the model spec reads it back).
std::string shape_text(const std::vector<std::size_t>& shape) {
  if (shape.size() == 1) return std::to_string(shape[0]);
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

}  // namespace

template <class T>
KerasPReLU<T>::KerasPReLU(KerasPReLUOptions options) : o_(std::move(options)) {
  std::size_t product = 1;
  for (const std::size_t d : o_.feature_shape) {
    if (d == 0 || d > (std::size_t{1} << 24) / product)
      throw std::invalid_argument("PReLU: feature_shape " + shape_text(o_.feature_shape) +
                                  " is empty or has more than 16777216 features");
    product *= d;
  }
  for (const int a : o_.shared_axes)
    if (a < 1) throw std::invalid_argument("PReLU: shared_axes are input axes from 1 (0 is the batch)");
}

template <class T>
std::string KerasPReLU<T>::spec() const {
  std::string args;
  const auto add = [&](const std::string& a) { args += (args.empty() ? "" : ", ") + a; };
  if (o_.alpha_initializer.kind != Initializer::Kind::zeros) add("alpha_initializer=" + o_.alpha_initializer.spec());
  if (o_.alpha_regularizer.active()) add("alpha_regularizer=" + o_.alpha_regularizer.spec());
  if (o_.alpha_constraint.active()) add("alpha_constraint=" + o_.alpha_constraint.spec());
  if (!o_.shared_axes.empty()) add("shared_axes=" + axes_spec(o_.shared_axes));
  if (!o_.feature_shape.empty()) add("feature_shape=" + shape_text(o_.feature_shape));
  return args.empty() ? "PReLU" : "PReLU(" + args + ")";
}

template <class T>
std::size_t KerasPReLU<T>::build(std::size_t in_features, Rng& rng) {
  const std::vector<std::size_t> shape = o_.feature_shape.empty() ? std::vector<std::size_t>{in_features}
                                                                  : o_.feature_shape;
  std::size_t product = 1;
  for (const std::size_t d : shape) product *= d;
  if (product != in_features)
    throw std::invalid_argument("PReLU: feature_shape " + shape_text(shape) + " has " + std::to_string(product) +
                                " features, the input " + std::to_string(in_features));
  alpha_shape_ = shape;
  for (const int a : o_.shared_axes) {
    if (static_cast<std::size_t>(a) > shape.size())
      throw std::invalid_argument("PReLU: shared axis " + std::to_string(a) +
                                  " does not exist: the input has axes 1 to " + std::to_string(shape.size()) +
                                  " after the batch");
    alpha_shape_[static_cast<std::size_t>(a) - 1] = 1;  // Keras: param_shape[i - 1] = 1
  }
  try {
    o_.alpha_constraint.check_axes(alpha_shape_);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("PReLU: alpha_constraint=") + e.what());
  }
  // Feature c, unravelled in `shape`, with the shared coordinates dropped (size 1 in
  // alpha's shape), ravelled in alpha's shape.
  alpha_of_feature_.assign(in_features, 0);
  for (std::size_t c = 0; c < in_features; ++c) {
    std::size_t rest = c, index = 0, stride = 1;
    for (std::size_t d = shape.size(); d-- > 0;) {
      const std::size_t coordinate = rest % shape[d];
      rest /= shape[d];
      if (alpha_shape_[d] != 1) index += coordinate * stride;
      stride *= alpha_shape_[d];
    }
    alpha_of_feature_[c] = index;
  }
  std::size_t count = 1;
  for (const std::size_t d : alpha_shape_) count *= d;
  alpha_.value = Matrix<T>(1, count);
  alpha_.grad = Matrix<T>(1, count);
  o_.alpha_initializer.fill(alpha_.value.data, alpha_shape_, rng);
  alpha_.regularizer = o_.alpha_regularizer;
  alpha_.constraint = o_.alpha_constraint;
  alpha_.constraint.shape = alpha_shape_;
  return in_features;
}

template <class T>
void KerasPReLU<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode) {
  if (x.cols != alpha_of_feature_.size())
    throw std::invalid_argument("PReLU: input has " + std::to_string(x.cols) + " features, the layer was built for " +
                                std::to_string(alpha_of_feature_.size()));
  const std::size_t* index = alpha_of_feature_.data();
  prelu_forward(x, y, alpha_.value.data.data(), [index](std::size_t c) { return index[c]; });
}

template <class T>
void KerasPReLU<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  const std::size_t* index = alpha_of_feature_.data();
  prelu_backward(x, dy, alpha_.value.data.data(), alpha_.grad.data, dx, [index](std::size_t c) { return index[c]; },
                 PReluGradientAtZero::zero);
}

template class KerasPReLU<float>;
template class KerasPReLU<double>;

}  // namespace activ::nn
