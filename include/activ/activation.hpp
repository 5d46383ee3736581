// activ::Activation: one catalogue function with its parameters bound.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "activ/catalog.hpp"

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
