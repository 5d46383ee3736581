// A dense row-major matrix, batch x features: the one array type of the nn code.
// Layers are templates on the scalar so the gradient checks can run in double.
#pragma once

#include <cstddef>
#include <vector>

#include <activ/tensor.hpp>

namespace activ::nn {

template <class T>
struct Matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<T> data;

  Matrix() = default;
  Matrix(std::size_t r, std::size_t c, T fill = T(0)) : rows(r), cols(c), data(r * c, fill) {}

  // Resizes to r x c; contents are unspecified afterwards (reused as an output buffer).
  void reshape(std::size_t r, std::size_t c) {
    rows = r;
    cols = c;
    data.resize(r * c);
  }
  std::size_t size() const noexcept { return data.size(); }
  T& operator()(std::size_t r, std::size_t c) { return data[r * cols + c]; }
  T operator()(std::size_t r, std::size_t c) const { return data[r * cols + c]; }

  // Views for activ's kernels.
  ConstTensorView<T> view() const { return ConstTensorView<T>(data.data(), Shape{rows, cols}); }
  TensorView<T> view() { return TensorView<T>(data.data(), Shape{rows, cols}); }
};

}  // namespace activ::nn
