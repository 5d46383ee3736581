// Piecewise-linear (and piecewise-polynomial) families. These are exact: every result
// is the correctly rounded value of the formula. Where the formula does arithmetic,
// forward returns the exact (or twice-W-precise) value as a Pair and the loop rounds
// it once to the storage type.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/scalar/common.hpp"

namespace activ::detail::scalar {

struct Linear {
  template <class W> static W forward(const Slots&, W x) { return x; }
  template <class W> static W derivative(const Slots&, W) { return 1; }
};

// Keras 3 relu. Slots: negative_slope, max_value (inf = none), threshold,
// derivative at max_value (0, or 1 where the backend's clip passes the gradient),
// derivative at the threshold.
struct Relu {
  template <class W> static Pair<W> forward(const Slots& s, W x) {
    const W slope = W(s[0]), max_value = W(s[1]), t = W(s[2]);
    if (x > t) return Pair<W>{max_value < kInf<W> ? std::clamp(x, W(0), max_value) : x, 0};
    if (slope == 0 || x == t) return Pair<W>{0, 0};  // +0, as Keras's 0 - slope * relu(t - x)
    const Pair<W> r = scale(two_sum(t, -x), slope);
    return Pair<W>{-r.hi, -r.lo};
  }
  template <class W> static W derivative(const Slots& s, W x) {
    const W slope = W(s[0]), max_value = W(s[1]), t = W(s[2]);
    if (x == t) return W(s[4]);
    if (x < t) return slope;
    if (max_value < kInf<W>) {
      if (x > max_value || x < 0) return 0;
      if (x == max_value) return W(s[3]);
    }
    return 1;
  }
  // From the output, for the plain relu only (no slope, threshold or cap, which make
  // y ambiguous): 1 where y > 0, else 0, as PyTorch's threshold_backward(y, 0).
  static std::string_view from_output_unavailable(const Slots& s) {
    return s[0] == 0 && s[2] == 0 && !(s[1] < kInf<long double>)
               ? std::string_view{}
               : "needs the plain relu (negative_slope 0, threshold 0, no max_value): otherwise the output does "
                 "not determine x";
  }
  template <class W> static W derivative_from_output(const Slots&, W y) {
    return y > 0 ? W(1) : (y == y ? W(0) : y);  // NaN stays NaN
  }
};

// clamp(x, lo, hi). Slots: lo, hi, derivative at the bounds.
struct Clip {
  template <class W> static W forward(const Slots& s, W x) {
    const W lo = W(s[0]), hi = W(s[1]);
    return x < lo ? lo : (x > hi ? hi : x);
  }
  template <class W> static W derivative(const Slots& s, W x) {
    const W lo = W(s[0]), hi = W(s[1]);
    if (x > lo && x < hi) return 1;
    return (x == lo || x == hi) ? W(s[2]) : W(0);
  }
};

// x > 0 ? x : slope * x. Slots: slope, derivative at 0 (the slope, or 1 as in JAX).
struct LeakyRelu {
  template <class W> static Pair<W> forward(const Slots& s, W x) {
    const W slope = W(s[0]);
    if (x > 0) return {x, 0};
    if (slope == 0) return {signed_zero(x), 0};  // 0 * -inf would be NaN
    return two_prod(slope, x);
  }
  template <class W> static W derivative(const Slots& s, W x) {
    if (x > 0) return 1;
    return x == 0 ? W(s[1]) : W(s[0]);
  }
};

// RReLU. Slots: lower, upper, training (0/1), seed. In training mode element i of a
// call gets the slope rrelu_noise(seed, i, lower, upper); the same seed and index
// give the same slope in forward and backward, so a training step can recompute it.
// splitmix64 of (seed, index): a counter-based generator, so every element's draw is
// independent of how the array is split between calls or threads. The SIMD kernel
// (simd/elementwise.cc, "rrelu, training mode") draws the same numbers from these.
struct RreluSplitmix {
  static constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull, kOffset = 0x632BE59BD9B4E5Bull;
  static constexpr std::uint64_t kMix1 = 0xBF58476D1CE4E5B9ull, kMix2 = 0x94D049BB133111EBull;
  static constexpr std::uint64_t base(std::uint64_t seed) { return seed * kGamma + kOffset; }
};
inline double rrelu_noise(std::uint64_t seed, std::uint64_t index, double lower, double upper) {
  std::uint64_t z = RreluSplitmix::base(seed) + index;
  z = (z ^ (z >> 30)) * RreluSplitmix::kMix1;
  z = (z ^ (z >> 27)) * RreluSplitmix::kMix2;
  z ^= z >> 31;
  const double u = static_cast<double>(z >> 11) * 0x1.0p-53;  // [0, 1)
  return lower + (upper - lower) * u;
}

struct Rrelu {
  // Eval mode: (lower + upper) / 2 in double, as PyTorch's Python computes it.
  static double eval_slope(const Slots& s) { return (double(s[0]) + double(s[1])) / 2; }
  template <class W> static W slope(const Slots& s, std::size_t i) {
    if (s[2] == 0) return W(eval_slope(s));
    return W(rrelu_noise(static_cast<std::uint64_t>(s[3]), s.offset + i, double(s[0]), double(s[1])));
  }
  template <class W> static Pair<W> forward_at(const Slots& s, W x, std::size_t i) {
    if (x > 0) return {x, 0};
    const W a = slope<W>(s, i);
    if (a == 0) return {signed_zero(x), 0};
    return two_prod(a, x);
  }
  template <class W> static W derivative_at(const Slots& s, W x, std::size_t i) {
    return x > 0 ? W(1) : slope<W>(s, i);
  }
};

// clip((x + shift) / divisor, 0, 1): shift 3, divisor 6 is relu6(x + 3) / 6 (PyTorch,
// Keras 3, JAX); shift 2.5, divisor 5 is Keras 2's clip(0.2 x + 0.5, 0, 1). Dividing
// (rather than multiplying by 1/6 or 0.2) keeps the result correctly rounded.
// Slots: shift, divisor, derivative factor at the two kinks (0, or 1 for clip_by_value).
struct HardSigmoid {
  template <class W> static Pair<W> forward(const Slots& s, W x) {
    const W shift = W(s[0]), divisor = W(s[1]);
    if (x <= -shift) return {0, 0};
    if (x >= divisor - shift) return {1, 0};
    return divide(two_sum(x, shift), divisor);
  }
  template <class W> static W derivative(const Slots& s, W x) {
    const W shift = W(s[0]), divisor = W(s[1]);
    if (x > -shift && x < divisor - shift) return W(1) / divisor;
    if (x == -shift || x == divisor - shift) return W(s[2]) / divisor;
    return 0;
  }
};

// x * relu6(x + 3) / 6; f'(-3) = 0 and f'(3) = 1 in PyTorch and JAX alike.
struct HardSwish {
  template <class W> static Pair<W> forward(const Slots&, W x) {
    if (x <= -3) return {signed_zero(x), 0};  // x * 0 as the frameworks, without -inf * 0
    if (x >= 3) return {x, 0};
    return divide(scale(two_sum(x, W(3)), x), W(6));
  }
  template <class W> static W derivative(const Slots&, W x) {
    if (x <= -3) return 0;
    if (x >= 3) return 1;
    return (2 * x + 3) / 6;
  }
};

// x > threshold ? x : value. Slots: threshold, value.
struct Threshold {
  template <class W> static W forward(const Slots& s, W x) { return x > W(s[0]) ? x : W(s[1]); }
  template <class W> static W derivative(const Slots& s, W x) { return x > W(s[0]) ? 1 : 0; }
};

// x * (x > theta). Slots: theta.
struct ThresholdedRelu {
  template <class W> static W forward(const Slots& s, W x) {
    return x > W(s[0]) ? x : signed_zero(x);
  }
  template <class W> static W derivative(const Slots& s, W x) { return x > W(s[0]) ? 1 : 0; }
};

// |x| > lambda ? x : 0 (bounds inclusive to 0). Slots: lambda.
struct HardShrink {
  template <class W> static W forward(const Slots& s, W x) {
    return (x > W(s[0]) || x < -W(s[0])) ? x : W(0);
  }
  template <class W> static W derivative(const Slots& s, W x) {
    return (x > W(s[0]) || x < -W(s[0])) ? 1 : 0;
  }
};

// Shrinks toward 0 by lambda. Slots: lambda.
struct SoftShrink {
  template <class W> static Pair<W> forward(const Slots& s, W x) {
    const W l = W(s[0]);
    if (x > l) return two_sum(x, -l);
    if (x < -l) return two_sum(x, l);
    return {0, 0};
  }
  template <class W> static W derivative(const Slots& s, W x) {
    return (x > W(s[0]) || x < -W(s[0])) ? 1 : 0;
  }
};

// 0 for x <= -1, (x + 1)^2 / 4 between, x for x >= 1 (JAX, Keras 3).
struct SparsePlus {
  template <class W> static Pair<W> forward(const Slots&, W x) {
    if (x <= -1) return {0, 0};
    if (x >= 1) return {x, 0};
    const Pair<W> u = two_sum(x, W(1));
    const Pair<W> sq = two_prod(u.hi, u.hi);
    return {sq.hi / 4, (sq.lo + 2 * u.hi * u.lo) / 4};
  }
  template <class W> static W derivative(const Slots&, W x) {
    if (x <= -1) return 0;
    if (x >= 1) return 1;
    return (x + 1) / 2;
  }
};

// clip((x + 1) / 2, 0, 1). Slots: derivative at +-1 (0 in Keras, 0.25 in JAX, whose
// clip splits the gradient at ties).
struct SparseSigmoid {
  template <class W> static Pair<W> forward(const Slots&, W x) {
    if (x <= -1) return {0, 0};
    if (x >= 1) return {1, 0};
    const Pair<W> u = two_sum(x, W(1));
    return {u.hi / 2, u.lo / 2};
  }
  template <class W> static W derivative(const Slots& s, W x) {
    if (x > -1 && x < 1) return W(0.5);
    return (x == -1 || x == 1) ? W(s[0]) : W(0);
  }
};

}  // namespace activ::detail::scalar
