// Optimizers with torch 1.13's update rules (torch.optim.SGD, Adam, AdamW), applied to
// a fixed list of parameters after each backward.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace activ::nn {

template <class T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One update from the parameters' current grads, then each parameter's Keras
  // constraint (Parameter::constraint), as Keras's optimizers apply them.
  virtual void step() = 0;
};

struct SgdOptions {
  double lr = 0.01;
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;  // L2, added to the gradient
  bool nesterov = false;    // needs momentum > 0 and dampening = 0, as in torch
};

// g = grad + wd p; with momentum: buf = g on the first step, then buf = m buf + (1 - d) g,
// and g = nesterov ? g + m buf : buf; p -= lr g.
template <class T>
class Sgd final : public Optimizer<T> {
 public:
  Sgd(std::vector<Parameter<T>*> params, const SgdOptions& options);
  void step() override;

 private:
  std::vector<Parameter<T>*> params_;
  SgdOptions o_;
  std::vector<std::vector<T>> momentum_;
  bool started_ = false;
};

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;  // Adam: L2 added to the gradient; AdamW: decoupled decay
  bool decoupled = false;   // true for AdamW (torch's AdamW defaults weight_decay to 0.01)
};

// m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps); AdamW first p *= 1 - lr wd.
template <class T>
class Adam final : public Optimizer<T> {
 public:
  Adam(std::vector<Parameter<T>*> params, const AdamOptions& options);
  void step() override;

 private:
  std::vector<Parameter<T>*> params_;
  AdamOptions o_;
  std::vector<std::vector<T>> m_, v_;
  long long t_ = 0;
};

// "sgd", "adam" or "adamw" with a learning rate and otherwise torch's defaults
// (AdamW: weight_decay 0.01). Throws std::invalid_argument for another name or lr <= 0.
template <class T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, double lr, std::vector<Parameter<T>*> params);

}  // namespace activ::nn
