// The layer interface: forward, backward, parameters and their gradients.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/matrix.hpp"
#include "nn/random.hpp"
#include "nn/weight_options.hpp"

namespace activ::nn {

// Dropout and RReLU behave differently while training; everything else ignores it.
enum class Mode { train, eval };

template <class T>
struct Parameter {
  std::string name;  // unique within a model once Sequential numbers it ("0.weight")
  Matrix<T> value;
  Matrix<T> grad;  // same shape; overwritten (not accumulated) by each backward
  // Keras's per-weight options (Keras layers only; none by default). Sequential adds
  // the regularizer's penalty to its regularization_loss() and its gradient to grad;
  // the optimizers apply the constraint after each update, as Keras's do.
  Regularizer regularizer{};
  Constraint constraint{};
  // The array's shape in model files when it is not (rows, cols): Bilinear's weight is
  // (out, in1, in2) as in torch's state_dict.
  std::vector<std::size_t> file_shape = {};
};

// A row of per-feature values shared by PReLU and the learnable swish: one value for
// every feature (num_parameters == 1) or one per input feature, all `init`; `layer`
// names the layer in the error for any other count.
template <class T>
void build_feature_parameter(Parameter<T>& p, const char* layer, std::size_t num_parameters, std::size_t in_features,
                             double init) {
  if (num_parameters != 1 && num_parameters != in_features)
    throw std::invalid_argument(std::string(layer) + ": num_parameters=" + std::to_string(num_parameters) +
                                " must be 1 or the " + std::to_string(in_features) + " input features");
  p.value = Matrix<T>(1, num_parameters, static_cast<T>(init));
  p.grad = Matrix<T>(1, num_parameters);
}

template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  // The model-spec element that makes this layer ("dense(256)", "relu"); model files
  // record the whole spec and check it on load.
  virtual std::string spec() const = 0;
  // Creates the parameters for inputs of `in_features` columns, drawing initial values
  // (and, for random layers, their own generator's seed) from `rng`. Returns the number
  // of output columns; throws std::invalid_argument when `in_features` does not suit.
  virtual std::size_t build(std::size_t in_features, Rng& rng) = 0;
  // y = layer(x); y is resized as needed.
  virtual void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) = 0;
  // From the forward's x and y and the loss gradient dy: sets every parameter's grad
  // and, unless dx is null (the first layer), dx = dL/dx.
  virtual void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) = 0;
  virtual std::vector<Parameter<T>*> parameters() { return {}; }
};

}  // namespace activ::nn
