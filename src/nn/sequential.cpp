#include "nn/sequential.hpp"

#include <stdexcept>

namespace activ::nn {

template <class T>
void Sequential<T>::build(std::size_t in_features, std::uint64_t seed) {
  if (layers_.empty()) throw std::invalid_argument("the model has no layers");
  Rng seeds(seed);
  in_features_ = in_features;
  std::size_t width = in_features;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    Rng rng(seeds.next_seed());
    width = layers_[i]->build(width, rng);
    for (Parameter<T>* p : layers_[i]->parameters()) p->name = std::to_string(i) + "." + p->name;
  }
  out_features_ = width;
  outputs_.assign(layers_.size(), Matrix<T>());
}

template <class T>
const Matrix<T>& Sequential<T>::forward(const Matrix<T>& x, Mode mode) {
  if (outputs_.size() != layers_.size()) throw std::logic_error("Sequential::forward before build");
  if (x.cols != in_features_)
    throw std::invalid_argument("the model takes " + std::to_string(in_features_) + " features, the input has " +
                                std::to_string(x.cols));
  input_ = &x;
  const Matrix<T>* in = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(*in, outputs_[i], mode);
    in = &outputs_[i];
  }
  return outputs_.back();
}

template <class T>
void Sequential<T>::backward(const Matrix<T>& dy, Matrix<T>* dx) {
  if (!input_) throw std::logic_error("Sequential::backward before forward");
  const Matrix<T>* upstream = &dy;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    const Matrix<T>& x = i == 0 ? *input_ : outputs_[i - 1];
    Matrix<T>* out = i == 0 ? dx : (upstream == &grad_a_ ? &grad_b_ : &grad_a_);
    layers_[i]->backward(x, outputs_[i], *upstream, out);
    upstream = out;
  }
  for (Parameter<T>* p : parameters())
    if (p->regularizer.active()) p->regularizer.add_gradient(p->value.data, p->grad.data);
}

template <class T>
double Sequential<T>::regularization_loss() {
  double sum = 0;
  for (Parameter<T>* p : parameters())
    if (p->regularizer.active()) sum += p->regularizer.penalty(p->value.data);
  return sum;
}

template <class T>
std::vector<Parameter<T>*> Sequential<T>::parameters() {
  std::vector<Parameter<T>*> all;
  for (auto& layer : layers_)
    for (Parameter<T>* p : layer->parameters()) all.push_back(p);
  return all;
}

template <class T>
std::string Sequential<T>::spec() const {
  std::string s;
  for (std::size_t i = 0; i < layers_.size(); ++i) s += (i ? "," : "") + layers_[i]->spec();
  return s;
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace activ::nn
