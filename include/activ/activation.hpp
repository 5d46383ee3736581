// activ::Activation: one catalogue function with its parameters bound.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "activ/catalog.hpp"
#include "activ/float16.hpp"
#include "activ/tensor.hpp"

namespace activ {

namespace detail {
struct Entry;
struct ActivationAccess;
inline constexpr std::size_t kMaxParams = 4;
}  // namespace detail

class Activation {
 public:
  // y[i] = f(x[i]). y may be x itself (in place); any other overlap, or a size
  // mismatch, throws std::invalid_argument before anything is written.
  void forward(std::span<const float> x, std::span<float> y) const;
  void forward(std::span<const double> x, std::span<double> y) const;

  // dx[i] = dy[i] * f'(x[i]). dx may be x or dy itself; other overlaps and size
  // mismatches throw std::invalid_argument before anything is written.
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx) const;
  void backward(std::span<const double> x, std::span<const double> dy,
                std::span<double> dx) const;
  // 16-bit storage (activ/float16.hpp), elementwise entries only: computed in float32
  // precision or better and rounded once to the storage type (correctly rounded unless
  // the exact value lies within 2^-53 relative of a halfway point without being on it).
  // Axis entries throw std::invalid_argument; so do the same size and overlap errors.
  void forward(std::span<const float16> x, std::span<float16> y) const;
  void forward(std::span<const bfloat16> x, std::span<bfloat16> y) const;
  void backward(std::span<const float16> x, std::span<const float16> dy, std::span<float16> dx) const;
  void backward(std::span<const bfloat16> x, std::span<const bfloat16> dy, std::span<bfloat16> dx) const;

  // dx[i] = dy[i] * f'(x[i]) computed from y[i] = f(x[i]) instead of x[i], so a training
  // loop that kept y pays no recomputation (PyTorch's sigmoid/tanh/threshold backward,
  // oneDNN's use_dst_for_bwd): sigmoid y(1 - y), tanh (1 - y)(1 + y), exponential y, elu
  // and selu (alpha > 0) y + scale*alpha over d below 0, plain relu 1 where y > 0. Only
  // for entries with info().backward_from_output; others, and parameter settings whose
  // output does not determine x (elu with alpha <= 0, relu with a slope, threshold or
  // cap), throw std::invalid_argument. The result is correctly rounded for the y given;
  // relative to the x that produced y its error also carries y's rounding, amplified
  // where f saturates (docs/accuracy.md, "Backward from the output").
  void backward_from_output(std::span<const float> y, std::span<const float> dy, std::span<float> dx) const;
  void backward_from_output(std::span<const double> y, std::span<const double> dy, std::span<double> dx) const;
  // (For an axis function a span is a 1-D tensor: softmax over a span is over all of
  // it, and glu's y has half of x's elements.)

  // ---- tensors (include/activ/tensor.hpp; docs/tensor.md) ----------------------------
  // y = f(x) for a view of any rank and strides. Elementwise entries map each element;
  // axis entries (info().kind == Kind::axis) work along their axis, and y must have
  // output_shape(x.shape()). `mask` (axis entries of the softmax family and sparsemax
  // only) broadcasts to x; masked-out (false) entries get probability 0 (log_softmax:
  // -inf) and take no part in the normalisation; a fully masked row gives all 0
  // (log_softmax: all -inf). y may be x itself (same data, shape and strides); any
  // other overlap, a shape mismatch, an axis out of range, a mask that does not
  // broadcast, an odd size for glu or a size not divisible by k for maxout throws
  // std::invalid_argument naming the problem before anything is written.
  void forward(ConstTensorView<float> x, TensorView<float> y) const;
  void forward(ConstTensorView<double> x, TensorView<double> y) const;
  void forward(ConstTensorView<float> x, TensorView<float> y, MaskView mask) const;
  void forward(ConstTensorView<double> x, TensorView<double> y, MaskView mask) const;

  // dx = (df/dx)^T dy from the input x: dy has output_shape(x.shape()), dx x's shape.
  // dx may be x or dy itself when the shapes allow; other overlaps throw.
  void backward(ConstTensorView<float> x, ConstTensorView<float> dy, TensorView<float> dx) const;
  void backward(ConstTensorView<double> x, ConstTensorView<double> dy, TensorView<double> dx) const;
  void backward(ConstTensorView<float> x, ConstTensorView<float> dy, TensorView<float> dx, MaskView mask) const;
  void backward(ConstTensorView<double> x, ConstTensorView<double> dy, TensorView<double> dx,
                MaskView mask) const;

  // The same from the forward's output y, as the frameworks' softmax backward does:
  // softmax dx = (y*(dy - sum(dy*y)))/T, log_softmax dx = (dy - exp(y)*sum(dy))/T,
  // sparsemax dx = dy - mean(dy over y > 0) on y > 0, 0 elsewhere; elementwise entries
  // as the span form above. Only for entries with info().backward_from_output; others
  // throw std::invalid_argument.
  void backward_from_output(ConstTensorView<float> y, ConstTensorView<float> dy, TensorView<float> dx) const;
  void backward_from_output(ConstTensorView<double> y, ConstTensorView<double> dy, TensorView<double> dx) const;
  void backward_from_output(ConstTensorView<float> y, ConstTensorView<float> dy, TensorView<float> dx,
                            MaskView mask) const;
  void backward_from_output(ConstTensorView<double> y, ConstTensorView<double> dy, TensorView<double> dx,
                            MaskView mask) const;

  // The shape of y for an input of shape `in` (in itself for elementwise entries);
  // throws std::invalid_argument when `in` does not suit the function (axis out of
  // range, odd glu size, size not divisible by maxout's k, softmax2d on rank < 3).
  Shape output_shape(const Shape& in) const;
  // The axis an axis entry works along for an input of rank `rank`, in [0, rank)
  // (torch's dim=None resolves by PyTorch's implicit rule: 0 for rank 0, 1 and 3,
  // else 1); throws std::invalid_argument when out of range or for elementwise entries.
  std::size_t resolved_axis(std::size_t rank) const;

  // The catalogue entry ("torch:gelu" for a spec that named torch:gelu or an alias of it).
  const FunctionInfo& info() const noexcept;
  std::string_view name() const noexcept;
  // Value of the named parameter; throws std::invalid_argument for an unknown name.
  double param(std::string_view name) const;
  // Canonical spec string: the entry's name plus every parameter that differs from
  // its default; parse(to_string()) gives an equal Activation.
  std::string to_string() const;

  friend bool operator==(const Activation& a, const Activation& b) noexcept;

 private:
  friend Activation parse(std::string_view spec);
  friend struct detail::ActivationAccess;
  Activation(const detail::Entry* entry, const std::array<double, detail::kMaxParams>& values)
      : entry_(entry), values_(values) {}

  const detail::Entry* entry_;
  std::array<double, detail::kMaxParams> values_;  // in the order of info().params
};

// Parses `NAME`, `prefix:NAME` or `NAME(key=value, ...)` (positional values in the
// order of the entry's parameters are accepted too). Throws std::invalid_argument
// naming the problem: unknown name (with the nearest known one), unknown or repeated
// key, missing required parameter, malformed syntax, NaN or out-of-range value.
Activation parse(std::string_view spec);

}  // namespace activ
