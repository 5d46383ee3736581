// activ::TensorView: a non-owning N-dimensional view (data pointer, shape, strides in
// elements) for the functions that work along an axis (softmax, glu, ...) and for
// elementwise functions over strided data.
//
//   std::vector<float> x(2 * 3 * 4), y(x.size());
//   activ::ConstTensorView<float> xv(x.data(), {2, 3, 4});        // C order (contiguous)
//   activ::TensorView<float> yv(y.data(), {2, 3, 4});
//   activ::parse("softmax(axis=1)").forward(xv, yv);
//
// Strides may be any integers (negative, or 0 for broadcast inputs); contiguous C-order
// views are the fast path. A rank-0 view (empty shape) holds one element.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace activ {

using Shape = std::vector<std::size_t>;
using Strides = std::vector<std::ptrdiff_t>;

// C-order (row-major) strides of a shape, in elements.
inline Strides contiguous_strides(const Shape& shape) {
  Strides s(shape.size());
  std::ptrdiff_t step = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    s[i] = step;
    step *= static_cast<std::ptrdiff_t>(shape[i]);
  }
  return s;
}

// Number of elements of a shape (1 for rank 0).
inline std::size_t shape_size(const Shape& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

template <class T>
class TensorView {
 public:
  TensorView() = default;
  // A C-order view of shape `shape` starting at `data`.
  TensorView(T* data, Shape shape) : data_(data), shape_(std::move(shape)), strides_(contiguous_strides(shape_)) {}
  // Any strides (in elements); throws std::invalid_argument if their count differs
  // from the rank.
  TensorView(T* data, Shape shape, Strides strides)
      : data_(data), shape_(std::move(shape)), strides_(std::move(strides)) {
    if (strides_.size() != shape_.size())
      throw std::invalid_argument("TensorView: " + std::to_string(strides_.size()) + " strides for rank " +
                                  std::to_string(shape_.size()));
  }
  // A view of mutable data converts to a view of const data.
  template <class U, class = std::enable_if_t<std::is_same_v<T, const U>>>
  TensorView(const TensorView<U>& other)  // NOLINT(google-explicit-constructor)
      : data_(other.data()), shape_(other.shape()), strides_(other.strides()) {}

  T* data() const noexcept { return data_; }
  const Shape& shape() const noexcept { return shape_; }
  const Strides& strides() const noexcept { return strides_; }
  std::size_t rank() const noexcept { return shape_.size(); }
  std::size_t size() const noexcept { return shape_size(shape_); }
  // True when the elements are laid out in C order without gaps (dimensions of
  // size 1 may have any stride).
  bool is_contiguous() const noexcept {
    std::ptrdiff_t step = 1;
    for (std::size_t i = shape_.size(); i-- > 0;) {
      if (shape_[i] != 1 && strides_[i] != step) return false;
      step *= static_cast<std::ptrdiff_t>(shape_[i]);
    }
    return true;
  }

 private:
  T* data_ = nullptr;
  Shape shape_;
  Strides strides_;
};

template <class T>
using ConstTensorView = TensorView<const T>;

// Masks: true keeps an entry, false masks it out (probability 0). A mask broadcasts to
// x by NumPy's rules (aligned from the last axis; each mask dimension is 1 or x's).
using MaskView = TensorView<const bool>;

}  // namespace activ
