// float16 and bfloat16 storage: the conversions, and every elementwise catalogue entry
// over all 65536 values of each format, forward and derivative (dy = 1), against the
// float64 kernel's result rounded once to the format by MPFR (the float64 path is itself
// checked against the MPFR oracle in test_accuracy). Piecewise-linear entries must be
// bit-exact, the others within 1 ULP of the format; the mismatches are counted.
#include <gtest/gtest.h>
#include <mpfr.h>

#include <activ/activ.hpp>

#include "kernels/storage16.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <algorithm>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

using activ::bfloat16;
using activ::float16;

struct Format {
  mpfr_prec_t precision;
  mpfr_exp_t emin, emax;  // MPFR's convention: x = m 2^e, m in [1/2, 1); emin for subnormals
};
constexpr Format kHalf{11, -23, 16};
constexpr Format kBfloat{8, -132, 128};

// d rounded once to the format (to nearest, ties to even, with subnormals and overflow).
double round_to(const Format& f, double d) {
  if (std::isnan(d) || std::isinf(d) || d == 0) return d;
  const mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
  mpfr_set_emin(f.emin);
  mpfr_set_emax(f.emax);
  mpfr_t t;
  mpfr_init2(t, f.precision);
  const int inexact = mpfr_set_d(t, d, MPFR_RNDN);
  mpfr_subnormalize(t, inexact, MPFR_RNDN);
  const double r = mpfr_get_d(t, MPFR_RNDN);
  mpfr_clear(t);
  mpfr_set_emin(old_min);
  mpfr_set_emax(old_max);
  return r;
}

float widen(float16 h) { return activ::to_float(h); }
float widen(bfloat16 b) { return activ::to_float(b); }
const Format& format_of(float16*) { return kHalf; }
const Format& format_of(bfloat16*) { return kBfloat; }

template <class H>
std::vector<H> all_values() {
  std::vector<H> v(65536);
  for (std::uint32_t i = 0; i < 65536; ++i) v[i].bits = static_cast<std::uint16_t>(i);
  return v;
}

TEST(Float16, WideningAndNarrowingRoundTripEveryValue) {
  for (const float16 h : all_values<float16>()) {
    const float f = activ::to_float(h);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(activ::to_float(activ::to_float16(f))));
      continue;
    }
    EXPECT_EQ(activ::to_float16(f), h) << std::hex << h.bits;
    EXPECT_EQ(activ::to_float16(static_cast<double>(f)), h) << std::hex << h.bits;
  }
  for (const bfloat16 b : all_values<bfloat16>()) {
    const float f = activ::to_float(b);
    if (std::isnan(f)) continue;
    EXPECT_EQ(activ::to_bfloat16(f), b) << std::hex << b.bits;
    EXPECT_EQ(activ::to_bfloat16(static_cast<double>(f)), b) << std::hex << b.bits;
  }
}

// Whether |f| lies exactly halfway between two adjacent values of the 16-bit type (65520,
// halfway between float16's largest finite value and 65536, counts: it rounds to inf).
template <class H>
bool is_midpoint_of(float f) {
  const float a = std::fabs(f);
  if (!std::isfinite(a)) return false;
  if constexpr (std::is_same_v<H, float16>) {
    if (a == 65520.0f) return true;
  }
  const H r = [&] {
    if constexpr (std::is_same_v<H, float16>) return activ::to_float16(a);
    else return activ::to_bfloat16(a);
  }();
  const float near = activ::to_float(r);
  if (near == a || std::isinf(near)) return false;
  H other = r;
  other.bits = static_cast<std::uint16_t>(near < a ? r.bits + 1 : r.bits - 1);
  return 2.0 * static_cast<double>(a) == static_cast<double>(near) + static_cast<double>(activ::to_float(other));
}

