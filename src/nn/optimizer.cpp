#include "nn/optimizer.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/parallel.hpp"

namespace activ::nn {

namespace {

template <class T>
struct AdamConstants {
  T shrink, l2, b1, b2, step_size, sqrt_bc2, eps;
};

// One Adam update of n parameters, torch's operations in torch's order, except that
// moments which fall below the smallest normal number are stored as 0. Without that,
// the moments of rarely active weights (Fashion-MNIST's border pixels) decay through
// the subnormal range, where every operation takes a microcode assist: the update took
// a third of the training time by the fourth epoch and made each epoch slower than the
// last. A first moment that small moves its parameter by under 1e-36 * lr / eps; a
// second moment that small changes the denominator sqrt(v)/sqrt(bc2) + eps by a relative
// 4e-10 at most, below float rounding, as long as eps > 0 (with eps = 0 it is kept: the
// denominator would become 0).
// Restrict-qualified pointers and -fno-math-errno (set for this library) let the loop
// vectorize; it is compiled for AVX-512, AVX2 and baseline x86-64 and picked at load.
template <class T>
[[gnu::always_inline]] inline void adam_body(T* __restrict p, const T* __restrict grad, T* __restrict m,
                                             T* __restrict v, std::size_t n, const AdamConstants<T>& c) {
  const T one_b1 = T(1) - c.b1, one_b2 = T(1) - c.b2, tiny = std::numeric_limits<T>::min();
  for (std::size_t i = 0; i < n; ++i) {
    const T w = p[i] * c.shrink;
    const T g = grad[i] + c.l2 * w;
    T mi = c.b1 * m[i] + one_b1 * g;
    T vi = c.b2 * v[i] + one_b2 * g * g;
    mi = std::abs(mi) < tiny ? T(0) : mi;
    vi = vi < tiny && c.eps > T(0) ? T(0) : vi;
    m[i] = mi;
    v[i] = vi;
    p[i] = w - c.step_size * mi / (std::sqrt(vi) / c.sqrt_bc2 + c.eps);
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define ACTIV_NN_CLONES [[gnu::target_clones("avx512f", "avx2", "default")]]
#else
#define ACTIV_NN_CLONES
#endif

ACTIV_NN_CLONES void adam_update(float* p, const float* grad, float* m, float* v, std::size_t n,
                                 const AdamConstants<float>& c) {
  adam_body(p, grad, m, v, n, c);
}
ACTIV_NN_CLONES void adam_update(double* p, const double* grad, double* m, double* v, std::size_t n,
                                 const AdamConstants<double>& c) {
  adam_body(p, grad, m, v, n, c);
}

// Keras applies each weight's constraint right after the optimizer's update of it.
template <class T>
void apply_constraints(const std::vector<Parameter<T>*>& params) {
  for (Parameter<T>* p : params)
    if (p->constraint.active()) p->constraint.apply(p->value.data);
}

}  // namespace

template <class T>
Sgd<T>::Sgd(std::vector<Parameter<T>*> params, const SgdOptions& options) : params_(std::move(params)), o_(options) {
  if (!(o_.lr > 0)) throw std::invalid_argument("sgd: learning rate must be positive");
  if (o_.momentum < 0 || o_.weight_decay < 0) throw std::invalid_argument("sgd: momentum and weight decay must be >= 0");
  if (o_.nesterov && (o_.momentum <= 0 || o_.dampening != 0))
    throw std::invalid_argument("sgd: Nesterov momentum requires a momentum and zero dampening");
  for (Parameter<T>* p : params_) momentum_.emplace_back(p->value.size(), T(0));
}

template <class T>
void Sgd<T>::step() {
  const T lr = static_cast<T>(o_.lr), m = static_cast<T>(o_.momentum), wd = static_cast<T>(o_.weight_decay),
          damp = static_cast<T>(1 - o_.dampening);
  for (std::size_t k = 0; k < params_.size(); ++k) {
    T* p = params_[k]->value.data.data();
    const T* grad = params_[k]->grad.data.data();
    T* buf = momentum_[k].data();
    for (std::size_t i = 0; i < params_[k]->value.size(); ++i) {
      T g = grad[i] + wd * p[i];
      if (m != T(0)) {
        buf[i] = started_ ? m * buf[i] + damp * g : g;
        g = o_.nesterov ? g + m * buf[i] : buf[i];
      }
      p[i] -= lr * g;
    }
  }
  started_ = true;
  apply_constraints(params_);
}

template <class T>
Adam<T>::Adam(std::vector<Parameter<T>*> params, const AdamOptions& options) : params_(std::move(params)), o_(options) {
  if (!(o_.lr > 0)) throw std::invalid_argument("adam: learning rate must be positive");
  if (!(o_.beta1 >= 0 && o_.beta1 < 1 && o_.beta2 >= 0 && o_.beta2 < 1))
    throw std::invalid_argument("adam: betas must be in [0, 1)");
  if (!(o_.eps >= 0) || o_.weight_decay < 0) throw std::invalid_argument("adam: eps and weight decay must be >= 0");
  for (Parameter<T>* p : params_) {
    m_.emplace_back(p->value.size(), T(0));
    v_.emplace_back(p->value.size(), T(0));
  }
}

template <class T>
void Adam<T>::step() {
  ++t_;
  const double bc1 = 1 - std::pow(o_.beta1, static_cast<double>(t_));
  const double bc2 = 1 - std::pow(o_.beta2, static_cast<double>(t_));
  const T step_size = static_cast<T>(o_.lr / bc1), sqrt_bc2 = static_cast<T>(std::sqrt(bc2));
  const T b1 = static_cast<T>(o_.beta1), b2 = static_cast<T>(o_.beta2), eps = static_cast<T>(o_.eps);
  const T l2 = o_.decoupled ? T(0) : static_cast<T>(o_.weight_decay);
  const T shrink = o_.decoupled ? static_cast<T>(1 - o_.lr * o_.weight_decay) : T(1);
  const AdamConstants<T> c{shrink, l2, b1, b2, step_size, sqrt_bc2, eps};
  // Each element's update depends on that element alone, so splitting a large parameter
  // over activ's threads (the first dense layer's 200 704 weights) gives the same bits;
  // single-threaded, the update took a fifth of a 2-thread epoch's CPU time.
  for (std::size_t k = 0; k < params_.size(); ++k) {
    T* p = params_[k]->value.data.data();
    const T* grad = params_[k]->grad.data.data();
    T* m = m_[k].data();
    T* v = v_[k].data();
    detail::parallel_for(params_[k]->value.size(), [&](std::size_t begin, std::size_t end) {
      adam_update(p + begin, grad + begin, m + begin, v + begin, end - begin, c);
    });
  }
  apply_constraints(params_);
}

template <class T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, double lr, std::vector<Parameter<T>*> params) {
  if (name == "sgd") return std::make_unique<Sgd<T>>(std::move(params), SgdOptions{.lr = lr});
  if (name == "adam") return std::make_unique<Adam<T>>(std::move(params), AdamOptions{.lr = lr});
  if (name == "adamw")
    return std::make_unique<Adam<T>>(std::move(params), AdamOptions{.lr = lr, .weight_decay = 0.01, .decoupled = true});
  throw std::invalid_argument("unknown optimizer '" + name + "' (known: sgd, adam, adamw)");
}

template class Sgd<float>;
template class Sgd<double>;
template class Adam<float>;
template class Adam<double>;
template std::unique_ptr<Optimizer<float>> make_optimizer(const std::string&, double, std::vector<Parameter<float>*>);
template std::unique_ptr<Optimizer<double>> make_optimizer(const std::string&, double, std::vector<Parameter<double>*>);

}  // namespace activ::nn
