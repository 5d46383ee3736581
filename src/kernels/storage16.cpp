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
//
// The conversions exist once, as block loops written branch-free (every case computed,
// one selected) so that the compiler vectorises them, compiled for AVX-512, AVX2 and
// baseline x86-64 and picked at load; float16 uses F16C where the CPU has it. The scalar
// conversions of the public API are these loops on one element.
#include "kernels/storage16.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "activ/float16.hpp"
#include "kernels/parallel.hpp"

namespace activ::detail {
namespace {

#if defined(__x86_64__) && defined(__GNUC__)
#define ACTIV_STORAGE16_CLONES [[gnu::target_clones("avx512f", "avx2", "default")]]
#else
#define ACTIV_STORAGE16_CLONES
#endif

// a where c holds, else b, with masks: GCC does not if-convert ternary chains whose
// operands include float operations (it will not speculate them), so they would stay
// branches and the loops scalar.
inline std::uint32_t select(bool c, std::uint32_t a, std::uint32_t b) {
  const std::uint32_t mask = 0u - static_cast<std::uint32_t>(c);
  return (a & mask) | (b & ~mask);
}

ACTIV_STORAGE16_CLONES void widen_float16_bits(const float16* __restrict in, float* __restrict out, std::size_t m) {
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint32_t h = in[i].bits;
    const std::uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, fraction = h & 0x3ffu;
    // Zero or subnormal: fraction * 2^-24, exact in float.
    const std::uint32_t subnormal = sign | std::bit_cast<std::uint32_t>(static_cast<float>(fraction) * 0x1p-24f);
    const std::uint32_t special = sign | 0x7f800000u | (fraction << 13);
    const std::uint32_t normal = sign | ((exponent + 112) << 23) | (fraction << 13);  // exponent 15 -> 127
    out[i] = std::bit_cast<float>(select(exponent == 0, subnormal, select(exponent == 31, special, normal)));
  }
}

// To nearest, ties to even; >= 65520 rounds to infinity; NaN stays NaN (quiet, sign and
// the payload's top bits kept).
ACTIV_STORAGE16_CLONES void narrow_float16_bits(const float* __restrict in, float16* __restrict out, std::size_t m) {
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(in[i]);
    const std::uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
    const std::uint32_t quiet = sign | 0x7e00u | ((ax >> 13) & 0x3ffu), infinity = sign | 0x7c00u;
    // Below 2^-14 (subnormal half): adding 0.5, whose ULP is 2^-24, rounds |x| to a
    // multiple of 2^-24 (to nearest, ties to even); the count is the half's bits.
    const bool tiny = ax < 0x38800000u;
    const float small = std::bit_cast<float>(select(tiny, ax, 0u));
    const std::uint32_t subnormal = sign | (std::bit_cast<std::uint32_t>(small + 0.5f) - 0x3f000000u);
    // Exponent rebiased from 127 to 15, rounded at 10 fraction bits.
    const std::uint32_t r = ax - 0x38000000u;
    const std::uint32_t normal = sign | ((r + 0xfffu + ((r >> 13) & 1u)) >> 13);
    out[i].bits = static_cast<std::uint16_t>(
        select(ax > 0x7f800000u, quiet, select(ax >= 0x477ff000u, infinity, select(tiny, subnormal, normal))));
  }
}

ACTIV_STORAGE16_CLONES void narrow_bfloat16_bits(const float* __restrict in, bfloat16* __restrict out, std::size_t m) {
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(in[i]);
    const std::uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16, quiet = (x >> 16) | 0x40u;
    out[i].bits = static_cast<std::uint16_t>(select((x & 0x7fffffffu) > 0x7f800000u, quiet, rounded));
  }
}

// Whether any of in[0, m) lies exactly halfway between two float16 values: 65520
// (between 65504 and the overflow); in the normal range, 1 followed by 12 zeros below the
// 10 kept fraction bits; below 2^-14, |x| 2^24 = M 2^(e - 126) with a fraction of
// exactly 1/2, i.e. M's low 126 - e bits are 1 then zeros (never when that exceeds M's
// 24 bits).
ACTIV_STORAGE16_CLONES bool any_float16_midpoint(const float* __restrict in, std::size_t m) {
  std::uint32_t midpoint = 0;  // bitwise, not ||: branch-free so that it vectorises
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint32_t ax = std::bit_cast<std::uint32_t>(in[i]) & 0x7fffffffu;
    const std::uint32_t shift = std::min(126u - std::min(ax >> 23, 126u), 31u);
    const std::uint32_t mantissa = (ax & 0x7fffffu) | 0x800000u;
    const std::uint32_t half_unit = (1u << shift) >> 1;  // 0 when shift == 0
    const std::uint32_t sub_mid = select((mantissa & ((1u << shift) - 1u)) == half_unit, 1u, 0u);
    const std::uint32_t normal_mid = select(((ax - 0x38000000u) & 0x1fffu) == 0x1000u, 1u, 0u);
    midpoint |= select(ax == 0x477ff000u, 1u, 0u) |
                (select(ax >= 0x38800000u, 1u, 0u) & select(ax < 0x477ff000u, 1u, 0u) & normal_mid) |
                (select(ax < 0x38800000u, 1u, 0u) & sub_mid & select(shift > 0u, 1u, 0u));
  }
  return midpoint != 0;
}