// The vectorised block conversions of the 16-bit kernels (F16C for float16 where the CPU
// has it): every 16-bit value widened (against the scalar widening), and every 1021st
// float32 bit pattern plus every pattern around float16's subnormal, normal and overflow
// thresholds narrowed (against MPFR's rounding), with the midpoint flag.
template <class H>
void check_block_conversions() {
  const std::vector<H> all = all_values<H>();
  std::vector<float> wide(all.size());
  activ::detail::widen_block(all.data(), wide.data(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const float want = activ::to_float(all[i]);
    if (std::isnan(want)) {  // F16C quiets signalling NaNs; a NaN is all the kernels need
      EXPECT_TRUE(std::isnan(wide[i])) << std::hex << all[i].bits;
      continue;
    }
    EXPECT_EQ(std::bit_cast<std::uint32_t>(wide[i]), std::bit_cast<std::uint32_t>(want)) << std::hex << all[i].bits;
  }
  std::vector<float> x;
  for (std::uint64_t b = 0; b <= 0xffffffffu; b += 1021) x.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(b)));
  for (const std::uint32_t edge : {0x33800000u, 0x38800000u, 0x477ff000u, 0x3f800000u})
    for (std::uint32_t d = 0; d < 8192; ++d) x.push_back(std::bit_cast<float>(edge - 4096 + d));
  // Narrowed as one block (the vector paths), then the midpoint flag per 16 elements.
  std::vector<H> narrow(x.size());
  activ::detail::narrow_block(x.data(), narrow.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float f = x[i], got = activ::to_float(narrow[i]);
    const float want = static_cast<float>(round_to(format_of(static_cast<H*>(nullptr)), f));  // MPFR
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(got)) << f;
    } else {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(got), std::bit_cast<std::uint32_t>(want)) << std::hexfloat << f;
    }
  }
  std::size_t midpoints = 0;
  for (std::size_t i = 0; i + 16 <= x.size(); i += 16) {
    bool any = false;
    for (std::size_t j = i; j < i + 16; ++j) {
      const bool mid = is_midpoint_of<H>(x[j]);
      any |= mid;
      midpoints += mid;
    }
    EXPECT_EQ(activ::detail::narrow_block(&x[i], &narrow[i], 16), any) << std::hexfloat << x[i];
  }
  EXPECT_GT(midpoints, 30u);  // the sample does contain midpoints
  // A block flags when any of its elements is one.
  std::vector<float> block(1000, 1.0f);
  std::vector<H> out(block.size());
  EXPECT_FALSE(activ::detail::narrow_block(block.data(), out.data(), block.size()));
  block[777] = std::is_same_v<H, float16> ? 0x1.002p0f : 0x1.01p0f;
  EXPECT_TRUE(activ::detail::narrow_block(block.data(), out.data(), block.size()));
}

TEST(Float16, BlockConversionsRoundAsMpfr) { check_block_conversions<float16>(); }
TEST(Float16, BlockConversionsRoundAsMpfrBfloat16) { check_block_conversions<bfloat16>(); }

TEST(Float16, NarrowingRoundsToNearestEven) {
  // Every 4099th float bit pattern plus the edges: ties, overflow, subnormals, NaN.
  std::vector<float> x;
  for (std::uint64_t b = 0; b <= 0xffffffffu; b += 4099) x.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(b)));
  for (float v : {65504.0f, 65519.99f, 65520.0f, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1p-14f, 0x1.002p0f, 0x1.006p0f,
                  0x1.01p0f, 0x1.03p0f, 3.3895314e38f, 3.4028235e38f, INFINITY, 1e-45f})
    for (float s : {1.0f, -1.0f}) x.push_back(s * v);
  for (const float f : x) {
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(activ::to_float(activ::to_float16(f))));
      EXPECT_TRUE(std::isnan(activ::to_float(activ::to_bfloat16(f))));
      continue;
    }
    const float h = activ::to_float(activ::to_float16(f)), b = activ::to_float(activ::to_bfloat16(f));
    EXPECT_EQ(std::bit_cast<std::uint32_t>(h), std::bit_cast<std::uint32_t>(static_cast<float>(round_to(kHalf, f))))
        << f;
    EXPECT_EQ(std::bit_cast<std::uint32_t>(b), std::bit_cast<std::uint32_t>(static_cast<float>(round_to(kBfloat, f))))
        << f;
  }
  // From double: once, not through float (0x1.002p0 + 2^-40 is above the half tie 0x1.002p0).
  EXPECT_EQ(activ::to_float(activ::to_float16(0x1.002p0 + 0x1p-40)), 0x1.004p0f);
  EXPECT_EQ(activ::to_float(activ::to_float16(0x1.002p0f)), 1.0f);
}

// The spec each entry is checked with (required parameters get example values).
std::string spec_of(const activ::FunctionInfo& f) {
  std::string args;
  for (const activ::ParamInfo& p : f.params)
    if (p.required) args += (args.empty() ? "" : ", ") + std::string(p.name) + (p.name == "threshold" ? "=0.5" : "=-2");
  return args.empty() ? std::string(f.name) : std::string(f.name) + "(" + args + ")";
}

