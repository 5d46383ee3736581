// How `activ verify` scores one float32 result against the float64 reference: the
// error in float32 ULP at the reference value, and whether a piecewise-linear result is
// the reference rounded to float. Header-only so tests/verify/ can check it alone.
#pragma once

#include <cmath>
#include <limits>

namespace activ::cli::verify {

enum class Mismatch {
  none,
  nan,  // exactly one side is NaN
  inf,  // one side is infinite and the other is not (or the other infinity)
};

struct Score {
  double ulp = 0;  // +inf for a mismatch
  Mismatch mismatch = Mismatch::none;
};

// The spacing of float32 at the value r (a double): 2^-149 below the normal range, the
// spacing of the top binade (2^104) at and above 2^127, which covers values past
// FLT_MAX that still round to FLT_MAX.
inline double f32_ulp_at(double r) {
  const double a = std::fabs(r);
  if (a < 0x1p-126) return 0x1p-149;
  if (a >= 0x1p127) return 0x1p104;
  int e = 0;
  std::frexp(a, &e);  // a = m * 2^e with m in [0.5, 1): the binade is 2^(e-1)
  return std::ldexp(1.0, e - 1 - 23);
}

// |got - ref| in float32 ULP at ref. NaN must meet NaN; an infinity must meet the same
// infinity, where the reference "is infinite" when it rounds to infinity in float32
// (a finite double beyond FLT_MAX + half an ULP): a finite result there, or an
// infinite result where the reference rounds to a finite float, is a mismatch. +0 and
// -0 are equal. The reference's own error (float64, within 1 ULP of double) moves the
// score by at most about 2^-29 ULP.
inline Score score_f32(float got, double ref) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const bool got_nan = std::isnan(got), ref_nan = std::isnan(ref);
  if (got_nan || ref_nan) return got_nan && ref_nan ? Score{} : Score{kInf, Mismatch::nan};
  const float rounded = static_cast<float>(ref);
  if (std::isinf(rounded) || std::isinf(got))
    return rounded == got ? Score{} : Score{kInf, Mismatch::inf};
  return {std::fabs(static_cast<double>(got) - ref) / f32_ulp_at(ref), Mismatch::none};
}

// For piecewise-linear entries, which must be exact.
enum class Exactness {
  exact,     // got is ref rounded to float (or both NaN; +0 == -0)
  tie,       // ref is exactly halfway between two floats and got is one of them: the
             // float64 reference cannot say which is right (rounding to double may have
             // made the tie), even when got is the tie rounded to even; the caller asks
             // the MPFR oracle
  inexact,   // anything else
};

inline Exactness exactness_f32(float got, double ref) {
  if (std::isnan(got) || std::isnan(ref)) return std::isnan(got) && std::isnan(ref) ? Exactness::exact : Exactness::inexact;
  const float rounded = static_cast<float>(ref);
  if (std::isinf(ref) || std::isinf(got) || static_cast<double>(rounded) == ref)
    return got == rounded ? Exactness::exact : Exactness::inexact;
  // The other float next to ref, on ref's side of `rounded`. When ref is exactly their
  // midpoint (two adjacent floats sum exactly in double), either may be right: the
  // exact value may lie on either side of the tie that rounding to double produced.
  const float other = std::nextafter(rounded, ref > static_cast<double>(rounded) ? std::numeric_limits<float>::infinity()
                                                                                  : -std::numeric_limits<float>::infinity());
  const bool tie = !std::isinf(other) && (static_cast<double>(rounded) + static_cast<double>(other)) / 2 == ref;
  if (tie && (got == rounded || got == other)) return Exactness::tie;
  return got == rounded ? Exactness::exact : Exactness::inexact;
}

}  // namespace activ::cli::verify
