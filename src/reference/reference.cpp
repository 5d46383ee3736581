// The MPFR oracle. Each family is written straight from its definition in MPFR at
// 256 bits (more where x - tanh(x) cancels), independently of the kernels' formulas;
// only exact identities are used to dodge cancellation (x sigma(2u) for
// x (1 + tanh u) / 2, b / (sqrt(x^2 + b) - x) for squareplus at x < 0, sech^2 for
// 1 - tanh^2). Infinite inputs are replaced by +-2^4096, far beyond every finite
// float and double, so that rounding the result gives the mathematical limit with
// its sign.
#include "reference/reference.hpp"

#include <mpfr.h>

#include <cmath>
#include <limits>

#include "catalog/entry.hpp"
#include "kernels/scalar/piecewise.hpp"  // rrelu_noise: the slopes are part of the definition
#include "reference/mpfr_real.hpp"

namespace activ::reference {
namespace {

using detail::Family;
using detail::Slots;

using mpfr::kPrecision;
using mpfr::N;
using mpfr::Real;
using mpfr::logistic;

// Slot values are long doubles holding the parameter exactly (user parameters are
// doubles; the SELU constants are set from their decimal expansions below).
void set_slot(mpfr_ptr r, long double v) { mpfr_set_ld(r, v, N); }

void softplus(mpfr_ptr r, mpfr_srcptr x) {  // log(1 + e^x) = x + log(1 + e^-x)
  Real t;
  mpfr_abs(t, x, N);
  mpfr_neg(t, t, N);
  mpfr_exp(t, t, N);
  mpfr_log1p(t, t, N);
  if (mpfr_sgn(x) > 0) mpfr_add(r, x, t, N);
  else mpfr_set(r, t, N);
}

// The widest exponent range MPFR allows, so that e^x for |x| up to 1e18 neither
// overflows nor underflows in intermediate results.
[[maybe_unused]] const bool kWideRange = [] {
  mpfr_set_emin(mpfr_get_emin_min());
  mpfr_set_emax(mpfr_get_emax_max());
  return true;
}();

// Piecewise families: f or f' from the definitions of ../shared/catalogue.md.
// `lt`, `gt`, `eq` compare with a long double slot exactly.
int cmp(mpfr_srcptr x, long double v) { return mpfr_cmp_ld(x, v); }

void piecewise(Family fam, const Slots& s, reference::What what, mpfr_srcptr x, mpfr_ptr r, std::size_t index) {
  const bool fwd = what == What::forward;
  switch (fam) {
    case Family::linear:
      fwd ? (void)mpfr_set(r, x, N) : (void)mpfr_set_ui(r, 1, N);
      return;
    case Family::relu: {  // slope, max_value, threshold, f'(max_value), f'(threshold)
      const bool has_max = std::isfinite(s[1]);
      if (cmp(x, s[2]) > 0) {
        if (fwd) {
          mpfr_set(r, x, N);
          if (has_max) {
            if (mpfr_sgn(r) < 0) mpfr_set_zero(r, 1);
            if (cmp(r, s[1]) > 0) set_slot(r, s[1]);
          }
        } else {
          if (has_max && (cmp(x, s[1]) > 0 || mpfr_sgn(x) < 0)) mpfr_set_zero(r, 1);
          else if (has_max && cmp(x, s[1]) == 0) set_slot(r, s[3]);
          else mpfr_set_ui(r, 1, N);
        }
        return;
      }
      if (!fwd) return set_slot(r, cmp(x, s[2]) == 0 ? s[4] : s[0]);
      if (s[0] == 0) return mpfr_set_zero(r, 1);
      Real t;
      set_slot(t, s[2]);
      mpfr_sub(t, t, x, N);          // t - x >= 0
      set_slot(r, s[0]);
      mpfr_mul(r, r, t, N);
      mpfr_neg(r, r, N);             // -slope (t - x)
      if (mpfr_zero_p(r)) mpfr_set_zero(r, 1);  // 0 - 0 is +0
      return;
    }
    case Family::clip: {  // lo, hi, f' at the bounds
      const int lo = cmp(x, s[0]), hi = cmp(x, s[1]);
      if (fwd) {
        if (lo < 0) set_slot(r, s[0]);
        else if (hi > 0) set_slot(r, s[1]);
        else mpfr_set(r, x, N);
      } else {
        if (lo > 0 && hi < 0) mpfr_set_ui(r, 1, N);
        else if (lo == 0 || hi == 0) set_slot(r, s[2]);
        else mpfr_set_zero(r, 1);
      }
      return;
    }
    case Family::leaky_relu:
    case Family::rrelu: {
      Real slope, at_zero;
      if (fam == Family::leaky_relu) {
        set_slot(slope, s[0]);
        set_slot(at_zero, s[1]);
      } else if (s[2] == 0) {  // eval mode: (lower + upper) / 2, defined in double
        mpfr_set_d(slope, detail::scalar::Rrelu::eval_slope(s), N);
        mpfr_set(at_zero, slope, N);
      } else {  // training mode: element `index`'s draw
        mpfr_set_d(slope, detail::scalar::rrelu_noise(static_cast<std::uint64_t>(s[3]), index, double(s[0]), double(s[1])), N);
        mpfr_set(at_zero, slope, N);
      }
      if (mpfr_sgn(x) > 0) {
        fwd ? (void)mpfr_set(r, x, N) : (void)mpfr_set_ui(r, 1, N);
      } else if (fwd) {
        mpfr_mul(r, slope, x, N);
      } else {
        mpfr_set(r, mpfr_zero_p(x) ? at_zero : slope, N);
      }
      return;
    }
    case Family::hard_sigmoid: {  // shift, divisor, f' factor at the kinks
      Real lo, hi;
      set_slot(lo, -s[0]);
      set_slot(hi, s[1] - s[0]);
      const int a = mpfr_cmp(x, lo), b = mpfr_cmp(x, hi);
      if (fwd) {
        if (a <= 0) mpfr_set_zero(r, 1);
        else if (b >= 0) mpfr_set_ui(r, 1, N);
        else {
          set_slot(r, s[0]);
          mpfr_add(r, r, x, N);
          Real d;
          set_slot(d, s[1]);
          mpfr_div(r, r, d, N);
        }
      } else {
        Real d;
        set_slot(d, s[1]);
        if (a > 0 && b < 0) mpfr_ui_div(r, 1, d, N);
        else if (a == 0 || b == 0) {
          set_slot(r, s[2]);
          mpfr_div(r, r, d, N);
        } else mpfr_set_zero(r, 1);
      }
      return;
    }
    case Family::hard_swish: {
      if (mpfr_cmp_si(x, -3) <= 0) {
        fwd ? mpfr_set_zero(r, mpfr_signbit(x) ? -1 : 1) : mpfr_set_zero(r, 1);
      } else if (mpfr_cmp_si(x, 3) >= 0) {
        fwd ? (void)mpfr_set(r, x, N) : (void)mpfr_set_ui(r, 1, N);
      } else if (fwd) {
        mpfr_add_ui(r, x, 3, N);
        mpfr_mul(r, r, x, N);
        mpfr_div_ui(r, r, 6, N);
      } else {
        mpfr_mul_2ui(r, x, 1, N);
        mpfr_add_ui(r, r, 3, N);
        mpfr_div_ui(r, r, 6, N);
      }
      return;
    }
    case Family::threshold:
      if (cmp(x, s[0]) > 0) fwd ? (void)mpfr_set(r, x, N) : (void)mpfr_set_ui(r, 1, N);
      else fwd ? set_slot(r, s[1]) : mpfr_set_zero(r, 1);
      return;
    case Family::thresholded_relu:
      if (cmp(x, s[0]) > 0) fwd ? (void)mpfr_set(r, x, N) : (void)mpfr_set_ui(r, 1, N);
      else fwd ? mpfr_set_zero(r, mpfr_signbit(x) ? -1 : 1) : mpfr_set_zero(r, 1);
      return;
    case Family::hard_shrink:
    case Family::soft_shrink: {
      const bool outside = cmp(x, s[0]) > 0 || cmp(x, -s[0]) < 0;
      if (!fwd) return outside ? (void)mpfr_set_ui(r, 1, N) : mpfr_set_zero(r, 1);
      if (!outside) return mpfr_set_zero(r, 1);
      if (fam == Family::hard_shrink) return (void)mpfr_set(r, x, N);
      Real l;
      set_slot(l, s[0]);
      mpfr_sgn(x) > 0 ? mpfr_sub(r, x, l, N) : mpfr_add(r, x, l, N);
      return;
    }
    case Family::sparse_plus:
      if (mpfr_cmp_si(x, -1) <= 0) mpfr_set_zero(r, 1);
      else if (mpfr_cmp_si(x, 1) >= 0) fwd ? (void)mpfr_set(r, x, N) : (void)mpfr_set_ui(r, 1, N);
      else if (fwd) {
        mpfr_add_ui(r, x, 1, N);
        mpfr_sqr(r, r, N);
        mpfr_div_2ui(r, r, 2, N);
      } else {
        mpfr_add_ui(r, x, 1, N);
        mpfr_div_2ui(r, r, 1, N);
      }
      return;
    case Family::sparse_sigmoid: {
      const int a = mpfr_cmp_si(x, -1), b = mpfr_cmp_si(x, 1);
      if (fwd) {
        if (a <= 0) mpfr_set_zero(r, 1);
        else if (b >= 0) mpfr_set_ui(r, 1, N);
        else {
          mpfr_add_ui(r, x, 1, N);
          mpfr_div_2ui(r, r, 1, N);
        }
      } else {
        if (a > 0 && b < 0) mpfr_set_d(r, 0.5, N);
        else if (a == 0 || b == 0) set_slot(r, s[0]);
        else mpfr_set_zero(r, 1);
      }
      return;
    }
    default: break;
  }
}

// Smooth families. Every intermediate has kPrecision bits unless noted.
void smooth(Family fam, const Slots& s, What what, mpfr_srcptr x, mpfr_ptr r) {
  const bool fwd = what == What::forward;
  Real a, b, c;
  switch (fam) {
    case Family::elu: {  // alpha, scale, input divisor, f'(0) from the right
      Real alpha, scale;
      if (s[0] == detail::kSeluAlpha && s[1] == detail::kSeluScale) {
        // SELU's constants are irrational: their decimal expansions, not the long doubles.
        mpfr_set_str(alpha, detail::kSeluAlphaDecimal, 10, N);
        mpfr_set_str(scale, detail::kSeluScaleDecimal, 10, N);
      } else {
        set_slot(alpha, s[0]);
        set_slot(scale, s[1]);
      }
      if (mpfr_sgn(x) > 0 || (!fwd && mpfr_zero_p(x) && s[3] != 0)) {
        fwd ? (void)mpfr_mul(r, scale, x, N) : (void)mpfr_set(r, scale, N);
        return;
      }
      set_slot(a, s[2]);
      mpfr_div(b, x, a, N);  // x / d
      if (fwd) {
        mpfr_expm1(r, b, N);
      } else {
        mpfr_exp(r, b, N);
        mpfr_div(r, r, a, N);
      }
      mpfr_mul(r, r, alpha, N);
      mpfr_mul(r, r, scale, N);
      return;
    }
    case Family::exponential: mpfr_exp(r, x, N); return;
    case Family::log1mexp:
      if (!fwd) {  // 1 / expm1(x)
        mpfr_expm1(a, x, N);
        mpfr_ui_div(r, 1, a, N);
        return;
      }
      // Both forms are exact in MPFR; the split only avoids 1 - e^-x rounding to 1.
      mpfr_neg(a, x, N);
      if (mpfr_cmp_d(x, 0.5) < 0) {
        mpfr_expm1(a, a, N);
        mpfr_neg(a, a, N);
        mpfr_log(r, a, N);
      } else {
        mpfr_exp(a, a, N);
        mpfr_neg(a, a, N);
        mpfr_log1p(r, a, N);
      }
      return;
    case Family::gelu:
      if (s[0] == 0) {
        // Phi(x) = erfc(-x / sqrt 2) / 2
        mpfr_sqrt_ui(a, 2, N);
        mpfr_div(a, x, a, N);
        mpfr_neg(a, a, N);
        mpfr_erfc(b, a, N);
        mpfr_div_2ui(b, b, 1, N);
        if (fwd) return (void)mpfr_mul(r, x, b, N);
        // + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi)
        mpfr_sqr(a, x, N);
        mpfr_div_2ui(a, a, 1, N);
        mpfr_neg(a, a, N);
        mpfr_exp(a, a, N);
        mpfr_const_pi(c, N);
        mpfr_mul_2ui(c, c, 1, N);
        mpfr_sqrt(c, c, N);
        mpfr_div(a, a, c, N);
        mpfr_mul(a, a, x, N);
        mpfr_add(r, b, a, N);
        return;
      } else {
        // u = sqrt(2/pi) (x + 0.044715 x^3); f = x sigma(2u) = x (1 + tanh u) / 2.
        Real k, cubic;
        mpfr_const_pi(k, N);
        mpfr_ui_div(k, 2, k, N);
        mpfr_sqrt(k, k, N);
        mpfr_set_str(cubic, "0.044715", 10, N);
        mpfr_sqr(a, x, N);
        mpfr_mul(b, a, cubic, N);
        mpfr_add_ui(b, b, 1, N);
        mpfr_mul(b, b, x, N);
        mpfr_mul(b, b, k, N);        // u
        mpfr_mul_2ui(b, b, 1, N);    // 2u
        logistic(c, b);              // sigma(2u)
        if (fwd) return (void)mpfr_mul(r, x, c, N);
        // f' = (1 + t)/2 + x/2 (1 - t^2) u', with 1 + t = 2 sigma(2u), 1 - t = 2 sigma(-2u)
        Real d;
        mpfr_neg(d, b, N);
        logistic(d, d);              // sigma(-2u)
        mpfr_mul_ui(a, a, 3, N);
        mpfr_mul(a, a, cubic, N);
        mpfr_add_ui(a, a, 1, N);
        mpfr_mul(a, a, k, N);        // u'
        mpfr_mul(a, a, x, N);
        mpfr_mul(a, a, d, N);
        mpfr_mul_2ui(a, a, 1, N);    // 2 x sigma(-2u) u'
        mpfr_mul(a, a, c, N);
        mpfr_add(r, c, a, N);
        return;
      }
    case Family::sigmoid:
      logistic(a, x);
      if (fwd) return (void)mpfr_set(r, a, N);
      mpfr_neg(b, x, N);
      logistic(b, b);
      mpfr_mul(r, a, b, N);
      return;
    case Family::log_sigmoid:
      mpfr_neg(a, x, N);
      if (fwd) {
        softplus(r, a);
        mpfr_neg(r, r, N);
      } else {
        logistic(r, a);
      }
      return;
    case Family::swish: {  // beta
      set_slot(a, s[0]);
      mpfr_mul(a, a, x, N);  // bx
      logistic(b, a);
      if (fwd) return (void)mpfr_mul(r, x, b, N);
      mpfr_neg(c, a, N);
      logistic(c, c);
      mpfr_mul(c, c, a, N);
      mpfr_add_ui(c, c, 1, N);
      mpfr_mul(r, b, c, N);
      return;
    }
    case Family::softplus: {  // beta, threshold
      set_slot(a, s[0]);
      mpfr_mul(b, a, x, N);  // bx
      if (mpfr_cmp_ld(b, s[1]) > 0) return fwd ? (void)mpfr_set(r, x, N) : (void)mpfr_set_ui(r, 1, N);
      if (!fwd) return logistic(r, b);
      softplus(r, b);
      mpfr_div(r, r, a, N);
      return;
    }
    case Family::mish:
      softplus(a, x);
      mpfr_tanh(a, a, N);  // t
      if (fwd) return (void)mpfr_mul(r, x, a, N);
      mpfr_sqr(b, a, N);
      mpfr_ui_sub(b, 1, b, N);
      logistic(c, x);
      mpfr_mul(b, b, c, N);
      mpfr_mul(b, b, x, N);
      mpfr_add(r, a, b, N);
      return;
    case Family::tanh:
      if (fwd) return (void)mpfr_tanh(r, x, N);
      mpfr_sech(a, x, N);
      mpfr_sqr(r, a, N);
      return;
    case Family::tanh_shrink: {
      if (!fwd) {
        mpfr_tanh(a, x, N);
        mpfr_sqr(r, a, N);
        return;
      }
      // x - tanh(x) ~ x^3/3 cancels 2|log2 |x|| bits: widen by that much.
      const mpfr_exp_t e = mpfr_zero_p(x) ? 0 : mpfr_get_exp(x);
      Real t(kPrecision + (e < 0 ? 3 * -e : 0));
      mpfr_tanh(t, x, N);
      mpfr_sub(r, x, t, N);
      return;
    }
    case Family::softsign:
      mpfr_abs(a, x, N);
      mpfr_add_ui(a, a, 1, N);
      if (fwd) return (void)mpfr_div(r, x, a, N);
      mpfr_sqr(a, a, N);
      mpfr_ui_div(r, 1, a, N);
      return;
    case Family::squareplus: {  // b
      set_slot(c, s[0]);
      mpfr_sqr(a, x, N);
      mpfr_add(a, a, c, N);
      mpfr_sqrt(a, a, N);  // h = sqrt(x^2 + b)
      if (mpfr_sgn(x) >= 0) {
        mpfr_add(b, x, a, N);
      } else {
        mpfr_sub(b, a, x, N);
        mpfr_div(b, c, b, N);
      }
      mpfr_div_2ui(b, b, 1, N);  // f
      if (fwd) return (void)mpfr_set(r, b, N);
      if (mpfr_zero_p(a)) return (void)mpfr_set_d(r, 0.5, N);  // b = 0 at x = 0: mean of the one-sided slopes
      mpfr_div(r, b, a, N);
      return;
    }
    default: break;
  }
}

bool is_piecewise(Family f) {
  switch (f) {
    case Family::linear: case Family::relu: case Family::clip: case Family::leaky_relu: case Family::rrelu:
    case Family::hard_sigmoid: case Family::hard_swish: case Family::threshold: case Family::thresholded_relu:
    case Family::hard_shrink: case Family::soft_shrink: case Family::sparse_plus: case Family::sparse_sigmoid:
      return true;
    default: return false;
  }
}

// Evaluates f or f' at x (a double value, possibly infinite or NaN) into r.
void evaluate(const Activation& act, What what, double xv, std::size_t index, mpfr_ptr r) {
  if (std::isnan(xv)) return mpfr_set_nan(r);
  Real xr;
  mpfr_ptr x = xr;
  if (std::isinf(xv)) mpfr_set_si_2exp(x, xv > 0 ? 1 : -1, 4096, N);
  else mpfr_set_d(x, xv, N);
  mpfr::elementwise(detail::ActivationAccess::entry(act).family, detail::ActivationAccess::slots(act), what, x, r,
                    index);
}

// |got - exact| / ulp for a binary format with `p` bits, smallest normal exponent
// emin (values in [2^emin, 2^(emin+1)) are normal), largest finite `max_finite`.
double ulp_error(mpfr_srcptr exact, double got, int p, int emin, double max_finite, bool rounds_to_inf) {
  if (mpfr_nan_p(exact)) return std::isnan(got) ? 0.0 : std::numeric_limits<double>::infinity();
  if (std::isnan(got)) return std::numeric_limits<double>::infinity();
  if (std::isinf(got)) {
    const bool same = rounds_to_inf && (got > 0) == (mpfr_sgn(exact) > 0);
    return same ? 0.0 : std::numeric_limits<double>::infinity();
  }
  // Exponent of the binade: exact in [2^e, 2^(e+1)), clamped to the normal range and
  // to the top binade for values beyond max_finite.
  long e = emin;
  if (!mpfr_zero_p(exact)) e = std::max<long>(mpfr_get_exp(exact) - 1, emin);
  const long emax = std::ilogb(max_finite);
  e = std::min(e, emax);
  Real diff(kPrecision + 64);
  mpfr_set_d(diff, got, N);
  mpfr_sub(diff, diff, exact, N);
  mpfr_abs(diff, diff, N);
  mpfr_mul_2si(diff, diff, -(e - p + 1), N);
  return mpfr_get_d(diff, MPFR_RNDU);
}

// Correctly rounds r to a binary format with p bits, smallest exponent emin of a
// subnormal's unit (2^emin is the smallest positive value) and overflow beyond
// 2^emax; returns it as a double (exact for float and double targets).
double round_to_format(mpfr_srcptr r, mpfr_prec_t p, mpfr_exp_t emin, mpfr_exp_t emax) {
  if (mpfr_nan_p(r)) return std::numeric_limits<double>::quiet_NaN();
  const mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
  // MPFR exponents: x = m * 2^e with 1/2 <= m < 1, so the smallest subnormal 2^emin
  // has MPFR exponent emin + 1, and 2^emax overflows.
  mpfr_set_emin(emin + 1);
  mpfr_set_emax(emax);
  Real t(p);
  int inexact = mpfr_set(t, r, N);
  inexact = mpfr_check_range(t, inexact, N);
  mpfr_subnormalize(t, inexact, N);
  const double out = mpfr_get_d(t, N);
  mpfr_set_emin(old_min);
  mpfr_set_emax(old_max);
  return out;
}
float to_float(mpfr_srcptr r) { return static_cast<float>(round_to_format(r, 24, -149, 128)); }
double to_double(mpfr_srcptr r) { return round_to_format(r, 53, -1074, 1024); }

}  // namespace

namespace mpfr {

void logistic(mpfr_ptr r, mpfr_srcptr x) {
  mpfr_neg(r, x, N);
  mpfr_exp(r, r, N);
  mpfr_add_ui(r, r, 1, N);
  mpfr_ui_div(r, 1, r, N);
}

void elementwise(Family family, const Slots& slots, What what, mpfr_srcptr x, mpfr_ptr r, std::size_t index) {
  if (is_piecewise(family)) return piecewise(family, slots, what, x, r, index);
  smooth(family, slots, what, x, r);
}

}  // namespace mpfr

float exact_f32(const Activation& a, What what, float x, std::size_t index) {
  Real r;
  evaluate(a, what, x, index, r);
  return to_float(r);
}

double exact_f64(const Activation& a, What what, double x, std::size_t index) {
  Real r;
  evaluate(a, what, x, index, r);
  return to_double(r);
}

double ulp_error_f32(const Activation& a, What what, float x, float got, std::size_t index) {
  Real r;
  evaluate(a, what, x, index, r);
  const bool to_inf = std::isinf(to_float(r));
  return ulp_error(r, got, 24, -126, std::numeric_limits<float>::max(), to_inf);
}

double ulp_error_f64(const Activation& a, What what, double x, double got, std::size_t index) {
  Real r;
  evaluate(a, what, x, index, r);
  const bool to_inf = std::isinf(to_double(r));
  return ulp_error(r, got, 53, -1022, std::numeric_limits<double>::max(), to_inf);
}

}  // namespace activ::reference
