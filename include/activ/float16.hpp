// 16-bit storage types for Activation::forward / backward: IEEE binary16 (float16) and
// bfloat16, each the raw bits of a value. activ computes in float32 precision or better
// and rounds once, to nearest with ties to even, to the storage type.
//
//   std::vector<activ::bfloat16> x = ..., y(x.size());
//   activ::parse("gelu").forward(x, y);
//   float first = activ::to_float(y[0]);
#pragma once

#include <bit>
#include <cstdint>

namespace activ {

// IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits (largest finite 65504).
struct float16 {
  std::uint16_t bits = 0;
  friend bool operator==(float16, float16) = default;  // bitwise
};
// bfloat16: the upper half of a float32 (8 exponent bits, 7 fraction bits).
struct bfloat16 {
  std::uint16_t bits = 0;
  friend bool operator==(bfloat16, bfloat16) = default;  // bitwise
};

// Exact widening.
float to_float(float16 h) noexcept;
constexpr float to_float(bfloat16 b) noexcept { return std::bit_cast<float>(std::uint32_t{b.bits} << 16); }

// Rounding to nearest, ties to even; overflow gives infinity, NaN stays NaN (quiet, same
// sign), subnormals are kept.
float16 to_float16(float f) noexcept;
bfloat16 to_bfloat16(float f) noexcept;
// The same from double, rounded once (not through float, which could round twice).
float16 to_float16(double d) noexcept;
bfloat16 to_bfloat16(double d) noexcept;

}  // namespace activ