template <class H>
void check_every_value(const activ::Activation& a) {
  const std::vector<H> x = all_values<H>();
  const H one{static_cast<std::uint16_t>(std::is_same_v<H, float16> ? 0x3c00 : 0x3f80)};  // 1.0
  const std::vector<H> ones(x.size(), one);
  std::vector<H> y(x.size()), dx(x.size());
  a.forward(std::span<const H>(x), std::span<H>(y));
  a.backward(std::span<const H>(x), std::span<const H>(ones), std::span<H>(dx));
  std::vector<double> xd(x.size()), yd(x.size()), dd(x.size()), one_d(x.size(), 1.0);
  for (std::size_t i = 0; i < x.size(); ++i) xd[i] = widen(x[i]);
  a.forward(std::span<const double>(xd), std::span<double>(yd));
  a.backward(std::span<const double>(xd), std::span<const double>(one_d), std::span<double>(dd));
  const Format& fmt = format_of(static_cast<H*>(nullptr));
  const bool exact = a.info().piecewise_linear;
  int mismatches[2] = {0, 0};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const H got[2] = {y[i], dx[i]};
    const double want[2] = {round_to(fmt, yd[i]), round_to(fmt, dd[i])};
    for (int k = 0; k < 2; ++k) {
      const float g = widen(got[k]);
      const auto w = static_cast<float>(want[k]);
      if (std::isnan(w) || std::isnan(g)) {
        EXPECT_EQ(std::isnan(w), std::isnan(g)) << a.to_string() << (k ? " f'" : " f") << "(" << xd[i] << ")";
        continue;
      }
      // The sign of a zero counts at x = +-0 (elu(-0) = -0, a convention); elsewhere a
      // result that underflows may be either zero, as in the float32 sweeps.
      if (g == w && (std::signbit(g) == std::signbit(w) || xd[i] != 0)) continue;
      ++mismatches[k];
      // One step of the format apart at most (not for piecewise-linear entries: exact).
      const H next_up{static_cast<std::uint16_t>(got[k].bits + 1)}, next_down{static_cast<std::uint16_t>(got[k].bits - 1)};
      const bool adjacent = widen(next_up) == w || widen(next_down) == w;
      EXPECT_TRUE(!exact && adjacent) << a.to_string() << (k ? " f'" : " f") << "(" << xd[i] << ") = " << g
                                      << ", correctly rounded " << w;
    }
  }
  if (mismatches[0] + mismatches[1] > 0)
    std::printf("  %s: %d forward, %d derivative values one step off\n", a.to_string().c_str(), mismatches[0],
                mismatches[1]);
}

TEST(Float16, EveryEntryOverEveryHalfValue) {
  for (const activ::FunctionInfo& f : activ::catalog())
    if (f.kind == activ::Kind::elementwise && f.framework == activ::Framework::activ)
      check_every_value<float16>(activ::parse(spec_of(f)));
}

TEST(Float16, EveryEntryOverEveryBfloat16Value) {
  for (const activ::FunctionInfo& f : activ::catalog())
    if (f.kind == activ::Kind::elementwise && f.framework == activ::Framework::activ)
      check_every_value<bfloat16>(activ::parse(spec_of(f)));
}

TEST(Float16, InPlaceThreadsAndErrors) {
  const activ::Activation gelu = activ::parse("gelu");
  std::vector<bfloat16> x(200000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = activ::to_bfloat16(static_cast<float>(i) * 1e-4f - 10.0f);
  std::vector<bfloat16> y1(x.size()), y2(x.size()), in_place = x;
  activ::set_num_threads(1);
  gelu.forward(std::span<const bfloat16>(x), std::span<bfloat16>(y1));
  activ::set_num_threads(2);
  gelu.forward(std::span<const bfloat16>(x), std::span<bfloat16>(y2));
  gelu.forward(std::span<const bfloat16>(in_place), std::span<bfloat16>(in_place));
  activ::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(y1, y2);
  EXPECT_EQ(y1, in_place);

  std::vector<float16> h(4, activ::to_float16(1.0f)), out(3, float16{0x1234});
  EXPECT_THROW(activ::parse("relu").forward(std::span<const float16>(h), std::span<float16>(out)), std::invalid_argument);
  EXPECT_EQ(out[0].bits, 0x1234);
  std::vector<float16> row(4);
  try {
    activ::parse("softmax").forward(std::span<const float16>(h), std::span<float16>(row));
    ADD_FAILURE() << "softmax on float16 did not throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("16-bit storage is for elementwise functions"), std::string::npos) << e.what();
  }
}

}  // namespace