// The same for bfloat16: finite, and 1 followed by 15 zeros below the 7 kept bits.
ACTIV_STORAGE16_CLONES bool any_bfloat16_midpoint(const float* __restrict in, std::size_t m) {
  std::uint32_t midpoint = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(in[i]);
    midpoint |= select((x & 0x7f800000u) != 0x7f800000u, 1u, 0u) & select((x & 0xffffu) == 0x8000u, 1u, 0u);
  }
  return midpoint != 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
// F16C (every AVX2 CPU has it) converts 8 lanes in one instruction, rounding to nearest
// even, subnormals kept: the results of the loops above, except that a signalling NaN
// comes back quiet when widened (a NaN is all the kernels need).
[[gnu::target("avx2,f16c")]] void widen_float16_f16c(const float16* in, float* out, std::size_t m) {
  std::size_t i = 0;
  for (; i + 8 <= m; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
  widen_float16_bits(in + i, out + i, m - i);
}

[[gnu::target("avx2,f16c")]] void narrow_float16_f16c(const float* in, float16* out, std::size_t m) {
  std::size_t i = 0;
  for (; i + 8 <= m; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  narrow_float16_bits(in + i, out + i, m - i);
}

// AVX2 (which __builtin_cpu_supports reports only where the OS saves the AVX state) and
// CPUID's F16C bit; clang's __builtin_cpu_supports does not know "f16c".
bool has_f16c() {
  static const bool yes = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    return __builtin_cpu_supports("avx2") && __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C) != 0;
  }();
  return yes;
}
#else
bool has_f16c() { return false; }
void widen_float16_f16c(const float16* in, float* out, std::size_t m) { widen_float16_bits(in, out, m); }
void narrow_float16_f16c(const float* in, float16* out, std::size_t m) { narrow_float16_bits(in, out, m); }
#endif

// d rounded to float toward zero, with the lowest bit set when inexact (round to odd).
float to_float_odd(double d) noexcept {
  float f = static_cast<float>(d);
  if (std::isnan(d) || static_cast<double>(f) == d) return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(d)) f = std::nextafter(f, 0.0f);
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(f) | 1u);
}

}  // namespace

void widen_block(const bfloat16* in, float* out, std::size_t m) {
  for (std::size_t i = 0; i < m; ++i) out[i] = to_float(in[i]);  // a shift: vectorised as it is
}
void widen_block(const float16* in, float* out, std::size_t m) {
  if (has_f16c()) return widen_float16_f16c(in, out, m);
  widen_float16_bits(in, out, m);
}
bool narrow_block(const float* in, bfloat16* out, std::size_t m) {
  narrow_bfloat16_bits(in, out, m);
  return any_bfloat16_midpoint(in, m);
}
bool narrow_block(const float* in, float16* out, std::size_t m) {
  if (has_f16c())
    narrow_float16_f16c(in, out, m);
  else
    narrow_float16_bits(in, out, m);
  return any_float16_midpoint(in, m);
}

}  // namespace activ::detail

namespace activ {

float to_float(float16 h) noexcept {
  float f;
  detail::widen_float16_bits(&h, &f, 1);
  return f;
}
float16 to_float16(float f) noexcept {
  float16 h;
  detail::narrow_float16_bits(&f, &h, 1);
  return h;
}
bfloat16 to_bfloat16(float f) noexcept {
  bfloat16 b;
  detail::narrow_bfloat16_bits(&f, &b, 1);
  return b;
}
float16 to_float16(double d) noexcept { return to_float16(detail::to_float_odd(d)); }
bfloat16 to_bfloat16(double d) noexcept { return to_bfloat16(detail::to_float_odd(d)); }

namespace detail {
namespace {

// Whether float r lies exactly halfway between two values of the storage type H.
bool is_midpoint(float r, float16) { return any_float16_midpoint(&r, 1); }
bool is_midpoint(float r, bfloat16) { return any_bfloat16_midpoint(&r, 1); }

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
      widen_block(x + b, xf, m);
      Slots s = slots;
      s.offset = b;
      k.forward_f32(s, xf, yf, m);
      if (!narrow_block(yf, y + b, m)) continue;
      for (std::size_t i = 0; i < m; ++i) {
        if (!is_midpoint(yf[i], H{})) continue;
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
      widen_block(x + b, xf, m);
      widen_block(dy + b, dyf, m);
      Slots s = slots;
      s.offset = b;
      k.backward_f32(s, xf, dyf, dxf, m);
      if (!narrow_block(dxf, dx + b, m)) continue;
      for (std::size_t i = 0; i < m; ++i) {
        if (!is_midpoint(dxf[i], H{})) continue;
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
