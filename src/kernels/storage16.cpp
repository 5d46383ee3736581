// float16 and bfloat16 storage (include/activ/float16.hpp): the conversions, and the
// forward / backward of elementwise entries on 16-bit spans.
//
// Each block is widened exactly to float32, run through the float32 kernel and rounded
// to the storage type. Rounding twice (exact -> float32 -> 16 bits) can go wrong only
// where the float32 result lies exactly halfway between two 16-bit values: the exact
// value may be just off the midpoint, on the side ties-to-even does not pick. Those
// elements (a few per million) are recomputed with the float64 kernel and rounded once,
// through round-to-odd at float32 (24 >= 11 + 2 bits, so round-to-odd then to nearest
// is rounding once). The result is the correctly rounded 16-bit value unless the exact
// value lies within 2^-53 relative of a midpoint without being on it.
#include "kernels/storage16.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "activ/float16.hpp"
#include "kernels/parallel.hpp"

namespace activ {

float to_float(float16 h) noexcept {
  const std::uint32_t sign = std::uint32_t{h.bits & 0x8000u} << 16;
  const std::uint32_t exponent = (h.bits >> 10) & 0x1fu, fraction = h.bits & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: fraction * 2^-24, exact in float
    const float f = static_cast<float>(fraction) * 0x1p-24f;
    return sign != 0 ? -f : f;
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (fraction << 13));
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (fraction << 13));
}

float16 to_float16(float f) noexcept {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) return {static_cast<std::uint16_t>(sign | 0x7e00u | ((ax >> 13) & 0x3ffu))};  // quiet NaN
  if (ax >= 0x477ff000u) return {static_cast<std::uint16_t>(sign | 0x7c00u)};  // >= 65520 rounds to infinity
  if (ax < 0x38800000u) {
    // Below 2^-14 (subnormal half): adding 0.5, whose ULP is 2^-24, rounds |f| to a
    // multiple of 2^-24 (to nearest, ties to even); the count is the half's bits.
    const float a = std::bit_cast<float>(ax) + 0.5f;
    return {static_cast<std::uint16_t>(sign | (std::bit_cast<std::uint32_t>(a) - 0x3f000000u))};
  }
  std::uint32_t r = ax - 0x38000000u;  // exponent rebiased from 127 to 15
  r += 0xfffu + ((r >> 13) & 1u);      // to nearest, ties to even, at 10 fraction bits
  return {static_cast<std::uint16_t>(sign | (r >> 13))};
}

bfloat16 to_bfloat16(float f) noexcept {
  std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return {static_cast<std::uint16_t>((x >> 16) | 0x40u)};  // quiet NaN
  x += 0x7fffu + ((x >> 16) & 1u);
  return {static_cast<std::uint16_t>(x >> 16)};
}

namespace {

// d rounded to float toward zero, with the lowest bit set when inexact (round to odd).
float to_float_odd(double d) noexcept {
  float f = static_cast<float>(d);
  if (std::isnan(d) || static_cast<double>(f) == d) return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(d)) f = std::nextafter(f, 0.0f);
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(f) | 1u);
}

}  // namespace

float16 to_float16(double d) noexcept { return to_float16(to_float_odd(d)); }
bfloat16 to_bfloat16(double d) noexcept { return to_bfloat16(to_float_odd(d)); }

namespace detail {
namespace {

// Whether float r lies exactly halfway between two values of the storage type H.
template <class H>
bool is_midpoint(float r);
template <>
bool is_midpoint<bfloat16>(float r) {
  const std::uint32_t b = std::bit_cast<std::uint32_t>(r);
  return std::isfinite(r) && (b & 0xffffu) == 0x8000u;
}
template <>
bool is_midpoint<float16>(float r) {
  const std::uint32_t ax = std::bit_cast<std::uint32_t>(r) & 0x7fffffffu;
  if (ax >= 0x7f800000u) return false;
  if (ax == 0x477ff000u) return true;  // 65520: between 65504 and the overflow
  if (ax > 0x477ff000u) return false;
  if (ax >= 0x38800000u) return ((ax - 0x38000000u) & 0x1fffu) == 0x1000u;
  const float units = std::bit_cast<float>(ax) * 0x1p24f;  // exact: a power-of-two scaling
  return units - std::floor(units) == 0.5f;
}

float widen(float16 h) { return to_float(h); }
float widen(bfloat16 b) { return to_float(b); }
template <class H> H narrow(float f);
template <> float16 narrow<float16>(float f) { return to_float16(f); }
template <> bfloat16 narrow<bfloat16>(float f) { return to_bfloat16(f); }
template <class H> H narrow_once(double d);
template <> float16 narrow_once<float16>(double d) { return to_float16(d); }
template <> bfloat16 narrow_once<bfloat16>(double d) { return to_bfloat16(d); }

constexpr std::size_t kBlock = 1024;

}  // namespace

template <class H>
void forward16(const Kernels& k, const Slots& slots, const H* x, H* y, std::size_t n) {
  parallel_for(n, [&](std::size_t begin, std::size_t end) {
    float xf[kBlock], yf[kBlock];
    for (std::size_t b = begin; b < end; b += kBlock) {
      const std::size_t m = std::min(kBlock, end - b);
      for (std::size_t i = 0; i < m; ++i) xf[i] = widen(x[b + i]);
      Slots s = slots;
      s.offset = b;
      k.forward_f32(s, xf, yf, m);
      for (std::size_t i = 0; i < m; ++i) {
        if (!is_midpoint<H>(yf[i])) {
          y[b + i] = narrow<H>(yf[i]);
          continue;
        }
        const double xd = xf[i];
        double yd = 0;
        Slots one = slots;
        one.offset = b + i;
        k.forward_f64(one, &xd, &yd, 1);
        y[b + i] = narrow_once<H>(yd);
      }
    }
  });
}

template <class H>
void backward16(const Kernels& k, const Slots& slots, const H* x, const H* dy, H* dx, std::size_t n) {
  parallel_for(n, [&](std::size_t begin, std::size_t end) {
    float xf[kBlock], dyf[kBlock], dxf[kBlock];
    for (std::size_t b = begin; b < end; b += kBlock) {
      const std::size_t m = std::min(kBlock, end - b);
      for (std::size_t i = 0; i < m; ++i) {
        xf[i] = widen(x[b + i]);
        dyf[i] = widen(dy[b + i]);
      }
      Slots s = slots;
      s.offset = b;
      k.backward_f32(s, xf, dyf, dxf, m);
      for (std::size_t i = 0; i < m; ++i) {
        if (!is_midpoint<H>(dxf[i])) {
          dx[b + i] = narrow<H>(dxf[i]);
          continue;
        }
        const double xd = xf[i], dyd = dyf[i];
        double dxd = 0;
        Slots one = slots;
        one.offset = b + i;
        k.backward_f64(one, &xd, &dyd, &dxd, 1);
        dx[b + i] = narrow_once<H>(dxd);
      }
    }
  });
}

template void forward16<float16>(const Kernels&, const Slots&, const float16*, float16*, std::size_t);
template void forward16<bfloat16>(const Kernels&, const Slots&, const bfloat16*, bfloat16*, std::size_t);
template void backward16<float16>(const Kernels&, const Slots&, const float16*, const float16*, float16*,
                                  std::size_t);
template void backward16<bfloat16>(const Kernels&, const Slots&, const bfloat16*, const bfloat16*, bfloat16*,
                                   std::size_t);

}  // namespace detail
}  // namespace activ
