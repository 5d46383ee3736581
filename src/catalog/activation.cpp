// activ::Activation: argument checks, then the family's kernels.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "catalog/entry.hpp"
#include "kernels/parallel.hpp"
#include "kernels/storage16.hpp"

namespace activ {
namespace {

// True when the byte ranges of a and b share any byte.
template <class A, class B>
bool overlaps(std::span<A> a, std::span<B> b) {
  if (a.empty() || b.empty()) return false;
  const auto a0 = reinterpret_cast<std::uintptr_t>(a.data()), a1 = a0 + a.size_bytes();
  const auto b0 = reinterpret_cast<std::uintptr_t>(b.data()), b1 = b0 + b.size_bytes();
  return a0 < b1 && b0 < a1;
}

// An output may be exactly an input (in place) but must not partly overlap one.
template <class Out, class In>
void check_alias(std::string_view what, std::string_view out_name, std::span<Out> out, std::string_view in_name,
                 std::span<In> in) {
  if (overlaps(out, in) && !(static_cast<const void*>(out.data()) == static_cast<const void*>(in.data()) &&
                             out.size() == in.size()))
    throw std::invalid_argument(std::string(what) + ": " + std::string(out_name) + " partially overlaps " +
                                std::string(in_name) + " (only exact in-place aliasing is allowed)");
}

void check_sizes(std::string_view what, std::string_view a_name, std::size_t a, std::string_view b_name, std::size_t b) {
  if (a != b)
    throw std::invalid_argument(std::string(what) + ": " + std::string(a_name) + " has " + std::to_string(a) +
                                " elements but " + std::string(b_name) + " has " + std::to_string(b));
}

template <class T, class Fn>
void run_forward(const Activation& a, std::span<const T> x, std::span<T> y, Fn kernel) {
  const std::string what = a.to_string() + " forward";
  check_sizes(what, "x", x.size(), "y", y.size());
  check_alias(what, "y", y, "x", x);
  const detail::Slots slots = detail::ActivationAccess::slots(a);
  detail::parallel_for(x.size(), [&](std::size_t b, std::size_t e) {
    detail::Slots chunk = slots;
    chunk.offset = b;
    kernel(chunk, x.data() + b, y.data() + b, e - b);
  });
}

// `x` is y for a backward from the output (`what` says which, and names the argument).
template <class T, class Fn>
void run_backward(const Activation& a, std::span<const T> x, std::span<const T> dy, std::span<T> dx, Fn kernel,
                  bool from_output = false) {
  const std::string what = a.to_string() + (from_output ? " backward_from_output" : " backward");
  const char* x_name = from_output ? "y" : "x";
  check_sizes(what, x_name, x.size(), "dy", dy.size());
  check_sizes(what, x_name, x.size(), "dx", dx.size());
  check_alias(what, "dx", dx, x_name, x);
  check_alias(what, "dx", dx, "dy", dy);
  const detail::Slots slots = detail::ActivationAccess::slots(a);
  if (from_output) {
    const detail::Kernels& k = detail::kernels(detail::ActivationAccess::entry(a).family);
    if (k.from_output_unavailable == nullptr)
      throw std::invalid_argument(what + ": not available for " + std::string(a.name()) + " (use backward)");
    if (const std::string_view why = k.from_output_unavailable(slots); !why.empty())
      throw std::invalid_argument(what + ": " + std::string(why) + " (use backward)");
  }
  detail::parallel_for(x.size(), [&](std::size_t b, std::size_t e) {
    detail::Slots chunk = slots;
    chunk.offset = b;
    kernel(chunk, x.data() + b, dy.data() + b, dx.data() + b, e - b);
  });
}

}  // namespace

namespace {
// Axis entries (softmax, glu, ...) take a span as a 1-D tensor (src/tensor/tensor.cpp).
template <class T>
TensorView<T> as_1d(std::span<T> s) {
  return TensorView<T>(s.data(), Shape{s.size()});
}
}  // namespace

void Activation::forward(std::span<const float> x, std::span<float> y) const {
  if (entry_->axis_family != detail::AxisFamily::none) return forward(as_1d(x), as_1d(y));
  run_forward(*this, x, y, detail::kernels(entry_->family).forward_f32);
}
void Activation::forward(std::span<const double> x, std::span<double> y) const {
  if (entry_->axis_family != detail::AxisFamily::none) return forward(as_1d(x), as_1d(y));
  run_forward(*this, x, y, detail::kernels(entry_->family).forward_f64);
}
void Activation::backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx) const {
  if (entry_->axis_family != detail::AxisFamily::none) return backward(as_1d(x), as_1d(dy), as_1d(dx));
  run_backward(*this, x, dy, dx, detail::kernels(entry_->family).backward_f32);
}
void Activation::backward(std::span<const double> x, std::span<const double> dy, std::span<double> dx) const {
  if (entry_->axis_family != detail::AxisFamily::none) return backward(as_1d(x), as_1d(dy), as_1d(dx));
  run_backward(*this, x, dy, dx, detail::kernels(entry_->family).backward_f64);
}

