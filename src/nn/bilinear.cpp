#include "nn/bilinear.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/gemm.hpp"

namespace activ::nn {

template <class T>
Bilinear<T>::Bilinear(std::size_t in1, std::size_t in2, std::size_t out, bool bias)
    : in1_(in1), in2_(in2), out_(out), bias_(bias) {
  if (in1 == 0 || in2 == 0 || out == 0) throw std::invalid_argument("bilinear: every size must be at least 1");
  weight_.value = Matrix<T>(out, in1 * in2);
  weight_.grad = Matrix<T>(out, in1 * in2);
  weight_.file_shape = {out, in1, in2};
  if (bias) {
    b_.value = Matrix<T>(1, out);
    b_.grad = Matrix<T>(1, out);
  }
}

template <class T>
void Bilinear<T>::build(Rng& rng) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in1_));
  for (T& w : weight_.value.data) w = static_cast<T>(rng.uniform(-bound, bound));
  if (bias_)
    for (T& b : b_.value.data) b = static_cast<T>(rng.uniform(-bound, bound));
}

template <class T>
void Bilinear<T>::check(const Matrix<T>& x1, const Matrix<T>& x2) const {
  if (x1.cols != in1_ || x2.cols != in2_ || x1.rows != x2.rows)
    throw std::invalid_argument("bilinear: inputs of " + std::to_string(x1.rows) + "x" + std::to_string(x1.cols) +
                                " and " + std::to_string(x2.rows) + "x" + std::to_string(x2.cols) + " for a layer of " +
                                std::to_string(in1_) + " and " + std::to_string(in2_) + " features");
}

template <class T>
void Bilinear<T>::forward(const Matrix<T>& x1, const Matrix<T>& x2, Matrix<T>& y) {
  check(x1, x2);
  const std::size_t n = x1.rows;
  y.reshape(n, out_);
  work_.reshape(n, in2_);
  for (std::size_t o = 0; o < out_; ++o) {
    // work = x1 W_o, then y[:, o] = the row-wise dot products of work and x2.
    gemm(Transpose::no, Transpose::no, n, in2_, in1_, T(1), x1.data.data(), &weight_.value.data[o * in1_ * in2_], T(0),
         work_.data.data());
    for (std::size_t r = 0; r < n; ++r) {
      T sum = bias_ ? b_.value.data[o] : T(0);
      for (std::size_t j = 0; j < in2_; ++j) sum += work_.data[r * in2_ + j] * x2.data[r * in2_ + j];
      y.data[r * out_ + o] = sum;
    }
  }
}

template <class T>
void Bilinear<T>::backward(const Matrix<T>& x1, const Matrix<T>& x2, const Matrix<T>& dy, Matrix<T>* dx1,
                           Matrix<T>* dx2) {
  check(x1, x2);
  const std::size_t n = x1.rows;
  if (dy.rows != n || dy.cols != out_) throw std::invalid_argument("bilinear: dy does not match the output");
  if (dx1) {
    dx1->reshape(n, in1_);
    std::fill(dx1->data.begin(), dx1->data.end(), T(0));
  }
  if (dx2) {
    dx2->reshape(n, in2_);
    std::fill(dx2->data.begin(), dx2->data.end(), T(0));
  }
  scaled_.reshape(n, in1_);
  for (std::size_t o = 0; o < out_; ++o) {
    const T* w = &weight_.value.data[o * in1_ * in2_];
    // dW_o = (dy[:, o] * x1)^T x2.
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t i = 0; i < in1_; ++i) scaled_.data[r * in1_ + i] = dy.data[r * out_ + o] * x1.data[r * in1_ + i];
    gemm(Transpose::yes, Transpose::no, in1_, in2_, n, T(1), scaled_.data.data(), x2.data.data(), T(0),
         &weight_.grad.data[o * in1_ * in2_]);
    if (bias_) {
      T sum = 0;
      for (std::size_t r = 0; r < n; ++r) sum += dy.data[r * out_ + o];
      b_.grad.data[o] = sum;
    }
    // dx2 += dy[:, o] * (x1 W_o); dx1 += dy[:, o] * (x2 W_o^T).
    if (dx2) {
      work_.reshape(n, in2_);
      gemm(Transpose::no, Transpose::no, n, in2_, in1_, T(1), x1.data.data(), w, T(0), work_.data.data());
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < in2_; ++j) dx2->data[r * in2_ + j] += dy.data[r * out_ + o] * work_.data[r * in2_ + j];
    }
    if (dx1) {
      work_.reshape(n, in1_);
      gemm(Transpose::no, Transpose::yes, n, in1_, in2_, T(1), x2.data.data(), w, T(0), work_.data.data());
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t i = 0; i < in1_; ++i) dx1->data[r * in1_ + i] += dy.data[r * out_ + o] * work_.data[r * in1_ + i];
    }
  }
}

template <class T>
std::vector<Parameter<T>*> Bilinear<T>::parameters() {
  if (bias_) return {&weight_, &b_};
  return {&weight_};
}

template <class T>
BilinearLayer<T>::BilinearLayer(std::size_t out, bool bias) : out_(out), bias_(bias) {
  if (out == 0) throw std::invalid_argument("bilinear: the output size must be at least 1");
}

template <class T>
std::string BilinearLayer<T>::spec() const {
  return "bilinear(" + std::to_string(out_) + (bias_ ? "" : ", bias=false") + ")";
}

template <class T>
std::size_t BilinearLayer<T>::build(std::size_t in_features, Rng& rng) {
  bilinear_.emplace(in_features, in_features, out_, bias_);
  bilinear_->build(rng);
  return out_;
}

template <class T>
Bilinear<T>& BilinearLayer<T>::built() {
  if (!bilinear_) throw std::logic_error("BilinearLayer used before build");
  return *bilinear_;
}

template <class T>
void BilinearLayer<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode) {
  built().forward(x, x, y);
}

template <class T>
void BilinearLayer<T>::backward(const Matrix<T>& x, const Matrix<T>&, const Matrix<T>& dy, Matrix<T>* dx) {
  built().backward(x, x, dy, dx, dx ? &dx2_ : nullptr);
  if (dx)
    for (std::size_t i = 0; i < dx->size(); ++i) dx->data[i] += dx2_.data[i];
}

template <class T>
std::vector<Parameter<T>*> BilinearLayer<T>::parameters() {
  if (!bilinear_) return {};
  return bilinear_->parameters();
}

template class Bilinear<float>;
template class Bilinear<double>;
template class BilinearLayer<float>;
template class BilinearLayer<double>;

}  // namespace activ::nn
