#include "nn/maxout.hpp"

#include <stdexcept>

namespace activ::nn {
namespace {

// Keeps units * pieces within the model spec's widths (2^24) so it cannot overflow.
std::size_t checked_width(std::size_t units, std::size_t pieces) {
  if (units == 0 || pieces == 0) throw std::invalid_argument("maxout: units and pieces must be at least 1");
  if (units > (std::size_t{1} << 24) / pieces)
    throw std::invalid_argument("maxout: units * pieces = " + std::to_string(units) + " * " + std::to_string(pieces) +
                                " exceeds 16777216");
  return units * pieces;
}

}  // namespace

template <class T>
Maxout<T>::Maxout(std::size_t units, std::size_t pieces, bool bias, Init init)
    : units_(units),
      pieces_(pieces),
      bias_(bias),
      init_(init),
      affine_(checked_width(units, pieces), bias, init),
      max_(activ::parse("maxout(k=" + std::to_string(pieces) + ")")) {}

template <class T>
std::string Maxout<T>::spec() const {
  std::string s = "maxout(" + std::to_string(units_) + ", pieces=" + std::to_string(pieces_);
  if (!bias_) s += ", bias=false";
  if (init_ != Init::glorot_uniform) s += ", init=" + init_name(init_);
  return s + ")";
}

template <class T>
std::size_t Maxout<T>::build(std::size_t in_features, Rng& rng) {
  if (in_features == 0) throw std::invalid_argument("maxout: no input features");
  return max_.build(affine_.build(in_features, rng), rng);
}

template <class T>
void Maxout<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) {
  affine_.forward(x, z_, mode);
  max_.forward(z_, y, mode);
}

template <class T>
void Maxout<T>::backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy, Matrix<T>* dx) {
  max_.backward(z_, y, dy, &dz_);
  affine_.backward(x, z_, dz_, dx);
}

template class Maxout<float>;
template class Maxout<double>;

}  // namespace activ::nn