namespace {
// 16-bit storage: the same checks, then storage16.cpp (which splits over threads itself).
void check_16bit(const Activation& a, const std::string& what) {
  if (a.info().kind != Kind::elementwise)
    throw std::invalid_argument(what + ": 16-bit storage is for elementwise functions; " + std::string(a.name()) +
                                " works along an axis (use float or double)");
}

template <class H>
void forward_16(const Activation& a, std::span<const H> x, std::span<H> y) {
  const std::string what = a.to_string() + " forward";
  check_16bit(a, what);
  check_sizes(what, "x", x.size(), "y", y.size());
  check_alias(what, "y", y, "x", x);
  detail::forward16(detail::kernels(detail::ActivationAccess::entry(a).family), detail::ActivationAccess::slots(a),
                    x.data(), y.data(), x.size());
}
template <class H>
void backward_16(const Activation& a, std::span<const H> x, std::span<const H> dy, std::span<H> dx) {
  const std::string what = a.to_string() + " backward";
  check_16bit(a, what);
  check_sizes(what, "x", x.size(), "dy", dy.size());
  check_sizes(what, "x", x.size(), "dx", dx.size());
  check_alias(what, "dx", dx, "x", x);
  check_alias(what, "dx", dx, "dy", dy);
  detail::backward16(detail::kernels(detail::ActivationAccess::entry(a).family), detail::ActivationAccess::slots(a),
                     x.data(), dy.data(), dx.data(), x.size());
}
}  // namespace

void Activation::forward(std::span<const float16> x, std::span<float16> y) const { forward_16(*this, x, y); }
void Activation::forward(std::span<const bfloat16> x, std::span<bfloat16> y) const { forward_16(*this, x, y); }
void Activation::backward(std::span<const float16> x, std::span<const float16> dy, std::span<float16> dx) const {
  backward_16(*this, x, dy, dx);
}
void Activation::backward(std::span<const bfloat16> x, std::span<const bfloat16> dy, std::span<bfloat16> dx) const {
  backward_16(*this, x, dy, dx);
}

void Activation::backward_from_output(std::span<const float> y, std::span<const float> dy, std::span<float> dx) const {
  if (entry_->axis_family != detail::AxisFamily::none) return backward_from_output(as_1d(y), as_1d(dy), as_1d(dx));
  run_backward(*this, y, dy, dx, detail::kernels(entry_->family).backward_from_output_f32, true);
}
void Activation::backward_from_output(std::span<const double> y, std::span<const double> dy,
                                      std::span<double> dx) const {
  if (entry_->axis_family != detail::AxisFamily::none) return backward_from_output(as_1d(y), as_1d(dy), as_1d(dx));
  run_backward(*this, y, dy, dx, detail::kernels(entry_->family).backward_from_output_f64, true);
}

// The catalogue's own object, so that &a.info() can be compared with catalog()'s.
const FunctionInfo& Activation::info() const noexcept { return catalog()[entry_ - detail::entries().data()]; }
std::string_view Activation::name() const noexcept { return entry_->info.name; }

double Activation::param(std::string_view name) const {
  const auto& params = entry_->info.params;
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name == name) return values_[i];
  throw std::invalid_argument("unknown parameter '" + std::string(name) + "' for " + std::string(entry_->info.name));
}

bool operator==(const Activation& a, const Activation& b) noexcept {
  if (a.entry_ != b.entry_) return false;
  for (std::size_t i = 0; i < a.entry_->info.params.size(); ++i)
    if (a.values_[i] != b.values_[i]) return false;
  return true;
}

}  // namespace activ
